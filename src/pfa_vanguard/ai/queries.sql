-- name: write_scope
-- The scope of one pfa_ai session, keyed by its backend pid and start (migrations 0002, 0046):
-- what pfa_scope_org() / pfa_scope_user() return inside it. Written on an application connection
-- of the primary, also for a session of a read replica (it arrives there by replication).
-- On the primary alone the row lives for one query and means nothing after a crash: its commit
-- need not wait for the WAL flush (sync_commit 'off'). For a replica session it must be flushed
-- ('local') to be streamed at once; the caller then waits for the replica to replay `lsn`.
WITH commit_mode AS (SELECT set_config('synchronous_commit', %(sync_commit)s, true))
INSERT INTO pfa_session_scope (backend_pid, backend_start, organization_id, user_id)
SELECT %(pid)s, %(backend_start)s, %(org_id)s, %(user_id)s
FROM commit_mode
ON CONFLICT (backend_pid, backend_start) DO UPDATE
SET organization_id = EXCLUDED.organization_id,
    user_id = EXCLUDED.user_id,
    set_at = now()
RETURNING backend_pid;

-- name: wal_position
SELECT pg_current_wal_lsn()::text AS lsn;

-- name: clear_scope
WITH no_flush AS (SELECT set_config('synchronous_commit', 'off', true))
DELETE FROM pfa_session_scope USING no_flush
WHERE backend_pid = %(pid)s AND backend_start = %(backend_start)s;

-- name: clear_stale_scopes
-- Scopes of sessions that ended without clearing theirs (a crash): harmless (no live session
-- has that pid and start) but they would pile up.
DELETE FROM pfa_session_scope WHERE set_at < now() - interval '1 hour';

-- name: mirror_version
SELECT mirror_version FROM organizations WHERE id = %(org_id)s;

-- name: vocabulary
-- Distinct names of the organization, matched against questions on the application's side
-- (ai/vocabulary.py): only the values a question names are ever given to a model.
SELECT ARRAY(SELECT DISTINCT category FROM pfa_mirror
             WHERE organization_id = %(org_id)s AND category IS NOT NULL) AS categories,
       ARRAY(SELECT DISTINCT forecast_category FROM pfa_mirror
             WHERE organization_id = %(org_id)s AND forecast_category IS NOT NULL)
           AS forecast_categories,
       ARRAY(SELECT DISTINCT area_silo FROM pfa_mirror
             WHERE organization_id = %(org_id)s AND area_silo IS NOT NULL) AS areas,
       ARRAY(SELECT DISTINCT dor FROM pfa_mirror
             WHERE organization_id = %(org_id)s AND dor <> '') AS dors,
       ARRAY(SELECT DISTINCT source FROM pfa_mirror
             WHERE organization_id = %(org_id)s AND source <> '') AS sources,
       ARRAY(SELECT DISTINCT doc ->> 'class' FROM pfa_mirror
             WHERE organization_id = %(org_id)s AND doc ->> 'class' <> '') AS classes,
       ARRAY(SELECT DISTINCT doc ->> 'equipment' FROM pfa_mirror
             WHERE organization_id = %(org_id)s AND doc ->> 'equipment' <> '') AS equipment;

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

-- name: lock_user_requests
-- Serialises the start of one user's requests across processes until the transaction ends,
-- so two parallel requests cannot both take the last place of the minute.
SELECT pg_advisory_xact_lock(%(namespace)s, %(user_key)s);

-- name: start_request
-- The user's questions and instructions of the last minute (refused ones too), in how many
-- seconds the oldest of them leaves the minute, and the audit row of this request, written
-- only while the user is below `per_minute` (a new statement after lock_user_requests: its
-- snapshot sees the rows of whoever held the lock before).
WITH recent AS (
    SELECT count(*) AS requests,
           ceil(extract(epoch FROM min(created_at) + interval '1 minute' - now()))
               AS retry_after_s
    FROM pfa_ai_audit
    WHERE user_id = %(user_id)s AND created_at > now() - interval '1 minute'
), started AS (
    INSERT INTO pfa_ai_audit (organization_id, user_id, kind, provider, question, outcome)
    SELECT %(organization_id)s, %(user_id)s, %(kind)s, %(provider)s, %(question)s, 'running'
    FROM recent
    WHERE recent.requests < %(per_minute)s
    RETURNING id
)
SELECT recent.requests, recent.retry_after_s, (SELECT id FROM started) AS audit_id
FROM recent;

-- name: finish_audit
UPDATE pfa_ai_audit
SET sql = %(sql)s, outcome = %(outcome)s, detail = %(detail)s, row_count = %(row_count)s,
    truncated = %(truncated)s, duration_ms = %(duration_ms)s
WHERE id = %(id)s;
