-- Commit to PEMS, conflict resolution, idempotency and audit (drafts/commit.py, conflicts.py).

-- name: lock_wait
SELECT set_config('lock_timeout', %(timeout)s, true);

-- name: lock_commits
-- Serialises the commits of one user in one organization (released by unlock_commits).
SELECT pg_advisory_lock(%(key)s);

-- name: unlock_commits
SELECT pg_advisory_unlock(%(key)s);

-- name: find_run
SELECT id, request_hash, status, http_status, response
FROM commit_runs
WHERE user_id = %(user_id)s AND organization_id = %(organization_id)s
  AND idempotency_key = %(idempotency_key)s;

-- name: start_run
INSERT INTO commit_runs (user_id, organization_id, idempotency_key, request_hash)
VALUES (%(user_id)s, %(organization_id)s, %(idempotency_key)s, %(request_hash)s)
RETURNING id;

-- name: finish_run
-- A run refused before anything was pushed releases its key (a retry is evaluated afresh).
UPDATE commit_runs
SET status = %(status)s, http_status = %(http_status)s, response = %(response)s,
    finished_at = now(),
    idempotency_key = CASE WHEN %(release_key)s THEN NULL ELSE idempotency_key END
WHERE id = %(id)s;

-- name: user_drafts
-- The caller's drafts in one organization (or the listed records), with the mirror row.
SELECT d.id, d.record_id, d.changes, d.base_version, d.base_values, d.base_record, d.conflict,
       d.orphaned_at, d.modified_at,
       m.data AS mirror_data, m.pems_version AS mirror_version
FROM pfa_modification d
LEFT JOIN pfa_mirror m ON m.organization_id = d.organization_id AND m.id = d.record_id
WHERE d.user_id = %(user_id)s AND d.organization_id = %(organization_id)s
  AND (%(record_ids)s::text[] IS NULL OR d.record_id = ANY (%(record_ids)s::text[]))
ORDER BY d.record_id;

-- name: lock_draft
SELECT d.id, d.record_id, d.changes, d.base_version, d.base_values, d.base_record, d.conflict,
       d.orphaned_at, d.modified_at,
       m.data AS mirror_data, m.pems_version AS mirror_version
FROM pfa_modification d
LEFT JOIN pfa_mirror m ON m.organization_id = d.organization_id AND m.id = d.record_id
WHERE d.user_id = %(user_id)s AND d.organization_id = %(organization_id)s
  AND d.record_id = %(record_id)s
FOR UPDATE OF d;

-- name: delete_draft
DELETE FROM pfa_modification WHERE organization_id = %(organization_id)s AND id = %(id)s;

-- name: rebase_draft
UPDATE pfa_modification
SET changes = %(changes)s, base_version = %(base_version)s, base_values = %(base_values)s,
    base_record = %(base_record)s, conflict = %(conflict)s, modified_at = now()
WHERE organization_id = %(organization_id)s AND id = %(id)s;

-- name: lock_organization
-- Mirror writers of one organization take its row lock first (migration 0020): the same
-- order as a sync's apply, so a commit and a sync never deadlock.
SELECT 1 FROM organizations WHERE id = %(organization_id)s FOR NO KEY UPDATE;

