-- name: view_rows
-- The baseline records of an organization (the export adds its filters after this).
SELECT id, data FROM pfa_mirror WHERE organization_id = %(org_id)s
