-- The scope of an AI session is keyed by backend pid AND backend start (read replicas, README.md "Running in production").
--
-- The AI executor may run its queries on a streaming replica (PFA_DATABASE_REPLICA_URL): the
-- scope is still written on the primary (a hot standby takes no writes) and reaches the replica
-- by replication, keyed by the replica session's pid and start. A pid alone no longer names one
-- session: the primary and each replica have their own pids. pfa_scope_org() / pfa_scope_user()
-- already match on both columns; only the key changes.
ALTER TABLE pfa_session_scope DROP CONSTRAINT pfa_session_scope_pkey;
ALTER TABLE pfa_session_scope ADD PRIMARY KEY (backend_pid, backend_start);

-- Who the calling session is, for the executor to key its scope: pid, start, and whether the
-- server is a standby. pfa_ai may not read pg_stat_activity (migration 0030); this tells it
-- about its own session only.
CREATE FUNCTION pfa_session_identity(OUT pid integer, OUT backend_start timestamptz,
                                     OUT standby boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT a.pid, a.backend_start, pg_is_in_recovery()
    FROM pg_stat_activity a
    WHERE a.pid = pg_backend_pid()
$$;
REVOKE ALL ON FUNCTION pfa_session_identity() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pfa_session_identity() TO pfa_scoped;
