-- name: org_membership
-- The caller's session generation (no row: the user is gone) and role in one organization
-- (NULLs: not a member), in one primary-key read of users and one of memberships.
SELECT u.session_generation, o.id AS organization_id, o.code, m.role, o.mirror_version,
       o.last_synced_at, o.active, o.sync_schedule, o.sync_paused, o.created_at
FROM users u
LEFT JOIN (memberships m JOIN organizations o ON o.id = m.organization_id AND o.code = %(code)s)
       ON m.user_id = u.id
WHERE u.id = %(user_id)s;

-- name: session_current
SELECT 1 FROM users WHERE id = %(user_id)s AND session_generation = %(generation)s;

-- name: health_orgs
SELECT id, code, name, active, sync_schedule, sync_paused, last_synced_at,
       last_full_sync_at, created_at
FROM organizations
WHERE active
ORDER BY code;

-- name: health_member_orgs
-- The caller's active organizations, for an authenticated health check.
SELECT o.id, o.code, o.name, o.active, o.sync_schedule, o.sync_paused, o.last_synced_at,
       o.last_full_sync_at, o.created_at
FROM memberships m
JOIN organizations o ON o.id = m.organization_id
WHERE m.user_id = %(user_id)s AND o.active
ORDER BY o.code;

-- name: login_failures_recent
-- Failed logins within the window of one (username, client), of the username from any client,
-- and of the client for any username; for each, when its oldest failure leaves the window.
WITH recent AS (
    SELECT username = lower(%(username)s) AS same_user, client = %(client)s AS same_client,
           failed_at
    FROM login_failures
    WHERE (username = lower(%(username)s) OR client = %(client)s)
      AND failed_at > clock_timestamp() - make_interval(secs => %(window_s)s)
)
SELECT count(*) FILTER (WHERE same_user AND same_client) AS pair_failures,
       count(*) FILTER (WHERE same_user) AS user_failures,
       count(*) FILTER (WHERE same_client) AS client_failures,
       ceil(extract(epoch FROM min(failed_at) FILTER (WHERE same_user AND same_client)
                              + make_interval(secs => %(window_s)s) - clock_timestamp()))
           AS pair_retry_s,
       ceil(extract(epoch FROM min(failed_at) FILTER (WHERE same_user)
                              + make_interval(secs => %(window_s)s) - clock_timestamp()))
           AS user_retry_s,
       ceil(extract(epoch FROM min(failed_at) FILTER (WHERE same_client)
                              + make_interval(secs => %(window_s)s) - clock_timestamp()))
           AS client_retry_s
FROM recent;

-- name: login_failed
-- One more failure; the failures that left the window (of anyone) go.
WITH expired AS (
    DELETE FROM login_failures
    WHERE failed_at <= clock_timestamp() - make_interval(secs => %(window_s)s)
)
INSERT INTO login_failures (username, client) VALUES (lower(%(username)s), %(client)s);

-- name: login_succeeded
DELETE FROM login_failures WHERE username = lower(%(username)s) AND client = %(client)s;
