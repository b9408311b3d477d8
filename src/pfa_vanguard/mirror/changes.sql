-- The delta read: what changed in an organization's mirror since a change number
-- (mirror/changes.py).

-- name: high_water
-- The organization's latest change number (rows written and records removed); 0 when empty.
SELECT greatest(
    (SELECT max(change_seq) FROM pfa_mirror WHERE organization_id = %(org_id)s),
    (SELECT max(change_seq) FROM pfa_mirror_removed WHERE organization_id = %(org_id)s),
    0) AS version;

-- name: changes_since
-- Rows written and records removed after change number `since`, in change order, one more
-- than `limit` (to tell a delta too large to serve). One statement: one consistent view, and
-- change numbers increase in commit order per organization (migration 0020), so a later read
-- from the highest number returned misses nothing. Rows come as the snapshots read them
-- (mirror/queries.sql rows_since): JSON text and the derived fields from the generated columns.
SELECT * FROM (
    SELECT id, m.data::text AS data_text, change_seq, false AS removed,
           plan_cost::float8 AS plan_cost,
           forecast_cost::float8 AS forecast_cost,
           actual_cost::float8 AS actual_cost,
           (original_start IS NOT NULL AND original_end IS NOT NULL) AS has_plan,
           (actual_start IS NOT NULL AND actual_end IS NOT NULL) AS has_actuals
    FROM pfa_mirror m
    WHERE organization_id = %(org_id)s AND change_seq > %(since)s
    UNION ALL
    SELECT id, NULL, change_seq, true, NULL, NULL, NULL, NULL, NULL
    FROM pfa_mirror_removed
    WHERE organization_id = %(org_id)s AND change_seq > %(since)s
) changed
ORDER BY change_seq
LIMIT %(limit)s + 1;

-- name: org_schedule
-- What the freshness of an organization depends on: its schedule and its last sync and run.
SELECT o.code, o.active, o.sync_schedule, o.sync_paused, o.last_synced_at, o.created_at,
       (SELECT max(s.started_at) FROM sync_runs s
        WHERE s.organization_id = o.id
          AND s.status IN ('running', 'succeeded', 'failed', 'abandoned')) AS last_run_at
FROM organizations o
WHERE o.id = %(org_id)s;
