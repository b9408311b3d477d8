-- Failed logins, counted in the database: every API process and replica sees the same
-- count, so a cluster of N processes does not allow N times the attempts. One row per failure;
-- rows older than the window are deleted as new failures come in.
CREATE TABLE login_failures (
    username   text        NOT NULL,  -- lower-cased
    client     text        NOT NULL,  -- the client's address as the API sees it
    failed_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX login_failures_key ON login_failures (username, client, failed_at);
CREATE INDEX login_failures_age ON login_failures (failed_at);
