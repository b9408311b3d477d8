-- The AI assistant (docs/ai.md): one curated, read-only view of the caller's MERGED records, the
-- login role that runs model-written SQL, and the audit of every question.
--
-- Defense in depth: the SQL guard (pfa_vanguard.ai.guard) lets through one SELECT over
-- pfa_ai_records; even if it did not, the role below can read nothing but its scoped rows, cannot
-- write (read-only transactions, no write grants), cannot change its scope (the scope lives in
-- pfa_session_scope, keyed by backend pid + start, not in a GUC) and is bounded by timeouts.

-- The caller's records: the baseline with the caller's draft laid over it (docs/domain.md, "Drafts").
-- Rows without a draft take the mirror's stored typed columns (indexed, so filters on them stay
-- cheap); in the caller's few drafted rows each field the draft holds is parsed from the draft
-- (pfa_to_date etc., as the generated columns do) and the costs are recomputed, so a draft that
-- moves a date moves the forecast cost. security_invoker: row-level
-- security of the base tables binds whoever queries the view; the scope filters below bind the
-- application's own role as well.
CREATE VIEW pfa_ai_records WITH (security_invoker = true) AS
SELECT mir.id                                   AS pfa_id,
       mir.data ->> 'description'               AS description,
       mir.area_silo                            AS area_silo,
       mir.category                             AS category,
       mir.forecast_category                    AS forecast_category,
       mir.data ->> 'class'                     AS equipment_class,
       mir.source                               AS source,
       mir.dor                                  AS dor,
       mir.is_actualized                        AS is_actualized,
       mir.is_discontinued                      AS is_discontinued,
       mir.is_funds_transferable                AS is_funds_transferable,
       mir.monthly_rate                         AS monthly_rate,
       mir.purchase_price                       AS purchase_price,
       mir.data ->> 'manufacturer'              AS manufacturer,
       mir.data ->> 'model'                     AS model,
       mir.data ->> 'contract'                  AS contract,
       mir.data ->> 'equipment'                 AS equipment,
       mir.original_start                       AS original_start,
       mir.original_end                         AS original_end,
       mir.forecast_start                       AS forecast_start,
       mir.forecast_end                         AS forecast_end,
       mir.actual_start                         AS actual_start,
       mir.actual_end                           AS actual_end,
       (mir.original_start IS NOT NULL AND mir.original_end IS NOT NULL) AS has_plan,
       (mir.actual_start IS NOT NULL AND mir.actual_end IS NOT NULL)     AS has_actuals,
       mir.plan_cost                            AS plan_cost,
       mir.forecast_cost                        AS forecast_cost,
       mir.actual_cost                          AS actual_cost,
       mir.forecast_cost - mir.plan_cost        AS variance,
       false                                    AS has_draft
FROM pfa_mirror mir
WHERE mir.organization_id = (SELECT pfa_scope_org())
  AND NOT EXISTS (
      SELECT 1 FROM pfa_modification m
      WHERE m.user_id = (SELECT pfa_scope_user())
        AND m.organization_id = mir.organization_id
        AND m.record_id = mir.id)
UNION ALL
-- The caller's drafted records: the draft's fields over the baseline's (a shallow overlay,
-- as domain.drafts.merge), typed and costed again.
SELECT mir.id,
       CASE WHEN m.changes ? 'description' THEN m.changes ->> 'description'
            ELSE mir.data ->> 'description' END,
       CASE WHEN m.changes ? 'areaSilo' THEN m.changes ->> 'areaSilo' ELSE mir.area_silo END,
       CASE WHEN m.changes ? 'category' THEN m.changes ->> 'category' ELSE mir.category END,
       CASE WHEN m.changes ? 'forecastCategory' THEN m.changes ->> 'forecastCategory'
            ELSE mir.forecast_category END,
       CASE WHEN m.changes ? 'class' THEN m.changes ->> 'class' ELSE mir.data ->> 'class' END,
       s.source,
       CASE WHEN m.changes ? 'dor' THEN m.changes ->> 'dor' ELSE mir.dor END,
       CASE WHEN m.changes ? 'isActualized' THEN pfa_to_bool(m.changes -> 'isActualized')
            ELSE mir.is_actualized END,
       CASE WHEN m.changes ? 'isDiscontinued' THEN pfa_to_bool(m.changes -> 'isDiscontinued')
            ELSE mir.is_discontinued END,
       CASE WHEN m.changes ? 'isFundsTransferable'
            THEN pfa_to_bool(m.changes -> 'isFundsTransferable')
            ELSE mir.is_funds_transferable END,
       t.monthly_rate,
       t.purchase_price,
       CASE WHEN m.changes ? 'manufacturer' THEN m.changes ->> 'manufacturer'
            ELSE mir.data ->> 'manufacturer' END,
       CASE WHEN m.changes ? 'model' THEN m.changes ->> 'model' ELSE mir.data ->> 'model' END,
       CASE WHEN m.changes ? 'contract' THEN m.changes ->> 'contract'
            ELSE mir.data ->> 'contract' END,
       CASE WHEN m.changes ? 'equipment' THEN m.changes ->> 'equipment'
            ELSE mir.data ->> 'equipment' END,
       t.original_start,
       t.original_end,
       t.forecast_start,
       t.forecast_end,
       t.actual_start,
       t.actual_end,
       (t.original_start IS NOT NULL AND t.original_end IS NOT NULL),
       (t.actual_start IS NOT NULL AND t.actual_end IS NOT NULL),
       c.plan_cost,
       c.forecast_cost,
       c.actual_cost,
       c.forecast_cost - c.plan_cost,
       true
