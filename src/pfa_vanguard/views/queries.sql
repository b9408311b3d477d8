-- name: list_views
-- The caller's views and those others shared with the organization.
SELECT v.id, v.name, v.query, v.shared, u.username AS owner, v.user_id = %(user_id)s AS mine,
       v.updated_at
FROM saved_views v JOIN users u ON u.id = v.user_id
WHERE v.organization_id = %(org_id)s AND (v.user_id = %(user_id)s OR v.shared)
ORDER BY v.user_id <> %(user_id)s, lower(v.name), v.id
LIMIT 500;

-- name: save_view
INSERT INTO saved_views (organization_id, user_id, name, query, shared)
VALUES (%(org_id)s, %(user_id)s, %(name)s, %(query)s, %(shared)s)
ON CONFLICT (organization_id, user_id, name)
DO UPDATE SET query = excluded.query, shared = excluded.shared, updated_at = now()
RETURNING id, name, query, shared, updated_at;

-- name: delete_view
DELETE FROM saved_views
WHERE id = %(id)s AND organization_id = %(org_id)s AND user_id = %(user_id)s
RETURNING id;

-- name: get_layout
SELECT query, updated_at FROM grid_layouts
WHERE organization_id = %(org_id)s AND user_id = %(user_id)s;

-- name: save_layout
INSERT INTO grid_layouts (organization_id, user_id, query)
VALUES (%(org_id)s, %(user_id)s, %(query)s)
ON CONFLICT (organization_id, user_id)
DO UPDATE SET query = excluded.query, updated_at = now()
RETURNING query, updated_at;

-- name: delete_layout
DELETE FROM grid_layouts WHERE organization_id = %(org_id)s AND user_id = %(user_id)s;
