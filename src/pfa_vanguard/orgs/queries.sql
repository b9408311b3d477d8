-- name: add_organization
INSERT INTO organizations (code, name, sync_schedule)
VALUES (%(code)s, %(name)s, %(schedule)s)
ON CONFLICT (code) DO NOTHING
RETURNING id, code, name, sync_schedule

-- name: list_organizations
SELECT o.code, o.name, o.active, o.sync_schedule, o.sync_paused, o.last_synced_at,
       (SELECT count(*) FROM memberships m WHERE m.organization_id = o.id) AS members
FROM organizations o
ORDER BY o.code

-- name: organization_id
SELECT id FROM organizations WHERE code = %(code)s

-- name: add_window
INSERT INTO maintenance_windows (organization_id, cron, duration_minutes)
VALUES (%(org_id)s, %(cron)s, %(minutes)s)
RETURNING id, cron, duration_minutes

-- name: list_windows
SELECT w.id, o.code, w.cron, w.duration_minutes
FROM maintenance_windows w JOIN organizations o ON o.id = w.organization_id
WHERE %(code)s::text IS NULL OR o.code = %(code)s
ORDER BY o.code, w.id

-- name: remove_window
DELETE FROM maintenance_windows w USING organizations o
WHERE o.id = w.organization_id AND o.code = %(code)s AND w.id = %(id)s
RETURNING w.id

-- name: set_currency
UPDATE organizations SET currency = %(currency)s WHERE code = %(code)s RETURNING id;
