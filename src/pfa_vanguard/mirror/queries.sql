-- Read side of the mirror: snapshots for the merged read, filters on the generated columns.

-- name: org_state
SELECT id, code, mirror_version, last_synced_at
FROM organizations WHERE id = %(org_id)s;

-- name: rows_since
-- Every mirrored row of the organization written after change number `since` (0: all), with
-- the derived fields the API serves, computed by the generated columns (same rules as
-- domain/costs.py). The record comes as JSON text: it is spliced, never parsed.
SELECT id, m.data::text AS data_text, change_seq,
       plan_cost::float8 AS plan_cost,
       forecast_cost::float8 AS forecast_cost,
       actual_cost::float8 AS actual_cost,
       (original_start IS NOT NULL AND original_end IS NOT NULL) AS has_plan,
       (actual_start IS NOT NULL AND actual_end IS NOT NULL) AS has_actuals
FROM pfa_mirror m
WHERE organization_id = %(org_id)s AND change_seq > %(since)s;

-- name: removed_since
SELECT id, change_seq
FROM pfa_mirror_removed
WHERE organization_id = %(org_id)s AND change_seq > %(since)s
ORDER BY change_seq;

-- name: count_rows
SELECT count(*) AS n FROM pfa_mirror WHERE organization_id = %(org_id)s;

-- name: baseline_rows
-- Full mirrored rows of some records (drafted ones: their merged view is built in Python).
SELECT id, m.data, pems_version, pems_modified_at, last_synced_at, change_seq
FROM pfa_mirror m
WHERE organization_id = %(org_id)s AND id = ANY(%(ids)s);

-- name: org_version_by_code
SELECT id, mirror_version FROM organizations WHERE code = %(code)s;

-- name: active_org_versions
-- Organizations to encode at start-up, those with the most recent sync first.
SELECT id, mirror_version FROM organizations
WHERE active AND last_synced_at IS NOT NULL
ORDER BY last_synced_at DESC, code;

-- name: mirror_size_estimate
-- Records in the mirror, counted up to a bound (a scan of at most bound + 1 rows): exact,
-- partitioned or not, analyzed or not (planner estimates are 0 before the first ANALYZE).
SELECT count(*) AS records FROM (SELECT 1 FROM pfa_mirror LIMIT %(bound)s + 1) AS capped;
