-- Storage and retention. Every statement here spans organizations on purpose: it is
-- housekeeping, not a read of one organization's data.

-- name: database_bytes
-- Bytes on disk (table, indexes, TOAST) per table family; partitions count with their root.
WITH rels AS (
    SELECT coalesce(pg_partition_root(c.oid), c.oid)::regclass::text AS root,
           pg_total_relation_size(c.oid) AS bytes
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'm')
)
SELECT CASE
           WHEN root = 'pfa_mirror' THEN 'mirror'
           WHEN root = 'pfa_mirror_removed' THEN 'tombstones'
           WHEN root = 'pfa_mirror_archive' THEN 'archive'
           WHEN root = 'pfa_modification' THEN 'drafts'
           WHEN root IN ('pfa_kpi_summary', 'pfa_timeline_bounds', 'pfa_kpi_totals',
                         'pfa_org_bounds') THEN 'summaries'
           WHEN root = 'sync_runs' THEN 'sync_history'
           WHEN root IN ('commit_runs', 'commit_audit') THEN 'commit_audit'
           WHEN root = 'pfa_ai_audit' THEN 'ai_audit'
           WHEN root = 'pfa_history' THEN 'record_history'
           ELSE 'other'
       END AS family,
       sum(bytes)::bigint AS bytes
FROM rels
GROUP BY 1
ORDER BY 1

-- name: prune_sync_runs
-- Finished runs older than the cutoff; each organization's latest finished run stays (the
-- status shows it). The latest runs are found once, not once per deleted row: two years of
-- runs every 15 minutes took 468 s with a correlated subquery.
DELETE FROM sync_runs r
WHERE r.status NOT IN ('pending', 'running')
  AND coalesce(r.finished_at, r.started_at) < %(cutoff)s
  AND r.id NOT IN (SELECT max(l.id) FROM sync_runs l
                   WHERE l.status NOT IN ('pending', 'running')
                   GROUP BY l.organization_id)

-- name: prune_tombstones
DELETE FROM pfa_mirror_removed WHERE removed_at < %(cutoff)s

-- name: prune_commit_audit
DELETE FROM commit_audit WHERE created_at < %(cutoff)s

-- name: prune_commit_runs
-- Finished commits older than the cutoff: their idempotency keys expire with them.
DELETE FROM commit_runs
WHERE status <> 'running' AND coalesce(finished_at, started_at) < %(cutoff)s

-- name: prune_ai_audit
DELETE FROM pfa_ai_audit WHERE created_at < %(cutoff)s

-- name: prune_history
DELETE FROM pfa_history WHERE detected_at < %(cutoff)s
