-- Failed logins are also counted per client address for any user name (a spray of one
-- password over many accounts from one address): this index finds them.
CREATE INDEX login_failures_client ON login_failures (client, failed_at);