-- name: write_through_many
-- PEMS's own records replace the mirror rows (unless a sync already brought newer ones), and
-- other users' drafts on them are marked in conflict where PEMS changed a field they change
-- (to a value other than theirs), as a sync would. Rows: [{id, data, version, modified_at}];
-- ids: the same ids (an array lets the planner use the primary key, not scan the org).
WITH v AS (
    SELECT * FROM jsonb_to_recordset(%(rows)s::jsonb)
        AS v(id text, data jsonb, version bigint, modified_at timestamptz)
), old AS (
    SELECT m.id, m.data FROM pfa_mirror m JOIN v ON v.id = m.id
    WHERE m.organization_id = %(organization_id)s AND m.id = ANY (%(ids)s::text[])
      AND m.pems_version < v.version
    ORDER BY m.id
    FOR UPDATE OF m
), written AS (
    UPDATE pfa_mirror m
    SET doc = old.data || v.data, pems_version = v.version,
        pems_modified_at = coalesce(v.modified_at, m.pems_modified_at), last_synced_at = now()
    FROM old JOIN v ON v.id = old.id
    WHERE m.organization_id = %(organization_id)s AND m.id = old.id
    RETURNING m.id, m.data
), flagged AS (
    UPDATE pfa_modification d
    SET conflict = coalesce(d.conflict, '{}'::jsonb) || t.fields
    FROM (
        SELECT o.id, jsonb_object_agg(f.key, coalesce(w.data -> f.key, 'null'::jsonb)) AS fields
        FROM written w
        JOIN old ON old.id = w.id
        JOIN pfa_modification o ON o.organization_id = %(organization_id)s
            AND o.record_id = w.id AND o.record_id = ANY (%(ids)s::text[])
            AND o.user_id <> %(user_id)s
        CROSS JOIN LATERAL jsonb_each(o.changes) AS f(key, mine)
        WHERE (old.data -> f.key) IS DISTINCT FROM (w.data -> f.key)
          AND (w.data -> f.key) IS DISTINCT FROM f.mine
        GROUP BY o.id
    ) t
    WHERE d.organization_id = %(organization_id)s AND d.id = t.id
    RETURNING d.id
)
SELECT (SELECT count(*) FROM written) AS written, (SELECT count(*) FROM flagged) AS flagged;

-- name: bump_mirror_version
UPDATE organizations SET mirror_version = mirror_version + 1 WHERE id = %(organization_id)s;

