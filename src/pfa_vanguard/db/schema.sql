CREATE SEQUENCE public.pfa_mirror_change_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;
CREATE TABLE public.pfa_mirror (
    organization_id bigint NOT NULL,
    id text NOT NULL,
    doc jsonb CONSTRAINT pfa_mirror_data_not_null NOT NULL,
    pems_version bigint NOT NULL,
    pems_modified_at timestamp with time zone,
    last_synced_at timestamp with time zone DEFAULT now() NOT NULL,
    change_seq bigint DEFAULT nextval('public.pfa_mirror_change_seq'::regclass) NOT NULL,
    category text,
    forecast_category text,
    source text,
    dor text,
    area_silo text,
    original_start date,
    original_end date,
    forecast_start date,
    forecast_end date,
    actual_start date,
    actual_end date,
    monthly_rate numeric,
    purchase_price numeric,
    is_actualized boolean,
    is_discontinued boolean,
    is_funds_transferable boolean,
    plan_cost numeric,
    forecast_cost numeric,
    actual_cost numeric,
    compact boolean DEFAULT false NOT NULL
)
PARTITION BY HASH (organization_id);
CREATE FUNCTION public.data(m public.pfa_mirror) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT CASE WHEN m.compact
        THEN m.doc || pfa_mirror_fields(
            m.id, m.category, m.forecast_category, m.source, m.dor, m.area_silo,
            m.original_start, m.original_end, m.forecast_start, m.forecast_end,
            m.actual_start, m.actual_end, m.monthly_rate, m.purchase_price,
            m.is_actualized, m.is_discontinued, m.is_funds_transferable)
        ELSE m.doc
    END
$$;
CREATE TABLE public.pfa_mirror_archive (
    organization_id bigint NOT NULL,
    id text NOT NULL,
    doc jsonb NOT NULL,
    compact boolean NOT NULL,
    pems_version bigint NOT NULL,
    pems_modified_at timestamp with time zone,
    last_synced_at timestamp with time zone NOT NULL,
    archived_at timestamp with time zone DEFAULT now() NOT NULL,
    category text,
    forecast_category text,
    source text,
    dor text,
    area_silo text,
    original_start date,
    original_end date,
    forecast_start date,
    forecast_end date,
    actual_start date,
    actual_end date,
    monthly_rate numeric,
    purchase_price numeric,
    is_actualized boolean,
    is_discontinued boolean,
    is_funds_transferable boolean,
    plan_cost numeric,
    forecast_cost numeric,
    actual_cost numeric
);
CREATE FUNCTION public.data(a public.pfa_mirror_archive) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT CASE WHEN a.compact
        THEN a.doc || pfa_mirror_fields(
            a.id, a.category, a.forecast_category, a.source, a.dor, a.area_silo,
            a.original_start, a.original_end, a.forecast_start, a.forecast_end,
            a.actual_start, a.actual_end, a.monthly_rate, a.purchase_price,
            a.is_actualized, a.is_discontinued, a.is_funds_transferable)
        ELSE a.doc
    END
$$;
CREATE FUNCTION public.pfa_ai_allowed_functions() RETURNS SETOF regprocedure
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog'
    AS $$
    WITH value_types AS (
        SELECT t::regtype::oid AS oid
        FROM unnest(ARRAY['boolean', 'smallint', 'integer', 'bigint', 'numeric', 'real',
                          'double precision', 'text', 'text[]', 'character varying',
                          'character', 'date', 'time without time zone',
                          'timestamp without time zone', 'timestamp with time zone',
                          'interval', 'jsonb', 'pg_lsn']) AS t
    )
    SELECT p.oid::regprocedure
    FROM pg_proc p
    WHERE p.pronamespace = 'pg_catalog'::regnamespace
      AND p.proname = ANY (ARRAY[
          -- the guard's functions
          'count', 'sum', 'avg', 'min', 'max', 'stddev', 'stddev_pop', 'stddev_samp',
          'variance', 'var_pop', 'var_samp', 'bool_and', 'bool_or', 'every', 'string_agg',
          'percentile_cont', 'percentile_disc', 'mode',
          'row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile', 'lag',
          'lead', 'first_value', 'last_value',
          'date_trunc', 'date_part', 'extract', 'age', 'make_date', 'make_interval', 'to_char',
          'to_date', 'now', 'date_bin', 'justify_days', 'justify_interval', 'isfinite',
          'timezone',
          'abs', 'round', 'ceil', 'ceiling', 'floor', 'trunc', 'sign', 'sqrt', 'power', 'mod',
          'div', 'ln', 'log', 'log10', 'width_bucket',
          'lower', 'upper', 'initcap', 'length', 'char_length', 'character_length',
          'substring', 'substr', 'btrim', 'ltrim', 'rtrim', 'concat', 'concat_ws', 'left',
          'right', 'position', 'strpos', 'replace', 'split_part', 'starts_with',
          -- run by the view's parsers (pfa_to_date, pfa_to_numeric, pfa_to_bool)
          'jsonb_typeof', 'translate', 'pg_input_is_valid',
          -- run by the executor: the answer's byte bound, a replica's replay position
          'octet_length', 'pg_last_wal_replay_lsn'])
    UNION
    SELECT o.oprcode::regprocedure
    FROM pg_operator o
    WHERE o.oprnamespace = 'pg_catalog'::regnamespace
      AND (o.oprleft = 0 OR o.oprleft IN (SELECT oid FROM value_types))
      AND o.oprright IN (SELECT oid FROM value_types)
    UNION
    SELECT c.castfunc::regprocedure
    FROM pg_cast c
    WHERE c.castfunc <> 0
      AND c.castsource IN (SELECT oid FROM value_types)
      AND c.casttarget IN (SELECT oid FROM value_types)
    UNION
    SELECT p.oid::regprocedure
    FROM pg_proc p
    WHERE p.pronamespace = 'public'::regnamespace
      AND p.provolatile = 'i' AND NOT p.prosecdef AND p.prokind = 'f'
$$;
CREATE FUNCTION public.pfa_ai_answer_within(total_bytes bigint, max_bytes bigint) RETURNS boolean
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF total_bytes > max_bytes THEN
        RAISE EXCEPTION 'the answer is larger than % bytes', max_bytes
            USING ERRCODE = 'PFA01';
    END IF;
    RETURN true;
