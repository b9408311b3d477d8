-- name: ensure_org
INSERT INTO organizations (code, name) VALUES (%(code)s, %(code)s) ON CONFLICT (code) DO NOTHING;

-- name: count_records
SELECT count(*) AS count FROM pfa_mirror m JOIN organizations o ON o.id = m.organization_id
WHERE o.code = %(code)s;

-- name: ensure_editor
WITH u AS (
    INSERT INTO users (username, password_hash) VALUES (%(username)s, %(hash)s)
    ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash
    RETURNING id
)
INSERT INTO memberships (user_id, organization_id, role)
SELECT u.id, o.id, 'editor' FROM u, organizations o WHERE o.code = %(code)s
ON CONFLICT (user_id, organization_id) DO UPDATE SET role = EXCLUDED.role;

-- name: discard_drafts
DELETE FROM pfa_modification d USING users u, organizations o
WHERE u.id = d.user_id AND o.id = d.organization_id
  AND u.username = ANY (%(usernames)s) AND o.code = %(code)s;
