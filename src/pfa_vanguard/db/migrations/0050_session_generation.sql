-- Every token names the session generation of its user at login. A password change, a revoked
-- role and a logout move the generation on, and a token of an older generation is refused by
-- every API process from its next request: the check is part of the query that already reads
-- the caller's membership (or a primary-key read where a route has no organization).
ALTER TABLE users ADD COLUMN session_generation integer NOT NULL DEFAULT 0;