END
$$;
CREATE FUNCTION public.pfa_mirror_compact() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
        DECLARE
            whole jsonb := NEW.doc;
        BEGIN
            IF TG_OP = 'INSERT' AND NEW.compact THEN
                RETURN NEW;  -- already compact, typed columns given (a restore, a sync's stage)
            ELSIF TG_OP = 'UPDATE' AND NEW.doc IS NOT DISTINCT FROM OLD.doc THEN
                RETURN NEW;
            END IF;
            NEW.category := whole ->> 'category';
            NEW.forecast_category := whole ->> 'forecastCategory';
            NEW.source := whole ->> 'source';
            NEW.dor := whole ->> 'dor';
            NEW.area_silo := whole ->> 'areaSilo';
            NEW.original_start := public.pfa_to_date(whole -> 'originalStart');
            NEW.original_end := public.pfa_to_date(whole -> 'originalEnd');
            NEW.forecast_start := public.pfa_to_date(whole -> 'forecastStart');
            NEW.forecast_end := public.pfa_to_date(whole -> 'forecastEnd');
            NEW.actual_start := public.pfa_to_date(whole -> 'actualStart');
            NEW.actual_end := public.pfa_to_date(whole -> 'actualEnd');
            NEW.monthly_rate := public.pfa_to_numeric(whole -> 'monthlyRate');
            NEW.purchase_price := public.pfa_to_numeric(whole -> 'purchasePrice');
            NEW.is_actualized := public.pfa_to_bool(whole -> 'isActualized');
            NEW.is_discontinued := public.pfa_to_bool(whole -> 'isDiscontinued');
            NEW.is_funds_transferable := public.pfa_to_bool(whole -> 'isFundsTransferable');
            NEW.plan_cost := public.pfa_window_cost(NEW.source, NEW.original_start,
                NEW.original_end, NEW.monthly_rate, NEW.purchase_price);
            NEW.forecast_cost := public.pfa_window_cost(NEW.source, NEW.forecast_start,
                NEW.forecast_end, NEW.monthly_rate, NEW.purchase_price);
            NEW.actual_cost := public.pfa_window_cost(NEW.source, NEW.actual_start,
                NEW.actual_end, NEW.monthly_rate, NEW.purchase_price);
            -- Compact when the typed columns give every one of their keys back exactly (what
            -- data(pfa_mirror) rebuilds: each typed value written as JSON, null as null).
            NEW.compact := coalesce(whole ?& public.pfa_mirror_field_keys()
                AND whole -> 'pfaId' = to_jsonb(NEW.id)
                AND whole -> 'category' = coalesce(to_jsonb(NEW.category), 'null')
                AND whole -> 'forecastCategory'
                    = coalesce(to_jsonb(NEW.forecast_category), 'null')
                AND whole -> 'source' = coalesce(to_jsonb(NEW.source), 'null')
                AND whole -> 'dor' = coalesce(to_jsonb(NEW.dor), 'null')
                AND whole -> 'areaSilo' = coalesce(to_jsonb(NEW.area_silo), 'null')
                AND whole -> 'originalStart' = coalesce(to_jsonb(NEW.original_start), 'null')
                AND whole -> 'originalEnd' = coalesce(to_jsonb(NEW.original_end), 'null')
                AND whole -> 'forecastStart' = coalesce(to_jsonb(NEW.forecast_start), 'null')
                AND whole -> 'forecastEnd' = coalesce(to_jsonb(NEW.forecast_end), 'null')
                AND whole -> 'actualStart' = coalesce(to_jsonb(NEW.actual_start), 'null')
                AND whole -> 'actualEnd' = coalesce(to_jsonb(NEW.actual_end), 'null')
                AND whole -> 'monthlyRate' = coalesce(to_jsonb(NEW.monthly_rate), 'null')
                AND whole -> 'purchasePrice' = coalesce(to_jsonb(NEW.purchase_price), 'null')
                AND whole -> 'isActualized' = coalesce(to_jsonb(NEW.is_actualized), 'null')
                AND whole -> 'isDiscontinued' = coalesce(to_jsonb(NEW.is_discontinued), 'null')
                AND whole -> 'isFundsTransferable'
                    = coalesce(to_jsonb(NEW.is_funds_transferable), 'null'), false);
            IF NEW.compact THEN
                NEW.doc := whole - public.pfa_mirror_field_keys();
            END IF;
            RETURN NEW;
        END;
        $$;
CREATE FUNCTION public.pfa_mirror_field_keys() RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
            SELECT ARRAY['pfaId', 'category', 'forecastCategory', 'source', 'dor', 'areaSilo',
                         'originalStart', 'originalEnd', 'forecastStart', 'forecastEnd',
                         'actualStart', 'actualEnd', 'monthlyRate', 'purchasePrice',
                         'isActualized', 'isDiscontinued', 'isFundsTransferable']
        $$;
CREATE FUNCTION public.pfa_mirror_fields(pfa_id text, category text, forecast_category text, source text, dor text, area_silo text, original_start date, original_end date, forecast_start date, forecast_end date, actual_start date, actual_end date, monthly_rate numeric, purchase_price numeric, is_actualized boolean, is_discontinued boolean, is_funds_transferable boolean) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
            SELECT jsonb_build_object(
                'pfaId', pfa_id, 'category', category, 'forecastCategory', forecast_category,
                'source', source, 'dor', dor, 'areaSilo', area_silo,
                'originalStart', original_start, 'originalEnd', original_end,
                'forecastStart', forecast_start, 'forecastEnd', forecast_end,
                'actualStart', actual_start, 'actualEnd', actual_end,
                'monthlyRate', monthly_rate, 'purchasePrice', purchase_price,
                'isActualized', is_actualized, 'isDiscontinued', is_discontinued,
                'isFundsTransferable', is_funds_transferable)
        $$;
CREATE FUNCTION public.pfa_mirror_order_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF current_setting('pfa.change_order_org', true) IS DISTINCT FROM NEW.organization_id::text
    THEN
        PERFORM 1 FROM organizations WHERE id = NEW.organization_id FOR NO KEY UPDATE;
        PERFORM set_config('pfa.change_order_org', NEW.organization_id::text, true);
    END IF;
    NEW.change_seq := nextval('pfa_mirror_change_seq');
    RETURN NEW;
END;
$$;
CREATE FUNCTION public.pfa_mirror_summaries() RETURNS trigger
    LANGUAGE plpgsql
    AS $_$
DECLARE
    parts text[] := '{}';
    touched bigint[];
    columns constant text :=
        'organization_id, category, source, is_discontinued, is_funds_transferable, '
        'plan_cost, forecast_cost, actual_cost';
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        parts := parts || format('SELECT %s, 1 AS sign FROM pfa_mirror_added', columns);
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        parts := parts || format('SELECT %s, -1 AS sign FROM pfa_mirror_gone', columns);
    END IF;
    EXECUTE format($sql$
        WITH changed AS (%s),
        delta AS (
            SELECT organization_id, coalesce(category, '') AS category,
                   coalesce(source, '') AS source, sum(sign) AS n,
                   sum(sign * plan_cost) AS plan, sum(sign * forecast_cost) AS forecast,
                   sum(sign * actual_cost) AS actual
            FROM changed
            WHERE NOT is_discontinued AND NOT is_funds_transferable
            GROUP BY 1, 2, 3
        ),
        applied AS (
            INSERT INTO pfa_kpi_totals AS k
                (organization_id, category, source, record_count, total_plan_cost,
                 total_forecast_cost, total_actual_cost)
            SELECT * FROM delta ORDER BY 1, 2, 3
            ON CONFLICT (organization_id, category, source) DO UPDATE
            SET record_count = k.record_count + excluded.record_count,
                total_plan_cost = k.total_plan_cost + excluded.total_plan_cost,
                total_forecast_cost = k.total_forecast_cost + excluded.total_forecast_cost,
                total_actual_cost = k.total_actual_cost + excluded.total_actual_cost
            WHERE (excluded.record_count, excluded.total_plan_cost, excluded.total_forecast_cost,
                   excluded.total_actual_cost) IS DISTINCT FROM (0, 0, 0, 0)
        )
        SELECT coalesce(array_agg(DISTINCT organization_id), '{}') FROM changed
        $sql$, array_to_string(parts, ' UNION ALL '))
    INTO touched;
    IF cardinality(touched) > 0 THEN
        DELETE FROM pfa_kpi_totals WHERE organization_id = ANY (touched) AND record_count = 0;
        PERFORM pfa_refresh_bounds(touched);
    END IF;
    RETURN NULL;
END;
$_$;
CREATE FUNCTION public.pfa_mirror_summaries_truncated() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    DELETE FROM pfa_kpi_totals;
    DELETE FROM pfa_org_bounds;
    RETURN NULL;
END;
$$;
CREATE FUNCTION public.pfa_recompute_summaries(org bigint) RETURNS void
    LANGUAGE sql
    AS $$
    DELETE FROM pfa_kpi_totals WHERE organization_id = org;
    INSERT INTO pfa_kpi_totals
        (organization_id, category, source, record_count, total_plan_cost,
         total_forecast_cost, total_actual_cost)
    SELECT organization_id, coalesce(category, ''), coalesce(source, ''), count(*),
           sum(plan_cost), sum(forecast_cost), sum(actual_cost)
    FROM pfa_mirror
    WHERE organization_id = org AND NOT is_discontinued AND NOT is_funds_transferable
    GROUP BY 1, 2, 3;
    SELECT pfa_refresh_bounds(ARRAY[org]);
$$;
CREATE FUNCTION public.pfa_record_window_cost(data jsonb, start_key text, end_key text) RETURNS numeric
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    AS $$
        BEGIN
            RETURN public.pfa_window_cost(data ->> 'source',
                                       public.pfa_to_date(data -> start_key),
                                       public.pfa_to_date(data -> end_key),
                                       public.pfa_to_numeric(data -> 'monthlyRate'),
                                       public.pfa_to_numeric(data -> 'purchasePrice'));
        END;
        $$;
CREATE FUNCTION public.pfa_refresh_bounds(orgs bigint[]) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    org bigint;
    low date;
    high date;
BEGIN
    FOREACH org IN ARRAY orgs LOOP
        IF EXISTS (SELECT 1 FROM pfa_mirror WHERE organization_id = org) THEN
            SELECT min(forecast_start) INTO low FROM pfa_mirror WHERE organization_id = org;
            SELECT max(forecast_end) INTO high FROM pfa_mirror WHERE organization_id = org;
            INSERT INTO pfa_org_bounds AS b (organization_id, min_start, max_end)
            VALUES (org, low, high)
            ON CONFLICT (organization_id) DO UPDATE
            SET min_start = excluded.min_start, max_end = excluded.max_end
            WHERE (b.min_start, b.max_end) IS DISTINCT FROM (excluded.min_start, excluded.max_end);
        ELSE
            DELETE FROM pfa_org_bounds WHERE organization_id = org;
        END IF;
    END LOOP;
END;
$$;
CREATE FUNCTION public.pfa_scope_org() RETURNS bigint
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public'
    AS $$
    SELECT s.organization_id
    FROM public.pfa_session_scope s
    WHERE s.backend_pid = pg_backend_pid()
      AND s.backend_start = (SELECT a.backend_start FROM pg_stat_activity a
                             WHERE a.pid = pg_backend_pid())
$$;
CREATE FUNCTION public.pfa_scope_user() RETURNS bigint
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public'
    AS $$
    SELECT s.user_id
    FROM public.pfa_session_scope s
    WHERE s.backend_pid = pg_backend_pid()
      AND s.backend_start = (SELECT a.backend_start FROM pg_stat_activity a
                             WHERE a.pid = pg_backend_pid())
$$;
CREATE FUNCTION public.pfa_session_identity(OUT pid integer, OUT backend_start timestamp with time zone, OUT standby boolean) RETURNS record
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public'
    AS $$
    SELECT a.pid, a.backend_start, pg_is_in_recovery()
    FROM pg_stat_activity a
    WHERE a.pid = pg_backend_pid()
$$;
CREATE FUNCTION public.pfa_to_bool(value jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT CASE
        WHEN value IS NULL OR jsonb_typeof(value) = 'null' THEN false
        WHEN jsonb_typeof(value) = 'boolean' THEN value::boolean
        ELSE lower(btrim(value #>> '{}')) IN ('-1', 'true', '+', 'yes', 'y', '1')
    END
$$;
CREATE FUNCTION public.pfa_to_date(value jsonb) RETURNS date
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    AS $$
DECLARE
    txt text;
    y integer;
    m integer;
    d integer;
    days_in_month integer;
BEGIN
    IF jsonb_typeof(value) IS DISTINCT FROM 'string' THEN
        RETURN NULL;
    END IF;
    txt := value #>> '{}';
    IF length(txt) <> 10 OR translate(txt, '0123456789', '##########') <> '####-##-##' THEN
        RETURN NULL;
    END IF;
    y := substr(txt, 1, 4)::integer;
    m := substr(txt, 6, 2)::integer;
    d := substr(txt, 9, 2)::integer;
    days_in_month := CASE
        WHEN m = 2 THEN CASE WHEN (y % 4 = 0 AND y % 100 <> 0) OR y % 400 = 0 THEN 29 ELSE 28 END
        WHEN m IN (4, 6, 9, 11) THEN 30
        ELSE 31
    END;
    IF y NOT BETWEEN 1900 AND 2199 OR m NOT BETWEEN 1 AND 12
       OR d NOT BETWEEN 1 AND days_in_month THEN
        RETURN NULL;
    END IF;
    RETURN make_date(y, m, d);
END;
$$;
CREATE FUNCTION public.pfa_to_numeric(value jsonb) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $_$
    SELECT CASE jsonb_typeof(value)
        WHEN 'number' THEN
            CASE WHEN abs(value::numeric) <= 1e12 THEN value::numeric END
        WHEN 'string' THEN
            CASE WHEN btrim(value #>> '{}') ~ '^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$' THEN
                CASE WHEN abs(btrim(value #>> '{}')::numeric) <= 1e12
                     THEN btrim(value #>> '{}')::numeric
                END
            END
    END
$_$;
CREATE FUNCTION public.pfa_window_cost(source text, start_date date, end_date date, monthly_rate numeric, purchase_price numeric) RETURNS numeric
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    AS $$
BEGIN
    IF start_date IS NULL OR end_date IS NULL THEN
        RETURN 0;
    ELSIF source = 'Purchase' THEN
        RETURN round(coalesce(purchase_price, 0), 2);
    ELSIF source = 'Rental' THEN
        RETURN round(greatest(end_date - start_date, 0) * coalesce(monthly_rate, 0) / 30.44, 2);
    END IF;
    RETURN 0;
END;
$$;
CREATE TABLE public.commit_audit (
    id bigint NOT NULL,
    run_id bigint,
    user_id bigint,
    username text NOT NULL,
    organization_id bigint NOT NULL,
    record_id text NOT NULL,
    outcome text NOT NULL,
    changes jsonb NOT NULL,
    base_version bigint,
    new_version bigint,
    pems_message text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT commit_audit_outcome_check CHECK ((outcome = ANY (ARRAY['accepted'::text, 'already_applied'::text, 'rebased'::text, 'conflict'::text, 'rejected'::text, 'orphaned'::text, 'error'::text])))
);
ALTER TABLE public.commit_audit ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.commit_audit_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE TABLE public.commit_runs (
    id bigint NOT NULL,
    user_id bigint NOT NULL,
    organization_id bigint NOT NULL,
    idempotency_key text,
    request_hash text NOT NULL,
    status text DEFAULT 'running'::text NOT NULL,
    http_status integer,
    response jsonb,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    finished_at timestamp with time zone,
    total integer,
    cancel_requested_at timestamp with time zone,
    CONSTRAINT commit_runs_idempotency_key_check CHECK (((length(idempotency_key) >= 1) AND (length(idempotency_key) <= 255))),
    CONSTRAINT commit_runs_status_check CHECK ((status = ANY (ARRAY['running'::text, 'done'::text, 'conflict'::text]))),
    CONSTRAINT commit_runs_total_check CHECK ((total >= 0))
);
ALTER TABLE public.commit_runs ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.commit_runs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE TABLE public.grid_layouts (
    organization_id bigint NOT NULL,
    user_id bigint NOT NULL,
    query text NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT grid_layouts_query_check CHECK ((length(query) <= 2000))
);
CREATE TABLE public.login_failures (
    username text NOT NULL,
    client text NOT NULL,
    failed_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL
);
CREATE TABLE public.maintenance_windows (
    id bigint NOT NULL,
    organization_id bigint NOT NULL,
    cron text NOT NULL,
    duration_minutes integer NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT maintenance_windows_duration_minutes_check CHECK (((duration_minutes >= 1) AND (duration_minutes <= 10080)))
);
ALTER TABLE public.maintenance_windows ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.maintenance_windows_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE TABLE public.memberships (
    user_id bigint NOT NULL,
    organization_id bigint NOT NULL,
    role text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT memberships_role_check CHECK ((role = ANY (ARRAY['viewer'::text, 'editor'::text, 'admin'::text])))
);
CREATE TABLE public.organizations (
    id bigint NOT NULL,
    code text NOT NULL,
    name text NOT NULL,
    active boolean DEFAULT true NOT NULL,
    sync_schedule text,
    sync_paused boolean DEFAULT false NOT NULL,
    last_synced_at timestamp with time zone,
    last_full_sync_at timestamp with time zone,
    sync_watermark timestamp with time zone,
    mirror_version bigint DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    currency text DEFAULT 'USD'::text NOT NULL,
    CONSTRAINT organizations_code_check CHECK ((code ~ '^[A-Za-z0-9_.-]{1,50}$'::text)),
    CONSTRAINT organizations_currency_check CHECK ((currency ~ '^[A-Z]{3}$'::text))
);
ALTER TABLE public.organizations ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.organizations_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE TABLE public.pfa_ai_audit (
    id bigint NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    organization_id bigint NOT NULL,
    user_id bigint,
    kind text NOT NULL,
    provider text NOT NULL,
    question text NOT NULL,
    sql text,
    outcome text NOT NULL,
    detail text,
    row_count integer,
    truncated boolean,
    duration_ms double precision,
    CONSTRAINT pfa_ai_audit_kind_check CHECK ((kind = ANY (ARRAY['query'::text, 'draft'::text]))),
    CONSTRAINT pfa_ai_audit_outcome_check CHECK ((outcome = ANY (ARRAY['running'::text, 'ok'::text, 'refused'::text, 'not_understood'::text, 'failed'::text, 'timeout'::text, 'provider_error'::text, 'too_large'::text])))
);
ALTER TABLE public.pfa_ai_audit ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.pfa_ai_audit_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE TABLE public.pfa_history (
    organization_id bigint NOT NULL,
    id bigint NOT NULL,
    record_id text NOT NULL,
    field text NOT NULL,
    old_value jsonb,
    new_value jsonb,
    source text NOT NULL,
    detected_at timestamp with time zone DEFAULT now() NOT NULL,
    run_id bigint,
    user_id bigint,
    username text,
    pems_answer text,
    CONSTRAINT pfa_history_source_check CHECK ((source = ANY (ARRAY['sync'::text, 'commit'::text, 'archive'::text])))
);
CREATE VIEW public.pfa_ai_changes WITH (security_invoker='true') AS
 SELECT h.record_id AS pfa_id,
    COALESCE((mir.doc ->> 'description'::text), (gone.doc ->> 'description'::text)) AS description,
        CASE
            WHEN (mir.id IS NOT NULL) THEN mir.category
            ELSE (gone.doc ->> 'category'::text)
        END AS category,
        CASE
            WHEN (mir.id IS NOT NULL) THEN mir.area_silo
            ELSE (gone.doc ->> 'areaSilo'::text)
        END AS area_silo,
    h.field,
        CASE
            WHEN (h.field = 'record'::text) THEN 'present'::text
            ELSE (h.old_value #>> '{}'::text[])
        END AS old_value,
        CASE
            WHEN (h.field <> 'record'::text) THEN (h.new_value #>> '{}'::text[])
            WHEN (h.source = 'archive'::text) THEN 'archived'::text
            ELSE 'deleted'::text
        END AS new_value,
    h.source,
    h.detected_at AS changed_at,
    (h.detected_at)::date AS changed_on,
    h.username AS changed_by,
    h.pems_answer,
    a.applied,
    c.cost_before,
    c.cost_after,
        CASE
            WHEN a.applied THEN (c.cost_after - c.cost_before)
            ELSE (0)::numeric
        END AS cost_change
   FROM (((((((((((((public.pfa_history h
     CROSS JOIN LATERAL ( SELECT ((h.source <> 'commit'::text) OR (h.pems_answer ~~ 'accepted%'::text)) AS applied) a)
     LEFT JOIN public.pfa_mirror mir ON (((mir.organization_id = h.organization_id) AND (mir.id = h.record_id))))
     LEFT JOIN LATERAL ( SELECT r.old_value AS doc
           FROM public.pfa_history r
          WHERE ((r.organization_id = h.organization_id) AND (r.record_id = h.record_id) AND (r.field = 'record'::text))
          ORDER BY r.id DESC
         LIMIT 1) gone ON ((mir.id IS NULL)))
     LEFT JOIN LATERAL ( SELECT true AS found,
            l.old_value AS value
           FROM public.pfa_history l
          WHERE ((l.organization_id = h.organization_id) AND (l.record_id = h.record_id) AND (l.field = 'source'::text) AND (l.id >= h.id) AND ((l.source <> 'commit'::text) OR (l.pems_answer ~~ 'accepted%'::text)))
          ORDER BY l.id
         LIMIT 1) l_source ON (true))
     LEFT JOIN LATERAL ( SELECT true AS found,
            l.old_value AS value
           FROM public.pfa_history l
          WHERE ((l.organization_id = h.organization_id) AND (l.record_id = h.record_id) AND (l.field = 'forecastStart'::text) AND (l.id >= h.id) AND ((l.source <> 'commit'::text) OR (l.pems_answer ~~ 'accepted%'::text)))
          ORDER BY l.id
         LIMIT 1) l_forecast_start ON (true))
     LEFT JOIN LATERAL ( SELECT true AS found,
            l.old_value AS value
           FROM public.pfa_history l
          WHERE ((l.organization_id = h.organization_id) AND (l.record_id = h.record_id) AND (l.field = 'forecastEnd'::text) AND (l.id >= h.id) AND ((l.source <> 'commit'::text) OR (l.pems_answer ~~ 'accepted%'::text)))
          ORDER BY l.id
         LIMIT 1) l_forecast_end ON (true))
     LEFT JOIN LATERAL ( SELECT true AS found,
            l.old_value AS value
           FROM public.pfa_history l
          WHERE ((l.organization_id = h.organization_id) AND (l.record_id = h.record_id) AND (l.field = 'monthlyRate'::text) AND (l.id >= h.id) AND ((l.source <> 'commit'::text) OR (l.pems_answer ~~ 'accepted%'::text)))
          ORDER BY l.id
         LIMIT 1) l_monthly_rate ON (true))
     LEFT JOIN LATERAL ( SELECT true AS found,
            l.old_value AS value
           FROM public.pfa_history l
          WHERE ((l.organization_id = h.organization_id) AND (l.record_id = h.record_id) AND (l.field = 'purchasePrice'::text) AND (l.id >= h.id) AND ((l.source <> 'commit'::text) OR (l.pems_answer ~~ 'accepted%'::text)))
          ORDER BY l.id
         LIMIT 1) l_purchase_price ON (true))
     LEFT JOIN LATERAL ( SELECT true AS found,
            l.old_value AS value
           FROM public.pfa_history l
          WHERE ((l.organization_id = h.organization_id) AND (l.record_id = h.record_id) AND (l.field = 'isDiscontinued'::text) AND (l.id >= h.id) AND ((l.source <> 'commit'::text) OR (l.pems_answer ~~ 'accepted%'::text)))
          ORDER BY l.id
         LIMIT 1) l_is_discontinued ON (true))
     LEFT JOIN LATERAL ( SELECT true AS found,
            l.old_value AS value
           FROM public.pfa_history l
          WHERE ((l.organization_id = h.organization_id) AND (l.record_id = h.record_id) AND (l.field = 'isFundsTransferable'::text) AND (l.id >= h.id) AND ((l.source <> 'commit'::text) OR (l.pems_answer ~~ 'accepted%'::text)))
          ORDER BY l.id
         LIMIT 1) l_is_funds_transferable ON (true))
     CROSS JOIN LATERAL ( SELECT
                CASE
                    WHEN l_source.found THEN (l_source.value #>> '{}'::text[])
                    WHEN (mir.id IS NOT NULL) THEN mir.source
                    ELSE ((gone.doc -> 'source'::text) #>> '{}'::text[])
                END AS source,
                CASE
                    WHEN l_forecast_start.found THEN public.pfa_to_date(l_forecast_start.value)
                    WHEN (mir.id IS NOT NULL) THEN mir.forecast_start
                    ELSE public.pfa_to_date((gone.doc -> 'forecastStart'::text))
                END AS forecast_start,
                CASE
                    WHEN l_forecast_end.found THEN public.pfa_to_date(l_forecast_end.value)
                    WHEN (mir.id IS NOT NULL) THEN mir.forecast_end
                    ELSE public.pfa_to_date((gone.doc -> 'forecastEnd'::text))
                END AS forecast_end,
                CASE
                    WHEN l_monthly_rate.found THEN public.pfa_to_numeric(l_monthly_rate.value)
                    WHEN (mir.id IS NOT NULL) THEN mir.monthly_rate
                    ELSE public.pfa_to_numeric((gone.doc -> 'monthlyRate'::text))
                END AS monthly_rate,
                CASE
                    WHEN l_purchase_price.found THEN public.pfa_to_numeric(l_purchase_price.value)
                    WHEN (mir.id IS NOT NULL) THEN mir.purchase_price
                    ELSE public.pfa_to_numeric((gone.doc -> 'purchasePrice'::text))
                END AS purchase_price,
                CASE
                    WHEN l_is_discontinued.found THEN public.pfa_to_bool(l_is_discontinued.value)
                    WHEN (mir.id IS NOT NULL) THEN mir.is_discontinued
                    ELSE public.pfa_to_bool((gone.doc -> 'isDiscontinued'::text))
                END AS is_discontinued,
                CASE
                    WHEN l_is_funds_transferable.found THEN public.pfa_to_bool(l_is_funds_transferable.value)
                    WHEN (mir.id IS NOT NULL) THEN mir.is_funds_transferable
                    ELSE public.pfa_to_bool((gone.doc -> 'isFundsTransferable'::text))
                END AS is_funds_transferable) b)
     CROSS JOIN LATERAL ( SELECT
                CASE
                    WHEN (h.field = 'source'::text) THEN (h.new_value #>> '{}'::text[])
                    ELSE b.source
                END AS source,
                CASE
                    WHEN (h.field = 'forecastStart'::text) THEN public.pfa_to_date(h.new_value)
                    ELSE b.forecast_start
                END AS forecast_start,
                CASE
                    WHEN (h.field = 'forecastEnd'::text) THEN public.pfa_to_date(h.new_value)
                    ELSE b.forecast_end
                END AS forecast_end,
                CASE
                    WHEN (h.field = 'monthlyRate'::text) THEN public.pfa_to_numeric(h.new_value)
                    ELSE b.monthly_rate
                END AS monthly_rate,
                CASE
                    WHEN (h.field = 'purchasePrice'::text) THEN public.pfa_to_numeric(h.new_value)
                    ELSE b.purchase_price
                END AS purchase_price,
                CASE
                    WHEN (h.field = 'isDiscontinued'::text) THEN public.pfa_to_bool(h.new_value)
                    ELSE b.is_discontinued
                END AS is_discontinued,
                CASE
                    WHEN (h.field = 'isFundsTransferable'::text) THEN public.pfa_to_bool(h.new_value)
                    ELSE b.is_funds_transferable
                END AS is_funds_transferable) af)
     CROSS JOIN LATERAL ( SELECT
                CASE
                    WHEN ((NOT b.is_discontinued) AND (NOT b.is_funds_transferable)) THEN COALESCE(public.pfa_window_cost(b.source, b.forecast_start, b.forecast_end, b.monthly_rate, b.purchase_price), (0)::numeric)
                    ELSE (0)::numeric
                END AS cost_before,
                CASE
                    WHEN (h.field = 'record'::text) THEN (0)::numeric
                    WHEN ((NOT af.is_discontinued) AND (NOT af.is_funds_transferable)) THEN COALESCE(public.pfa_window_cost(af.source, af.forecast_start, af.forecast_end, af.monthly_rate, af.purchase_price), (0)::numeric)
                    ELSE (0)::numeric
                END AS cost_after) c)
  WHERE (h.organization_id = ( SELECT public.pfa_scope_org() AS pfa_scope_org));
CREATE TABLE public.pfa_modification (
    id bigint NOT NULL,
    user_id bigint NOT NULL,
    organization_id bigint NOT NULL,
    record_id text NOT NULL,
    changes jsonb NOT NULL,
    base_version bigint NOT NULL,
    base_values jsonb DEFAULT '{}'::jsonb NOT NULL,
    conflict jsonb,
    orphaned_at timestamp with time zone,
    orphan_baseline jsonb,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    modified_at timestamp with time zone DEFAULT now() NOT NULL,
    base_record jsonb,
    CONSTRAINT pfa_modification_changes_check CHECK (((jsonb_typeof(changes) = 'object'::text) AND (changes <> '{}'::jsonb)))
)
PARTITION BY HASH (organization_id);
CREATE VIEW public.pfa_ai_records WITH (security_invoker='true') AS
 SELECT mir.id AS pfa_id,
    (mir.doc ->> 'description'::text) AS description,
    mir.area_silo,
    mir.category,
    mir.forecast_category,
    (mir.doc ->> 'class'::text) AS equipment_class,
    mir.source,
    mir.dor,
    mir.is_actualized,
    mir.is_discontinued,
    mir.is_funds_transferable,
    mir.monthly_rate,
    mir.purchase_price,
    (mir.doc ->> 'manufacturer'::text) AS manufacturer,
    (mir.doc ->> 'model'::text) AS model,
    (mir.doc ->> 'contract'::text) AS contract,
    (mir.doc ->> 'equipment'::text) AS equipment,
    mir.original_start,
    mir.original_end,
    mir.forecast_start,
    mir.forecast_end,
    mir.actual_start,
    mir.actual_end,
    ((mir.original_start IS NOT NULL) AND (mir.original_end IS NOT NULL)) AS has_plan,
    ((mir.actual_start IS NOT NULL) AND (mir.actual_end IS NOT NULL)) AS has_actuals,
    mir.plan_cost,
    mir.forecast_cost,
    mir.actual_cost,
    (mir.forecast_cost - mir.plan_cost) AS variance,
    false AS has_draft,
    (mir.pems_modified_at)::date AS last_changed,
    NULL::date AS draft_changed,
    mir.forecast_cost AS pems_forecast_cost
   FROM public.pfa_mirror mir
  WHERE ((mir.organization_id = ( SELECT public.pfa_scope_org() AS pfa_scope_org)) AND (NOT (EXISTS ( SELECT 1
           FROM public.pfa_modification m
          WHERE ((m.user_id = ( SELECT public.pfa_scope_user() AS pfa_scope_user)) AND (m.organization_id = mir.organization_id) AND (m.record_id = mir.id))))))
UNION ALL
 SELECT mir.id AS pfa_id,
        CASE
            WHEN (m.changes ? 'description'::text) THEN (m.changes ->> 'description'::text)
            ELSE (mir.doc ->> 'description'::text)
        END AS description,
        CASE
            WHEN (m.changes ? 'areaSilo'::text) THEN (m.changes ->> 'areaSilo'::text)
            ELSE mir.area_silo
        END AS area_silo,
        CASE
            WHEN (m.changes ? 'category'::text) THEN (m.changes ->> 'category'::text)
            ELSE mir.category
        END AS category,
        CASE
            WHEN (m.changes ? 'forecastCategory'::text) THEN (m.changes ->> 'forecastCategory'::text)
            ELSE mir.forecast_category
        END AS forecast_category,
        CASE
            WHEN (m.changes ? 'class'::text) THEN (m.changes ->> 'class'::text)
            ELSE (mir.doc ->> 'class'::text)
        END AS equipment_class,
    s.source,
        CASE
            WHEN (m.changes ? 'dor'::text) THEN (m.changes ->> 'dor'::text)
            ELSE mir.dor
        END AS dor,
        CASE
            WHEN (m.changes ? 'isActualized'::text) THEN public.pfa_to_bool((m.changes -> 'isActualized'::text))
            ELSE mir.is_actualized
        END AS is_actualized,
        CASE
            WHEN (m.changes ? 'isDiscontinued'::text) THEN public.pfa_to_bool((m.changes -> 'isDiscontinued'::text))
            ELSE mir.is_discontinued
        END AS is_discontinued,
        CASE
            WHEN (m.changes ? 'isFundsTransferable'::text) THEN public.pfa_to_bool((m.changes -> 'isFundsTransferable'::text))
            ELSE mir.is_funds_transferable
        END AS is_funds_transferable,
    t.monthly_rate,
    t.purchase_price,
        CASE
            WHEN (m.changes ? 'manufacturer'::text) THEN (m.changes ->> 'manufacturer'::text)
            ELSE (mir.doc ->> 'manufacturer'::text)
        END AS manufacturer,
        CASE
            WHEN (m.changes ? 'model'::text) THEN (m.changes ->> 'model'::text)
            ELSE (mir.doc ->> 'model'::text)
        END AS model,
        CASE
            WHEN (m.changes ? 'contract'::text) THEN (m.changes ->> 'contract'::text)
            ELSE (mir.doc ->> 'contract'::text)
        END AS contract,
        CASE
            WHEN (m.changes ? 'equipment'::text) THEN (m.changes ->> 'equipment'::text)
            ELSE (mir.doc ->> 'equipment'::text)
        END AS equipment,
    t.original_start,
    t.original_end,
    t.forecast_start,
    t.forecast_end,
    t.actual_start,
    t.actual_end,
    ((t.original_start IS NOT NULL) AND (t.original_end IS NOT NULL)) AS has_plan,
    ((t.actual_start IS NOT NULL) AND (t.actual_end IS NOT NULL)) AS has_actuals,
    c.plan_cost,
    c.forecast_cost,
    c.actual_cost,
    (c.forecast_cost - c.plan_cost) AS variance,
    true AS has_draft,
    (mir.pems_modified_at)::date AS last_changed,
    (m.modified_at)::date AS draft_changed,
    mir.forecast_cost AS pems_forecast_cost
   FROM ((((public.pfa_modification m
     JOIN public.pfa_mirror mir ON (((mir.organization_id = m.organization_id) AND (mir.id = m.record_id))))
     CROSS JOIN LATERAL ( SELECT
                CASE
                    WHEN (m.changes ? 'originalStart'::text) THEN public.pfa_to_date((m.changes -> 'originalStart'::text))
                    ELSE mir.original_start
                END AS original_start,
                CASE
                    WHEN (m.changes ? 'originalEnd'::text) THEN public.pfa_to_date((m.changes -> 'originalEnd'::text))
                    ELSE mir.original_end
                END AS original_end,
                CASE
                    WHEN (m.changes ? 'forecastStart'::text) THEN public.pfa_to_date((m.changes -> 'forecastStart'::text))
                    ELSE mir.forecast_start
                END AS forecast_start,
                CASE
                    WHEN (m.changes ? 'forecastEnd'::text) THEN public.pfa_to_date((m.changes -> 'forecastEnd'::text))
                    ELSE mir.forecast_end
                END AS forecast_end,
                CASE
                    WHEN (m.changes ? 'actualStart'::text) THEN public.pfa_to_date((m.changes -> 'actualStart'::text))
                    ELSE mir.actual_start
                END AS actual_start,
                CASE
                    WHEN (m.changes ? 'actualEnd'::text) THEN public.pfa_to_date((m.changes -> 'actualEnd'::text))
                    ELSE mir.actual_end
                END AS actual_end,
                CASE
                    WHEN (m.changes ? 'monthlyRate'::text) THEN public.pfa_to_numeric((m.changes -> 'monthlyRate'::text))
                    ELSE mir.monthly_rate
                END AS monthly_rate,
                CASE
                    WHEN (m.changes ? 'purchasePrice'::text) THEN public.pfa_to_numeric((m.changes -> 'purchasePrice'::text))
                    ELSE mir.purchase_price
                END AS purchase_price) t)
     CROSS JOIN LATERAL ( SELECT
                CASE
                    WHEN (m.changes ? 'source'::text) THEN (m.changes ->> 'source'::text)
                    ELSE mir.source
                END AS source) s)
     CROSS JOIN LATERAL ( SELECT public.pfa_window_cost(s.source, t.original_start, t.original_end, t.monthly_rate, t.purchase_price) AS plan_cost,
            public.pfa_window_cost(s.source, t.forecast_start, t.forecast_end, t.monthly_rate, t.purchase_price) AS forecast_cost,
            public.pfa_window_cost(s.source, t.actual_start, t.actual_end, t.monthly_rate, t.purchase_price) AS actual_cost) c)
  WHERE ((m.user_id = ( SELECT public.pfa_scope_user() AS pfa_scope_user)) AND (m.organization_id = ( SELECT public.pfa_scope_org() AS pfa_scope_org)) AND (mir.organization_id = ( SELECT public.pfa_scope_org() AS pfa_scope_org)));
ALTER TABLE public.pfa_history ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.pfa_history_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE TABLE public.pfa_kpi_totals (
    organization_id bigint NOT NULL,
    category text NOT NULL,
    source text NOT NULL,
    record_count bigint NOT NULL,
    total_plan_cost numeric,
    total_forecast_cost numeric,
    total_actual_cost numeric
);
CREATE MATERIALIZED VIEW public.pfa_kpi_summary AS
 SELECT organization_id,
    category,
    source,
    record_count,
    total_plan_cost,
    total_forecast_cost,
    total_actual_cost
   FROM public.pfa_kpi_totals
  WITH NO DATA;
CREATE TABLE public.pfa_mirror_p00 (
    organization_id bigint CONSTRAINT pfa_mirror_organization_id_not_null NOT NULL,
    id text CONSTRAINT pfa_mirror_id_not_null NOT NULL,
    doc jsonb CONSTRAINT pfa_mirror_data_not_null NOT NULL,
    pems_version bigint CONSTRAINT pfa_mirror_pems_version_not_null NOT NULL,
    pems_modified_at timestamp with time zone,
    last_synced_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_mirror_last_synced_at_not_null NOT NULL,
    change_seq bigint DEFAULT nextval('public.pfa_mirror_change_seq'::regclass) CONSTRAINT pfa_mirror_change_seq_not_null NOT NULL,
    category text,
    forecast_category text,
    source text,
    dor text,
    area_silo text,
    original_start date,
    original_end date,
    forecast_start date,
    forecast_end date,
    actual_start date,
    actual_end date,
    monthly_rate numeric,
    purchase_price numeric,
    is_actualized boolean,
    is_discontinued boolean,
    is_funds_transferable boolean,
    plan_cost numeric,
    forecast_cost numeric,
    actual_cost numeric,
    compact boolean DEFAULT false CONSTRAINT pfa_mirror_compact_not_null NOT NULL
);
CREATE TABLE public.pfa_mirror_p01 (
    organization_id bigint CONSTRAINT pfa_mirror_organization_id_not_null NOT NULL,
    id text CONSTRAINT pfa_mirror_id_not_null NOT NULL,
    doc jsonb CONSTRAINT pfa_mirror_data_not_null NOT NULL,
    pems_version bigint CONSTRAINT pfa_mirror_pems_version_not_null NOT NULL,
    pems_modified_at timestamp with time zone,
    last_synced_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_mirror_last_synced_at_not_null NOT NULL,
    change_seq bigint DEFAULT nextval('public.pfa_mirror_change_seq'::regclass) CONSTRAINT pfa_mirror_change_seq_not_null NOT NULL,
    category text,
    forecast_category text,
    source text,
    dor text,
    area_silo text,
    original_start date,
    original_end date,
    forecast_start date,
    forecast_end date,
    actual_start date,
    actual_end date,
    monthly_rate numeric,
    purchase_price numeric,
    is_actualized boolean,
    is_discontinued boolean,
    is_funds_transferable boolean,
    plan_cost numeric,
    forecast_cost numeric,
    actual_cost numeric,
    compact boolean DEFAULT false CONSTRAINT pfa_mirror_compact_not_null NOT NULL
);
CREATE TABLE public.pfa_mirror_p02 (
    organization_id bigint CONSTRAINT pfa_mirror_organization_id_not_null NOT NULL,
    id text CONSTRAINT pfa_mirror_id_not_null NOT NULL,
    doc jsonb CONSTRAINT pfa_mirror_data_not_null NOT NULL,
    pems_version bigint CONSTRAINT pfa_mirror_pems_version_not_null NOT NULL,
    pems_modified_at timestamp with time zone,
    last_synced_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_mirror_last_synced_at_not_null NOT NULL,
    change_seq bigint DEFAULT nextval('public.pfa_mirror_change_seq'::regclass) CONSTRAINT pfa_mirror_change_seq_not_null NOT NULL,
    category text,
    forecast_category text,
    source text,
    dor text,
    area_silo text,
    original_start date,
    original_end date,
    forecast_start date,
    forecast_end date,
    actual_start date,
    actual_end date,
    monthly_rate numeric,
    purchase_price numeric,
    is_actualized boolean,
    is_discontinued boolean,
    is_funds_transferable boolean,
    plan_cost numeric,
    forecast_cost numeric,
    actual_cost numeric,
    compact boolean DEFAULT false CONSTRAINT pfa_mirror_compact_not_null NOT NULL
);
CREATE TABLE public.pfa_mirror_p03 (
    organization_id bigint CONSTRAINT pfa_mirror_organization_id_not_null NOT NULL,
    id text CONSTRAINT pfa_mirror_id_not_null NOT NULL,
    doc jsonb CONSTRAINT pfa_mirror_data_not_null NOT NULL,
    pems_version bigint CONSTRAINT pfa_mirror_pems_version_not_null NOT NULL,
    pems_modified_at timestamp with time zone,
    last_synced_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_mirror_last_synced_at_not_null NOT NULL,
    change_seq bigint DEFAULT nextval('public.pfa_mirror_change_seq'::regclass) CONSTRAINT pfa_mirror_change_seq_not_null NOT NULL,
    category text,
    forecast_category text,
    source text,
    dor text,
    area_silo text,
    original_start date,
    original_end date,
    forecast_start date,
    forecast_end date,
    actual_start date,
    actual_end date,
    monthly_rate numeric,
    purchase_price numeric,
    is_actualized boolean,
    is_discontinued boolean,
    is_funds_transferable boolean,
    plan_cost numeric,
    forecast_cost numeric,
    actual_cost numeric,
    compact boolean DEFAULT false CONSTRAINT pfa_mirror_compact_not_null NOT NULL
);
CREATE TABLE public.pfa_mirror_p04 (
    organization_id bigint CONSTRAINT pfa_mirror_organization_id_not_null NOT NULL,
    id text CONSTRAINT pfa_mirror_id_not_null NOT NULL,
    doc jsonb CONSTRAINT pfa_mirror_data_not_null NOT NULL,
    pems_version bigint CONSTRAINT pfa_mirror_pems_version_not_null NOT NULL,
    pems_modified_at timestamp with time zone,
    last_synced_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_mirror_last_synced_at_not_null NOT NULL,
    change_seq bigint DEFAULT nextval('public.pfa_mirror_change_seq'::regclass) CONSTRAINT pfa_mirror_change_seq_not_null NOT NULL,
    category text,
    forecast_category text,
    source text,
    dor text,
    area_silo text,
    original_start date,
    original_end date,
    forecast_start date,
    forecast_end date,
    actual_start date,
    actual_end date,
    monthly_rate numeric,
    purchase_price numeric,
    is_actualized boolean,
    is_discontinued boolean,
    is_funds_transferable boolean,
    plan_cost numeric,
    forecast_cost numeric,
    actual_cost numeric,
    compact boolean DEFAULT false CONSTRAINT pfa_mirror_compact_not_null NOT NULL
);
CREATE TABLE public.pfa_mirror_p05 (
    organization_id bigint CONSTRAINT pfa_mirror_organization_id_not_null NOT NULL,
    id text CONSTRAINT pfa_mirror_id_not_null NOT NULL,
    doc jsonb CONSTRAINT pfa_mirror_data_not_null NOT NULL,
    pems_version bigint CONSTRAINT pfa_mirror_pems_version_not_null NOT NULL,
    pems_modified_at timestamp with time zone,
    last_synced_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_mirror_last_synced_at_not_null NOT NULL,
    change_seq bigint DEFAULT nextval('public.pfa_mirror_change_seq'::regclass) CONSTRAINT pfa_mirror_change_seq_not_null NOT NULL,
    category text,
    forecast_category text,
    source text,
    dor text,
    area_silo text,
    original_start date,
    original_end date,
    forecast_start date,
    forecast_end date,
    actual_start date,
    actual_end date,
    monthly_rate numeric,
    purchase_price numeric,
    is_actualized boolean,
    is_discontinued boolean,
    is_funds_transferable boolean,
    plan_cost numeric,
    forecast_cost numeric,
    actual_cost numeric,
    compact boolean DEFAULT false CONSTRAINT pfa_mirror_compact_not_null NOT NULL
);
CREATE TABLE public.pfa_mirror_p06 (
    organization_id bigint CONSTRAINT pfa_mirror_organization_id_not_null NOT NULL,
    id text CONSTRAINT pfa_mirror_id_not_null NOT NULL,
    doc jsonb CONSTRAINT pfa_mirror_data_not_null NOT NULL,
    pems_version bigint CONSTRAINT pfa_mirror_pems_version_not_null NOT NULL,
    pems_modified_at timestamp with time zone,
    last_synced_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_mirror_last_synced_at_not_null NOT NULL,
    change_seq bigint DEFAULT nextval('public.pfa_mirror_change_seq'::regclass) CONSTRAINT pfa_mirror_change_seq_not_null NOT NULL,
    category text,
    forecast_category text,
    source text,
    dor text,
    area_silo text,
    original_start date,
    original_end date,
    forecast_start date,
    forecast_end date,
    actual_start date,
    actual_end date,
    monthly_rate numeric,
    purchase_price numeric,
    is_actualized boolean,
    is_discontinued boolean,
    is_funds_transferable boolean,
    plan_cost numeric,
    forecast_cost numeric,
    actual_cost numeric,
    compact boolean DEFAULT false CONSTRAINT pfa_mirror_compact_not_null NOT NULL
);
CREATE TABLE public.pfa_mirror_p07 (
    organization_id bigint CONSTRAINT pfa_mirror_organization_id_not_null NOT NULL,
    id text CONSTRAINT pfa_mirror_id_not_null NOT NULL,
    doc jsonb CONSTRAINT pfa_mirror_data_not_null NOT NULL,
    pems_version bigint CONSTRAINT pfa_mirror_pems_version_not_null NOT NULL,
    pems_modified_at timestamp with time zone,
    last_synced_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_mirror_last_synced_at_not_null NOT NULL,
    change_seq bigint DEFAULT nextval('public.pfa_mirror_change_seq'::regclass) CONSTRAINT pfa_mirror_change_seq_not_null NOT NULL,
    category text,
    forecast_category text,
    source text,
    dor text,
    area_silo text,
    original_start date,
    original_end date,
    forecast_start date,
    forecast_end date,
    actual_start date,
    actual_end date,
    monthly_rate numeric,
    purchase_price numeric,
    is_actualized boolean,
    is_discontinued boolean,
    is_funds_transferable boolean,
    plan_cost numeric,
    forecast_cost numeric,
    actual_cost numeric,
    compact boolean DEFAULT false CONSTRAINT pfa_mirror_compact_not_null NOT NULL
);
CREATE TABLE public.pfa_mirror_p08 (
    organization_id bigint CONSTRAINT pfa_mirror_organization_id_not_null NOT NULL,
    id text CONSTRAINT pfa_mirror_id_not_null NOT NULL,
    doc jsonb CONSTRAINT pfa_mirror_data_not_null NOT NULL,
    pems_version bigint CONSTRAINT pfa_mirror_pems_version_not_null NOT NULL,
    pems_modified_at timestamp with time zone,
    last_synced_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_mirror_last_synced_at_not_null NOT NULL,
    change_seq bigint DEFAULT nextval('public.pfa_mirror_change_seq'::regclass) CONSTRAINT pfa_mirror_change_seq_not_null NOT NULL,
    category text,
    forecast_category text,
    source text,
    dor text,
    area_silo text,
    original_start date,
    original_end date,
    forecast_start date,
    forecast_end date,
    actual_start date,
    actual_end date,
    monthly_rate numeric,
    purchase_price numeric,
    is_actualized boolean,
    is_discontinued boolean,
    is_funds_transferable boolean,
    plan_cost numeric,
    forecast_cost numeric,
    actual_cost numeric,
    compact boolean DEFAULT false CONSTRAINT pfa_mirror_compact_not_null NOT NULL
);
CREATE TABLE public.pfa_mirror_p09 (
    organization_id bigint CONSTRAINT pfa_mirror_organization_id_not_null NOT NULL,
    id text CONSTRAINT pfa_mirror_id_not_null NOT NULL,
    doc jsonb CONSTRAINT pfa_mirror_data_not_null NOT NULL,
    pems_version bigint CONSTRAINT pfa_mirror_pems_version_not_null NOT NULL,
    pems_modified_at timestamp with time zone,
    last_synced_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_mirror_last_synced_at_not_null NOT NULL,
    change_seq bigint DEFAULT nextval('public.pfa_mirror_change_seq'::regclass) CONSTRAINT pfa_mirror_change_seq_not_null NOT NULL,
    category text,
    forecast_category text,
    source text,
    dor text,
    area_silo text,
    original_start date,
    original_end date,
    forecast_start date,
    forecast_end date,
    actual_start date,
    actual_end date,
    monthly_rate numeric,
    purchase_price numeric,
    is_actualized boolean,
    is_discontinued boolean,
    is_funds_transferable boolean,
    plan_cost numeric,
    forecast_cost numeric,
    actual_cost numeric,
    compact boolean DEFAULT false CONSTRAINT pfa_mirror_compact_not_null NOT NULL
);
CREATE TABLE public.pfa_mirror_p10 (
    organization_id bigint CONSTRAINT pfa_mirror_organization_id_not_null NOT NULL,
    id text CONSTRAINT pfa_mirror_id_not_null NOT NULL,
    doc jsonb CONSTRAINT pfa_mirror_data_not_null NOT NULL,
    pems_version bigint CONSTRAINT pfa_mirror_pems_version_not_null NOT NULL,
    pems_modified_at timestamp with time zone,
    last_synced_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_mirror_last_synced_at_not_null NOT NULL,
    change_seq bigint DEFAULT nextval('public.pfa_mirror_change_seq'::regclass) CONSTRAINT pfa_mirror_change_seq_not_null NOT NULL,
    category text,
    forecast_category text,
    source text,
    dor text,
    area_silo text,
    original_start date,
    original_end date,
    forecast_start date,
    forecast_end date,
    actual_start date,
    actual_end date,
    monthly_rate numeric,
    purchase_price numeric,
    is_actualized boolean,
    is_discontinued boolean,
    is_funds_transferable boolean,
    plan_cost numeric,
    forecast_cost numeric,
    actual_cost numeric,
    compact boolean DEFAULT false CONSTRAINT pfa_mirror_compact_not_null NOT NULL
);
CREATE TABLE public.pfa_mirror_p11 (
    organization_id bigint CONSTRAINT pfa_mirror_organization_id_not_null NOT NULL,
    id text CONSTRAINT pfa_mirror_id_not_null NOT NULL,
    doc jsonb CONSTRAINT pfa_mirror_data_not_null NOT NULL,
    pems_version bigint CONSTRAINT pfa_mirror_pems_version_not_null NOT NULL,
    pems_modified_at timestamp with time zone,
    last_synced_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_mirror_last_synced_at_not_null NOT NULL,
    change_seq bigint DEFAULT nextval('public.pfa_mirror_change_seq'::regclass) CONSTRAINT pfa_mirror_change_seq_not_null NOT NULL,
    category text,
    forecast_category text,
    source text,
    dor text,
    area_silo text,
    original_start date,
    original_end date,
    forecast_start date,
    forecast_end date,
    actual_start date,
    actual_end date,
    monthly_rate numeric,
    purchase_price numeric,
    is_actualized boolean,
    is_discontinued boolean,
    is_funds_transferable boolean,
    plan_cost numeric,
    forecast_cost numeric,
    actual_cost numeric,
    compact boolean DEFAULT false CONSTRAINT pfa_mirror_compact_not_null NOT NULL
);
CREATE TABLE public.pfa_mirror_p12 (
    organization_id bigint CONSTRAINT pfa_mirror_organization_id_not_null NOT NULL,
    id text CONSTRAINT pfa_mirror_id_not_null NOT NULL,
    doc jsonb CONSTRAINT pfa_mirror_data_not_null NOT NULL,
    pems_version bigint CONSTRAINT pfa_mirror_pems_version_not_null NOT NULL,
    pems_modified_at timestamp with time zone,
    last_synced_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_mirror_last_synced_at_not_null NOT NULL,
    change_seq bigint DEFAULT nextval('public.pfa_mirror_change_seq'::regclass) CONSTRAINT pfa_mirror_change_seq_not_null NOT NULL,
    category text,
    forecast_category text,
    source text,
    dor text,
    area_silo text,
    original_start date,
    original_end date,
    forecast_start date,
    forecast_end date,
    actual_start date,
    actual_end date,
    monthly_rate numeric,
    purchase_price numeric,
    is_actualized boolean,
    is_discontinued boolean,
    is_funds_transferable boolean,
    plan_cost numeric,
    forecast_cost numeric,
    actual_cost numeric,
    compact boolean DEFAULT false CONSTRAINT pfa_mirror_compact_not_null NOT NULL
);
CREATE TABLE public.pfa_mirror_p13 (
    organization_id bigint CONSTRAINT pfa_mirror_organization_id_not_null NOT NULL,
    id text CONSTRAINT pfa_mirror_id_not_null NOT NULL,
    doc jsonb CONSTRAINT pfa_mirror_data_not_null NOT NULL,
    pems_version bigint CONSTRAINT pfa_mirror_pems_version_not_null NOT NULL,
    pems_modified_at timestamp with time zone,
    last_synced_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_mirror_last_synced_at_not_null NOT NULL,
    change_seq bigint DEFAULT nextval('public.pfa_mirror_change_seq'::regclass) CONSTRAINT pfa_mirror_change_seq_not_null NOT NULL,
    category text,
    forecast_category text,
    source text,
    dor text,
    area_silo text,
    original_start date,
    original_end date,
    forecast_start date,
    forecast_end date,
    actual_start date,
    actual_end date,
    monthly_rate numeric,
    purchase_price numeric,
    is_actualized boolean,
    is_discontinued boolean,
    is_funds_transferable boolean,
    plan_cost numeric,
    forecast_cost numeric,
    actual_cost numeric,
    compact boolean DEFAULT false CONSTRAINT pfa_mirror_compact_not_null NOT NULL
);
CREATE TABLE public.pfa_mirror_p14 (
    organization_id bigint CONSTRAINT pfa_mirror_organization_id_not_null NOT NULL,
    id text CONSTRAINT pfa_mirror_id_not_null NOT NULL,
    doc jsonb CONSTRAINT pfa_mirror_data_not_null NOT NULL,
    pems_version bigint CONSTRAINT pfa_mirror_pems_version_not_null NOT NULL,
    pems_modified_at timestamp with time zone,
    last_synced_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_mirror_last_synced_at_not_null NOT NULL,
    change_seq bigint DEFAULT nextval('public.pfa_mirror_change_seq'::regclass) CONSTRAINT pfa_mirror_change_seq_not_null NOT NULL,
    category text,
    forecast_category text,
    source text,
    dor text,
    area_silo text,
    original_start date,
    original_end date,
    forecast_start date,
    forecast_end date,
    actual_start date,
    actual_end date,
    monthly_rate numeric,
    purchase_price numeric,
    is_actualized boolean,
    is_discontinued boolean,
    is_funds_transferable boolean,
    plan_cost numeric,
    forecast_cost numeric,
    actual_cost numeric,
    compact boolean DEFAULT false CONSTRAINT pfa_mirror_compact_not_null NOT NULL
);
CREATE TABLE public.pfa_mirror_p15 (
    organization_id bigint CONSTRAINT pfa_mirror_organization_id_not_null NOT NULL,
    id text CONSTRAINT pfa_mirror_id_not_null NOT NULL,
    doc jsonb CONSTRAINT pfa_mirror_data_not_null NOT NULL,
    pems_version bigint CONSTRAINT pfa_mirror_pems_version_not_null NOT NULL,
    pems_modified_at timestamp with time zone,
    last_synced_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_mirror_last_synced_at_not_null NOT NULL,
    change_seq bigint DEFAULT nextval('public.pfa_mirror_change_seq'::regclass) CONSTRAINT pfa_mirror_change_seq_not_null NOT NULL,
    category text,
    forecast_category text,
    source text,
    dor text,
    area_silo text,
    original_start date,
    original_end date,
    forecast_start date,
    forecast_end date,
    actual_start date,
    actual_end date,
    monthly_rate numeric,
    purchase_price numeric,
    is_actualized boolean,
    is_discontinued boolean,
    is_funds_transferable boolean,
    plan_cost numeric,
    forecast_cost numeric,
    actual_cost numeric,
    compact boolean DEFAULT false CONSTRAINT pfa_mirror_compact_not_null NOT NULL
);
CREATE TABLE public.pfa_mirror_removed (
    organization_id bigint NOT NULL,
    id text NOT NULL,
    change_seq bigint DEFAULT nextval('public.pfa_mirror_change_seq'::regclass) NOT NULL,
    removed_at timestamp with time zone DEFAULT now() NOT NULL
);
CREATE SEQUENCE public.pfa_modification_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;
ALTER SEQUENCE public.pfa_modification_id_seq OWNED BY public.pfa_modification.id;
CREATE TABLE public.pfa_modification_p00 (
    id bigint DEFAULT nextval('public.pfa_modification_id_seq'::regclass) CONSTRAINT pfa_modification_id_not_null NOT NULL,
    user_id bigint CONSTRAINT pfa_modification_user_id_not_null NOT NULL,
    organization_id bigint CONSTRAINT pfa_modification_organization_id_not_null NOT NULL,
    record_id text CONSTRAINT pfa_modification_record_id_not_null NOT NULL,
    changes jsonb CONSTRAINT pfa_modification_changes_not_null NOT NULL,
    base_version bigint CONSTRAINT pfa_modification_base_version_not_null NOT NULL,
    base_values jsonb DEFAULT '{}'::jsonb CONSTRAINT pfa_modification_base_values_not_null NOT NULL,
    conflict jsonb,
    orphaned_at timestamp with time zone,
    orphan_baseline jsonb,
    created_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_created_at_not_null NOT NULL,
    modified_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_modified_at_not_null NOT NULL,
    base_record jsonb,
    CONSTRAINT pfa_modification_changes_check CHECK (((jsonb_typeof(changes) = 'object'::text) AND (changes <> '{}'::jsonb)))
);
CREATE TABLE public.pfa_modification_p01 (
    id bigint DEFAULT nextval('public.pfa_modification_id_seq'::regclass) CONSTRAINT pfa_modification_id_not_null NOT NULL,
    user_id bigint CONSTRAINT pfa_modification_user_id_not_null NOT NULL,
    organization_id bigint CONSTRAINT pfa_modification_organization_id_not_null NOT NULL,
    record_id text CONSTRAINT pfa_modification_record_id_not_null NOT NULL,
    changes jsonb CONSTRAINT pfa_modification_changes_not_null NOT NULL,
    base_version bigint CONSTRAINT pfa_modification_base_version_not_null NOT NULL,
    base_values jsonb DEFAULT '{}'::jsonb CONSTRAINT pfa_modification_base_values_not_null NOT NULL,
    conflict jsonb,
    orphaned_at timestamp with time zone,
    orphan_baseline jsonb,
    created_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_created_at_not_null NOT NULL,
    modified_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_modified_at_not_null NOT NULL,
    base_record jsonb,
    CONSTRAINT pfa_modification_changes_check CHECK (((jsonb_typeof(changes) = 'object'::text) AND (changes <> '{}'::jsonb)))
);
CREATE TABLE public.pfa_modification_p02 (
    id bigint DEFAULT nextval('public.pfa_modification_id_seq'::regclass) CONSTRAINT pfa_modification_id_not_null NOT NULL,
    user_id bigint CONSTRAINT pfa_modification_user_id_not_null NOT NULL,
    organization_id bigint CONSTRAINT pfa_modification_organization_id_not_null NOT NULL,
    record_id text CONSTRAINT pfa_modification_record_id_not_null NOT NULL,
    changes jsonb CONSTRAINT pfa_modification_changes_not_null NOT NULL,
    base_version bigint CONSTRAINT pfa_modification_base_version_not_null NOT NULL,
    base_values jsonb DEFAULT '{}'::jsonb CONSTRAINT pfa_modification_base_values_not_null NOT NULL,
    conflict jsonb,
    orphaned_at timestamp with time zone,
    orphan_baseline jsonb,
    created_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_created_at_not_null NOT NULL,
    modified_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_modified_at_not_null NOT NULL,
    base_record jsonb,
    CONSTRAINT pfa_modification_changes_check CHECK (((jsonb_typeof(changes) = 'object'::text) AND (changes <> '{}'::jsonb)))
);
CREATE TABLE public.pfa_modification_p03 (
    id bigint DEFAULT nextval('public.pfa_modification_id_seq'::regclass) CONSTRAINT pfa_modification_id_not_null NOT NULL,
    user_id bigint CONSTRAINT pfa_modification_user_id_not_null NOT NULL,
    organization_id bigint CONSTRAINT pfa_modification_organization_id_not_null NOT NULL,
    record_id text CONSTRAINT pfa_modification_record_id_not_null NOT NULL,
    changes jsonb CONSTRAINT pfa_modification_changes_not_null NOT NULL,
    base_version bigint CONSTRAINT pfa_modification_base_version_not_null NOT NULL,
    base_values jsonb DEFAULT '{}'::jsonb CONSTRAINT pfa_modification_base_values_not_null NOT NULL,
    conflict jsonb,
    orphaned_at timestamp with time zone,
    orphan_baseline jsonb,
    created_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_created_at_not_null NOT NULL,
    modified_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_modified_at_not_null NOT NULL,
    base_record jsonb,
    CONSTRAINT pfa_modification_changes_check CHECK (((jsonb_typeof(changes) = 'object'::text) AND (changes <> '{}'::jsonb)))
);
CREATE TABLE public.pfa_modification_p04 (
    id bigint DEFAULT nextval('public.pfa_modification_id_seq'::regclass) CONSTRAINT pfa_modification_id_not_null NOT NULL,
    user_id bigint CONSTRAINT pfa_modification_user_id_not_null NOT NULL,
    organization_id bigint CONSTRAINT pfa_modification_organization_id_not_null NOT NULL,
    record_id text CONSTRAINT pfa_modification_record_id_not_null NOT NULL,
    changes jsonb CONSTRAINT pfa_modification_changes_not_null NOT NULL,
    base_version bigint CONSTRAINT pfa_modification_base_version_not_null NOT NULL,
    base_values jsonb DEFAULT '{}'::jsonb CONSTRAINT pfa_modification_base_values_not_null NOT NULL,
    conflict jsonb,
    orphaned_at timestamp with time zone,
    orphan_baseline jsonb,
    created_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_created_at_not_null NOT NULL,
    modified_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_modified_at_not_null NOT NULL,
    base_record jsonb,
    CONSTRAINT pfa_modification_changes_check CHECK (((jsonb_typeof(changes) = 'object'::text) AND (changes <> '{}'::jsonb)))
);
CREATE TABLE public.pfa_modification_p05 (
    id bigint DEFAULT nextval('public.pfa_modification_id_seq'::regclass) CONSTRAINT pfa_modification_id_not_null NOT NULL,
    user_id bigint CONSTRAINT pfa_modification_user_id_not_null NOT NULL,
    organization_id bigint CONSTRAINT pfa_modification_organization_id_not_null NOT NULL,
    record_id text CONSTRAINT pfa_modification_record_id_not_null NOT NULL,
    changes jsonb CONSTRAINT pfa_modification_changes_not_null NOT NULL,
    base_version bigint CONSTRAINT pfa_modification_base_version_not_null NOT NULL,
    base_values jsonb DEFAULT '{}'::jsonb CONSTRAINT pfa_modification_base_values_not_null NOT NULL,
    conflict jsonb,
    orphaned_at timestamp with time zone,
    orphan_baseline jsonb,
    created_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_created_at_not_null NOT NULL,
    modified_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_modified_at_not_null NOT NULL,
    base_record jsonb,
    CONSTRAINT pfa_modification_changes_check CHECK (((jsonb_typeof(changes) = 'object'::text) AND (changes <> '{}'::jsonb)))
);
CREATE TABLE public.pfa_modification_p06 (
    id bigint DEFAULT nextval('public.pfa_modification_id_seq'::regclass) CONSTRAINT pfa_modification_id_not_null NOT NULL,
    user_id bigint CONSTRAINT pfa_modification_user_id_not_null NOT NULL,
    organization_id bigint CONSTRAINT pfa_modification_organization_id_not_null NOT NULL,
    record_id text CONSTRAINT pfa_modification_record_id_not_null NOT NULL,
    changes jsonb CONSTRAINT pfa_modification_changes_not_null NOT NULL,
    base_version bigint CONSTRAINT pfa_modification_base_version_not_null NOT NULL,
    base_values jsonb DEFAULT '{}'::jsonb CONSTRAINT pfa_modification_base_values_not_null NOT NULL,
    conflict jsonb,
    orphaned_at timestamp with time zone,
    orphan_baseline jsonb,
    created_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_created_at_not_null NOT NULL,
    modified_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_modified_at_not_null NOT NULL,
    base_record jsonb,
    CONSTRAINT pfa_modification_changes_check CHECK (((jsonb_typeof(changes) = 'object'::text) AND (changes <> '{}'::jsonb)))
);
CREATE TABLE public.pfa_modification_p07 (
    id bigint DEFAULT nextval('public.pfa_modification_id_seq'::regclass) CONSTRAINT pfa_modification_id_not_null NOT NULL,
    user_id bigint CONSTRAINT pfa_modification_user_id_not_null NOT NULL,
    organization_id bigint CONSTRAINT pfa_modification_organization_id_not_null NOT NULL,
    record_id text CONSTRAINT pfa_modification_record_id_not_null NOT NULL,
    changes jsonb CONSTRAINT pfa_modification_changes_not_null NOT NULL,
    base_version bigint CONSTRAINT pfa_modification_base_version_not_null NOT NULL,
    base_values jsonb DEFAULT '{}'::jsonb CONSTRAINT pfa_modification_base_values_not_null NOT NULL,
    conflict jsonb,
    orphaned_at timestamp with time zone,
    orphan_baseline jsonb,
    created_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_created_at_not_null NOT NULL,
    modified_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_modified_at_not_null NOT NULL,
    base_record jsonb,
    CONSTRAINT pfa_modification_changes_check CHECK (((jsonb_typeof(changes) = 'object'::text) AND (changes <> '{}'::jsonb)))
);
CREATE TABLE public.pfa_modification_p08 (
    id bigint DEFAULT nextval('public.pfa_modification_id_seq'::regclass) CONSTRAINT pfa_modification_id_not_null NOT NULL,
    user_id bigint CONSTRAINT pfa_modification_user_id_not_null NOT NULL,
    organization_id bigint CONSTRAINT pfa_modification_organization_id_not_null NOT NULL,
    record_id text CONSTRAINT pfa_modification_record_id_not_null NOT NULL,
    changes jsonb CONSTRAINT pfa_modification_changes_not_null NOT NULL,
    base_version bigint CONSTRAINT pfa_modification_base_version_not_null NOT NULL,
    base_values jsonb DEFAULT '{}'::jsonb CONSTRAINT pfa_modification_base_values_not_null NOT NULL,
    conflict jsonb,
    orphaned_at timestamp with time zone,
    orphan_baseline jsonb,
    created_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_created_at_not_null NOT NULL,
    modified_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_modified_at_not_null NOT NULL,
    base_record jsonb,
    CONSTRAINT pfa_modification_changes_check CHECK (((jsonb_typeof(changes) = 'object'::text) AND (changes <> '{}'::jsonb)))
);
CREATE TABLE public.pfa_modification_p09 (
    id bigint DEFAULT nextval('public.pfa_modification_id_seq'::regclass) CONSTRAINT pfa_modification_id_not_null NOT NULL,
    user_id bigint CONSTRAINT pfa_modification_user_id_not_null NOT NULL,
    organization_id bigint CONSTRAINT pfa_modification_organization_id_not_null NOT NULL,
    record_id text CONSTRAINT pfa_modification_record_id_not_null NOT NULL,
    changes jsonb CONSTRAINT pfa_modification_changes_not_null NOT NULL,
    base_version bigint CONSTRAINT pfa_modification_base_version_not_null NOT NULL,
    base_values jsonb DEFAULT '{}'::jsonb CONSTRAINT pfa_modification_base_values_not_null NOT NULL,
    conflict jsonb,
    orphaned_at timestamp with time zone,
    orphan_baseline jsonb,
    created_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_created_at_not_null NOT NULL,
    modified_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_modified_at_not_null NOT NULL,
    base_record jsonb,
    CONSTRAINT pfa_modification_changes_check CHECK (((jsonb_typeof(changes) = 'object'::text) AND (changes <> '{}'::jsonb)))
);
CREATE TABLE public.pfa_modification_p10 (
    id bigint DEFAULT nextval('public.pfa_modification_id_seq'::regclass) CONSTRAINT pfa_modification_id_not_null NOT NULL,
    user_id bigint CONSTRAINT pfa_modification_user_id_not_null NOT NULL,
    organization_id bigint CONSTRAINT pfa_modification_organization_id_not_null NOT NULL,
    record_id text CONSTRAINT pfa_modification_record_id_not_null NOT NULL,
    changes jsonb CONSTRAINT pfa_modification_changes_not_null NOT NULL,
    base_version bigint CONSTRAINT pfa_modification_base_version_not_null NOT NULL,
    base_values jsonb DEFAULT '{}'::jsonb CONSTRAINT pfa_modification_base_values_not_null NOT NULL,
    conflict jsonb,
    orphaned_at timestamp with time zone,
    orphan_baseline jsonb,
    created_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_created_at_not_null NOT NULL,
    modified_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_modified_at_not_null NOT NULL,
    base_record jsonb,
    CONSTRAINT pfa_modification_changes_check CHECK (((jsonb_typeof(changes) = 'object'::text) AND (changes <> '{}'::jsonb)))
);
CREATE TABLE public.pfa_modification_p11 (
    id bigint DEFAULT nextval('public.pfa_modification_id_seq'::regclass) CONSTRAINT pfa_modification_id_not_null NOT NULL,
    user_id bigint CONSTRAINT pfa_modification_user_id_not_null NOT NULL,
    organization_id bigint CONSTRAINT pfa_modification_organization_id_not_null NOT NULL,
    record_id text CONSTRAINT pfa_modification_record_id_not_null NOT NULL,
    changes jsonb CONSTRAINT pfa_modification_changes_not_null NOT NULL,
    base_version bigint CONSTRAINT pfa_modification_base_version_not_null NOT NULL,
    base_values jsonb DEFAULT '{}'::jsonb CONSTRAINT pfa_modification_base_values_not_null NOT NULL,
    conflict jsonb,
    orphaned_at timestamp with time zone,
    orphan_baseline jsonb,
    created_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_created_at_not_null NOT NULL,
    modified_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_modified_at_not_null NOT NULL,
    base_record jsonb,
    CONSTRAINT pfa_modification_changes_check CHECK (((jsonb_typeof(changes) = 'object'::text) AND (changes <> '{}'::jsonb)))
);
CREATE TABLE public.pfa_modification_p12 (
    id bigint DEFAULT nextval('public.pfa_modification_id_seq'::regclass) CONSTRAINT pfa_modification_id_not_null NOT NULL,
    user_id bigint CONSTRAINT pfa_modification_user_id_not_null NOT NULL,
    organization_id bigint CONSTRAINT pfa_modification_organization_id_not_null NOT NULL,
    record_id text CONSTRAINT pfa_modification_record_id_not_null NOT NULL,
    changes jsonb CONSTRAINT pfa_modification_changes_not_null NOT NULL,
    base_version bigint CONSTRAINT pfa_modification_base_version_not_null NOT NULL,
    base_values jsonb DEFAULT '{}'::jsonb CONSTRAINT pfa_modification_base_values_not_null NOT NULL,
    conflict jsonb,
    orphaned_at timestamp with time zone,
    orphan_baseline jsonb,
    created_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_created_at_not_null NOT NULL,
    modified_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_modified_at_not_null NOT NULL,
    base_record jsonb,
    CONSTRAINT pfa_modification_changes_check CHECK (((jsonb_typeof(changes) = 'object'::text) AND (changes <> '{}'::jsonb)))
);
CREATE TABLE public.pfa_modification_p13 (
    id bigint DEFAULT nextval('public.pfa_modification_id_seq'::regclass) CONSTRAINT pfa_modification_id_not_null NOT NULL,
    user_id bigint CONSTRAINT pfa_modification_user_id_not_null NOT NULL,
    organization_id bigint CONSTRAINT pfa_modification_organization_id_not_null NOT NULL,
    record_id text CONSTRAINT pfa_modification_record_id_not_null NOT NULL,
    changes jsonb CONSTRAINT pfa_modification_changes_not_null NOT NULL,
    base_version bigint CONSTRAINT pfa_modification_base_version_not_null NOT NULL,
    base_values jsonb DEFAULT '{}'::jsonb CONSTRAINT pfa_modification_base_values_not_null NOT NULL,
    conflict jsonb,
    orphaned_at timestamp with time zone,
    orphan_baseline jsonb,
    created_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_created_at_not_null NOT NULL,
    modified_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_modified_at_not_null NOT NULL,
    base_record jsonb,
    CONSTRAINT pfa_modification_changes_check CHECK (((jsonb_typeof(changes) = 'object'::text) AND (changes <> '{}'::jsonb)))
);
CREATE TABLE public.pfa_modification_p14 (
    id bigint DEFAULT nextval('public.pfa_modification_id_seq'::regclass) CONSTRAINT pfa_modification_id_not_null NOT NULL,
    user_id bigint CONSTRAINT pfa_modification_user_id_not_null NOT NULL,
    organization_id bigint CONSTRAINT pfa_modification_organization_id_not_null NOT NULL,
    record_id text CONSTRAINT pfa_modification_record_id_not_null NOT NULL,
    changes jsonb CONSTRAINT pfa_modification_changes_not_null NOT NULL,
    base_version bigint CONSTRAINT pfa_modification_base_version_not_null NOT NULL,
    base_values jsonb DEFAULT '{}'::jsonb CONSTRAINT pfa_modification_base_values_not_null NOT NULL,
    conflict jsonb,
    orphaned_at timestamp with time zone,
    orphan_baseline jsonb,
    created_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_created_at_not_null NOT NULL,
    modified_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_modified_at_not_null NOT NULL,
    base_record jsonb,
    CONSTRAINT pfa_modification_changes_check CHECK (((jsonb_typeof(changes) = 'object'::text) AND (changes <> '{}'::jsonb)))
);
CREATE TABLE public.pfa_modification_p15 (
    id bigint DEFAULT nextval('public.pfa_modification_id_seq'::regclass) CONSTRAINT pfa_modification_id_not_null NOT NULL,
    user_id bigint CONSTRAINT pfa_modification_user_id_not_null NOT NULL,
    organization_id bigint CONSTRAINT pfa_modification_organization_id_not_null NOT NULL,
    record_id text CONSTRAINT pfa_modification_record_id_not_null NOT NULL,
    changes jsonb CONSTRAINT pfa_modification_changes_not_null NOT NULL,
    base_version bigint CONSTRAINT pfa_modification_base_version_not_null NOT NULL,
    base_values jsonb DEFAULT '{}'::jsonb CONSTRAINT pfa_modification_base_values_not_null NOT NULL,
    conflict jsonb,
    orphaned_at timestamp with time zone,
    orphan_baseline jsonb,
    created_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_created_at_not_null NOT NULL,
    modified_at timestamp with time zone DEFAULT now() CONSTRAINT pfa_modification_modified_at_not_null NOT NULL,
    base_record jsonb,
    CONSTRAINT pfa_modification_changes_check CHECK (((jsonb_typeof(changes) = 'object'::text) AND (changes <> '{}'::jsonb)))
);
CREATE TABLE public.pfa_org_bounds (
    organization_id bigint NOT NULL,
    min_start date,
    max_end date
);
CREATE TABLE public.pfa_session_scope (
    backend_pid integer NOT NULL,
    backend_start timestamp with time zone NOT NULL,
    organization_id bigint NOT NULL,
    user_id bigint,
    set_at timestamp with time zone DEFAULT now() NOT NULL
);
CREATE MATERIALIZED VIEW public.pfa_timeline_bounds AS
 SELECT organization_id,
    min_start,
    max_end
   FROM public.pfa_org_bounds
  WITH NO DATA;
CREATE TABLE public.saved_views (
    id bigint NOT NULL,
    organization_id bigint NOT NULL,
    user_id bigint NOT NULL,
    name text NOT NULL,
    query text NOT NULL,
    shared boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT saved_views_name_check CHECK (((length(name) >= 1) AND (length(name) <= 80))),
    CONSTRAINT saved_views_query_check CHECK ((length(query) <= 2000))
);
ALTER TABLE public.saved_views ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.saved_views_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE TABLE public.schema_migrations (
    version text NOT NULL,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);
CREATE TABLE public.sync_runs (
    id bigint NOT NULL,
    organization_id bigint NOT NULL,
    kind text NOT NULL,
    trigger text DEFAULT 'schedule'::text NOT NULL,
    status text DEFAULT 'running'::text NOT NULL,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    finished_at timestamp with time zone,
    duration_ms integer,
    fetched integer DEFAULT 0 NOT NULL,
    inserted integer DEFAULT 0 NOT NULL,
    updated integer DEFAULT 0 NOT NULL,
    unchanged integer DEFAULT 0 NOT NULL,
    deleted integer DEFAULT 0 NOT NULL,
    error text,
    worker text,
    requested_by text,
    CONSTRAINT sync_runs_kind_check CHECK ((kind = ANY (ARRAY['full'::text, 'incremental'::text]))),
    CONSTRAINT sync_runs_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'running'::text, 'succeeded'::text, 'failed'::text, 'abandoned'::text, 'skipped'::text])))
);
ALTER TABLE public.sync_runs ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.sync_runs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE TABLE public.users (
    id bigint NOT NULL,
    username text NOT NULL,
    password_hash text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    session_generation integer DEFAULT 0 NOT NULL,
    CONSTRAINT users_password_hash_check CHECK ((password_hash ~~ '$argon2%'::text)),
    CONSTRAINT users_username_check CHECK ((username ~ '^[A-Za-z0-9_.@-]{1,64}$'::text))
);
ALTER TABLE public.users ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.users_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
ALTER TABLE ONLY public.pfa_mirror ATTACH PARTITION public.pfa_mirror_p00 FOR VALUES WITH (modulus 16, remainder 0);
ALTER TABLE ONLY public.pfa_mirror ATTACH PARTITION public.pfa_mirror_p01 FOR VALUES WITH (modulus 16, remainder 1);
ALTER TABLE ONLY public.pfa_mirror ATTACH PARTITION public.pfa_mirror_p02 FOR VALUES WITH (modulus 16, remainder 2);
ALTER TABLE ONLY public.pfa_mirror ATTACH PARTITION public.pfa_mirror_p03 FOR VALUES WITH (modulus 16, remainder 3);
ALTER TABLE ONLY public.pfa_mirror ATTACH PARTITION public.pfa_mirror_p04 FOR VALUES WITH (modulus 16, remainder 4);
ALTER TABLE ONLY public.pfa_mirror ATTACH PARTITION public.pfa_mirror_p05 FOR VALUES WITH (modulus 16, remainder 5);
ALTER TABLE ONLY public.pfa_mirror ATTACH PARTITION public.pfa_mirror_p06 FOR VALUES WITH (modulus 16, remainder 6);
ALTER TABLE ONLY public.pfa_mirror ATTACH PARTITION public.pfa_mirror_p07 FOR VALUES WITH (modulus 16, remainder 7);
ALTER TABLE ONLY public.pfa_mirror ATTACH PARTITION public.pfa_mirror_p08 FOR VALUES WITH (modulus 16, remainder 8);
ALTER TABLE ONLY public.pfa_mirror ATTACH PARTITION public.pfa_mirror_p09 FOR VALUES WITH (modulus 16, remainder 9);
ALTER TABLE ONLY public.pfa_mirror ATTACH PARTITION public.pfa_mirror_p10 FOR VALUES WITH (modulus 16, remainder 10);
ALTER TABLE ONLY public.pfa_mirror ATTACH PARTITION public.pfa_mirror_p11 FOR VALUES WITH (modulus 16, remainder 11);
ALTER TABLE ONLY public.pfa_mirror ATTACH PARTITION public.pfa_mirror_p12 FOR VALUES WITH (modulus 16, remainder 12);
ALTER TABLE ONLY public.pfa_mirror ATTACH PARTITION public.pfa_mirror_p13 FOR VALUES WITH (modulus 16, remainder 13);
ALTER TABLE ONLY public.pfa_mirror ATTACH PARTITION public.pfa_mirror_p14 FOR VALUES WITH (modulus 16, remainder 14);
ALTER TABLE ONLY public.pfa_mirror ATTACH PARTITION public.pfa_mirror_p15 FOR VALUES WITH (modulus 16, remainder 15);
ALTER TABLE ONLY public.pfa_modification ATTACH PARTITION public.pfa_modification_p00 FOR VALUES WITH (modulus 16, remainder 0);
ALTER TABLE ONLY public.pfa_modification ATTACH PARTITION public.pfa_modification_p01 FOR VALUES WITH (modulus 16, remainder 1);
ALTER TABLE ONLY public.pfa_modification ATTACH PARTITION public.pfa_modification_p02 FOR VALUES WITH (modulus 16, remainder 2);
ALTER TABLE ONLY public.pfa_modification ATTACH PARTITION public.pfa_modification_p03 FOR VALUES WITH (modulus 16, remainder 3);
ALTER TABLE ONLY public.pfa_modification ATTACH PARTITION public.pfa_modification_p04 FOR VALUES WITH (modulus 16, remainder 4);
ALTER TABLE ONLY public.pfa_modification ATTACH PARTITION public.pfa_modification_p05 FOR VALUES WITH (modulus 16, remainder 5);
ALTER TABLE ONLY public.pfa_modification ATTACH PARTITION public.pfa_modification_p06 FOR VALUES WITH (modulus 16, remainder 6);
ALTER TABLE ONLY public.pfa_modification ATTACH PARTITION public.pfa_modification_p07 FOR VALUES WITH (modulus 16, remainder 7);
ALTER TABLE ONLY public.pfa_modification ATTACH PARTITION public.pfa_modification_p08 FOR VALUES WITH (modulus 16, remainder 8);
ALTER TABLE ONLY public.pfa_modification ATTACH PARTITION public.pfa_modification_p09 FOR VALUES WITH (modulus 16, remainder 9);
ALTER TABLE ONLY public.pfa_modification ATTACH PARTITION public.pfa_modification_p10 FOR VALUES WITH (modulus 16, remainder 10);
ALTER TABLE ONLY public.pfa_modification ATTACH PARTITION public.pfa_modification_p11 FOR VALUES WITH (modulus 16, remainder 11);
ALTER TABLE ONLY public.pfa_modification ATTACH PARTITION public.pfa_modification_p12 FOR VALUES WITH (modulus 16, remainder 12);
ALTER TABLE ONLY public.pfa_modification ATTACH PARTITION public.pfa_modification_p13 FOR VALUES WITH (modulus 16, remainder 13);
ALTER TABLE ONLY public.pfa_modification ATTACH PARTITION public.pfa_modification_p14 FOR VALUES WITH (modulus 16, remainder 14);
ALTER TABLE ONLY public.pfa_modification ATTACH PARTITION public.pfa_modification_p15 FOR VALUES WITH (modulus 16, remainder 15);
ALTER TABLE ONLY public.pfa_modification ALTER COLUMN id SET DEFAULT nextval('public.pfa_modification_id_seq'::regclass);
ALTER TABLE ONLY public.commit_audit
    ADD CONSTRAINT commit_audit_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.commit_runs
    ADD CONSTRAINT commit_runs_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.grid_layouts
    ADD CONSTRAINT grid_layouts_pkey PRIMARY KEY (organization_id, user_id);
ALTER TABLE ONLY public.maintenance_windows
    ADD CONSTRAINT maintenance_windows_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_pkey PRIMARY KEY (user_id, organization_id);
ALTER TABLE ONLY public.organizations
    ADD CONSTRAINT organizations_code_key UNIQUE (code);
ALTER TABLE ONLY public.organizations
    ADD CONSTRAINT organizations_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.pfa_ai_audit
    ADD CONSTRAINT pfa_ai_audit_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.pfa_history
    ADD CONSTRAINT pfa_history_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_kpi_totals
    ADD CONSTRAINT pfa_kpi_totals_pkey PRIMARY KEY (organization_id, category, source);
ALTER TABLE ONLY public.pfa_mirror_archive
    ADD CONSTRAINT pfa_mirror_archive_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_mirror
    ADD CONSTRAINT pfa_mirror_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_mirror_p00
    ADD CONSTRAINT pfa_mirror_p00_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_mirror_p01
    ADD CONSTRAINT pfa_mirror_p01_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_mirror_p02
    ADD CONSTRAINT pfa_mirror_p02_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_mirror_p03
    ADD CONSTRAINT pfa_mirror_p03_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_mirror_p04
    ADD CONSTRAINT pfa_mirror_p04_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_mirror_p05
    ADD CONSTRAINT pfa_mirror_p05_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_mirror_p06
    ADD CONSTRAINT pfa_mirror_p06_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_mirror_p07
    ADD CONSTRAINT pfa_mirror_p07_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_mirror_p08
    ADD CONSTRAINT pfa_mirror_p08_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_mirror_p09
    ADD CONSTRAINT pfa_mirror_p09_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_mirror_p10
    ADD CONSTRAINT pfa_mirror_p10_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_mirror_p11
    ADD CONSTRAINT pfa_mirror_p11_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_mirror_p12
    ADD CONSTRAINT pfa_mirror_p12_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_mirror_p13
    ADD CONSTRAINT pfa_mirror_p13_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_mirror_p14
    ADD CONSTRAINT pfa_mirror_p14_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_mirror_p15
    ADD CONSTRAINT pfa_mirror_p15_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_mirror_removed
    ADD CONSTRAINT pfa_mirror_removed_pkey PRIMARY KEY (organization_id, id, change_seq);
ALTER TABLE ONLY public.pfa_modification
    ADD CONSTRAINT pfa_modification_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_modification_p00
    ADD CONSTRAINT pfa_modification_p00_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_modification
    ADD CONSTRAINT pfa_modification_user_id_organization_id_record_id_key UNIQUE (user_id, organization_id, record_id);
ALTER TABLE ONLY public.pfa_modification_p00
    ADD CONSTRAINT pfa_modification_p00_user_id_organization_id_record_id_key UNIQUE (user_id, organization_id, record_id);
ALTER TABLE ONLY public.pfa_modification_p01
    ADD CONSTRAINT pfa_modification_p01_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_modification_p01
    ADD CONSTRAINT pfa_modification_p01_user_id_organization_id_record_id_key UNIQUE (user_id, organization_id, record_id);
ALTER TABLE ONLY public.pfa_modification_p02
    ADD CONSTRAINT pfa_modification_p02_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_modification_p02
    ADD CONSTRAINT pfa_modification_p02_user_id_organization_id_record_id_key UNIQUE (user_id, organization_id, record_id);
ALTER TABLE ONLY public.pfa_modification_p03
    ADD CONSTRAINT pfa_modification_p03_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_modification_p03
    ADD CONSTRAINT pfa_modification_p03_user_id_organization_id_record_id_key UNIQUE (user_id, organization_id, record_id);
ALTER TABLE ONLY public.pfa_modification_p04
    ADD CONSTRAINT pfa_modification_p04_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_modification_p04
    ADD CONSTRAINT pfa_modification_p04_user_id_organization_id_record_id_key UNIQUE (user_id, organization_id, record_id);
ALTER TABLE ONLY public.pfa_modification_p05
    ADD CONSTRAINT pfa_modification_p05_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_modification_p05
    ADD CONSTRAINT pfa_modification_p05_user_id_organization_id_record_id_key UNIQUE (user_id, organization_id, record_id);
ALTER TABLE ONLY public.pfa_modification_p06
    ADD CONSTRAINT pfa_modification_p06_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_modification_p06
    ADD CONSTRAINT pfa_modification_p06_user_id_organization_id_record_id_key UNIQUE (user_id, organization_id, record_id);
ALTER TABLE ONLY public.pfa_modification_p07
    ADD CONSTRAINT pfa_modification_p07_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_modification_p07
    ADD CONSTRAINT pfa_modification_p07_user_id_organization_id_record_id_key UNIQUE (user_id, organization_id, record_id);
ALTER TABLE ONLY public.pfa_modification_p08
    ADD CONSTRAINT pfa_modification_p08_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_modification_p08
    ADD CONSTRAINT pfa_modification_p08_user_id_organization_id_record_id_key UNIQUE (user_id, organization_id, record_id);
ALTER TABLE ONLY public.pfa_modification_p09
    ADD CONSTRAINT pfa_modification_p09_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_modification_p09
    ADD CONSTRAINT pfa_modification_p09_user_id_organization_id_record_id_key UNIQUE (user_id, organization_id, record_id);
ALTER TABLE ONLY public.pfa_modification_p10
    ADD CONSTRAINT pfa_modification_p10_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_modification_p10
    ADD CONSTRAINT pfa_modification_p10_user_id_organization_id_record_id_key UNIQUE (user_id, organization_id, record_id);
ALTER TABLE ONLY public.pfa_modification_p11
    ADD CONSTRAINT pfa_modification_p11_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_modification_p11
    ADD CONSTRAINT pfa_modification_p11_user_id_organization_id_record_id_key UNIQUE (user_id, organization_id, record_id);
ALTER TABLE ONLY public.pfa_modification_p12
    ADD CONSTRAINT pfa_modification_p12_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_modification_p12
    ADD CONSTRAINT pfa_modification_p12_user_id_organization_id_record_id_key UNIQUE (user_id, organization_id, record_id);
ALTER TABLE ONLY public.pfa_modification_p13
    ADD CONSTRAINT pfa_modification_p13_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_modification_p13
    ADD CONSTRAINT pfa_modification_p13_user_id_organization_id_record_id_key UNIQUE (user_id, organization_id, record_id);
ALTER TABLE ONLY public.pfa_modification_p14
    ADD CONSTRAINT pfa_modification_p14_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_modification_p14
    ADD CONSTRAINT pfa_modification_p14_user_id_organization_id_record_id_key UNIQUE (user_id, organization_id, record_id);
ALTER TABLE ONLY public.pfa_modification_p15
    ADD CONSTRAINT pfa_modification_p15_pkey PRIMARY KEY (organization_id, id);
ALTER TABLE ONLY public.pfa_modification_p15
    ADD CONSTRAINT pfa_modification_p15_user_id_organization_id_record_id_key UNIQUE (user_id, organization_id, record_id);
ALTER TABLE ONLY public.pfa_org_bounds
    ADD CONSTRAINT pfa_org_bounds_pkey PRIMARY KEY (organization_id);
ALTER TABLE ONLY public.pfa_session_scope
    ADD CONSTRAINT pfa_session_scope_pkey PRIMARY KEY (backend_pid, backend_start);
ALTER TABLE ONLY public.saved_views
    ADD CONSTRAINT saved_views_organization_id_user_id_name_key UNIQUE (organization_id, user_id, name);
ALTER TABLE ONLY public.saved_views
    ADD CONSTRAINT saved_views_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);
ALTER TABLE ONLY public.sync_runs
    ADD CONSTRAINT sync_runs_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_username_key UNIQUE (username);
CREATE INDEX commit_audit_org_created_idx ON public.commit_audit USING btree (organization_id, created_at DESC);
CREATE INDEX commit_audit_run_idx ON public.commit_audit USING btree (run_id);
CREATE INDEX commit_audit_user_idx ON public.commit_audit USING btree (organization_id, user_id, created_at DESC);
CREATE UNIQUE INDEX commit_runs_idempotency_key ON public.commit_runs USING btree (user_id, organization_id, idempotency_key) WHERE (idempotency_key IS NOT NULL);
CREATE INDEX commit_runs_org_started_idx ON public.commit_runs USING btree (organization_id, started_at DESC);
CREATE INDEX commit_runs_user_idx ON public.commit_runs USING btree (organization_id, user_id, id DESC);
CREATE INDEX login_failures_age ON public.login_failures USING btree (failed_at);
CREATE INDEX login_failures_client ON public.login_failures USING btree (client, failed_at);
CREATE INDEX login_failures_key ON public.login_failures USING btree (username, client, failed_at);
CREATE INDEX maintenance_windows_organization_idx ON public.maintenance_windows USING btree (organization_id);
CREATE INDEX memberships_organization_idx ON public.memberships USING btree (organization_id);
CREATE INDEX pfa_ai_audit_org_created_idx ON public.pfa_ai_audit USING btree (organization_id, created_at DESC);
CREATE INDEX pfa_ai_audit_user_created_idx ON public.pfa_ai_audit USING btree (user_id, created_at DESC);
CREATE INDEX pfa_history_recent_idx ON public.pfa_history USING btree (organization_id, detected_at DESC, id DESC);
CREATE INDEX pfa_history_record_idx ON public.pfa_history USING btree (organization_id, record_id, id DESC);
CREATE UNIQUE INDEX pfa_kpi_summary_key ON public.pfa_kpi_summary USING btree (organization_id, category, source);
CREATE INDEX pfa_mirror_area_idx ON ONLY public.pfa_mirror USING btree (organization_id, area_silo);
CREATE INDEX pfa_mirror_category_idx ON ONLY public.pfa_mirror USING btree (organization_id, category);
CREATE INDEX pfa_mirror_change_idx ON ONLY public.pfa_mirror USING btree (organization_id, change_seq);
CREATE INDEX pfa_mirror_excluded_idx ON ONLY public.pfa_mirror USING btree (organization_id, is_discontinued) WHERE (is_discontinued OR is_funds_transferable);
CREATE INDEX pfa_mirror_forecast_end_idx ON ONLY public.pfa_mirror USING btree (organization_id, forecast_end);
CREATE INDEX pfa_mirror_forecast_start_idx ON ONLY public.pfa_mirror USING btree (organization_id, forecast_start);
CREATE INDEX pfa_mirror_p00_organization_id_area_silo_idx ON public.pfa_mirror_p00 USING btree (organization_id, area_silo);
CREATE INDEX pfa_mirror_p00_organization_id_category_idx ON public.pfa_mirror_p00 USING btree (organization_id, category);
CREATE INDEX pfa_mirror_p00_organization_id_change_seq_idx ON public.pfa_mirror_p00 USING btree (organization_id, change_seq);
CREATE INDEX pfa_mirror_p00_organization_id_forecast_end_idx ON public.pfa_mirror_p00 USING btree (organization_id, forecast_end);
CREATE INDEX pfa_mirror_p00_organization_id_forecast_start_idx ON public.pfa_mirror_p00 USING btree (organization_id, forecast_start);
CREATE INDEX pfa_mirror_p00_organization_id_is_discontinued_idx ON public.pfa_mirror_p00 USING btree (organization_id, is_discontinued) WHERE (is_discontinued OR is_funds_transferable);
CREATE INDEX pfa_mirror_p01_organization_id_area_silo_idx ON public.pfa_mirror_p01 USING btree (organization_id, area_silo);
CREATE INDEX pfa_mirror_p01_organization_id_category_idx ON public.pfa_mirror_p01 USING btree (organization_id, category);
CREATE INDEX pfa_mirror_p01_organization_id_change_seq_idx ON public.pfa_mirror_p01 USING btree (organization_id, change_seq);
CREATE INDEX pfa_mirror_p01_organization_id_forecast_end_idx ON public.pfa_mirror_p01 USING btree (organization_id, forecast_end);
CREATE INDEX pfa_mirror_p01_organization_id_forecast_start_idx ON public.pfa_mirror_p01 USING btree (organization_id, forecast_start);
CREATE INDEX pfa_mirror_p01_organization_id_is_discontinued_idx ON public.pfa_mirror_p01 USING btree (organization_id, is_discontinued) WHERE (is_discontinued OR is_funds_transferable);
CREATE INDEX pfa_mirror_p02_organization_id_area_silo_idx ON public.pfa_mirror_p02 USING btree (organization_id, area_silo);
CREATE INDEX pfa_mirror_p02_organization_id_category_idx ON public.pfa_mirror_p02 USING btree (organization_id, category);
CREATE INDEX pfa_mirror_p02_organization_id_change_seq_idx ON public.pfa_mirror_p02 USING btree (organization_id, change_seq);
CREATE INDEX pfa_mirror_p02_organization_id_forecast_end_idx ON public.pfa_mirror_p02 USING btree (organization_id, forecast_end);
CREATE INDEX pfa_mirror_p02_organization_id_forecast_start_idx ON public.pfa_mirror_p02 USING btree (organization_id, forecast_start);
CREATE INDEX pfa_mirror_p02_organization_id_is_discontinued_idx ON public.pfa_mirror_p02 USING btree (organization_id, is_discontinued) WHERE (is_discontinued OR is_funds_transferable);
CREATE INDEX pfa_mirror_p03_organization_id_area_silo_idx ON public.pfa_mirror_p03 USING btree (organization_id, area_silo);
CREATE INDEX pfa_mirror_p03_organization_id_category_idx ON public.pfa_mirror_p03 USING btree (organization_id, category);
CREATE INDEX pfa_mirror_p03_organization_id_change_seq_idx ON public.pfa_mirror_p03 USING btree (organization_id, change_seq);
CREATE INDEX pfa_mirror_p03_organization_id_forecast_end_idx ON public.pfa_mirror_p03 USING btree (organization_id, forecast_end);
CREATE INDEX pfa_mirror_p03_organization_id_forecast_start_idx ON public.pfa_mirror_p03 USING btree (organization_id, forecast_start);
CREATE INDEX pfa_mirror_p03_organization_id_is_discontinued_idx ON public.pfa_mirror_p03 USING btree (organization_id, is_discontinued) WHERE (is_discontinued OR is_funds_transferable);
CREATE INDEX pfa_mirror_p04_organization_id_area_silo_idx ON public.pfa_mirror_p04 USING btree (organization_id, area_silo);
CREATE INDEX pfa_mirror_p04_organization_id_category_idx ON public.pfa_mirror_p04 USING btree (organization_id, category);
CREATE INDEX pfa_mirror_p04_organization_id_change_seq_idx ON public.pfa_mirror_p04 USING btree (organization_id, change_seq);
CREATE INDEX pfa_mirror_p04_organization_id_forecast_end_idx ON public.pfa_mirror_p04 USING btree (organization_id, forecast_end);
CREATE INDEX pfa_mirror_p04_organization_id_forecast_start_idx ON public.pfa_mirror_p04 USING btree (organization_id, forecast_start);
CREATE INDEX pfa_mirror_p04_organization_id_is_discontinued_idx ON public.pfa_mirror_p04 USING btree (organization_id, is_discontinued) WHERE (is_discontinued OR is_funds_transferable);
CREATE INDEX pfa_mirror_p05_organization_id_area_silo_idx ON public.pfa_mirror_p05 USING btree (organization_id, area_silo);
CREATE INDEX pfa_mirror_p05_organization_id_category_idx ON public.pfa_mirror_p05 USING btree (organization_id, category);
CREATE INDEX pfa_mirror_p05_organization_id_change_seq_idx ON public.pfa_mirror_p05 USING btree (organization_id, change_seq);
CREATE INDEX pfa_mirror_p05_organization_id_forecast_end_idx ON public.pfa_mirror_p05 USING btree (organization_id, forecast_end);
CREATE INDEX pfa_mirror_p05_organization_id_forecast_start_idx ON public.pfa_mirror_p05 USING btree (organization_id, forecast_start);
CREATE INDEX pfa_mirror_p05_organization_id_is_discontinued_idx ON public.pfa_mirror_p05 USING btree (organization_id, is_discontinued) WHERE (is_discontinued OR is_funds_transferable);
CREATE INDEX pfa_mirror_p06_organization_id_area_silo_idx ON public.pfa_mirror_p06 USING btree (organization_id, area_silo);
CREATE INDEX pfa_mirror_p06_organization_id_category_idx ON public.pfa_mirror_p06 USING btree (organization_id, category);
CREATE INDEX pfa_mirror_p06_organization_id_change_seq_idx ON public.pfa_mirror_p06 USING btree (organization_id, change_seq);
CREATE INDEX pfa_mirror_p06_organization_id_forecast_end_idx ON public.pfa_mirror_p06 USING btree (organization_id, forecast_end);
CREATE INDEX pfa_mirror_p06_organization_id_forecast_start_idx ON public.pfa_mirror_p06 USING btree (organization_id, forecast_start);
CREATE INDEX pfa_mirror_p06_organization_id_is_discontinued_idx ON public.pfa_mirror_p06 USING btree (organization_id, is_discontinued) WHERE (is_discontinued OR is_funds_transferable);
CREATE INDEX pfa_mirror_p07_organization_id_area_silo_idx ON public.pfa_mirror_p07 USING btree (organization_id, area_silo);
CREATE INDEX pfa_mirror_p07_organization_id_category_idx ON public.pfa_mirror_p07 USING btree (organization_id, category);
CREATE INDEX pfa_mirror_p07_organization_id_change_seq_idx ON public.pfa_mirror_p07 USING btree (organization_id, change_seq);
CREATE INDEX pfa_mirror_p07_organization_id_forecast_end_idx ON public.pfa_mirror_p07 USING btree (organization_id, forecast_end);
CREATE INDEX pfa_mirror_p07_organization_id_forecast_start_idx ON public.pfa_mirror_p07 USING btree (organization_id, forecast_start);
CREATE INDEX pfa_mirror_p07_organization_id_is_discontinued_idx ON public.pfa_mirror_p07 USING btree (organization_id, is_discontinued) WHERE (is_discontinued OR is_funds_transferable);
CREATE INDEX pfa_mirror_p08_organization_id_area_silo_idx ON public.pfa_mirror_p08 USING btree (organization_id, area_silo);
CREATE INDEX pfa_mirror_p08_organization_id_category_idx ON public.pfa_mirror_p08 USING btree (organization_id, category);
CREATE INDEX pfa_mirror_p08_organization_id_change_seq_idx ON public.pfa_mirror_p08 USING btree (organization_id, change_seq);
CREATE INDEX pfa_mirror_p08_organization_id_forecast_end_idx ON public.pfa_mirror_p08 USING btree (organization_id, forecast_end);
CREATE INDEX pfa_mirror_p08_organization_id_forecast_start_idx ON public.pfa_mirror_p08 USING btree (organization_id, forecast_start);
CREATE INDEX pfa_mirror_p08_organization_id_is_discontinued_idx ON public.pfa_mirror_p08 USING btree (organization_id, is_discontinued) WHERE (is_discontinued OR is_funds_transferable);
CREATE INDEX pfa_mirror_p09_organization_id_area_silo_idx ON public.pfa_mirror_p09 USING btree (organization_id, area_silo);
CREATE INDEX pfa_mirror_p09_organization_id_category_idx ON public.pfa_mirror_p09 USING btree (organization_id, category);
CREATE INDEX pfa_mirror_p09_organization_id_change_seq_idx ON public.pfa_mirror_p09 USING btree (organization_id, change_seq);
CREATE INDEX pfa_mirror_p09_organization_id_forecast_end_idx ON public.pfa_mirror_p09 USING btree (organization_id, forecast_end);
CREATE INDEX pfa_mirror_p09_organization_id_forecast_start_idx ON public.pfa_mirror_p09 USING btree (organization_id, forecast_start);
CREATE INDEX pfa_mirror_p09_organization_id_is_discontinued_idx ON public.pfa_mirror_p09 USING btree (organization_id, is_discontinued) WHERE (is_discontinued OR is_funds_transferable);
CREATE INDEX pfa_mirror_p10_organization_id_area_silo_idx ON public.pfa_mirror_p10 USING btree (organization_id, area_silo);
CREATE INDEX pfa_mirror_p10_organization_id_category_idx ON public.pfa_mirror_p10 USING btree (organization_id, category);
CREATE INDEX pfa_mirror_p10_organization_id_change_seq_idx ON public.pfa_mirror_p10 USING btree (organization_id, change_seq);
CREATE INDEX pfa_mirror_p10_organization_id_forecast_end_idx ON public.pfa_mirror_p10 USING btree (organization_id, forecast_end);
CREATE INDEX pfa_mirror_p10_organization_id_forecast_start_idx ON public.pfa_mirror_p10 USING btree (organization_id, forecast_start);
CREATE INDEX pfa_mirror_p10_organization_id_is_discontinued_idx ON public.pfa_mirror_p10 USING btree (organization_id, is_discontinued) WHERE (is_discontinued OR is_funds_transferable);
CREATE INDEX pfa_mirror_p11_organization_id_area_silo_idx ON public.pfa_mirror_p11 USING btree (organization_id, area_silo);
CREATE INDEX pfa_mirror_p11_organization_id_category_idx ON public.pfa_mirror_p11 USING btree (organization_id, category);
CREATE INDEX pfa_mirror_p11_organization_id_change_seq_idx ON public.pfa_mirror_p11 USING btree (organization_id, change_seq);
CREATE INDEX pfa_mirror_p11_organization_id_forecast_end_idx ON public.pfa_mirror_p11 USING btree (organization_id, forecast_end);
CREATE INDEX pfa_mirror_p11_organization_id_forecast_start_idx ON public.pfa_mirror_p11 USING btree (organization_id, forecast_start);
CREATE INDEX pfa_mirror_p11_organization_id_is_discontinued_idx ON public.pfa_mirror_p11 USING btree (organization_id, is_discontinued) WHERE (is_discontinued OR is_funds_transferable);
CREATE INDEX pfa_mirror_p12_organization_id_area_silo_idx ON public.pfa_mirror_p12 USING btree (organization_id, area_silo);
CREATE INDEX pfa_mirror_p12_organization_id_category_idx ON public.pfa_mirror_p12 USING btree (organization_id, category);
CREATE INDEX pfa_mirror_p12_organization_id_change_seq_idx ON public.pfa_mirror_p12 USING btree (organization_id, change_seq);
CREATE INDEX pfa_mirror_p12_organization_id_forecast_end_idx ON public.pfa_mirror_p12 USING btree (organization_id, forecast_end);
CREATE INDEX pfa_mirror_p12_organization_id_forecast_start_idx ON public.pfa_mirror_p12 USING btree (organization_id, forecast_start);
CREATE INDEX pfa_mirror_p12_organization_id_is_discontinued_idx ON public.pfa_mirror_p12 USING btree (organization_id, is_discontinued) WHERE (is_discontinued OR is_funds_transferable);
CREATE INDEX pfa_mirror_p13_organization_id_area_silo_idx ON public.pfa_mirror_p13 USING btree (organization_id, area_silo);
CREATE INDEX pfa_mirror_p13_organization_id_category_idx ON public.pfa_mirror_p13 USING btree (organization_id, category);
CREATE INDEX pfa_mirror_p13_organization_id_change_seq_idx ON public.pfa_mirror_p13 USING btree (organization_id, change_seq);
CREATE INDEX pfa_mirror_p13_organization_id_forecast_end_idx ON public.pfa_mirror_p13 USING btree (organization_id, forecast_end);
CREATE INDEX pfa_mirror_p13_organization_id_forecast_start_idx ON public.pfa_mirror_p13 USING btree (organization_id, forecast_start);
CREATE INDEX pfa_mirror_p13_organization_id_is_discontinued_idx ON public.pfa_mirror_p13 USING btree (organization_id, is_discontinued) WHERE (is_discontinued OR is_funds_transferable);
CREATE INDEX pfa_mirror_p14_organization_id_area_silo_idx ON public.pfa_mirror_p14 USING btree (organization_id, area_silo);
CREATE INDEX pfa_mirror_p14_organization_id_category_idx ON public.pfa_mirror_p14 USING btree (organization_id, category);
CREATE INDEX pfa_mirror_p14_organization_id_change_seq_idx ON public.pfa_mirror_p14 USING btree (organization_id, change_seq);
CREATE INDEX pfa_mirror_p14_organization_id_forecast_end_idx ON public.pfa_mirror_p14 USING btree (organization_id, forecast_end);
CREATE INDEX pfa_mirror_p14_organization_id_forecast_start_idx ON public.pfa_mirror_p14 USING btree (organization_id, forecast_start);
CREATE INDEX pfa_mirror_p14_organization_id_is_discontinued_idx ON public.pfa_mirror_p14 USING btree (organization_id, is_discontinued) WHERE (is_discontinued OR is_funds_transferable);
CREATE INDEX pfa_mirror_p15_organization_id_area_silo_idx ON public.pfa_mirror_p15 USING btree (organization_id, area_silo);
CREATE INDEX pfa_mirror_p15_organization_id_category_idx ON public.pfa_mirror_p15 USING btree (organization_id, category);
CREATE INDEX pfa_mirror_p15_organization_id_change_seq_idx ON public.pfa_mirror_p15 USING btree (organization_id, change_seq);
CREATE INDEX pfa_mirror_p15_organization_id_forecast_end_idx ON public.pfa_mirror_p15 USING btree (organization_id, forecast_end);
CREATE INDEX pfa_mirror_p15_organization_id_forecast_start_idx ON public.pfa_mirror_p15 USING btree (organization_id, forecast_start);
CREATE INDEX pfa_mirror_p15_organization_id_is_discontinued_idx ON public.pfa_mirror_p15 USING btree (organization_id, is_discontinued) WHERE (is_discontinued OR is_funds_transferable);
CREATE INDEX pfa_mirror_removed_change_idx ON public.pfa_mirror_removed USING btree (organization_id, change_seq);
CREATE INDEX pfa_modification_record_idx ON ONLY public.pfa_modification USING btree (organization_id, record_id);
CREATE INDEX pfa_modification_p00_organization_id_record_id_idx ON public.pfa_modification_p00 USING btree (organization_id, record_id);
CREATE INDEX pfa_modification_p01_organization_id_record_id_idx ON public.pfa_modification_p01 USING btree (organization_id, record_id);
CREATE INDEX pfa_modification_p02_organization_id_record_id_idx ON public.pfa_modification_p02 USING btree (organization_id, record_id);
CREATE INDEX pfa_modification_p03_organization_id_record_id_idx ON public.pfa_modification_p03 USING btree (organization_id, record_id);
CREATE INDEX pfa_modification_p04_organization_id_record_id_idx ON public.pfa_modification_p04 USING btree (organization_id, record_id);
CREATE INDEX pfa_modification_p05_organization_id_record_id_idx ON public.pfa_modification_p05 USING btree (organization_id, record_id);
CREATE INDEX pfa_modification_p06_organization_id_record_id_idx ON public.pfa_modification_p06 USING btree (organization_id, record_id);
CREATE INDEX pfa_modification_p07_organization_id_record_id_idx ON public.pfa_modification_p07 USING btree (organization_id, record_id);
CREATE INDEX pfa_modification_p08_organization_id_record_id_idx ON public.pfa_modification_p08 USING btree (organization_id, record_id);
CREATE INDEX pfa_modification_p09_organization_id_record_id_idx ON public.pfa_modification_p09 USING btree (organization_id, record_id);
CREATE INDEX pfa_modification_p10_organization_id_record_id_idx ON public.pfa_modification_p10 USING btree (organization_id, record_id);
CREATE INDEX pfa_modification_p11_organization_id_record_id_idx ON public.pfa_modification_p11 USING btree (organization_id, record_id);
CREATE INDEX pfa_modification_p12_organization_id_record_id_idx ON public.pfa_modification_p12 USING btree (organization_id, record_id);
CREATE INDEX pfa_modification_p13_organization_id_record_id_idx ON public.pfa_modification_p13 USING btree (organization_id, record_id);
CREATE INDEX pfa_modification_p14_organization_id_record_id_idx ON public.pfa_modification_p14 USING btree (organization_id, record_id);
CREATE INDEX pfa_modification_p15_organization_id_record_id_idx ON public.pfa_modification_p15 USING btree (organization_id, record_id);
CREATE UNIQUE INDEX pfa_timeline_bounds_key ON public.pfa_timeline_bounds USING btree (organization_id);
CREATE INDEX saved_views_shared_idx ON public.saved_views USING btree (organization_id) WHERE shared;
CREATE UNIQUE INDEX sync_runs_one_pending_idx ON public.sync_runs USING btree (organization_id) WHERE (status = 'pending'::text);
CREATE UNIQUE INDEX sync_runs_one_running_idx ON public.sync_runs USING btree (organization_id) WHERE (status = 'running'::text);
CREATE INDEX sync_runs_org_started_idx ON public.sync_runs USING btree (organization_id, started_at DESC);
ALTER INDEX public.pfa_mirror_area_idx ATTACH PARTITION public.pfa_mirror_p00_organization_id_area_silo_idx;
ALTER INDEX public.pfa_mirror_category_idx ATTACH PARTITION public.pfa_mirror_p00_organization_id_category_idx;
ALTER INDEX public.pfa_mirror_change_idx ATTACH PARTITION public.pfa_mirror_p00_organization_id_change_seq_idx;
ALTER INDEX public.pfa_mirror_forecast_end_idx ATTACH PARTITION public.pfa_mirror_p00_organization_id_forecast_end_idx;
ALTER INDEX public.pfa_mirror_forecast_start_idx ATTACH PARTITION public.pfa_mirror_p00_organization_id_forecast_start_idx;
ALTER INDEX public.pfa_mirror_excluded_idx ATTACH PARTITION public.pfa_mirror_p00_organization_id_is_discontinued_idx;
ALTER INDEX public.pfa_mirror_pkey ATTACH PARTITION public.pfa_mirror_p00_pkey;
ALTER INDEX public.pfa_mirror_area_idx ATTACH PARTITION public.pfa_mirror_p01_organization_id_area_silo_idx;
ALTER INDEX public.pfa_mirror_category_idx ATTACH PARTITION public.pfa_mirror_p01_organization_id_category_idx;
ALTER INDEX public.pfa_mirror_change_idx ATTACH PARTITION public.pfa_mirror_p01_organization_id_change_seq_idx;
ALTER INDEX public.pfa_mirror_forecast_end_idx ATTACH PARTITION public.pfa_mirror_p01_organization_id_forecast_end_idx;
ALTER INDEX public.pfa_mirror_forecast_start_idx ATTACH PARTITION public.pfa_mirror_p01_organization_id_forecast_start_idx;
ALTER INDEX public.pfa_mirror_excluded_idx ATTACH PARTITION public.pfa_mirror_p01_organization_id_is_discontinued_idx;
ALTER INDEX public.pfa_mirror_pkey ATTACH PARTITION public.pfa_mirror_p01_pkey;
ALTER INDEX public.pfa_mirror_area_idx ATTACH PARTITION public.pfa_mirror_p02_organization_id_area_silo_idx;
ALTER INDEX public.pfa_mirror_category_idx ATTACH PARTITION public.pfa_mirror_p02_organization_id_category_idx;
ALTER INDEX public.pfa_mirror_change_idx ATTACH PARTITION public.pfa_mirror_p02_organization_id_change_seq_idx;
ALTER INDEX public.pfa_mirror_forecast_end_idx ATTACH PARTITION public.pfa_mirror_p02_organization_id_forecast_end_idx;
ALTER INDEX public.pfa_mirror_forecast_start_idx ATTACH PARTITION public.pfa_mirror_p02_organization_id_forecast_start_idx;
ALTER INDEX public.pfa_mirror_excluded_idx ATTACH PARTITION public.pfa_mirror_p02_organization_id_is_discontinued_idx;
ALTER INDEX public.pfa_mirror_pkey ATTACH PARTITION public.pfa_mirror_p02_pkey;
ALTER INDEX public.pfa_mirror_area_idx ATTACH PARTITION public.pfa_mirror_p03_organization_id_area_silo_idx;
ALTER INDEX public.pfa_mirror_category_idx ATTACH PARTITION public.pfa_mirror_p03_organization_id_category_idx;
ALTER INDEX public.pfa_mirror_change_idx ATTACH PARTITION public.pfa_mirror_p03_organization_id_change_seq_idx;
ALTER INDEX public.pfa_mirror_forecast_end_idx ATTACH PARTITION public.pfa_mirror_p03_organization_id_forecast_end_idx;
ALTER INDEX public.pfa_mirror_forecast_start_idx ATTACH PARTITION public.pfa_mirror_p03_organization_id_forecast_start_idx;
ALTER INDEX public.pfa_mirror_excluded_idx ATTACH PARTITION public.pfa_mirror_p03_organization_id_is_discontinued_idx;
ALTER INDEX public.pfa_mirror_pkey ATTACH PARTITION public.pfa_mirror_p03_pkey;
ALTER INDEX public.pfa_mirror_area_idx ATTACH PARTITION public.pfa_mirror_p04_organization_id_area_silo_idx;
ALTER INDEX public.pfa_mirror_category_idx ATTACH PARTITION public.pfa_mirror_p04_organization_id_category_idx;
ALTER INDEX public.pfa_mirror_change_idx ATTACH PARTITION public.pfa_mirror_p04_organization_id_change_seq_idx;
ALTER INDEX public.pfa_mirror_forecast_end_idx ATTACH PARTITION public.pfa_mirror_p04_organization_id_forecast_end_idx;
ALTER INDEX public.pfa_mirror_forecast_start_idx ATTACH PARTITION public.pfa_mirror_p04_organization_id_forecast_start_idx;
ALTER INDEX public.pfa_mirror_excluded_idx ATTACH PARTITION public.pfa_mirror_p04_organization_id_is_discontinued_idx;
ALTER INDEX public.pfa_mirror_pkey ATTACH PARTITION public.pfa_mirror_p04_pkey;
ALTER INDEX public.pfa_mirror_area_idx ATTACH PARTITION public.pfa_mirror_p05_organization_id_area_silo_idx;
ALTER INDEX public.pfa_mirror_category_idx ATTACH PARTITION public.pfa_mirror_p05_organization_id_category_idx;
ALTER INDEX public.pfa_mirror_change_idx ATTACH PARTITION public.pfa_mirror_p05_organization_id_change_seq_idx;
ALTER INDEX public.pfa_mirror_forecast_end_idx ATTACH PARTITION public.pfa_mirror_p05_organization_id_forecast_end_idx;
ALTER INDEX public.pfa_mirror_forecast_start_idx ATTACH PARTITION public.pfa_mirror_p05_organization_id_forecast_start_idx;
ALTER INDEX public.pfa_mirror_excluded_idx ATTACH PARTITION public.pfa_mirror_p05_organization_id_is_discontinued_idx;
ALTER INDEX public.pfa_mirror_pkey ATTACH PARTITION public.pfa_mirror_p05_pkey;
ALTER INDEX public.pfa_mirror_area_idx ATTACH PARTITION public.pfa_mirror_p06_organization_id_area_silo_idx;
ALTER INDEX public.pfa_mirror_category_idx ATTACH PARTITION public.pfa_mirror_p06_organization_id_category_idx;
ALTER INDEX public.pfa_mirror_change_idx ATTACH PARTITION public.pfa_mirror_p06_organization_id_change_seq_idx;
ALTER INDEX public.pfa_mirror_forecast_end_idx ATTACH PARTITION public.pfa_mirror_p06_organization_id_forecast_end_idx;
ALTER INDEX public.pfa_mirror_forecast_start_idx ATTACH PARTITION public.pfa_mirror_p06_organization_id_forecast_start_idx;
ALTER INDEX public.pfa_mirror_excluded_idx ATTACH PARTITION public.pfa_mirror_p06_organization_id_is_discontinued_idx;
ALTER INDEX public.pfa_mirror_pkey ATTACH PARTITION public.pfa_mirror_p06_pkey;
ALTER INDEX public.pfa_mirror_area_idx ATTACH PARTITION public.pfa_mirror_p07_organization_id_area_silo_idx;
ALTER INDEX public.pfa_mirror_category_idx ATTACH PARTITION public.pfa_mirror_p07_organization_id_category_idx;
ALTER INDEX public.pfa_mirror_change_idx ATTACH PARTITION public.pfa_mirror_p07_organization_id_change_seq_idx;
ALTER INDEX public.pfa_mirror_forecast_end_idx ATTACH PARTITION public.pfa_mirror_p07_organization_id_forecast_end_idx;
ALTER INDEX public.pfa_mirror_forecast_start_idx ATTACH PARTITION public.pfa_mirror_p07_organization_id_forecast_start_idx;
ALTER INDEX public.pfa_mirror_excluded_idx ATTACH PARTITION public.pfa_mirror_p07_organization_id_is_discontinued_idx;
ALTER INDEX public.pfa_mirror_pkey ATTACH PARTITION public.pfa_mirror_p07_pkey;
ALTER INDEX public.pfa_mirror_area_idx ATTACH PARTITION public.pfa_mirror_p08_organization_id_area_silo_idx;
ALTER INDEX public.pfa_mirror_category_idx ATTACH PARTITION public.pfa_mirror_p08_organization_id_category_idx;
ALTER INDEX public.pfa_mirror_change_idx ATTACH PARTITION public.pfa_mirror_p08_organization_id_change_seq_idx;
ALTER INDEX public.pfa_mirror_forecast_end_idx ATTACH PARTITION public.pfa_mirror_p08_organization_id_forecast_end_idx;
ALTER INDEX public.pfa_mirror_forecast_start_idx ATTACH PARTITION public.pfa_mirror_p08_organization_id_forecast_start_idx;
ALTER INDEX public.pfa_mirror_excluded_idx ATTACH PARTITION public.pfa_mirror_p08_organization_id_is_discontinued_idx;
ALTER INDEX public.pfa_mirror_pkey ATTACH PARTITION public.pfa_mirror_p08_pkey;
ALTER INDEX public.pfa_mirror_area_idx ATTACH PARTITION public.pfa_mirror_p09_organization_id_area_silo_idx;
ALTER INDEX public.pfa_mirror_category_idx ATTACH PARTITION public.pfa_mirror_p09_organization_id_category_idx;
ALTER INDEX public.pfa_mirror_change_idx ATTACH PARTITION public.pfa_mirror_p09_organization_id_change_seq_idx;
ALTER INDEX public.pfa_mirror_forecast_end_idx ATTACH PARTITION public.pfa_mirror_p09_organization_id_forecast_end_idx;
ALTER INDEX public.pfa_mirror_forecast_start_idx ATTACH PARTITION public.pfa_mirror_p09_organization_id_forecast_start_idx;
ALTER INDEX public.pfa_mirror_excluded_idx ATTACH PARTITION public.pfa_mirror_p09_organization_id_is_discontinued_idx;
ALTER INDEX public.pfa_mirror_pkey ATTACH PARTITION public.pfa_mirror_p09_pkey;
ALTER INDEX public.pfa_mirror_area_idx ATTACH PARTITION public.pfa_mirror_p10_organization_id_area_silo_idx;
ALTER INDEX public.pfa_mirror_category_idx ATTACH PARTITION public.pfa_mirror_p10_organization_id_category_idx;
ALTER INDEX public.pfa_mirror_change_idx ATTACH PARTITION public.pfa_mirror_p10_organization_id_change_seq_idx;
ALTER INDEX public.pfa_mirror_forecast_end_idx ATTACH PARTITION public.pfa_mirror_p10_organization_id_forecast_end_idx;
ALTER INDEX public.pfa_mirror_forecast_start_idx ATTACH PARTITION public.pfa_mirror_p10_organization_id_forecast_start_idx;
ALTER INDEX public.pfa_mirror_excluded_idx ATTACH PARTITION public.pfa_mirror_p10_organization_id_is_discontinued_idx;
ALTER INDEX public.pfa_mirror_pkey ATTACH PARTITION public.pfa_mirror_p10_pkey;
ALTER INDEX public.pfa_mirror_area_idx ATTACH PARTITION public.pfa_mirror_p11_organization_id_area_silo_idx;
ALTER INDEX public.pfa_mirror_category_idx ATTACH PARTITION public.pfa_mirror_p11_organization_id_category_idx;
ALTER INDEX public.pfa_mirror_change_idx ATTACH PARTITION public.pfa_mirror_p11_organization_id_change_seq_idx;
ALTER INDEX public.pfa_mirror_forecast_end_idx ATTACH PARTITION public.pfa_mirror_p11_organization_id_forecast_end_idx;
ALTER INDEX public.pfa_mirror_forecast_start_idx ATTACH PARTITION public.pfa_mirror_p11_organization_id_forecast_start_idx;
ALTER INDEX public.pfa_mirror_excluded_idx ATTACH PARTITION public.pfa_mirror_p11_organization_id_is_discontinued_idx;
ALTER INDEX public.pfa_mirror_pkey ATTACH PARTITION public.pfa_mirror_p11_pkey;
ALTER INDEX public.pfa_mirror_area_idx ATTACH PARTITION public.pfa_mirror_p12_organization_id_area_silo_idx;
ALTER INDEX public.pfa_mirror_category_idx ATTACH PARTITION public.pfa_mirror_p12_organization_id_category_idx;
ALTER INDEX public.pfa_mirror_change_idx ATTACH PARTITION public.pfa_mirror_p12_organization_id_change_seq_idx;
ALTER INDEX public.pfa_mirror_forecast_end_idx ATTACH PARTITION public.pfa_mirror_p12_organization_id_forecast_end_idx;
ALTER INDEX public.pfa_mirror_forecast_start_idx ATTACH PARTITION public.pfa_mirror_p12_organization_id_forecast_start_idx;
ALTER INDEX public.pfa_mirror_excluded_idx ATTACH PARTITION public.pfa_mirror_p12_organization_id_is_discontinued_idx;
ALTER INDEX public.pfa_mirror_pkey ATTACH PARTITION public.pfa_mirror_p12_pkey;
ALTER INDEX public.pfa_mirror_area_idx ATTACH PARTITION public.pfa_mirror_p13_organization_id_area_silo_idx;
ALTER INDEX public.pfa_mirror_category_idx ATTACH PARTITION public.pfa_mirror_p13_organization_id_category_idx;
ALTER INDEX public.pfa_mirror_change_idx ATTACH PARTITION public.pfa_mirror_p13_organization_id_change_seq_idx;
ALTER INDEX public.pfa_mirror_forecast_end_idx ATTACH PARTITION public.pfa_mirror_p13_organization_id_forecast_end_idx;
ALTER INDEX public.pfa_mirror_forecast_start_idx ATTACH PARTITION public.pfa_mirror_p13_organization_id_forecast_start_idx;
ALTER INDEX public.pfa_mirror_excluded_idx ATTACH PARTITION public.pfa_mirror_p13_organization_id_is_discontinued_idx;
ALTER INDEX public.pfa_mirror_pkey ATTACH PARTITION public.pfa_mirror_p13_pkey;
ALTER INDEX public.pfa_mirror_area_idx ATTACH PARTITION public.pfa_mirror_p14_organization_id_area_silo_idx;
ALTER INDEX public.pfa_mirror_category_idx ATTACH PARTITION public.pfa_mirror_p14_organization_id_category_idx;
ALTER INDEX public.pfa_mirror_change_idx ATTACH PARTITION public.pfa_mirror_p14_organization_id_change_seq_idx;
ALTER INDEX public.pfa_mirror_forecast_end_idx ATTACH PARTITION public.pfa_mirror_p14_organization_id_forecast_end_idx;
ALTER INDEX public.pfa_mirror_forecast_start_idx ATTACH PARTITION public.pfa_mirror_p14_organization_id_forecast_start_idx;
ALTER INDEX public.pfa_mirror_excluded_idx ATTACH PARTITION public.pfa_mirror_p14_organization_id_is_discontinued_idx;
ALTER INDEX public.pfa_mirror_pkey ATTACH PARTITION public.pfa_mirror_p14_pkey;
ALTER INDEX public.pfa_mirror_area_idx ATTACH PARTITION public.pfa_mirror_p15_organization_id_area_silo_idx;
ALTER INDEX public.pfa_mirror_category_idx ATTACH PARTITION public.pfa_mirror_p15_organization_id_category_idx;
ALTER INDEX public.pfa_mirror_change_idx ATTACH PARTITION public.pfa_mirror_p15_organization_id_change_seq_idx;
ALTER INDEX public.pfa_mirror_forecast_end_idx ATTACH PARTITION public.pfa_mirror_p15_organization_id_forecast_end_idx;
ALTER INDEX public.pfa_mirror_forecast_start_idx ATTACH PARTITION public.pfa_mirror_p15_organization_id_forecast_start_idx;
ALTER INDEX public.pfa_mirror_excluded_idx ATTACH PARTITION public.pfa_mirror_p15_organization_id_is_discontinued_idx;
ALTER INDEX public.pfa_mirror_pkey ATTACH PARTITION public.pfa_mirror_p15_pkey;
ALTER INDEX public.pfa_modification_record_idx ATTACH PARTITION public.pfa_modification_p00_organization_id_record_id_idx;
ALTER INDEX public.pfa_modification_pkey ATTACH PARTITION public.pfa_modification_p00_pkey;
ALTER INDEX public.pfa_modification_user_id_organization_id_record_id_key ATTACH PARTITION public.pfa_modification_p00_user_id_organization_id_record_id_key;
ALTER INDEX public.pfa_modification_record_idx ATTACH PARTITION public.pfa_modification_p01_organization_id_record_id_idx;
ALTER INDEX public.pfa_modification_pkey ATTACH PARTITION public.pfa_modification_p01_pkey;
ALTER INDEX public.pfa_modification_user_id_organization_id_record_id_key ATTACH PARTITION public.pfa_modification_p01_user_id_organization_id_record_id_key;
ALTER INDEX public.pfa_modification_record_idx ATTACH PARTITION public.pfa_modification_p02_organization_id_record_id_idx;
ALTER INDEX public.pfa_modification_pkey ATTACH PARTITION public.pfa_modification_p02_pkey;
ALTER INDEX public.pfa_modification_user_id_organization_id_record_id_key ATTACH PARTITION public.pfa_modification_p02_user_id_organization_id_record_id_key;
ALTER INDEX public.pfa_modification_record_idx ATTACH PARTITION public.pfa_modification_p03_organization_id_record_id_idx;
ALTER INDEX public.pfa_modification_pkey ATTACH PARTITION public.pfa_modification_p03_pkey;
ALTER INDEX public.pfa_modification_user_id_organization_id_record_id_key ATTACH PARTITION public.pfa_modification_p03_user_id_organization_id_record_id_key;
ALTER INDEX public.pfa_modification_record_idx ATTACH PARTITION public.pfa_modification_p04_organization_id_record_id_idx;
ALTER INDEX public.pfa_modification_pkey ATTACH PARTITION public.pfa_modification_p04_pkey;
ALTER INDEX public.pfa_modification_user_id_organization_id_record_id_key ATTACH PARTITION public.pfa_modification_p04_user_id_organization_id_record_id_key;
ALTER INDEX public.pfa_modification_record_idx ATTACH PARTITION public.pfa_modification_p05_organization_id_record_id_idx;
ALTER INDEX public.pfa_modification_pkey ATTACH PARTITION public.pfa_modification_p05_pkey;
ALTER INDEX public.pfa_modification_user_id_organization_id_record_id_key ATTACH PARTITION public.pfa_modification_p05_user_id_organization_id_record_id_key;
ALTER INDEX public.pfa_modification_record_idx ATTACH PARTITION public.pfa_modification_p06_organization_id_record_id_idx;
ALTER INDEX public.pfa_modification_pkey ATTACH PARTITION public.pfa_modification_p06_pkey;
ALTER INDEX public.pfa_modification_user_id_organization_id_record_id_key ATTACH PARTITION public.pfa_modification_p06_user_id_organization_id_record_id_key;
ALTER INDEX public.pfa_modification_record_idx ATTACH PARTITION public.pfa_modification_p07_organization_id_record_id_idx;
ALTER INDEX public.pfa_modification_pkey ATTACH PARTITION public.pfa_modification_p07_pkey;
ALTER INDEX public.pfa_modification_user_id_organization_id_record_id_key ATTACH PARTITION public.pfa_modification_p07_user_id_organization_id_record_id_key;
ALTER INDEX public.pfa_modification_record_idx ATTACH PARTITION public.pfa_modification_p08_organization_id_record_id_idx;
ALTER INDEX public.pfa_modification_pkey ATTACH PARTITION public.pfa_modification_p08_pkey;
ALTER INDEX public.pfa_modification_user_id_organization_id_record_id_key ATTACH PARTITION public.pfa_modification_p08_user_id_organization_id_record_id_key;
ALTER INDEX public.pfa_modification_record_idx ATTACH PARTITION public.pfa_modification_p09_organization_id_record_id_idx;
ALTER INDEX public.pfa_modification_pkey ATTACH PARTITION public.pfa_modification_p09_pkey;
ALTER INDEX public.pfa_modification_user_id_organization_id_record_id_key ATTACH PARTITION public.pfa_modification_p09_user_id_organization_id_record_id_key;
ALTER INDEX public.pfa_modification_record_idx ATTACH PARTITION public.pfa_modification_p10_organization_id_record_id_idx;
ALTER INDEX public.pfa_modification_pkey ATTACH PARTITION public.pfa_modification_p10_pkey;
ALTER INDEX public.pfa_modification_user_id_organization_id_record_id_key ATTACH PARTITION public.pfa_modification_p10_user_id_organization_id_record_id_key;
ALTER INDEX public.pfa_modification_record_idx ATTACH PARTITION public.pfa_modification_p11_organization_id_record_id_idx;
ALTER INDEX public.pfa_modification_pkey ATTACH PARTITION public.pfa_modification_p11_pkey;
ALTER INDEX public.pfa_modification_user_id_organization_id_record_id_key ATTACH PARTITION public.pfa_modification_p11_user_id_organization_id_record_id_key;
ALTER INDEX public.pfa_modification_record_idx ATTACH PARTITION public.pfa_modification_p12_organization_id_record_id_idx;
ALTER INDEX public.pfa_modification_pkey ATTACH PARTITION public.pfa_modification_p12_pkey;
ALTER INDEX public.pfa_modification_user_id_organization_id_record_id_key ATTACH PARTITION public.pfa_modification_p12_user_id_organization_id_record_id_key;
ALTER INDEX public.pfa_modification_record_idx ATTACH PARTITION public.pfa_modification_p13_organization_id_record_id_idx;
ALTER INDEX public.pfa_modification_pkey ATTACH PARTITION public.pfa_modification_p13_pkey;
ALTER INDEX public.pfa_modification_user_id_organization_id_record_id_key ATTACH PARTITION public.pfa_modification_p13_user_id_organization_id_record_id_key;
ALTER INDEX public.pfa_modification_record_idx ATTACH PARTITION public.pfa_modification_p14_organization_id_record_id_idx;
ALTER INDEX public.pfa_modification_pkey ATTACH PARTITION public.pfa_modification_p14_pkey;
ALTER INDEX public.pfa_modification_user_id_organization_id_record_id_key ATTACH PARTITION public.pfa_modification_p14_user_id_organization_id_record_id_key;
ALTER INDEX public.pfa_modification_record_idx ATTACH PARTITION public.pfa_modification_p15_organization_id_record_id_idx;
ALTER INDEX public.pfa_modification_pkey ATTACH PARTITION public.pfa_modification_p15_pkey;
ALTER INDEX public.pfa_modification_user_id_organization_id_record_id_key ATTACH PARTITION public.pfa_modification_p15_user_id_organization_id_record_id_key;
CREATE TRIGGER pfa_mirror_compact BEFORE INSERT OR UPDATE OF doc ON public.pfa_mirror FOR EACH ROW EXECUTE FUNCTION public.pfa_mirror_compact();
ALTER TABLE public.pfa_mirror ENABLE ALWAYS TRIGGER pfa_mirror_compact;
CREATE TRIGGER pfa_mirror_order_change BEFORE INSERT OR UPDATE ON public.pfa_mirror FOR EACH ROW EXECUTE FUNCTION public.pfa_mirror_order_change();
CREATE TRIGGER pfa_mirror_removed_order_change BEFORE INSERT ON public.pfa_mirror_removed FOR EACH ROW EXECUTE FUNCTION public.pfa_mirror_order_change();
CREATE TRIGGER pfa_mirror_summaries_delete AFTER DELETE ON public.pfa_mirror REFERENCING OLD TABLE AS pfa_mirror_gone FOR EACH STATEMENT EXECUTE FUNCTION public.pfa_mirror_summaries();
CREATE TRIGGER pfa_mirror_summaries_insert AFTER INSERT ON public.pfa_mirror REFERENCING NEW TABLE AS pfa_mirror_added FOR EACH STATEMENT EXECUTE FUNCTION public.pfa_mirror_summaries();
CREATE TRIGGER pfa_mirror_summaries_truncate AFTER TRUNCATE ON public.pfa_mirror FOR EACH STATEMENT EXECUTE FUNCTION public.pfa_mirror_summaries_truncated();
CREATE TRIGGER pfa_mirror_summaries_update AFTER UPDATE ON public.pfa_mirror REFERENCING OLD TABLE AS pfa_mirror_gone NEW TABLE AS pfa_mirror_added FOR EACH STATEMENT EXECUTE FUNCTION public.pfa_mirror_summaries();
ALTER TABLE ONLY public.commit_audit
    ADD CONSTRAINT commit_audit_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id);
ALTER TABLE ONLY public.commit_audit
    ADD CONSTRAINT commit_audit_run_id_fkey FOREIGN KEY (run_id) REFERENCES public.commit_runs(id) ON DELETE SET NULL;
ALTER TABLE ONLY public.commit_audit
    ADD CONSTRAINT commit_audit_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE SET NULL;
ALTER TABLE ONLY public.commit_runs
    ADD CONSTRAINT commit_runs_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id);
ALTER TABLE ONLY public.commit_runs
    ADD CONSTRAINT commit_runs_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.grid_layouts
    ADD CONSTRAINT grid_layouts_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.grid_layouts
    ADD CONSTRAINT grid_layouts_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.maintenance_windows
    ADD CONSTRAINT maintenance_windows_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.memberships
    ADD CONSTRAINT memberships_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.pfa_ai_audit
    ADD CONSTRAINT pfa_ai_audit_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id);
ALTER TABLE ONLY public.pfa_ai_audit
    ADD CONSTRAINT pfa_ai_audit_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE SET NULL;
ALTER TABLE ONLY public.pfa_history
    ADD CONSTRAINT pfa_history_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.pfa_kpi_totals
    ADD CONSTRAINT pfa_kpi_totals_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id);
ALTER TABLE ONLY public.pfa_mirror_archive
    ADD CONSTRAINT pfa_mirror_archive_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id);
ALTER TABLE public.pfa_mirror
    ADD CONSTRAINT pfa_mirror_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id);
ALTER TABLE ONLY public.pfa_mirror_removed
    ADD CONSTRAINT pfa_mirror_removed_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id);
ALTER TABLE public.pfa_modification
    ADD CONSTRAINT pfa_modification_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id);