-- name: mark_conflicts_many
-- Merge {field: PEMS's value} into the caller's drafts' conflict marks. Rows: [{id, fields}].
UPDATE pfa_modification d
SET conflict = coalesce(d.conflict, '{}'::jsonb) || v.fields
FROM jsonb_to_recordset(%(rows)s::jsonb) AS v(id bigint, fields jsonb)
WHERE d.organization_id = %(organization_id)s AND d.id = v.id;

-- name: settle_many
-- After PEMS accepted: every drafted field PEMS now holds leaves the caller's draft; an empty
-- draft is deleted, the rest (changed meanwhile) is rebased on the new version.
-- Rows: [{record_id, baseline, version}]; ids: their record ids.
WITH v AS (
    SELECT * FROM jsonb_to_recordset(%(rows)s::jsonb)
        AS v(record_id text, baseline jsonb, version bigint)
), d AS (
    SELECT m.id, m.changes, v.baseline, v.version
    FROM pfa_modification m JOIN v ON v.record_id = m.record_id
    WHERE m.user_id = %(user_id)s AND m.organization_id = %(organization_id)s
      AND m.record_id = ANY (%(ids)s::text[])
    ORDER BY m.id
    FOR UPDATE OF m
), rest AS (
    SELECT d.id, d.baseline, d.version,
           coalesce(jsonb_object_agg(f.key, f.value)
                        FILTER (WHERE (d.baseline -> f.key) IS DISTINCT FROM f.value),
                    '{}'::jsonb) AS changes
    FROM d CROSS JOIN LATERAL jsonb_each(d.changes) AS f(key, value)
    GROUP BY d.id, d.baseline, d.version
), dropped AS (
    DELETE FROM pfa_modification m USING rest
    WHERE m.organization_id = %(organization_id)s AND m.id = rest.id
      AND rest.changes = '{}'::jsonb
    RETURNING m.id
), kept AS (
    UPDATE pfa_modification m
    SET changes = rest.changes, base_version = rest.version,
        base_values = (SELECT jsonb_object_agg(k, coalesce(rest.baseline -> k, 'null'::jsonb))
                       FROM jsonb_object_keys(rest.changes) AS k),
        base_record = rest.baseline, conflict = NULL, modified_at = now()
    FROM rest
    WHERE m.organization_id = %(organization_id)s AND m.id = rest.id
      AND rest.changes <> '{}'::jsonb
    RETURNING m.id
)
SELECT (SELECT count(*) FROM dropped) AS deleted, (SELECT count(*) FROM kept) AS kept;

-- name: insert_audit_many
-- Rows: [{record_id, outcome, changes, base_version, new_version, message}].
INSERT INTO commit_audit (run_id, user_id, username, organization_id, record_id, outcome,
                          changes, base_version, new_version, pems_message)
SELECT %(run_id)s, u.id, u.username, %(organization_id)s, v.record_id, v.outcome, v.changes,
       v.base_version, v.new_version, v.message
FROM jsonb_to_recordset(%(rows)s::jsonb)
    AS v(record_id text, outcome text, changes jsonb, base_version bigint, new_version bigint,
         message text)
CROSS JOIN users u
WHERE u.id = %(user_id)s;

-- name: history_of_commits
-- The record history of the same outcomes: one row per field (before -> after as PEMS held it
-- and as the draft sets it), who, and PEMS's answer. Rows: as insert_audit_many.
INSERT INTO pfa_history (organization_id, record_id, field, old_value, new_value, source, run_id,
                         user_id, username, pems_answer)
SELECT %(organization_id)s, v.record_id, f.key, f.value -> 'before', f.value -> 'after', 'commit',
       %(run_id)s, u.id, u.username, v.outcome || coalesce(': ' || v.message, '')
FROM jsonb_to_recordset(%(rows)s::jsonb) AS v(record_id text, outcome text, changes jsonb,
                                              message text)
CROSS JOIN LATERAL jsonb_each(v.changes) AS f(key, value)
CROSS JOIN users u
WHERE u.id = %(user_id)s;

-- name: list_audit
SELECT a.id, a.run_id, a.username, a.record_id, a.outcome, a.changes, a.base_version,
       a.new_version, a.pems_message, a.created_at
FROM commit_audit a
WHERE a.organization_id = %(organization_id)s
  AND (%(user_id)s::bigint IS NULL OR a.user_id = %(user_id)s::bigint)
  AND (%(record_id)s::text IS NULL OR a.record_id = %(record_id)s::text)
  AND (%(before_id)s::bigint IS NULL OR a.id < %(before_id)s::bigint)
ORDER BY a.id DESC
LIMIT %(limit)s;

-- name: refresh_kpi_summary
REFRESH MATERIALIZED VIEW CONCURRENTLY pfa_kpi_summary;

-- name: refresh_timeline_bounds
REFRESH MATERIALIZED VIEW CONCURRENTLY pfa_timeline_bounds;

-- name: set_total
UPDATE commit_runs SET total = %(total)s WHERE id = %(id)s;

-- name: request_cancel
-- The caller's running commit in the organization (at most one: commits of one user and
-- organization are serialised) is asked to stop before its next record.
UPDATE commit_runs
SET cancel_requested_at = coalesce(cancel_requested_at, now())
WHERE organization_id = %(organization_id)s AND user_id = %(user_id)s AND status = 'running'
RETURNING id;

-- name: cancel_requested
SELECT cancel_requested_at IS NOT NULL AS requested FROM commit_runs WHERE id = %(id)s;

-- name: latest_run_progress
-- The caller's latest commit in the organization with its answered records by outcome.
SELECT r.id, r.status, r.total, r.cancel_requested_at IS NOT NULL AS cancel_requested,
       r.started_at, r.finished_at,
       count(a.id) AS answered,
       count(a.id) FILTER (WHERE a.outcome IN ('accepted', 'already_applied')) AS accepted,
       count(a.id) FILTER (WHERE a.outcome = 'conflict') AS conflicts,
       count(a.id) FILTER (WHERE a.outcome IN ('rejected', 'error', 'orphaned')) AS failed
FROM (
    SELECT * FROM commit_runs
    WHERE organization_id = %(organization_id)s AND user_id = %(user_id)s
    ORDER BY id DESC
    LIMIT 1
) r
LEFT JOIN commit_audit a ON a.run_id = r.id
GROUP BY r.id, r.status, r.total, r.cancel_requested_at, r.started_at, r.finished_at;
