-- Organization scoping enforced by PostgreSQL itself (row-level security), for every database
-- role that is not the application's own: the AI executor logs in as such a role.
--
-- A scoped session's organization (and user) is written by the application into
-- pfa_session_scope, keyed by that session's backend pid and start time. The scoped role can't
-- read or write that table, and nothing it can run (set_config, SET ROLE) changes what
-- pfa_scope_org() returns: the scope is not a GUC.

DO $$
BEGIN
    CREATE ROLE pfa_scoped NOLOGIN;
EXCEPTION WHEN duplicate_object THEN
    NULL;  -- roles are cluster-wide: another database of the cluster created it already
END
$$;

CREATE TABLE pfa_session_scope (
    backend_pid      integer PRIMARY KEY,
    backend_start    timestamptz NOT NULL,
    organization_id  bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id          bigint REFERENCES users (id) ON DELETE CASCADE,
    set_at           timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON pfa_session_scope FROM PUBLIC;

CREATE FUNCTION pfa_scope_org() RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT s.organization_id
    FROM public.pfa_session_scope s
    WHERE s.backend_pid = pg_backend_pid()
      AND s.backend_start = (SELECT a.backend_start FROM pg_stat_activity a
                             WHERE a.pid = pg_backend_pid())
$$;

CREATE FUNCTION pfa_scope_user() RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT s.user_id
    FROM public.pfa_session_scope s
    WHERE s.backend_pid = pg_backend_pid()
      AND s.backend_start = (SELECT a.backend_start FROM pg_stat_activity a
                             WHERE a.pid = pg_backend_pid())
$$;

REVOKE ALL ON FUNCTION pfa_scope_org() FROM PUBLIC;
REVOKE ALL ON FUNCTION pfa_scope_user() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pfa_scope_org(), pfa_scope_user() TO pfa_scoped;

ALTER TABLE pfa_mirror ENABLE ROW LEVEL SECURITY;
ALTER TABLE pfa_modification ENABLE ROW LEVEL SECURITY;
ALTER TABLE sync_runs ENABLE ROW LEVEL SECURITY;

-- The table owner (the application) bypasses RLS; these policies bind every other role.
CREATE POLICY pfa_mirror_scoped ON pfa_mirror FOR SELECT TO pfa_scoped
    USING (organization_id = pfa_scope_org());
CREATE POLICY pfa_modification_scoped ON pfa_modification FOR SELECT TO pfa_scoped
    USING (organization_id = pfa_scope_org() AND user_id = pfa_scope_user());
CREATE POLICY sync_runs_scoped ON sync_runs FOR SELECT TO pfa_scoped
    USING (organization_id = pfa_scope_org());

GRANT SELECT ON pfa_mirror, pfa_modification, sync_runs TO pfa_scoped;