FROM pfa_modification m
JOIN pfa_mirror mir ON mir.organization_id = m.organization_id AND mir.id = m.record_id
CROSS JOIN LATERAL (
    SELECT CASE WHEN m.changes ? 'originalStart' THEN pfa_to_date(m.changes -> 'originalStart')
                ELSE mir.original_start END AS original_start,
           CASE WHEN m.changes ? 'originalEnd' THEN pfa_to_date(m.changes -> 'originalEnd')
                ELSE mir.original_end END AS original_end,
           CASE WHEN m.changes ? 'forecastStart' THEN pfa_to_date(m.changes -> 'forecastStart')
                ELSE mir.forecast_start END AS forecast_start,
           CASE WHEN m.changes ? 'forecastEnd' THEN pfa_to_date(m.changes -> 'forecastEnd')
                ELSE mir.forecast_end END AS forecast_end,
           CASE WHEN m.changes ? 'actualStart' THEN pfa_to_date(m.changes -> 'actualStart')
                ELSE mir.actual_start END AS actual_start,
           CASE WHEN m.changes ? 'actualEnd' THEN pfa_to_date(m.changes -> 'actualEnd')
                ELSE mir.actual_end END AS actual_end,
           CASE WHEN m.changes ? 'monthlyRate' THEN pfa_to_numeric(m.changes -> 'monthlyRate')
                ELSE mir.monthly_rate END AS monthly_rate,
           CASE WHEN m.changes ? 'purchasePrice' THEN pfa_to_numeric(m.changes -> 'purchasePrice')
                ELSE mir.purchase_price END AS purchase_price
) t
CROSS JOIN LATERAL (
    SELECT CASE WHEN m.changes ? 'source' THEN m.changes ->> 'source' ELSE mir.source END AS source
) s
CROSS JOIN LATERAL (
    SELECT pfa_window_cost(s.source,
                           t.original_start, t.original_end, t.monthly_rate, t.purchase_price)
               AS plan_cost,
           pfa_window_cost(s.source,
                           t.forecast_start, t.forecast_end, t.monthly_rate, t.purchase_price)
               AS forecast_cost,
           pfa_window_cost(s.source,
                           t.actual_start, t.actual_end, t.monthly_rate, t.purchase_price)
               AS actual_cost
) c
WHERE m.user_id = (SELECT pfa_scope_user())
  AND m.organization_id = (SELECT pfa_scope_org())
  AND mir.organization_id = (SELECT pfa_scope_org());

-- pfa_scoped (and so every role that is a member of it) may read the view; the base-table
-- grants it needs under security_invoker come from 0002, together with their RLS policies.
REVOKE ALL ON pfa_ai_records FROM PUBLIC;
GRANT SELECT ON pfa_ai_records TO pfa_scoped;

