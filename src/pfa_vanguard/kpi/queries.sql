-- name: kpi_cells
SELECT category, source, record_count, total_plan_cost, total_forecast_cost, total_actual_cost
FROM pfa_kpi_summary
WHERE organization_id = %(org_id)s;

-- name: timeline_bounds
SELECT min_start, max_end FROM pfa_timeline_bounds WHERE organization_id = %(org_id)s;

-- name: min_start_excluding
-- The earliest forecast start among records other than `ids` (index scan, stops at the first).
SELECT forecast_start AS value FROM pfa_mirror
WHERE organization_id = %(org_id)s AND forecast_start IS NOT NULL AND NOT (id = ANY (%(ids)s))
ORDER BY forecast_start
LIMIT 1;

-- name: max_end_excluding
SELECT forecast_end AS value FROM pfa_mirror
WHERE organization_id = %(org_id)s AND forecast_end IS NOT NULL AND NOT (id = ANY (%(ids)s))
ORDER BY forecast_end DESC
LIMIT 1;

-- name: exclusions
-- Records the figures leave out (kpi/figures.py): discontinued first, then funds-transferable.
SELECT count(*) FILTER (WHERE is_discontinued) AS discontinued,
       count(*) FILTER (WHERE NOT is_discontinued) AS funds_transferable
FROM pfa_mirror
WHERE organization_id = %(org_id)s AND (is_discontinued OR is_funds_transferable);

-- name: currency
SELECT currency FROM organizations WHERE id = %(org_id)s;

-- name: profile_rows
-- What the spend profile needs of each record the figures count ({rule}: kpi/figures.py),
-- grouped by {key} ({only}: the drafted records alone, for a delta).
SELECT id, {key}, source, original_start, original_end, forecast_start, forecast_end,
       actual_start, actual_end, monthly_rate, purchase_price
FROM pfa_mirror
WHERE organization_id = %(org_id)s AND {rule}{only};

-- name: mirror_revision
-- Raised by every write to the organization's mirror (syncs, commits, archiving).
SELECT mirror_version FROM organizations WHERE id = %(org_id)s;