ALTER TABLE public.pfa_modification
    ADD CONSTRAINT pfa_modification_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.pfa_org_bounds
    ADD CONSTRAINT pfa_org_bounds_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id);
ALTER TABLE ONLY public.pfa_session_scope
    ADD CONSTRAINT pfa_session_scope_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.pfa_session_scope
    ADD CONSTRAINT pfa_session_scope_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.saved_views
    ADD CONSTRAINT saved_views_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.saved_views
    ADD CONSTRAINT saved_views_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;
ALTER TABLE ONLY public.sync_runs
    ADD CONSTRAINT sync_runs_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id);
ALTER TABLE public.pfa_history ENABLE ROW LEVEL SECURITY;
CREATE POLICY pfa_history_scoped ON public.pfa_history FOR SELECT TO pfa_scoped USING ((organization_id = public.pfa_scope_org()));
ALTER TABLE public.pfa_mirror ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.pfa_mirror_archive ENABLE ROW LEVEL SECURITY;
CREATE POLICY pfa_mirror_archive_scoped ON public.pfa_mirror_archive FOR SELECT TO pfa_scoped USING ((organization_id = public.pfa_scope_org()));
CREATE POLICY pfa_mirror_scoped ON public.pfa_mirror FOR SELECT TO pfa_scoped USING ((organization_id = public.pfa_scope_org()));
ALTER TABLE public.pfa_modification ENABLE ROW LEVEL SECURITY;
CREATE POLICY pfa_modification_scoped ON public.pfa_modification FOR SELECT TO pfa_scoped USING (((organization_id = public.pfa_scope_org()) AND (user_id = public.pfa_scope_user())));
ALTER TABLE public.sync_runs ENABLE ROW LEVEL SECURITY;
CREATE POLICY sync_runs_scoped ON public.sync_runs FOR SELECT TO pfa_scoped USING ((organization_id = public.pfa_scope_org()));
