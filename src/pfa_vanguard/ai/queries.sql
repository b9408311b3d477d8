-- name: write_scope
-- The scope of one pfa_ai session, keyed by its backend pid and start (migration 0002): what
-- pfa_scope_org() / pfa_scope_user() return inside it. Written on an application connection.
-- The row lives for one query and means nothing after a crash (backend_start changes): its
-- commit need not wait for the WAL flush.
WITH no_flush AS (SELECT set_config('synchronous_commit', 'off', true))
INSERT INTO pfa_session_scope (backend_pid, backend_start, organization_id, user_id)
SELECT a.pid, a.backend_start, %(org_id)s, %(user_id)s
FROM pg_stat_activity a, no_flush
WHERE a.pid = %(pid)s
ON CONFLICT (backend_pid) DO UPDATE
SET backend_start = EXCLUDED.backend_start,
    organization_id = EXCLUDED.organization_id,
    user_id = EXCLUDED.user_id,
    set_at = now()
RETURNING backend_pid;

-- name: clear_scope
WITH no_flush AS (SELECT set_config('synchronous_commit', 'off', true))
DELETE FROM pfa_session_scope USING no_flush WHERE backend_pid = %(pid)s;

-- name: mirror_version
SELECT mirror_version FROM organizations WHERE id = %(org_id)s;

-- name: vocabulary
-- Distinct names of the organization (metadata for the offline translator, never sent to a
-- model): categories, forecast categories, areas.
SELECT ARRAY(SELECT DISTINCT category FROM pfa_mirror
             WHERE organization_id = %(org_id)s AND category IS NOT NULL) AS categories,
       ARRAY(SELECT DISTINCT forecast_category FROM pfa_mirror
             WHERE organization_id = %(org_id)s AND forecast_category IS NOT NULL)
           AS forecast_categories,
       ARRAY(SELECT DISTINCT area_silo FROM pfa_mirror
             WHERE organization_id = %(org_id)s AND area_silo IS NOT NULL) AS areas;

-- name: insert_audit
INSERT INTO pfa_ai_audit (organization_id, user_id, kind, provider, question, sql, outcome,
                          detail, row_count, truncated, duration_ms)
VALUES (%(organization_id)s, %(user_id)s, %(kind)s, %(provider)s, %(question)s, %(sql)s,
        %(outcome)s, %(detail)s, %(row_count)s, %(truncated)s, %(duration_ms)s);

-- name: draft_baselines
-- Baseline and the caller's current draft of the given records of one organization.
SELECT mir.id, mir.data, coalesce(m.changes, '{}'::jsonb) AS changes
FROM pfa_mirror mir
LEFT JOIN pfa_modification m
       ON m.organization_id = mir.organization_id AND m.record_id = mir.id
      AND m.user_id = %(user_id)s
WHERE mir.organization_id = %(org_id)s AND mir.id = ANY(%(ids)s)
ORDER BY mir.id;
