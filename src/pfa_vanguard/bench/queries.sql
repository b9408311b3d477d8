-- SQL of the benchmark: setting up its database (bulk load, indexes, views), the "floor" of
-- each read (the plain SQL returning the same answer, run directly with psycopg) and the
-- storage and write counters it reports.

-- name: is_superuser
SELECT rolsuper AS superuser FROM pg_roles WHERE rolname = current_user;

-- name: org_counts
-- Organizations of the benchmark with how many mirror rows each holds.
SELECT o.id, o.code, o.name, count(m.id) AS records
FROM organizations o
LEFT JOIN pfa_mirror m ON m.organization_id = o.id
WHERE o.code = ANY(%(codes)s)
GROUP BY o.id, o.code, o.name;

-- name: mirror_estimate
-- The planner's estimate of the mirror's rows (cheap; exact enough to choose a load strategy),
-- summed over its partitions when it is partitioned.
SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint AS rows
FROM pg_partition_tree('pfa_mirror') t
JOIN pg_class c ON c.oid = t.relid
WHERE t.isleaf;

-- name: upsert_bench_org
INSERT INTO organizations (code, name) VALUES (%(code)s, %(name)s)
ON CONFLICT (code) DO UPDATE SET name = excluded.name
RETURNING id;

-- name: delete_org_mirror
DELETE FROM pfa_mirror WHERE organization_id = %(org_id)s;

-- name: delete_org_removed
DELETE FROM pfa_mirror_removed WHERE organization_id = %(org_id)s;

-- name: reset_org_sync_state
-- The organization as if never synced (the next sync is a first, full one).
UPDATE organizations
SET last_synced_at = NULL, last_full_sync_at = NULL, sync_watermark = NULL,
    mirror_version = mirror_version + 1
WHERE id = %(org_id)s;

-- name: copy_mirror
COPY pfa_mirror (organization_id, id, doc, pems_version, pems_modified_at) FROM STDIN;

-- name: mark_org_loaded
-- A bulk-loaded organization looks freshly (fully) synced.
UPDATE organizations o
SET mirror_version = o.mirror_version + 1, last_synced_at = now(), last_full_sync_at = now(),
    sync_watermark = (SELECT max(pems_modified_at) FROM pfa_mirror m
                      WHERE m.organization_id = o.id)
WHERE o.id = %(org_id)s;