-- Every question (or draft instruction), the SQL run, its outcome and duration. Written by the
-- application only; the scoped roles have no grant on it.
CREATE TABLE pfa_ai_audit (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at       timestamptz NOT NULL DEFAULT now(),
    organization_id  bigint NOT NULL REFERENCES organizations (id),
    user_id          bigint REFERENCES users (id) ON DELETE SET NULL,
    kind             text NOT NULL CHECK (kind IN ('query', 'draft')),
    provider         text NOT NULL,
    question         text NOT NULL,
    sql              text,
    outcome          text NOT NULL CHECK (outcome IN
                         ('ok', 'refused', 'not_understood', 'failed', 'timeout', 'provider_error')),
    detail           text,
    row_count        integer,
    truncated        boolean,
    duration_ms      double precision
);
CREATE INDEX pfa_ai_audit_org_created_idx ON pfa_ai_audit (organization_id, created_at DESC);
REVOKE ALL ON pfa_ai_audit FROM PUBLIC;

-- The login role of the AI executor: a member of pfa_scoped and of nothing else, so neither
-- SET ROLE nor set_config('role', ...) reaches a role with more rights. Roles are cluster-wide:
-- another database of the cluster may have created it already. An application role that may not
-- create roles leaves this to the DBA (see PFA_AI_DATABASE_URL in the README).
DO $$
BEGIN
    BEGIN
        CREATE ROLE pfa_ai LOGIN CONNECTION LIMIT 64;
    EXCEPTION WHEN duplicate_object THEN
        NULL;
    END;
    GRANT pfa_scoped TO pfa_ai;
    -- Defaults of every pfa_ai session; the executor tightens statement_timeout per query with
    -- SET LOCAL. A model's SQL may change them for its own statement (set_config is a plain
    -- function), but the statement's timer is armed before it runs, every change is undone by
    -- the ROLLBACK that ends each query, and the pool's DISCARD ALL restores these defaults.
    ALTER ROLE pfa_ai SET statement_timeout = '5s';
    ALTER ROLE pfa_ai SET lock_timeout = '1s';
    ALTER ROLE pfa_ai SET idle_in_transaction_session_timeout = '10s';
    ALTER ROLE pfa_ai SET default_transaction_read_only = on;
    ALTER ROLE pfa_ai SET search_path = public;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'pfa_ai: not allowed to create or alter roles here; create a login role that is '
                 'a member of pfa_scoped only and point PFA_AI_DATABASE_URL at it';
END
$$;

-- When the application connects as a superuser (the embedded server), PUBLIC's EXECUTE on the
-- functions that act outside a query's own rows is withdrawn in this database, and given back to
-- the application's role by name. pfa_ai then cannot: take session advisory locks (they outlive
-- the ROLLBACK and would block the sync worker and migrations), cancel or terminate other
-- backends (pg_cancel_backend allows it for backends of the same role: another organization's
-- AI query), notify, sleep, read large objects or server files, reach dblink, or read other
-- sessions' query text (pg_stat_activity shows it for sessions of the same role).
-- set_config stays executable: pfa_ai can't reach a role with more rights, its scope is not a
-- GUC, and its own settings are undone at ROLLBACK / DISCARD ALL (see above).
DO $$
DECLARE
    fn regprocedure;
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN;
    END IF;
    FOR fn IN
        SELECT p.oid::regprocedure
        FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE (n.nspname = 'pg_catalog' AND (
                   p.proname LIKE 'pg\_advisory\_%'
                OR p.proname LIKE 'pg\_try\_advisory\_%'
                OR p.proname LIKE 'lo\_%'
                OR p.proname IN ('loread', 'lowrite')
                OR p.proname LIKE 'pg\_read\_%'
                OR p.proname LIKE 'pg\_ls\_%'
                OR p.proname IN ('pg_stat_file', 'pg_cancel_backend', 'pg_terminate_backend',
                                 'pg_notify', 'pg_sleep', 'pg_sleep_for', 'pg_sleep_until',
                                 'pg_stat_get_activity', 'pg_stat_get_backend_activity',
                                 'pg_stat_get_backend_activity_start')))
           OR p.proname LIKE 'dblink%'
    LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', fn);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', fn, current_user);
    END LOOP;
    REVOKE SELECT ON pg_catalog.pg_stat_activity FROM PUBLIC;
    EXECUTE format('GRANT SELECT ON pg_catalog.pg_stat_activity TO %I', current_user);
    BEGIN
        ALTER ROLE pfa_ai SET temp_file_limit = '256MB';  -- only a superuser may set it
    EXCEPTION WHEN undefined_object THEN
        NULL;  -- pfa_ai could not be created (see above)
    END;
END
$$;
