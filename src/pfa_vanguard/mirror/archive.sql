-- The archive of long-ended records (mirror/archive.py). Writers of one organization's mirror
-- take its row lock first (migration 0020), as the sync's apply does.

-- name: organizations
SELECT id, code FROM organizations ORDER BY id;

-- name: lock_organization
SELECT id FROM organizations WHERE id = %(org_id)s FOR NO KEY UPDATE;

-- name: archive_ended
-- Move the organization's records whose forecast ended before the cutoff and whose actual
-- window did too (or never started), unless someone has a draft on them; each leaves a
-- removal behind, so open screens and snapshots drop it like a record PEMS removed, and a row in
-- the record history (field 'record', source 'archive': the whole record as it was).
WITH moved AS (
    DELETE FROM pfa_mirror m
    WHERE m.organization_id = %(org_id)s
      AND m.forecast_end < %(cutoff)s
      AND (m.actual_end < %(cutoff)s OR (m.actual_start IS NULL AND m.actual_end IS NULL))
      AND NOT EXISTS (SELECT 1 FROM pfa_modification d
                      WHERE d.organization_id = %(org_id)s AND d.record_id = m.id)
    RETURNING m.*, data(m) AS data
), recorded AS (
    INSERT INTO pfa_history (organization_id, record_id, field, old_value, new_value, source)
    SELECT %(org_id)s, id, 'record', data, NULL, 'archive' FROM moved
), kept AS (
    INSERT INTO pfa_mirror_archive
        (organization_id, id, doc, compact, pems_version, pems_modified_at, last_synced_at,
         category, forecast_category, source, dor, area_silo, original_start, original_end,
         forecast_start, forecast_end, actual_start, actual_end, monthly_rate, purchase_price,
         is_actualized, is_discontinued, is_funds_transferable, plan_cost, forecast_cost,
         actual_cost)
    SELECT %(org_id)s, id, doc, compact, pems_version, pems_modified_at, last_synced_at,
           category, forecast_category, source, dor, area_silo, original_start, original_end,
           forecast_start, forecast_end, actual_start, actual_end, monthly_rate, purchase_price,
           is_actualized, is_discontinued, is_funds_transferable, plan_cost, forecast_cost,
           actual_cost
    FROM moved
    ORDER BY id
    RETURNING id
)
INSERT INTO pfa_mirror_removed (organization_id, id, change_seq, removed_at)
SELECT %(org_id)s, id, nextval('pfa_mirror_change_seq'), now() FROM kept ORDER BY id;

-- name: bump_mirror_version
UPDATE organizations SET mirror_version = mirror_version + 1 WHERE id = %(org_id)s;

-- name: refresh_kpi_summary
REFRESH MATERIALIZED VIEW CONCURRENTLY pfa_kpi_summary;

-- name: refresh_timeline_bounds
REFRESH MATERIALIZED VIEW CONCURRENTLY pfa_timeline_bounds;

-- name: notify_mirror_changed
SELECT pg_notify('pfa_mirror_changed', %(code)s);
