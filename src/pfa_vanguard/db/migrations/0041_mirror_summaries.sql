-- The KPI and timeline figures kept per organization as the mirror changes.
--
-- The materialized views pfa_kpi_summary and pfa_timeline_bounds aggregated the whole mirror:
-- every sync that changed one organization, and every commit's write-through, refreshed them
-- by scanning all organizations (1M records: 4-6 s per refresh on the benchmark machine, more
-- than the whole 5 s budget of a full 50K-record sync). Now:
--
-- - pfa_kpi_totals holds the KPI sums per (organization, category, source), kept current by
--   statement-level triggers on pfa_mirror from the rows each statement changed (transition
--   tables): the delta of the changed rows, never a rescan (numeric sums are exact: deltas
--   never drift from a recount);
-- - pfa_org_bounds holds each organization's earliest forecast start and latest forecast end,
--   recomputed by the same triggers for the organizations a statement touched, from the
--   (organization_id, forecast_start) and (organization_id, forecast_end) indexes;
-- - the two materialized views keep their names, columns and unique indexes (operators and
--   the API read them; writers refresh them CONCURRENTLY as before) but select from these
--   small tables, so a refresh costs milliseconds whatever the size of the mirror.
--
-- Writers that bypass triggers (a bulk load under session_replication_role = replica) call
-- pfa_recompute_summaries(organization_id) afterwards.

CREATE TABLE pfa_kpi_totals (
    organization_id      bigint NOT NULL REFERENCES organizations (id),
    category             text NOT NULL,
    source               text NOT NULL,
    record_count         bigint NOT NULL,
    total_plan_cost      numeric,
    total_forecast_cost  numeric,
    total_actual_cost    numeric,
    PRIMARY KEY (organization_id, category, source)
);

CREATE TABLE pfa_org_bounds (
    organization_id  bigint PRIMARY KEY REFERENCES organizations (id),
    min_start        date,
    max_end          date
);

-- The bounds of organizations `orgs`, two index probes each (an organization without records
-- has no row, as in a GROUP BY over the mirror); a row is written only when it changes.
CREATE FUNCTION pfa_refresh_bounds(orgs bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
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

-- One organization's figures from scratch (first fill, bulk loads, repairs).
CREATE FUNCTION pfa_recompute_summaries(org bigint) RETURNS void
LANGUAGE sql AS $$
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

-- After each INSERT, UPDATE or DELETE statement on the mirror: rows of the new transition
-- table count in, rows of the old one count out. (A trigger with transition tables serves one
-- event, hence three triggers on this function; each sees only its own transition tables,
-- so the statement is put together from those present.)
CREATE FUNCTION pfa_mirror_summaries() RETURNS trigger
LANGUAGE plpgsql AS $$
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
$$;

CREATE TRIGGER pfa_mirror_summaries_insert
    AFTER INSERT ON pfa_mirror REFERENCING NEW TABLE AS pfa_mirror_added
    FOR EACH STATEMENT EXECUTE FUNCTION pfa_mirror_summaries();
CREATE TRIGGER pfa_mirror_summaries_update
    AFTER UPDATE ON pfa_mirror
    REFERENCING OLD TABLE AS pfa_mirror_gone NEW TABLE AS pfa_mirror_added
    FOR EACH STATEMENT EXECUTE FUNCTION pfa_mirror_summaries();
CREATE TRIGGER pfa_mirror_summaries_delete
    AFTER DELETE ON pfa_mirror REFERENCING OLD TABLE AS pfa_mirror_gone
    FOR EACH STATEMENT EXECUTE FUNCTION pfa_mirror_summaries();

CREATE FUNCTION pfa_mirror_summaries_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM pfa_kpi_totals;
    DELETE FROM pfa_org_bounds;
    RETURN NULL;
END;
$$;

CREATE TRIGGER pfa_mirror_summaries_truncate
    AFTER TRUNCATE ON pfa_mirror
    FOR EACH STATEMENT EXECUTE FUNCTION pfa_mirror_summaries_truncated();

-- First fill, then the views over the small tables (same names, columns and unique indexes).
SELECT pfa_recompute_summaries(id) FROM organizations ORDER BY id;

DROP MATERIALIZED VIEW pfa_kpi_summary;
CREATE MATERIALIZED VIEW pfa_kpi_summary AS
SELECT organization_id, category, source, record_count, total_plan_cost, total_forecast_cost,
       total_actual_cost
FROM pfa_kpi_totals;
CREATE UNIQUE INDEX pfa_kpi_summary_key ON pfa_kpi_summary (organization_id, category, source);

DROP MATERIALIZED VIEW pfa_timeline_bounds;
CREATE MATERIALIZED VIEW pfa_timeline_bounds AS
SELECT organization_id, min_start, max_end FROM pfa_org_bounds;
CREATE UNIQUE INDEX pfa_timeline_bounds_key ON pfa_timeline_bounds (organization_id);
