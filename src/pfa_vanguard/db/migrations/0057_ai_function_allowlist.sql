-- What the AI executor's role may execute and read in this database: an explicit allowlist.
--
-- PostgreSQL grants EXECUTE on every function, and SELECT on the catalogs and statistics views,
-- to PUBLIC, and pfa_ai cannot be left out of PUBLIC. So, when the application connects as a
-- superuser (the embedded server; only a superuser may change built-in objects), PUBLIC's
-- EXECUTE on every function outside the allowlist and its SELECT on every catalog relation are
-- withdrawn in this database and given to the role pfa_catalog instead, of which the
-- application's role is made a member: other roles that need the full catalog here (a
-- monitoring login, psql as a non-superuser) are granted pfa_catalog by the DBA. Without a
-- superuser nothing changes and a notice says so; the SQL guard still refuses the same.
--
-- The allowlist (pfa_ai_allowed_functions) is what a question can need and nothing more:
-- - the functions the SQL guard allows by name (ai/guard.py: aggregates, window, date/time,
--   math, text), and those the view pfa_ai_records, the parsers it calls (pfa_to_date, ...),
--   and the executor itself run as pfa_ai;
-- - the functions behind operators and casts between the value types of the view (booleans,
--   numbers, text, dates and times, jsonb), and the application's own immutable functions
--   (the parsers and cost rules the view calls): they compute values and nothing else.
-- pfa_ai keeps, besides, what was granted to pfa_scoped by name (pfa_scope_org, ...). Everything
-- else is refused to it by the database: pg_logical_emit_message, txid_current,
-- pg_current_xact_id, set_config, current_setting, version, the pg_stat_* functions and views,
-- pg_settings, pg_class, pg_stats, information_schema, ...

CREATE FUNCTION pfa_ai_allowed_functions() RETURNS SETOF regprocedure
LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
    WITH value_types AS (
        SELECT t::regtype::oid AS oid
        FROM unnest(ARRAY['boolean', 'smallint', 'integer', 'bigint', 'numeric', 'real',
                          'double precision', 'text', 'text[]', 'character varying',
                          'character', 'date', 'time without time zone',
                          'timestamp without time zone', 'timestamp with time zone',
                          'interval', 'jsonb', 'pg_lsn']) AS t
    )
    SELECT p.oid::regprocedure
    FROM pg_proc p
    WHERE p.pronamespace = 'pg_catalog'::regnamespace
      AND p.proname = ANY (ARRAY[
          -- the guard's functions
          'count', 'sum', 'avg', 'min', 'max', 'stddev', 'stddev_pop', 'stddev_samp',
          'variance', 'var_pop', 'var_samp', 'bool_and', 'bool_or', 'every', 'string_agg',
          'percentile_cont', 'percentile_disc', 'mode',
          'row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile', 'lag',
          'lead', 'first_value', 'last_value',
          'date_trunc', 'date_part', 'extract', 'age', 'make_date', 'make_interval', 'to_char',
          'to_date', 'now', 'date_bin', 'justify_days', 'justify_interval', 'isfinite',
          'timezone',
          'abs', 'round', 'ceil', 'ceiling', 'floor', 'trunc', 'sign', 'sqrt', 'power', 'mod',
          'div', 'ln', 'log', 'log10', 'width_bucket',
          'lower', 'upper', 'initcap', 'length', 'char_length', 'character_length',
          'substring', 'substr', 'btrim', 'ltrim', 'rtrim', 'concat', 'concat_ws', 'left',
          'right', 'position', 'strpos', 'replace', 'split_part', 'starts_with',
          -- run by the view's parsers (pfa_to_date, pfa_to_numeric, pfa_to_bool)
          'jsonb_typeof', 'translate', 'pg_input_is_valid',
          -- run by the executor: the answer's byte bound, a replica's replay position
          'octet_length', 'pg_last_wal_replay_lsn'])
    UNION
    SELECT o.oprcode::regprocedure
    FROM pg_operator o
    WHERE o.oprnamespace = 'pg_catalog'::regnamespace
      AND (o.oprleft = 0 OR o.oprleft IN (SELECT oid FROM value_types))
      AND o.oprright IN (SELECT oid FROM value_types)
    UNION
    SELECT c.castfunc::regprocedure
    FROM pg_cast c
    WHERE c.castfunc <> 0
      AND c.castsource IN (SELECT oid FROM value_types)
      AND c.casttarget IN (SELECT oid FROM value_types)
    UNION
    SELECT p.oid::regprocedure
    FROM pg_proc p
    WHERE p.pronamespace = 'public'::regnamespace
      AND p.provolatile = 'i' AND NOT p.prosecdef AND p.prokind = 'f'
$$;

DO $$
DECLARE
    fn regprocedure;
    rel regclass;
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RAISE NOTICE 'pfa_ai: functions and catalogs stay open to PUBLIC (not a superuser); '
                     'run the migrations once as a superuser to close them';
        RETURN;
    END IF;
    BEGIN
        CREATE ROLE pfa_catalog NOLOGIN;
    EXCEPTION WHEN duplicate_object THEN
        NULL;  -- roles are cluster-wide: another database of the cluster created it already
    END;
    EXECUTE format('GRANT pfa_catalog TO %I', current_user);

    FOR fn IN
        SELECT p.oid::regprocedure
        FROM pg_proc p
        WHERE p.oid NOT IN (SELECT f::oid FROM pfa_ai_allowed_functions() f)
          AND (p.proacl IS NULL  -- the default: PUBLIC may execute
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
