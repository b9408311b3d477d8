-- name: upsert_organization
INSERT INTO organizations (code, name)
VALUES (%(code)s, %(name)s)
ON CONFLICT (code) DO UPDATE SET code = EXCLUDED.code
RETURNING id, code, name;

-- name: get_organization
SELECT id, code, name, active, sync_schedule, sync_paused, last_synced_at, mirror_version
FROM organizations WHERE code = %(code)s;

-- name: upsert_user
-- A new password ends every session of the user (their tokens name an older generation).
INSERT INTO users (username, password_hash)
VALUES (%(username)s, %(password_hash)s)
ON CONFLICT (username) DO UPDATE
SET password_hash = EXCLUDED.password_hash,
    session_generation = users.session_generation + 1
RETURNING id, username;

-- name: set_password
UPDATE users
SET password_hash = %(password_hash)s, session_generation = session_generation + 1
WHERE username = %(username)s
RETURNING id, username;

-- name: get_user
SELECT id, username, password_hash, session_generation FROM users WHERE username = %(username)s;

-- name: end_sessions
-- Ends every token of the user issued so far.
UPDATE users SET session_generation = session_generation + 1
WHERE username = %(username)s
RETURNING id, username;

-- name: end_sessions_of_id
UPDATE users SET session_generation = session_generation + 1 WHERE id = %(user_id)s;

-- name: revoke_roles
-- The user's roles in one organization (or in all of them when code is NULL), removed.
DELETE FROM memberships m
USING organizations o
WHERE o.id = m.organization_id
  AND m.user_id = (SELECT id FROM users WHERE username = %(username)s)
  AND (%(code)s::text IS NULL OR o.code = %(code)s::text)
RETURNING o.code, m.role;

-- name: list_users
SELECT u.username, o.code, m.role
FROM users u
LEFT JOIN memberships m ON m.user_id = u.id
LEFT JOIN organizations o ON o.id = m.organization_id
WHERE %(code)s::text IS NULL OR o.code = %(code)s::text
ORDER BY u.username, o.code;

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
