-- name: view_rows
-- The baseline records of an organization with their costs as the generated columns hold them
-- (the export adds its filters after this). The data as text: parsed by orjson, much faster.
SELECT id, m.data::text AS data, plan_cost, forecast_cost, actual_cost,
       original_start IS NOT NULL AND original_end IS NOT NULL AS has_plan,
       actual_start IS NOT NULL AND actual_end IS NOT NULL AS has_actuals
FROM pfa_mirror m WHERE organization_id = %(org_id)s