-- name: secondary_indexes
-- Indexes of the mirror other than its primary key: dropped around a bulk load into an empty
-- table and recreated from their own definitions afterwards (a partitioned index's definition
-- says ON ONLY, which would recreate it without its partitions' indexes).
SELECT i.indexrelid::regclass::text AS name,
       replace(pg_get_indexdef(i.indexrelid), ' ON ONLY ', ' ON ') AS definition
FROM pg_index i
WHERE i.indrelid = 'pfa_mirror'::regclass AND NOT i.indisprimary
ORDER BY 1;

-- name: truncate_mirror
TRUNCATE pfa_mirror, pfa_mirror_removed;

-- name: dropped_indexes
SELECT obj_description('pfa_mirror'::regclass, 'pg_class') AS comment;

-- name: forget_dropped_indexes
COMMENT ON TABLE pfa_mirror IS NULL;

-- name: recompute_summaries
SELECT pfa_recompute_summaries(%(org_id)s);

-- name: refresh_kpi_summary
REFRESH MATERIALIZED VIEW pfa_kpi_summary;

-- name: refresh_timeline_bounds
REFRESH MATERIALIZED VIEW pfa_timeline_bounds;

-- name: discard_user_drafts
DELETE FROM pfa_modification WHERE user_id = ANY(%(user_ids)s) AND organization_id = %(org_id)s;

-- name: pick_records
-- Deterministic spread of `count` records of the organization (every n-th by id).
SELECT id, data, pems_version
FROM (SELECT id, m.data, pems_version, row_number() OVER (ORDER BY id) AS n
      FROM pfa_mirror m
      WHERE organization_id = %(org_id)s) numbered
WHERE (n - 1) %% %(step)s = %(offset)s
ORDER BY id
LIMIT %(count)s;

-- name: category_sizes
SELECT category, count(*) AS records FROM pfa_mirror
WHERE organization_id = %(org_id)s AND category IS NOT NULL
GROUP BY category ORDER BY category;

-- name: user_id
SELECT id FROM users WHERE username = %(username)s;

-- name: grant_admin
INSERT INTO memberships (user_id, organization_id, role)
SELECT %(user_id)s, id, 'admin' FROM organizations WHERE code = %(code)s
ON CONFLICT (user_id, organization_id) DO UPDATE SET role = 'admin';

-- name: floor_load_org
-- The whole organization merged with the user's drafts, as one JSON text made by PostgreSQL.
SELECT coalesce(json_agg(json_build_object('id', m.id, 'data', m.data || coalesce(d.changes, '{}'),
                                           'hasDraft', d.id IS NOT NULL) ORDER BY m.id),
                '[]')::text AS body
FROM pfa_mirror m
LEFT JOIN pfa_modification d
       ON d.organization_id = m.organization_id AND d.record_id = m.id AND d.user_id = %(user_id)s
WHERE m.organization_id = %(org_id)s;

-- name: floor_filter_category
SELECT coalesce(json_agg(json_build_object('id', m.id, 'data', m.data || coalesce(d.changes, '{}'),
                                           'hasDraft', d.id IS NOT NULL) ORDER BY m.id),
                '[]')::text AS body
FROM pfa_mirror m
LEFT JOIN pfa_modification d
       ON d.organization_id = m.organization_id AND d.record_id = m.id AND d.user_id = %(user_id)s
WHERE m.organization_id = %(org_id)s AND m.category = %(category)s;

-- name: floor_filter_dates
-- Forecast windows overlapping [from, to] on merged values: baseline rows through the index,
-- drafted rows re-checked on their merged dates.
SELECT coalesce(json_agg(json_build_object('id', m.id, 'data', m.data || coalesce(d.changes, '{}'),
                                           'hasDraft', d.id IS NOT NULL) ORDER BY m.id),
                '[]')::text AS body
FROM pfa_mirror m
LEFT JOIN pfa_modification d
       ON d.organization_id = m.organization_id AND d.record_id = m.id AND d.user_id = %(user_id)s
WHERE m.organization_id = %(org_id)s
  AND ((d.id IS NULL AND m.forecast_start <= %(to)s AND m.forecast_end >= %(from)s)
       OR (d.id IS NOT NULL
           AND pfa_to_date((m.data || d.changes) -> 'forecastStart') <= %(to)s
           AND pfa_to_date((m.data || d.changes) -> 'forecastEnd') >= %(from)s));

-- name: floor_revalidate
-- What deciding "not modified" needs: the mirror's version and the user's drafts' fingerprint.
SELECT o.mirror_version,
       (SELECT count(*) || ':' || coalesce(max(d.modified_at)::text, '')
        FROM pfa_modification d
        WHERE d.organization_id = o.id AND d.user_id = %(user_id)s) AS drafts
FROM organizations o WHERE o.id = %(org_id)s;

-- name: floor_kpi
-- Baseline figures from the materialized view plus the delta of the user's drafted records
-- (their merged costs minus their baseline costs), by category and source.
WITH drafted AS (
    SELECT m.category, m.source,
           pfa_record_window_cost(m.data || d.changes, 'forecastStart', 'forecastEnd')
               - m.forecast_cost AS forecast_delta,
           pfa_record_window_cost(m.data || d.changes, 'actualStart', 'actualEnd')
               - m.actual_cost AS actual_delta,
           (NOT pfa_to_bool((m.data || d.changes) -> 'isDiscontinued')
            AND NOT pfa_to_bool((m.data || d.changes) -> 'isFundsTransferable'))
               AS counts_after,
           (NOT m.is_discontinued AND NOT m.is_funds_transferable) AS counts_before
    FROM pfa_modification d
    JOIN pfa_mirror m ON m.organization_id = d.organization_id AND m.id = d.record_id
    WHERE d.organization_id = %(org_id)s AND d.user_id = %(user_id)s
)
SELECT k.category, k.source, k.record_count, k.total_plan_cost,
       k.total_forecast_cost + coalesce((SELECT sum(forecast_delta) FROM drafted x
                                         WHERE x.category = k.category AND x.source = k.source
                                           AND x.counts_before AND x.counts_after), 0)
           AS pending_forecast_cost,
       k.total_actual_cost + coalesce((SELECT sum(actual_delta) FROM drafted x
                                       WHERE x.category = k.category AND x.source = k.source
                                         AND x.counts_before AND x.counts_after), 0)
           AS pending_actual_cost
FROM pfa_kpi_summary k
WHERE k.organization_id = %(org_id)s
ORDER BY k.category, k.source;

-- name: floor_ai_query
-- The merged answer to the benchmark's AI question, written by hand: the drafts change only
-- forecast dates, so the filters (category, source, area) read the baseline's typed columns.
SELECT sum(CASE WHEN d.id IS NULL THEN m.forecast_cost
                ELSE pfa_record_window_cost(m.data || d.changes, 'forecastStart', 'forecastEnd')
           END) AS total_forecast_cost
FROM pfa_mirror m
LEFT JOIN pfa_modification d
       ON d.organization_id = m.organization_id AND d.record_id = m.id AND d.user_id = %(user_id)s
WHERE m.organization_id = %(org_id)s AND m.category = %(category)s AND m.source = %(source)s
  AND m.area_silo = %(area)s;

-- name: floor_save_draft
UPDATE pfa_modification
SET changes = changes || %(changes)s, modified_at = now()
WHERE user_id = %(user_id)s AND organization_id = %(org_id)s AND record_id = %(record_id)s;

-- name: rows_written
-- Rows inserted, updated or deleted in the mirror tables so far (statistics counters).
-- (A partitioned table's rows are counted in its partitions.)
SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::bigint AS written
FROM pg_stat_user_tables
WHERE relid IN (SELECT relid FROM pg_partition_tree('pfa_mirror')
                UNION ALL SELECT 'pfa_mirror_removed'::regclass);

-- name: force_stat_flush
SELECT pg_stat_force_next_flush();

-- name: clear_stat_snapshot
SELECT pg_stat_clear_snapshot();

-- name: mirror_storage
-- Heap, indexes and TOAST of the mirror's partitions (the table itself when not partitioned)
-- and their rows, for a per-organization figure: over the partitions that do not hold the
-- benchmark's sync target (its rows are deleted and inserted again by every full sync it
-- measures: a churn no organization's mirror has), and that partition apart.
WITH parts AS (
    SELECT c.oid,
           coalesce(pg_relation_size(c.oid), 0) AS heap_bytes,
           coalesce(pg_indexes_size(c.oid), 0) AS index_bytes,
           coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0) AS toast_bytes,
           coalesce(pg_total_relation_size(c.oid), 0) AS total_bytes,
           (SELECT count(*) FROM pfa_mirror m WHERE m.tableoid = c.oid) AS records,
           EXISTS (SELECT 1 FROM pfa_mirror m JOIN organizations o ON o.id = m.organization_id
                   WHERE m.tableoid = c.oid AND o.code = %(sync_org)s) AS sync_target
    FROM pg_partition_tree('pfa_mirror') t
    JOIN pg_class c ON c.oid = t.relid
    WHERE t.isleaf
)
SELECT coalesce(sum(heap_bytes) FILTER (WHERE NOT sync_target), 0)::bigint AS heap_bytes,
       coalesce(sum(index_bytes) FILTER (WHERE NOT sync_target), 0)::bigint AS index_bytes,
       coalesce(sum(toast_bytes) FILTER (WHERE NOT sync_target), 0)::bigint AS toast_bytes,
       coalesce(sum(total_bytes) FILTER (WHERE NOT sync_target), 0)::bigint AS total_bytes,
       coalesce(sum(records) FILTER (WHERE NOT sync_target), 0)::bigint AS records,
       coalesce(sum(total_bytes) FILTER (WHERE sync_target), 0)::bigint AS sync_target_bytes,
       coalesce(sum(records) FILTER (WHERE sync_target), 0)::bigint AS sync_target_records
FROM parts;

-- name: month_overlaps
-- How many records' forecast windows overlap each month of the organization's span.
WITH months AS (
    SELECT generate_series(date_trunc('month', min(forecast_start)),
                           date_trunc('month', max(forecast_end)), interval '1 month')::date AS first
    FROM pfa_mirror WHERE organization_id = %(org_id)s
)
SELECT mo.first, (mo.first + interval '1 month - 1 day')::date AS last,
       (SELECT count(*) FROM pfa_mirror m
        WHERE m.organization_id = %(org_id)s AND m.forecast_start <= (mo.first + interval '1 month - 1 day')::date
          AND m.forecast_end >= mo.first) AS records
FROM months mo ORDER BY mo.first;

-- name: vacuum_analyze_mirror
VACUUM (ANALYZE) pfa_mirror;

-- name: vacuum_mirror
VACUUM pfa_mirror;

-- name: skip_triggers
-- Bulk load only (superuser): no row trigger of this session's transaction fires.
SET LOCAL session_replication_role = replica;

-- name: touch_records
-- Rewrite `ids` as a sync that changed them would (a new change number each, the
-- organization's mirror version raised); their values stay as they are.
WITH org AS (
    UPDATE organizations SET mirror_version = mirror_version + 1
    WHERE id = %(org_id)s
    RETURNING id
)
UPDATE pfa_mirror m SET last_synced_at = now()
FROM org
WHERE m.organization_id = %(org_id)s AND m.organization_id = org.id AND m.id = ANY(%(ids)s);
