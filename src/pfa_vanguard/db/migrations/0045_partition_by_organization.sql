-- The mirror and the drafts partitioned by organization (ADR-005 "partition tables by
-- organization"). Every query of the application names one organization, so each one
-- reads one partition (the planner prunes the others, at plan time or at executor start-up);
-- VACUUM, ANALYZE and index builds work partition by partition.
--
-- HASH on organization_id, 16 partitions, rather than LIST (one partition per organization):
-- - nothing has to happen when an organization is created (no trigger, no DDL in the request
--   that creates it, no race between two processes creating the same partition, no rights to
--   create tables needed by the application at run time);
-- - a tenant has a few dozen organizations: 16 partitions hold one to three each, every one
--   small enough for fast maintenance, and pruning by `organization_id = $1` is as exact as
--   with LIST;
-- - the same key and modulus for both tables: a draft and its mirror row always live in
--   partitions of the same number (partition-wise joins), which is also how Citus co-locates
--   tables distributed by organization_id.
-- Every unique constraint includes organization_id (a partitioned or distributed table
-- requires it), so pfa_modification's primary key becomes (organization_id, id); its id comes
-- from a plain sequence (identity columns on partitioned tables need PostgreSQL 17).
--
-- The migration is generic over what earlier migrations added to the two tables: secondary
-- indexes, triggers, foreign keys, checks, row-level security and its policies, grants, column
-- compression/storage and storage parameters are read from the catalog and recreated, and the
-- views that read the tables (pfa_ai_records, the two materialized views) are dropped and
-- recreated from their own definitions, with their options, indexes and grants.

CREATE FUNCTION pg_temp.pfa_partition_table(tab text, partitions integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    new_name text := tab || '_partitioned';
    opts text[];
    cols text;
    stmt text;
    ddl text[] := '{}';
    r record;
    i integer;
BEGIN
    -- what the table has besides its columns, as statements to run once it is replaced
    FOR r IN SELECT conname, contype, pg_get_constraintdef(oid) AS def FROM pg_constraint
             WHERE conrelid = tab::regclass AND contype IN ('p', 'u', 'f', 'c')
             ORDER BY contype DESC, conname LOOP
        stmt := r.def;
        IF r.contype = 'p' AND stmt NOT LIKE '%organization_id%' THEN
            stmt := replace(stmt, 'PRIMARY KEY (', 'PRIMARY KEY (organization_id, ');
        END IF;
        ddl := ddl || format('ALTER TABLE %I ADD CONSTRAINT %I %s', tab, r.conname, stmt);
    END LOOP;
    ddl := ddl || ARRAY(
        SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i
        WHERE i.indrelid = tab::regclass
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
        ORDER BY i.indexrelid);
    ddl := ddl || ARRAY(
        SELECT pg_get_triggerdef(oid) FROM pg_trigger
        WHERE tgrelid = tab::regclass AND NOT tgisinternal ORDER BY oid);
    IF (SELECT relrowsecurity FROM pg_class WHERE oid = tab::regclass) THEN
        ddl := ddl || format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', tab);
    END IF;
    IF (SELECT relforcerowsecurity FROM pg_class WHERE oid = tab::regclass) THEN
        ddl := ddl || format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', tab);
    END IF;
    FOR r IN SELECT * FROM pg_policies WHERE schemaname = 'public' AND tablename = tab LOOP
        ddl := ddl || format('CREATE POLICY %I ON %I AS %s FOR %s TO %s%s%s',
                             r.policyname, tab, r.permissive, r.cmd,
                             (SELECT string_agg(CASE WHEN g = 'public' THEN 'PUBLIC'
                                                     ELSE quote_ident(g) END, ', ')
                              FROM unnest(r.roles) g),
                             coalesce(' USING (' || r.qual || ')', ''),
                             coalesce(' WITH CHECK (' || r.with_check || ')', ''));
    END LOOP;
    FOR r IN SELECT a.privilege_type, a.grantee
             FROM pg_class c, aclexplode(c.relacl) a
             WHERE c.oid = tab::regclass AND a.grantee <> c.relowner LOOP
        ddl := ddl || format('GRANT %s ON %I TO %s', r.privilege_type, tab,
                             CASE WHEN r.grantee = 0 THEN 'PUBLIC'
                                  ELSE quote_ident(r.grantee::regrole::text) END);
    END LOOP;

    -- the new parent: same columns (generated expressions, defaults, compression, storage),
    -- no identity (see above), partitioned by organization; the storage parameters of the
    -- table (e.g. toast_tuple_target) go to each partition
    EXECUTE format(
        'CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING COMPRESSION'
        ' INCLUDING STORAGE INCLUDING STATISTICS INCLUDING COMMENTS)'
        ' PARTITION BY HASH (organization_id)', new_name, tab);
    SELECT reloptions INTO opts FROM pg_class WHERE oid = tab::regclass;
    FOR i IN 0 .. partitions - 1 LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES WITH (MODULUS %s, REMAINDER %s)%s',
                       tab || '_p' || lpad(i::text, 2, '0'), new_name, partitions, i,
                       coalesce(' WITH (' || array_to_string(opts, ', ') || ')', ''));
    END LOOP;

    -- the rows, with every stored (non-generated) column as it was (change_seq included)
    SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols
    FROM pg_attribute
    WHERE attrelid = tab::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '';
    EXECUTE format('INSERT INTO %I (%s) SELECT %s FROM %I', new_name, cols, cols, tab);

    EXECUTE format('DROP TABLE %I', tab);
    EXECUTE format('ALTER TABLE %I RENAME TO %I', new_name, tab);
    FOREACH stmt IN ARRAY ddl LOOP
        EXECUTE stmt;
    END LOOP;
END;
$$;

-- The views over the two tables, saved (in creation order) to be recreated after the swap.
CREATE TEMP TABLE pfa_saved_views AS
SELECT DISTINCT v.oid, v.relname, v.relkind, v.reloptions, v.relacl, v.relowner,
       pg_get_viewdef(v.oid) AS definition,
       ARRAY(SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = v.oid)
           AS indexes
FROM pg_depend d
JOIN pg_rewrite w ON w.oid = d.objid
JOIN pg_class v ON v.oid = w.ev_class
WHERE d.classid = 'pg_rewrite'::regclass
  AND d.refobjid IN ('pfa_mirror'::regclass, 'pfa_modification'::regclass)
  AND v.relname NOT IN ('pfa_mirror', 'pfa_modification');

DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT * FROM pfa_saved_views ORDER BY oid DESC LOOP
        EXECUTE format('DROP %s %I',
                       CASE r.relkind WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'VIEW' END,
                       r.relname);
    END LOOP;
END
$$;

-- The id of a draft keeps counting from where the identity column stopped.
CREATE SEQUENCE pfa_modification_id_seq_next;
SELECT setval('pfa_modification_id_seq_next', coalesce((SELECT max(id) FROM pfa_modification), 0) + 1,
              false);

SELECT pg_temp.pfa_partition_table('pfa_mirror', 16);
SELECT pg_temp.pfa_partition_table('pfa_modification', 16);

ALTER SEQUENCE pfa_modification_id_seq_next RENAME TO pfa_modification_id_seq;
ALTER SEQUENCE pfa_modification_id_seq OWNED BY pfa_modification.id;
ALTER TABLE pfa_modification ALTER COLUMN id SET DEFAULT nextval('pfa_modification_id_seq');

DO $$
DECLARE
    r record;
    idx text;
    a record;
BEGIN
    FOR r IN SELECT * FROM pfa_saved_views ORDER BY oid LOOP
        EXECUTE format('CREATE %s %I%s AS %s',
                       CASE r.relkind WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'VIEW' END,
                       r.relname,
                       coalesce(' WITH (' || array_to_string(r.reloptions, ', ') || ')', ''),
                       rtrim(r.definition, '; ' || chr(10)));
        FOREACH idx IN ARRAY r.indexes LOOP
            EXECUTE idx;
        END LOOP;
        FOR a IN SELECT x.privilege_type, x.grantee FROM aclexplode(r.relacl) x
                 WHERE x.grantee <> r.relowner LOOP
            EXECUTE format('GRANT %s ON %I TO %s', a.privilege_type, r.relname,
                           CASE WHEN a.grantee = 0 THEN 'PUBLIC'
                                ELSE quote_ident(a.grantee::regrole::text) END);
        END LOOP;
    END LOOP;
END
$$;

DROP TABLE pfa_saved_views;
DROP FUNCTION pg_temp.pfa_partition_table(text, integer);
