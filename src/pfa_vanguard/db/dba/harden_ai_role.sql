-- The DBA step for a database whose application role is not a superuser (a managed service, or
-- a self-hosted server where the application gets its own owner role). Run once per database,
-- after `pfa db migrate`, as a superuser, connected to the application's database:
--
--     psql "postgresql://postgres@HOST/pfa" -f harden_ai_role.sql
--
-- When the application's role is a superuser (the embedded server), the migrations did this
-- themselves. It withdraws PUBLIC's EXECUTE on the functions that act outside a query's own rows
-- (session advisory locks, cancelling or terminating other sessions, NOTIFY, sleeping, large
-- objects, server files, dblink, other sessions' query text) and gives it back to the database
-- owner (the application's role), so that the AI role `pfa_ai` cannot reach them. Safe to rerun.
DO $$
DECLARE
    fn regprocedure;
    owner_name name := (SELECT pg_get_userbyid(datdba) FROM pg_database
                        WHERE datname = current_database());
BEGIN
    FOR fn IN
        SELECT p.oid::regprocedure
        FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE (n.nspname = 'pg_catalog' AND (
                   p.proname LIKE 'pg\_advisory\_%'
                OR p.proname LIKE 'pg\_try\_advisory\_%'
                OR p.proname LIKE 'lo\_%'
                OR p.proname IN ('loread', 'lowrite')
                OR p.proname LIKE 'pg\_read\_%'
                OR p.proname LIKE 'pg\_ls\_%'
                OR p.proname IN ('pg_stat_file', 'pg_cancel_backend', 'pg_terminate_backend',
                                 'pg_notify', 'pg_sleep', 'pg_sleep_for', 'pg_sleep_until',
                                 'pg_stat_get_activity', 'pg_stat_get_backend_activity',
                                 'pg_stat_get_backend_activity_start')))
           OR p.proname LIKE 'dblink%'
    LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', fn);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', fn, owner_name);
    END LOOP;
    REVOKE SELECT ON pg_catalog.pg_stat_activity FROM PUBLIC;
    EXECUTE format('GRANT SELECT ON pg_catalog.pg_stat_activity TO %I', owner_name);
    ALTER ROLE pfa_ai SET temp_file_limit = '256MB';
END
$$;

-- The function allowlist of the AI role, as the migrations apply it when they run as a
-- superuser: every function outside pfa_ai_allowed_functions() and every catalog relation
-- loses PUBLIC's access, given instead to the role pfa_catalog, which the application's role
-- (the database owner) is granted. Safe to rerun.
DO $$
DECLARE
    fn regprocedure;
    rel regclass;
    owner_name name := (SELECT pg_get_userbyid(datdba) FROM pg_database
                        WHERE datname = current_database());
BEGIN
    BEGIN
        CREATE ROLE pfa_catalog NOLOGIN;
    EXCEPTION WHEN duplicate_object THEN
        NULL;
    END;
    EXECUTE format('GRANT pfa_catalog TO %I', owner_name);
    FOR fn IN
        SELECT p.oid::regprocedure
        FROM pg_proc p
        WHERE p.oid NOT IN (SELECT f::oid FROM pfa_ai_allowed_functions() f)
          AND (p.proacl IS NULL
               OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) a
                          WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE'))
    LOOP
        EXECUTE format('REVOKE EXECUTE ON ROUTINE %s FROM PUBLIC', fn);
        EXECUTE format('GRANT EXECUTE ON ROUTINE %s TO pfa_catalog', fn);
    END LOOP;
    FOR rel IN
        SELECT c.oid::regclass
        FROM pg_class c
        WHERE c.relnamespace IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
          AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
          AND EXISTS (SELECT 1 FROM aclexplode(c.relacl) a
                      WHERE a.grantee = 0 AND a.privilege_type = 'SELECT')
    LOOP
        EXECUTE format('REVOKE SELECT ON %s FROM PUBLIC', rel);
        EXECUTE format('GRANT SELECT ON %s TO pfa_catalog', rel);
    END LOOP;
END
$$;
