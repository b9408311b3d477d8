-- name: org_membership
SELECT o.id AS organization_id, o.code, m.role
FROM organizations o
JOIN memberships m ON m.organization_id = o.id
WHERE o.code = %(code)s AND m.user_id = %(user_id)s;

-- name: health_orgs
SELECT id, code, name, active, sync_schedule, sync_paused, last_synced_at,
       last_full_sync_at, created_at
FROM organizations
WHERE active
ORDER BY code;
