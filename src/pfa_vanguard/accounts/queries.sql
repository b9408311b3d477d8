-- name: upsert_organization
INSERT INTO organizations (code, name)
VALUES (%(code)s, %(name)s)
ON CONFLICT (code) DO UPDATE SET code = EXCLUDED.code
RETURNING id, code, name;

-- name: get_organization
SELECT id, code, name, active, sync_schedule, sync_paused, last_synced_at, mirror_version
FROM organizations WHERE code = %(code)s;

-- name: upsert_user
INSERT INTO users (username, password_hash)
VALUES (%(username)s, %(password_hash)s)
ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash
RETURNING id, username;

-- name: get_user
SELECT id, username, password_hash FROM users WHERE username = %(username)s;

-- name: grant_role
INSERT INTO memberships (user_id, organization_id, role)
VALUES (%(user_id)s, %(organization_id)s, %(role)s)
ON CONFLICT (user_id, organization_id) DO UPDATE SET role = EXCLUDED.role;

-- name: user_memberships
SELECT o.id AS organization_id, o.code, o.name, m.role, o.last_synced_at,
       o.active, o.sync_schedule, o.sync_paused, o.created_at
FROM memberships m JOIN organizations o ON o.id = m.organization_id
WHERE m.user_id = %(user_id)s
ORDER BY o.code;
