-- The mirror's records without the values its typed columns already hold (docs/benchmarks.md,
-- "Storage per organization"). A mirrored record was stored twice: whole in the JSONB column and
-- again, parsed, in the generated columns (category, dates, rates, flags, costs). The JSON object
-- was about 630 of a row's 850 bytes, mostly the 25 key names and their entries, and PostgreSQL
-- never compresses a row under 2 kB (TOAST starts at TOAST_TUPLE_THRESHOLD whatever
-- toast_tuple_target says), so lz4 or pglz would change nothing here.
--
-- Now:
-- - `data` is renamed `doc` and keeps only what no typed column holds (description, class,
--   manufacturer, ...); the typed columns become ordinary columns, filled from the record by the
--   trigger pfa_mirror_compact with the same rules as their former generation expressions.
-- - A key is left out of `doc` only when the typed columns give it back exactly: the trigger
--   rebuilds the record and compares it with what was written; when anything differs (a date
--   PEMS wrote in another form, a null flag, a missing key) the whole record stays in `doc` and
--   `compact` is false. Nothing is ever lost or reformatted.
-- - `data(pfa_mirror)` rebuilds the whole record, so `m.data` (PostgreSQL's functional notation)
--   still reads the record as before, byte for byte as JSON text. Writers write the whole
--   record into `doc`.
-- - The trigger fires ALWAYS (also under session_replication_role = replica, as bulk loads run).
--   A row inserted already compact (pg_restore of a dump) is taken as it is.
--
-- Existing rows are rewritten here (change numbers and KPI figures untouched: the served records
-- do not change). The space of the old row versions is reused by later writes; `VACUUM FULL
-- pfa_mirror` gives it back to the operating system (docs/operations.md).
DO $migration$
DECLARE
    s text := current_schema();
BEGIN
    EXECUTE format($body$
        CREATE FUNCTION %1$I.pfa_mirror_fields(
            pfa_id text, category text, forecast_category text, source text, dor text,
            area_silo text, original_start date, original_end date, forecast_start date,
            forecast_end date, actual_start date, actual_end date, monthly_rate numeric,
            purchase_price numeric, is_actualized boolean, is_discontinued boolean,
            is_funds_transferable boolean
        ) RETURNS jsonb
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
            SELECT jsonb_build_object(
                'pfaId', pfa_id, 'category', category, 'forecastCategory', forecast_category,
                'source', source, 'dor', dor, 'areaSilo', area_silo,
                'originalStart', original_start, 'originalEnd', original_end,
                'forecastStart', forecast_start, 'forecastEnd', forecast_end,
                'actualStart', actual_start, 'actualEnd', actual_end,
                'monthlyRate', monthly_rate, 'purchasePrice', purchase_price,
                'isActualized', is_actualized, 'isDiscontinued', is_discontinued,
                'isFundsTransferable', is_funds_transferable)
        $fn$
    $body$, s);
    EXECUTE format($body$
        CREATE FUNCTION %1$I.pfa_mirror_field_keys() RETURNS text[]
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
            SELECT ARRAY['pfaId', 'category', 'forecastCategory', 'source', 'dor', 'areaSilo',
                         'originalStart', 'originalEnd', 'forecastStart', 'forecastEnd',
                         'actualStart', 'actualEnd', 'monthlyRate', 'purchasePrice',
                         'isActualized', 'isDiscontinued', 'isFundsTransferable']
        $fn$
    $body$, s);
END
$migration$;

ALTER TABLE pfa_mirror RENAME COLUMN data TO doc;
ALTER TABLE pfa_mirror ADD COLUMN compact boolean NOT NULL DEFAULT false;
ALTER TABLE pfa_mirror
    ALTER COLUMN category DROP EXPRESSION,
    ALTER COLUMN forecast_category DROP EXPRESSION,
    ALTER COLUMN source DROP EXPRESSION,
    ALTER COLUMN dor DROP EXPRESSION,
    ALTER COLUMN area_silo DROP EXPRESSION,
    ALTER COLUMN original_start DROP EXPRESSION,
    ALTER COLUMN original_end DROP EXPRESSION,
    ALTER COLUMN forecast_start DROP EXPRESSION,
    ALTER COLUMN forecast_end DROP EXPRESSION,
    ALTER COLUMN actual_start DROP EXPRESSION,
    ALTER COLUMN actual_end DROP EXPRESSION,
    ALTER COLUMN monthly_rate DROP EXPRESSION,
    ALTER COLUMN purchase_price DROP EXPRESSION,
    ALTER COLUMN is_actualized DROP EXPRESSION,
    ALTER COLUMN is_discontinued DROP EXPRESSION,
    ALTER COLUMN is_funds_transferable DROP EXPRESSION,
    ALTER COLUMN plan_cost DROP EXPRESSION,
    ALTER COLUMN forecast_cost DROP EXPRESSION,
    ALTER COLUMN actual_cost DROP EXPRESSION;

CREATE FUNCTION data(m pfa_mirror) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN m.compact
        THEN m.doc || pfa_mirror_fields(
            m.id, m.category, m.forecast_category, m.source, m.dor, m.area_silo,
            m.original_start, m.original_end, m.forecast_start, m.forecast_end,
            m.actual_start, m.actual_end, m.monthly_rate, m.purchase_price,
            m.is_actualized, m.is_discontinued, m.is_funds_transferable)
        ELSE m.doc
    END
$$;

-- The rows already there: the typed columns hold what their expressions computed.
ALTER TABLE pfa_mirror DISABLE TRIGGER pfa_mirror_order_change;
ALTER TABLE pfa_mirror DISABLE TRIGGER pfa_mirror_summaries_update;
UPDATE pfa_mirror m
SET doc = m.doc - pfa_mirror_field_keys(), compact = true
WHERE (m.doc - pfa_mirror_field_keys()) || pfa_mirror_fields(
          m.id, m.category, m.forecast_category, m.source, m.dor, m.area_silo,
          m.original_start, m.original_end, m.forecast_start, m.forecast_end,
          m.actual_start, m.actual_end, m.monthly_rate, m.purchase_price,
          m.is_actualized, m.is_discontinued, m.is_funds_transferable) = m.doc;
ALTER TABLE pfa_mirror ENABLE TRIGGER pfa_mirror_order_change;
ALTER TABLE pfa_mirror ENABLE TRIGGER pfa_mirror_summaries_update;

DO $migration$
BEGIN
    EXECUTE format($body$
        CREATE FUNCTION %1$I.pfa_mirror_compact() RETURNS trigger
        LANGUAGE plpgsql AS $fn$
        DECLARE
            whole jsonb := NEW.doc;
            rest jsonb;
        BEGIN
            IF TG_OP = 'INSERT' AND NEW.compact THEN
                RETURN NEW;  -- already compact, typed columns given (a restore)
            ELSIF TG_OP = 'UPDATE' AND NEW.doc IS NOT DISTINCT FROM OLD.doc THEN
                RETURN NEW;
            END IF;
            NEW.category := whole ->> 'category';
            NEW.forecast_category := whole ->> 'forecastCategory';
            NEW.source := whole ->> 'source';
            NEW.dor := whole ->> 'dor';
            NEW.area_silo := whole ->> 'areaSilo';
            NEW.original_start := %1$I.pfa_to_date(whole -> 'originalStart');
            NEW.original_end := %1$I.pfa_to_date(whole -> 'originalEnd');
            NEW.forecast_start := %1$I.pfa_to_date(whole -> 'forecastStart');
            NEW.forecast_end := %1$I.pfa_to_date(whole -> 'forecastEnd');
            NEW.actual_start := %1$I.pfa_to_date(whole -> 'actualStart');
            NEW.actual_end := %1$I.pfa_to_date(whole -> 'actualEnd');
            NEW.monthly_rate := %1$I.pfa_to_numeric(whole -> 'monthlyRate');
            NEW.purchase_price := %1$I.pfa_to_numeric(whole -> 'purchasePrice');
            NEW.is_actualized := %1$I.pfa_to_bool(whole -> 'isActualized');
            NEW.is_discontinued := %1$I.pfa_to_bool(whole -> 'isDiscontinued');
            NEW.is_funds_transferable := %1$I.pfa_to_bool(whole -> 'isFundsTransferable');
            NEW.plan_cost := %1$I.pfa_window_cost(NEW.source, NEW.original_start,
                NEW.original_end, NEW.monthly_rate, NEW.purchase_price);
            NEW.forecast_cost := %1$I.pfa_window_cost(NEW.source, NEW.forecast_start,
                NEW.forecast_end, NEW.monthly_rate, NEW.purchase_price);
            NEW.actual_cost := %1$I.pfa_window_cost(NEW.source, NEW.actual_start,
                NEW.actual_end, NEW.monthly_rate, NEW.purchase_price);
            rest := whole - %1$I.pfa_mirror_field_keys();
            NEW.compact := rest || %1$I.pfa_mirror_fields(
                NEW.id, NEW.category, NEW.forecast_category, NEW.source, NEW.dor,
                NEW.area_silo, NEW.original_start, NEW.original_end, NEW.forecast_start,
                NEW.forecast_end, NEW.actual_start, NEW.actual_end, NEW.monthly_rate,
                NEW.purchase_price, NEW.is_actualized, NEW.is_discontinued,
                NEW.is_funds_transferable) = whole;
            IF NEW.compact THEN
                NEW.doc := rest;
            END IF;
            RETURN NEW;
        END;
        $fn$
    $body$, current_schema());
END
$migration$;

-- A trigger function, not for anyone to call (the AI role's allowlist, migration 0057).
REVOKE EXECUTE ON FUNCTION pfa_mirror_compact() FROM PUBLIC;

CREATE TRIGGER pfa_mirror_compact BEFORE INSERT OR UPDATE OF doc ON pfa_mirror
    FOR EACH ROW EXECUTE FUNCTION pfa_mirror_compact();
ALTER TABLE pfa_mirror ENABLE ALWAYS TRIGGER pfa_mirror_compact;
