-- Commit to PEMS, conflict resolution, idempotency and audit (drafts/commit.py, conflicts.py).

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
SELECT d.id, d.record_id, d.changes, d.base_version, d.base_values, d.conflict,
       d.orphaned_at, d.modified_at,
       m.data AS mirror_data, m.pems_version AS mirror_version
FROM pfa_modification d
LEFT JOIN pfa_mirror m ON m.organization_id = d.organization_id AND m.id = d.record_id
WHERE d.user_id = %(user_id)s AND d.organization_id = %(organization_id)s
  AND (%(record_ids)s::text[] IS NULL OR d.record_id = ANY (%(record_ids)s::text[]))
ORDER BY d.record_id;

-- name: lock_draft
SELECT d.id, d.record_id, d.changes, d.base_version, d.base_values, d.conflict,
       d.orphaned_at, d.modified_at,
       m.data AS mirror_data, m.pems_version AS mirror_version
FROM pfa_modification d
LEFT JOIN pfa_mirror m ON m.organization_id = d.organization_id AND m.id = d.record_id
WHERE d.user_id = %(user_id)s AND d.organization_id = %(organization_id)s
  AND d.record_id = %(record_id)s
FOR UPDATE OF d;

-- name: delete_draft
DELETE FROM pfa_modification WHERE id = %(id)s;

-- name: rebase_draft
UPDATE pfa_modification
SET changes = %(changes)s, base_version = %(base_version)s, base_values = %(base_values)s,
    conflict = %(conflict)s, modified_at = now()
WHERE id = %(id)s;

-- name: set_conflict
UPDATE pfa_modification
SET conflict = coalesce(conflict, '{}'::jsonb) || %(conflict)s::jsonb
WHERE id = %(id)s;

-- name: lock_organization
-- Mirror writers of one organization take its row lock first (migration 0020): the same
-- order as a sync's apply, so a commit and a sync never deadlock.
SELECT 1 FROM organizations WHERE id = %(organization_id)s FOR NO KEY UPDATE;

-- name: mirror_row_for_update
SELECT data, pems_version FROM pfa_mirror
WHERE organization_id = %(organization_id)s AND id = %(record_id)s
FOR UPDATE;

-- name: write_through
-- PEMS's own record replaces the mirror row, unless a sync already brought a newer one.
UPDATE pfa_mirror
SET data = %(data)s, pems_version = %(pems_version)s,
    pems_modified_at = coalesce(%(pems_modified_at)s, pems_modified_at),
    last_synced_at = now(), change_seq = nextval('pfa_mirror_change_seq')
WHERE organization_id = %(organization_id)s AND id = %(record_id)s
  AND pems_version < %(pems_version)s
RETURNING change_seq;

-- name: bump_mirror_version
UPDATE organizations SET mirror_version = mirror_version + 1 WHERE id = %(organization_id)s;

-- name: other_drafts_on_record
-- Other users' drafts on a record PEMS just changed: they may now be in conflict.
SELECT id, changes FROM pfa_modification
WHERE organization_id = %(organization_id)s AND record_id = %(record_id)s
  AND user_id <> %(user_id)s
FOR UPDATE;

-- name: insert_audit
INSERT INTO commit_audit (run_id, user_id, username, organization_id, record_id, outcome,
                          changes, base_version, new_version, pems_message)
SELECT %(run_id)s, u.id, u.username, %(organization_id)s, %(record_id)s, %(outcome)s,
       %(changes)s, %(base_version)s, %(new_version)s, %(pems_message)s
FROM users u WHERE u.id = %(user_id)s;

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
