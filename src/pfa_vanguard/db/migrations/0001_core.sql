-- Core schema of the Cached Mirror + Delta design: organizations, users, the PEMS mirror,
-- per-user drafts, sync runs, and the parsing/cost functions the generated columns use.

CREATE TABLE organizations (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code               text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9_.-]{1,50}$'),
    name               text NOT NULL,
    active             boolean NOT NULL DEFAULT true,
    sync_schedule      text,            -- cron; NULL means the default (PFA_SYNC_SCHEDULE)
    sync_paused        boolean NOT NULL DEFAULT false,
    last_synced_at     timestamptz,     -- end of the last successful sync
    last_full_sync_at  timestamptz,
    sync_watermark     timestamptz,     -- highest pfs_lastmodified seen: "changed since" filter
    mirror_version     bigint NOT NULL DEFAULT 0,  -- raised by every sync that changed the mirror
    created_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username       text NOT NULL UNIQUE CHECK (username ~ '^[A-Za-z0-9_.@-]{1,64}$'),
    password_hash  text NOT NULL CHECK (password_hash LIKE '$argon2%'),
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
    user_id          bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organization_id  bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    role             text NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, organization_id)
);
CREATE INDEX memberships_organization_idx ON memberships (organization_id);

-- Parsing functions for the generated columns. IMMUTABLE so that PostgreSQL accepts them in
-- generation expressions (a plain ::date cast depends on DateStyle, and PEMS sends several date formats; the strict
-- YYYY-MM-DD shape checked first is read the same under every DateStyle). A malformed value
-- becomes NULL: it must never fail a sync. No EXCEPTION blocks (a subtransaction per call made a
-- 50K-record insert twice as slow); the numeric and boolean parsers are plain SQL so that the
-- planner inlines them.
CREATE FUNCTION pfa_to_date(value jsonb) RETURNS date
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    txt text;
BEGIN
    IF jsonb_typeof(value) IS DISTINCT FROM 'string' THEN
        RETURN NULL;
    END IF;
    txt := value #>> '{}';
    IF length(txt) = 10
       AND translate(txt, '0123456789', '##########') = '####-##-##'
       AND substr(txt, 1, 4) <> '0000'
       AND pg_input_is_valid(txt, 'date') THEN
        RETURN txt::date;
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION pfa_to_numeric(value jsonb) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE jsonb_typeof(value)
        WHEN 'number' THEN value::numeric
        WHEN 'string' THEN
            CASE WHEN btrim(value #>> '{}') ~ '^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$'
                 THEN btrim(value #>> '{}')::numeric
            END
    END
$$;

CREATE FUNCTION pfa_to_bool(value jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN value IS NULL OR jsonb_typeof(value) = 'null' THEN false
        WHEN jsonb_typeof(value) = 'boolean' THEN value::boolean
        ELSE lower(btrim(value #>> '{}')) IN ('-1', 'true', '+', 'yes', 'y', '1')
    END
$$;

-- Cost of one window (docs/domain.md): rental = whole days / 30.44 x monthly rate, purchase = price;
-- 0 when the window is incomplete. Rounded to cents per record, as the Python twin does.
CREATE FUNCTION pfa_window_cost(
    source text, start_date date, end_date date, monthly_rate numeric, purchase_price numeric
) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
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

-- The cost of the window (start_key, end_key) of a stored record: one call per generated column.
CREATE FUNCTION pfa_record_window_cost(data jsonb, start_key text, end_key text) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN pfa_window_cost(data ->> 'source',
                           pfa_to_date(data -> start_key), pfa_to_date(data -> end_key),
                           pfa_to_numeric(data -> 'monthlyRate'),
                           pfa_to_numeric(data -> 'purchasePrice'));
END;
$$;

-- Every write to the mirror takes a new number, so read caches can catch up incrementally
-- ("rows changed since N") instead of re-reading an organization.
CREATE SEQUENCE pfa_mirror_change_seq;

CREATE TABLE pfa_mirror (
    organization_id   bigint NOT NULL REFERENCES organizations (id),
    id                text NOT NULL,               -- the PEMS business key (pfaId)
    data              jsonb NOT NULL,              -- the full record, unknown fields kept
    pems_version      bigint NOT NULL,             -- PEMS recordid: the optimistic lock
    pems_modified_at  timestamptz,                 -- PEMS pfs_lastmodified
    last_synced_at    timestamptz NOT NULL DEFAULT now(),  -- when this row last changed
    change_seq        bigint NOT NULL DEFAULT nextval('pfa_mirror_change_seq'),  -- set on every write

    category               text GENERATED ALWAYS AS (data ->> 'category') STORED,
    forecast_category      text GENERATED ALWAYS AS (data ->> 'forecastCategory') STORED,
    source                 text GENERATED ALWAYS AS (data ->> 'source') STORED,
    dor                    text GENERATED ALWAYS AS (data ->> 'dor') STORED,
    area_silo              text GENERATED ALWAYS AS (data ->> 'areaSilo') STORED,
    original_start         date GENERATED ALWAYS AS (pfa_to_date(data -> 'originalStart')) STORED,
    original_end           date GENERATED ALWAYS AS (pfa_to_date(data -> 'originalEnd')) STORED,
    forecast_start         date GENERATED ALWAYS AS (pfa_to_date(data -> 'forecastStart')) STORED,
    forecast_end           date GENERATED ALWAYS AS (pfa_to_date(data -> 'forecastEnd')) STORED,
    actual_start           date GENERATED ALWAYS AS (pfa_to_date(data -> 'actualStart')) STORED,
    actual_end             date GENERATED ALWAYS AS (pfa_to_date(data -> 'actualEnd')) STORED,
    monthly_rate           numeric GENERATED ALWAYS AS (pfa_to_numeric(data -> 'monthlyRate')) STORED,
    purchase_price         numeric GENERATED ALWAYS AS (pfa_to_numeric(data -> 'purchasePrice')) STORED,
    is_actualized          boolean GENERATED ALWAYS AS (pfa_to_bool(data -> 'isActualized')) STORED,
    is_discontinued        boolean GENERATED ALWAYS AS (pfa_to_bool(data -> 'isDiscontinued')) STORED,
    is_funds_transferable  boolean GENERATED ALWAYS AS (pfa_to_bool(data -> 'isFundsTransferable')) STORED,
    plan_cost              numeric GENERATED ALWAYS AS
        (pfa_record_window_cost(data, 'originalStart', 'originalEnd')) STORED,
    forecast_cost          numeric GENERATED ALWAYS AS
        (pfa_record_window_cost(data, 'forecastStart', 'forecastEnd')) STORED,
    actual_cost            numeric GENERATED ALWAYS AS
        (pfa_record_window_cost(data, 'actualStart', 'actualEnd')) STORED,

    PRIMARY KEY (organization_id, id)
);
-- Filters of the live-merge read and the benchmark (docs/benchmarks.md), always within one org.
CREATE INDEX pfa_mirror_category_idx ON pfa_mirror (organization_id, category);
CREATE INDEX pfa_mirror_source_idx ON pfa_mirror (organization_id, source);
CREATE INDEX pfa_mirror_area_idx ON pfa_mirror (organization_id, area_silo);
CREATE INDEX pfa_mirror_forecast_window_idx
    ON pfa_mirror (organization_id, forecast_start, forecast_end);
CREATE INDEX pfa_mirror_forecast_end_idx ON pfa_mirror (organization_id, forecast_end);
CREATE INDEX pfa_mirror_modified_idx ON pfa_mirror (organization_id, pems_modified_at);
CREATE INDEX pfa_mirror_change_idx ON pfa_mirror (organization_id, change_seq);

-- Records removed from the mirror, with the change number of their removal (for read caches).
CREATE TABLE pfa_mirror_removed (
    organization_id  bigint NOT NULL REFERENCES organizations (id),
    id               text NOT NULL,
    change_seq       bigint NOT NULL DEFAULT nextval('pfa_mirror_change_seq'),
    removed_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, id, change_seq)
);
CREATE INDEX pfa_mirror_removed_change_idx ON pfa_mirror_removed (organization_id, change_seq);

-- Drafts: one row per (user, record), only the fields that differ from the baseline.
CREATE TABLE pfa_modification (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id          bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organization_id  bigint NOT NULL REFERENCES organizations (id),
    record_id        text NOT NULL,
    changes          jsonb NOT NULL CHECK (jsonb_typeof(changes) = 'object' AND changes <> '{}'),
    base_version     bigint NOT NULL,           -- pems_version when the draft began
    base_values      jsonb NOT NULL DEFAULT '{}',  -- baseline value of each changed field then
    conflict         jsonb,                     -- set by sync: {field: theirs} PEMS also changed
    orphaned_at      timestamptz,               -- the record disappeared from PEMS
    orphan_baseline  jsonb,                     -- its last mirrored data, kept for the owner
    created_at       timestamptz NOT NULL DEFAULT now(),
    modified_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, organization_id, record_id)
);
CREATE INDEX pfa_modification_record_idx ON pfa_modification (organization_id, record_id);

CREATE TABLE sync_runs (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id  bigint NOT NULL REFERENCES organizations (id),
    kind             text NOT NULL CHECK (kind IN ('full', 'incremental')),
    trigger          text NOT NULL DEFAULT 'schedule',
    status           text NOT NULL DEFAULT 'running'
                     CHECK (status IN ('running', 'succeeded', 'failed', 'abandoned', 'skipped')),
    started_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz,
    duration_ms      integer,
    fetched          integer NOT NULL DEFAULT 0,
    inserted         integer NOT NULL DEFAULT 0,
    updated          integer NOT NULL DEFAULT 0,
    unchanged        integer NOT NULL DEFAULT 0,
    deleted          integer NOT NULL DEFAULT 0,
    error            text,
    worker           text                      -- host:pid of the process that ran it
);
CREATE INDEX sync_runs_org_started_idx ON sync_runs (organization_id, started_at DESC);

-- Pre-computed aggregations, refreshed CONCURRENTLY after a sync that changed something.
-- KPI rules (docs/domain.md): discontinued and funds-transferable lines are left out.
CREATE MATERIALIZED VIEW pfa_kpi_summary AS
SELECT organization_id,
       coalesce(category, '') AS category,
       coalesce(source, '')   AS source,
       count(*)               AS record_count,
       sum(plan_cost)         AS total_plan_cost,
       sum(forecast_cost)     AS total_forecast_cost,
       sum(actual_cost)       AS total_actual_cost
FROM pfa_mirror
WHERE NOT is_discontinued AND NOT is_funds_transferable
GROUP BY organization_id, coalesce(category, ''), coalesce(source, '');
CREATE UNIQUE INDEX pfa_kpi_summary_key ON pfa_kpi_summary (organization_id, category, source);

CREATE MATERIALIZED VIEW pfa_timeline_bounds AS
SELECT organization_id,
       min(forecast_start) AS min_start,
       max(forecast_end)   AS max_end
FROM pfa_mirror
GROUP BY organization_id;
CREATE UNIQUE INDEX pfa_timeline_bounds_key ON pfa_timeline_bounds (organization_id);
