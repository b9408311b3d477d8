-- Drafts: saving, listing, deleting, discarding (drafts/repository.py). Commit and conflict
-- resolution have their own file (commit_queries.sql).

-- name: fingerprints
-- What identifies the caller's drafts in an organization right now: each draft row's version
-- (a digest of everything the merged view depends on: it changes with every write that
-- matters, by whoever makes it) and its baseline's change number.
SELECT d.record_id, md5(concat_ws('|', d.changes, d.base_version, d.base_values,
           coalesce(d.conflict::text, '-'),
           coalesce(extract(epoch FROM d.orphaned_at)::text, '-'),
           coalesce(d.orphan_baseline::text, '-'))) AS rev, m.change_seq
FROM pfa_modification d
LEFT JOIN pfa_mirror m ON m.organization_id = d.organization_id AND m.id = d.record_id
WHERE d.user_id = %(user_id)s AND d.organization_id = %(org_id)s;

-- name: drafts_stamp
-- One row that changes with any write to the caller's draft rows of the organization (count,
-- row versions, latest modification) or to its mirror (mirror_version, raised by every writer).
SELECT o.mirror_version, count(d.id) AS drafts,
       coalesce(sum(d.xmin::text::bigint), 0) AS versions, max(d.modified_at) AS modified
FROM organizations o
LEFT JOIN pfa_modification d ON d.organization_id = o.id AND d.user_id = %(user_id)s
WHERE o.id = %(org_id)s
GROUP BY o.mirror_version;

-- name: drafts_with_baseline
-- The caller's drafts (all, or the listed records) with their mirror rows.
SELECT d.id, d.record_id, md5(concat_ws('|', d.changes, d.base_version, d.base_values,
           coalesce(d.conflict::text, '-'),
           coalesce(extract(epoch FROM d.orphaned_at)::text, '-'),
           coalesce(d.orphan_baseline::text, '-'))) AS rev,
       d.changes, d.base_version, d.base_values,
       d.conflict, d.orphaned_at, d.orphan_baseline, d.created_at, d.modified_at,
       m.data AS baseline, m.pems_version, m.change_seq
FROM pfa_modification d
LEFT JOIN pfa_mirror m ON m.organization_id = d.organization_id AND m.id = d.record_id
WHERE d.user_id = %(user_id)s AND d.organization_id = %(org_id)s
  AND (%(ids)s::text[] IS NULL OR d.record_id = ANY (%(ids)s::text[]))
ORDER BY d.record_id;

-- name: drafts_changed_since
-- The caller's drafts whose mirror row was written after change number `since` (the first
-- `limit` + 1 such rows, as changes_since reads them), with those rows (the delta read:
-- drafts/screen.py). Driven by the changed rows (an index range scan), not by the drafts: a
-- user with hundreds of drafts and a poll that found 50 changes costs 50 lookups, not hundreds.
WITH changed AS MATERIALIZED (
    SELECT id, m.data, pems_version, change_seq
    FROM pfa_mirror m
    WHERE organization_id = %(org_id)s AND change_seq > %(since)s
    ORDER BY change_seq
    LIMIT %(limit)s + 1
)
SELECT d.id, d.record_id, md5(concat_ws('|', d.changes, d.base_version, d.base_values,
           coalesce(d.conflict::text, '-'),
           coalesce(extract(epoch FROM d.orphaned_at)::text, '-'),
           coalesce(d.orphan_baseline::text, '-'))) AS rev,
       d.changes, d.base_version, d.base_values,
       d.conflict, d.orphaned_at, d.orphan_baseline, d.created_at, d.modified_at,
       m.data AS baseline, m.pems_version, m.change_seq
FROM changed m
JOIN pfa_modification d
  ON d.user_id = %(user_id)s AND d.organization_id = %(org_id)s AND d.record_id = m.id;

-- name: lock_draft
SELECT id, changes, base_version, base_values, conflict, orphaned_at
FROM pfa_modification
WHERE user_id = %(user_id)s AND organization_id = %(org_id)s AND record_id = %(record_id)s
FOR UPDATE;

-- name: mirror_record_and_locked_draft
-- The mirror's record with the caller's draft of it (if any), that draft locked until the end
-- of the transaction. No row: the record is not in the mirror.
WITH draft AS (
    SELECT id, changes, base_version, base_values, conflict, orphaned_at
    FROM pfa_modification
    WHERE user_id = %(user_id)s AND organization_id = %(org_id)s AND record_id = %(record_id)s
    FOR UPDATE
)
SELECT m.data, m.pems_version, m.change_seq,
       d.id AS draft_id, d.changes, d.base_version, d.base_values, d.conflict, d.orphaned_at
FROM pfa_mirror m
LEFT JOIN draft d ON true
WHERE m.organization_id = %(org_id)s AND m.id = %(record_id)s;

-- name: insert_draft
-- Only when no draft exists; a concurrent first save makes this return nothing (retry).
INSERT INTO pfa_modification
    (user_id, organization_id, record_id, changes, base_version, base_values, base_record)
VALUES (%(user_id)s, %(org_id)s, %(record_id)s, %(changes)s, %(base_version)s, %(base_values)s,
        %(base_record)s)
ON CONFLICT (user_id, organization_id, record_id) DO NOTHING
RETURNING md5(concat_ws('|', changes, base_version, base_values,
           coalesce(conflict::text, '-'),
           coalesce(extract(epoch FROM orphaned_at)::text, '-'),
           coalesce(orphan_baseline::text, '-'))) AS rev,
          created_at, modified_at;

-- name: update_draft
-- Under the row lock taken by lock_draft.
INSERT INTO pfa_modification
    (user_id, organization_id, record_id, changes, base_version, base_values, conflict)
VALUES (%(user_id)s, %(org_id)s, %(record_id)s, %(changes)s, %(base_version)s,
        %(base_values)s, %(conflict)s)
ON CONFLICT (user_id, organization_id, record_id) DO UPDATE
SET changes = EXCLUDED.changes, base_values = EXCLUDED.base_values,
    conflict = EXCLUDED.conflict, modified_at = now()
RETURNING md5(concat_ws('|', changes, base_version, base_values,
           coalesce(conflict::text, '-'),
           coalesce(extract(epoch FROM orphaned_at)::text, '-'),
           coalesce(orphan_baseline::text, '-'))) AS rev,
          created_at, modified_at;

-- name: delete_draft
DELETE FROM pfa_modification
WHERE user_id = %(user_id)s AND organization_id = %(org_id)s AND record_id = %(record_id)s
RETURNING record_id;

-- name: discard_drafts
DELETE FROM pfa_modification
WHERE user_id = %(user_id)s AND organization_id = %(org_id)s
RETURNING record_id;
