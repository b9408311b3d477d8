-- SQL of the sync worker. Staging and apply run on the sync's own connection; every block that
-- writes the mirror runs inside the one apply transaction (see apply.py).

-- name: get_organization
SELECT id, code, name, active, sync_schedule, sync_paused, last_synced_at, last_full_sync_at,
       sync_watermark, mirror_version, created_at
FROM organizations WHERE code = %(code)s;

-- name: active_organization_codes
SELECT code FROM organizations WHERE active ORDER BY code;

-- name: try_lock
SELECT pg_try_advisory_lock(%(namespace)s, %(org_id)s) AS locked;

-- name: unlock
SELECT pg_advisory_unlock(%(namespace)s, %(org_id)s) AS unlocked;

-- name: lock_held
-- Whether any session of this database holds the sync lock of the organization.
SELECT EXISTS (
    SELECT 1 FROM pg_locks
    WHERE locktype = 'advisory' AND granted AND objsubid = 2
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND classid::bigint = %(namespace)s AND objid::bigint = %(org_id)s
) AS held;

-- name: abandon_stale_runs
-- Only called while holding the organization's lock: any 'running' row is a dead process's.
UPDATE sync_runs
SET status = 'abandoned', finished_at = %(now)s,
    error = coalesce(error, 'the process running this sync stopped before it finished')
WHERE organization_id = %(org_id)s AND status = 'running'
RETURNING id;

-- name: slot_served
-- A scheduled slot is served when some run of the organization started at or after it.
SELECT EXISTS (
    SELECT 1 FROM sync_runs
    WHERE organization_id = %(org_id)s AND started_at >= %(slot)s
      AND status IN ('running', 'succeeded', 'failed', 'abandoned')
) AS served;

-- name: database_now
SELECT clock_timestamp() AS now;

-- name: start_run
INSERT INTO sync_runs (organization_id, kind, trigger, status, started_at, worker, requested_by)
VALUES (%(org_id)s, %(kind)s, %(trigger)s, 'running', %(now)s, %(worker)s, %(requested_by)s)
RETURNING id;

-- name: claim_pending_run
UPDATE sync_runs
SET status = 'running', kind = %(kind)s, started_at = %(now)s, worker = %(worker)s
WHERE id = %(run_id)s AND organization_id = %(org_id)s AND status = 'pending'
RETURNING id, trigger, requested_by;

-- name: skip_pending_run
UPDATE sync_runs
SET status = 'skipped', finished_at = %(now)s, duration_ms = 0, error = %(error)s
WHERE id = %(run_id)s AND status = 'pending';

-- name: finish_run
UPDATE sync_runs
SET status = %(status)s, finished_at = %(now)s, duration_ms = %(duration_ms)s,
    fetched = %(fetched)s, inserted = %(inserted)s, updated = %(updated)s,
    unchanged = %(unchanged)s, deleted = %(deleted)s, error = %(error)s
WHERE id = %(run_id)s;

-- name: create_stage
-- Rows arrive whole in `doc`; the mirror's own trigger (pfa_mirror_compact, fired per row as
-- the COPY streams in, so while the next page is still being fetched) splits each into the
-- mirror's form: the typed columns, `doc` without what they hold, and `compact`. The apply then
-- compares and inserts rows in that form, without parsing or rebuilding any JSON.
CREATE TEMP TABLE IF NOT EXISTS pfa_sync_stage (
    id                     text NOT NULL,
    doc                    jsonb NOT NULL,
    compact                boolean NOT NULL DEFAULT false,
    category               text,
    forecast_category      text,
    source                 text,
    dor                    text,
    area_silo              text,
    original_start         date,
    original_end           date,
    forecast_start         date,
    forecast_end           date,
    actual_start           date,
    actual_end             date,
    monthly_rate           numeric,
    purchase_price         numeric,
    is_actualized          boolean,
    is_discontinued        boolean,
    is_funds_transferable  boolean,
    plan_cost              numeric,
    forecast_cost          numeric,
    actual_cost            numeric,
    pems_version           bigint NOT NULL,
    pems_modified_at       timestamptz
);

-- name: compact_stage
CREATE OR REPLACE TRIGGER pfa_sync_stage_compact BEFORE INSERT ON pfa_sync_stage
    FOR EACH ROW EXECUTE FUNCTION pfa_mirror_compact();

-- name: index_stage
-- The index on id keeps every join with the stage a probe, whatever the planner believes: a
-- first full sync of an organization inserts its rows and then looks for rows missing from
-- the stage while statistics still say the organization is empty; without the index that
-- anti-join scanned the whole stage once per mirror row (50K x 50K: minutes instead of ms).
CREATE INDEX IF NOT EXISTS pfa_sync_stage_id ON pfa_sync_stage (id);

-- name: truncate_stage
TRUNCATE pfa_sync_stage;

-- name: copy_stage
COPY pfa_sync_stage (id, doc, pems_version, pems_modified_at) FROM STDIN;

-- name: analyze_stage
-- Statistics of the join key only: sampling the jsonb column would cost more than it helps.
ANALYZE pfa_sync_stage (id);

-- name: drop_stage
DROP TABLE IF EXISTS pg_temp.pfa_sync_stage;

-- name: dedupe_stage
-- A record PEMS sent twice (paging while it changed) is kept once: its highest version, and of
-- equal versions the one received last.
DELETE FROM pfa_sync_stage
WHERE ctid IN (SELECT ctid
               FROM (SELECT ctid, row_number() OVER (PARTITION BY id
                                                     ORDER BY pems_version DESC, ctid DESC) AS n
                     FROM pfa_sync_stage) ranked
               WHERE n > 1);

-- name: stage_summary
SELECT count(*) AS staged, count(DISTINCT id) AS distinct_ids,
       max(pems_modified_at) AS max_modified
FROM pfa_sync_stage;

-- name: mirror_count
SELECT count(*) AS n FROM pfa_mirror WHERE organization_id = %(org_id)s;

-- name: lock_organization
-- First statement of the apply: writers of one organization's mirror take its row lock before
-- any change number (migration 0020), so they are ordered and never deadlock on it.
SELECT id FROM organizations WHERE id = %(org_id)s FOR NO KEY UPDATE;

-- name: create_changed
CREATE TEMP TABLE pfa_sync_changed (
    id                text PRIMARY KEY,
    data              jsonb,  -- the whole record; null for new ones (see fill_changed)
    pems_version      bigint NOT NULL,
    pems_modified_at  timestamptz,
    old_data          jsonb,
    is_new            boolean NOT NULL
) ON COMMIT DROP;

-- name: skip_archived_unchanged
-- Archived records (mirror/archive.py) PEMS sends as they were archived are not news: they
-- leave the stage, so they are neither inserted again nor counted as changed. The archive keeps
-- records in the mirror's form, as the stage does: equal forms are equal records.
DELETE FROM pfa_sync_stage s
USING pfa_mirror_archive a
WHERE a.organization_id = %(org_id)s AND a.id = s.id
  AND a.pems_version = s.pems_version
  AND a.pems_modified_at IS NOT DISTINCT FROM s.pems_modified_at
  AND (a.doc, a.compact, a.category, a.forecast_category, a.source, a.dor, a.area_silo,
       a.original_start, a.original_end, a.forecast_start, a.forecast_end, a.actual_start,
       a.actual_end, a.monthly_rate, a.purchase_price, a.is_actualized, a.is_discontinued,
       a.is_funds_transferable)
      IS NOT DISTINCT FROM
      (s.doc, s.compact, s.category, s.forecast_category, s.source, s.dor, s.area_silo,
       s.original_start, s.original_end, s.forecast_start, s.forecast_end, s.actual_start,
       s.actual_end, s.monthly_rate, s.purchase_price, s.is_actualized, s.is_discontinued,
       s.is_funds_transferable);

-- name: unarchive_changed
-- Archived records PEMS changed since (the ones still staged) leave the archive: the apply
-- inserts their new version in the mirror, as a record that came back.
DELETE FROM pfa_mirror_archive a
USING pfa_sync_stage s
WHERE a.organization_id = %(org_id)s AND a.id = s.id;

-- name: fill_changed
-- The staged records that differ from the mirror (or are new). Precondition: the stage holds
-- each id once (dedupe_stage). Stage and mirror hold records in the same form (the split of
-- pfa_mirror_compact, deterministic): equal forms are equal records, compared without
-- rebuilding any JSON; typed values compare as values (2750 = 2750.0), as jsonb equality does.
-- The whole record (`data`) is rebuilt only for changed records already mirrored: new ones are
-- inserted from the stage in their split form (insert_new).
INSERT INTO pfa_sync_changed (id, data, pems_version, pems_modified_at, old_data, is_new)
SELECT s.id,
       CASE WHEN m.id IS NULL THEN NULL
            ELSE CASE WHEN s.compact THEN s.doc || pfa_mirror_fields(
                       s.id, s.category, s.forecast_category, s.source, s.dor,
                       s.area_silo, s.original_start, s.original_end, s.forecast_start,
                       s.forecast_end, s.actual_start, s.actual_end, s.monthly_rate,
                       s.purchase_price, s.is_actualized, s.is_discontinued,
                       s.is_funds_transferable)
                 ELSE s.doc END END,
       s.pems_version, s.pems_modified_at, m.data, m.id IS NULL
FROM pfa_sync_stage s
LEFT JOIN pfa_mirror m ON m.organization_id = %(org_id)s AND m.id = s.id
WHERE m.id IS NULL
   OR m.pems_version IS DISTINCT FROM s.pems_version
   OR m.pems_modified_at IS DISTINCT FROM s.pems_modified_at
   OR (m.doc, m.compact, m.category, m.forecast_category, m.source, m.dor, m.area_silo,
       m.original_start, m.original_end, m.forecast_start, m.forecast_end, m.actual_start,
       m.actual_end, m.monthly_rate, m.purchase_price, m.is_actualized, m.is_discontinued,
       m.is_funds_transferable)
      IS DISTINCT FROM
      (s.doc, s.compact, s.category, s.forecast_category, s.source, s.dor, s.area_silo,
       s.original_start, s.original_end, s.forecast_start, s.forecast_end, s.actual_start,
       s.actual_end, s.monthly_rate, s.purchase_price, s.is_actualized, s.is_discontinued,
       s.is_funds_transferable);

-- name: update_changed
-- A row that a commit wrote through since this sync started (database time) and that holds a
-- newer version than the one fetched is left alone (the fetch raced the commit); the next sync
-- settles it.
UPDATE pfa_mirror m
SET doc = c.data, pems_version = c.pems_version, pems_modified_at = c.pems_modified_at,
    last_synced_at = now(), change_seq = nextval('pfa_mirror_change_seq')
FROM pfa_sync_changed c
WHERE m.organization_id = %(org_id)s AND m.id = c.id AND NOT c.is_new
  AND NOT (m.pems_version > c.pems_version AND m.last_synced_at >= %(started_at)s);

-- name: forget_unapplied
-- Changed rows the update above left alone: no conflict is derived from them.
DELETE FROM pfa_sync_changed c
USING pfa_mirror m
WHERE m.organization_id = %(org_id)s AND m.id = c.id AND NOT c.is_new
  AND m.pems_version IS DISTINCT FROM c.pems_version;

-- name: insert_new
-- New records go in as the stage split them (`compact` true: the trigger takes them as they are;
-- a record that did not split is whole in `doc` and the trigger splits it again, the same way).
INSERT INTO pfa_mirror
    (organization_id, id, doc, compact, category, forecast_category, source, dor, area_silo,
     original_start, original_end, forecast_start, forecast_end, actual_start, actual_end,
     monthly_rate, purchase_price, is_actualized, is_discontinued, is_funds_transferable,
     plan_cost, forecast_cost, actual_cost, pems_version, pems_modified_at, last_synced_at,
     change_seq)
SELECT %(org_id)s, s.id, s.doc, s.compact, s.category, s.forecast_category, s.source, s.dor,
       s.area_silo, s.original_start, s.original_end, s.forecast_start, s.forecast_end,
       s.actual_start, s.actual_end, s.monthly_rate, s.purchase_price, s.is_actualized,
       s.is_discontinued, s.is_funds_transferable, s.plan_cost, s.forecast_cost, s.actual_cost,
       s.pems_version, s.pems_modified_at, now(), nextval('pfa_mirror_change_seq')
FROM pfa_sync_changed c
JOIN pfa_sync_stage s ON s.id = c.id
WHERE c.is_new
ORDER BY c.id;

-- name: mark_conflicts
-- A draft is in conflict when PEMS changed (old mirror value -> new) a field the draft also
-- changes, to a value other than the draft's. Merged into any conflict already recorded.
WITH theirs AS (
    SELECT d.id, jsonb_object_agg(f.key, coalesce(c.data -> f.key, 'null'::jsonb)) AS fields
    FROM pfa_modification d
    JOIN pfa_sync_changed c ON c.id = d.record_id AND NOT c.is_new
    CROSS JOIN LATERAL jsonb_each(d.changes) AS f(key, mine)
    WHERE d.organization_id = %(org_id)s AND d.orphaned_at IS NULL
      AND (c.old_data -> f.key) IS DISTINCT FROM (c.data -> f.key)
      AND (c.data -> f.key) IS DISTINCT FROM f.mine
    GROUP BY d.id
)
UPDATE pfa_modification d
SET conflict = coalesce(d.conflict, '{}'::jsonb) || t.fields
FROM theirs t
WHERE d.organization_id = %(org_id)s AND d.id = t.id;

-- name: revive_orphans
-- A record that comes back to PEMS un-orphans its drafts; fields PEMS changed meanwhile (against
-- the baseline kept when it disappeared) that the draft also changes become conflicts.
WITH back AS (
    SELECT d.id,
           (SELECT jsonb_object_agg(f.key, coalesce(w.data -> f.key, 'null'::jsonb))
            FROM jsonb_each(d.changes) AS f(key, mine)
            WHERE (d.orphan_baseline -> f.key) IS DISTINCT FROM (w.data -> f.key)
              AND (w.data -> f.key) IS DISTINCT FROM f.mine) AS fields
    FROM pfa_modification d
    JOIN pfa_sync_changed c ON c.id = d.record_id AND c.is_new
    JOIN pfa_sync_stage s ON s.id = c.id
    CROSS JOIN LATERAL (
        SELECT CASE WHEN s.compact THEN s.doc || pfa_mirror_fields(
                          s.id, s.category, s.forecast_category, s.source, s.dor,
                          s.area_silo, s.original_start, s.original_end, s.forecast_start,
                          s.forecast_end, s.actual_start, s.actual_end, s.monthly_rate,
                          s.purchase_price, s.is_actualized, s.is_discontinued,
                          s.is_funds_transferable)
                    ELSE s.doc END AS data
    ) w
    WHERE d.organization_id = %(org_id)s AND d.orphaned_at IS NOT NULL
)
UPDATE pfa_modification d
SET orphaned_at = NULL, orphan_baseline = NULL,
    conflict = CASE WHEN b.fields IS NULL THEN d.conflict
                    ELSE coalesce(d.conflict, '{}'::jsonb) || b.fields END
FROM back b
WHERE d.organization_id = %(org_id)s AND d.id = b.id;

-- name: orphan_drafts
-- Full sync only: drafts on records PEMS no longer has keep the record's last data.
UPDATE pfa_modification d
SET orphaned_at = now(), orphan_baseline = m.data
FROM pfa_mirror m
WHERE m.organization_id = %(org_id)s AND d.organization_id = %(org_id)s
  AND d.record_id = m.id AND d.orphaned_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM pfa_sync_stage s WHERE s.id = m.id);

-- name: delete_missing
-- Full sync only: remove records PEMS no longer has, logging each removal for read caches and
-- in the record history (field 'record': the whole record as it was, then nothing).
WITH gone AS (
    DELETE FROM pfa_mirror m
    WHERE m.organization_id = %(org_id)s
      AND NOT EXISTS (SELECT 1 FROM pfa_sync_stage s WHERE s.id = m.id)
    RETURNING m.id, data(m) AS data
), recorded AS (
    INSERT INTO pfa_history (organization_id, record_id, field, old_value, new_value, source,
                             run_id)
    SELECT %(org_id)s, id, 'record', data, NULL, 'sync', %(run_id)s FROM gone
)
INSERT INTO pfa_mirror_removed (organization_id, id, change_seq, removed_at)
SELECT %(org_id)s, id, nextval('pfa_mirror_change_seq'), now() FROM gone;

-- name: finish_organization
UPDATE organizations
SET mirror_version = mirror_version + CASE WHEN %(changed)s THEN 1 ELSE 0 END,
    last_synced_at = %(now)s,
    last_full_sync_at = CASE WHEN %(full)s THEN %(now)s ELSE last_full_sync_at END,
    sync_watermark = CASE WHEN %(full)s THEN coalesce(%(watermark)s::timestamptz, sync_watermark)
                          ELSE greatest(sync_watermark, %(watermark)s::timestamptz) END
WHERE id = %(org_id)s
RETURNING mirror_version;

-- name: refresh_kpi_summary
REFRESH MATERIALIZED VIEW CONCURRENTLY pfa_kpi_summary;

-- name: refresh_timeline_bounds
REFRESH MATERIALIZED VIEW CONCURRENTLY pfa_timeline_bounds;

-- name: notify_mirror_changed
SELECT pg_notify('pfa_mirror_changed', %(code)s);

-- name: request_organization
SELECT id, code, active FROM organizations WHERE code = %(code)s;

-- name: insert_pending_run
-- At most one pending request per organization (sync_runs_one_pending_idx): a second "run
-- now" while one waits returns nothing here, and the caller answers with the waiting one.
INSERT INTO sync_runs (organization_id, kind, trigger, status, requested_by)
VALUES (%(org_id)s, %(kind)s, 'manual', 'pending', %(requested_by)s)
ON CONFLICT (organization_id) WHERE status = 'pending' DO NOTHING
RETURNING id;

-- name: pending_run
SELECT id FROM sync_runs WHERE organization_id = %(org_id)s AND status = 'pending';

-- name: running_run
SELECT id FROM sync_runs WHERE organization_id = %(org_id)s AND status = 'running';

-- name: notify_sync_requested
SELECT pg_notify('pfa_sync_requested', %(code)s);

-- name: pending_requests
SELECT r.id, o.code, r.kind, r.requested_by
FROM sync_runs r JOIN organizations o ON o.id = r.organization_id
WHERE r.status = 'pending'
ORDER BY r.id;

-- name: schedule_states
-- Active organizations with what scheduling needs; last_run_at is the start of the last run
-- that happened (pending requests and skipped runs do not count).
SELECT o.id, o.code, o.active, o.sync_schedule, o.sync_paused, o.last_synced_at, o.created_at,
       (SELECT max(r.started_at) FROM sync_runs r
        WHERE r.organization_id = o.id
          AND r.status IN ('running', 'succeeded', 'failed', 'abandoned')) AS last_run_at
FROM organizations o
WHERE o.active
ORDER BY o.code;

-- name: set_paused
UPDATE organizations SET sync_paused = %(paused)s WHERE code = %(code)s RETURNING id;

-- name: set_schedule
UPDATE organizations SET sync_schedule = %(cron)s WHERE code = %(code)s RETURNING id;

-- name: overview
-- The sync state of every organization (or of one, by code; or of those a user administers).
-- `running`: some session holds the organization's sync lock now. A sync_runs row still
-- 'running' whose process died is not running: its lock died with its session (the next sync
-- marks the row abandoned).
SELECT o.id, o.code, o.name, o.active, o.sync_schedule, o.sync_paused, o.last_synced_at,
       o.last_full_sync_at, o.created_at, o.mirror_version,
       (SELECT max(r.started_at) FROM sync_runs r
        WHERE r.organization_id = o.id
          AND r.status IN ('running', 'succeeded', 'failed', 'abandoned')) AS last_run_at,
       (SELECT r.id FROM sync_runs r
        WHERE r.organization_id = o.id AND r.status = 'pending') AS pending_run_id,
       EXISTS (SELECT 1 FROM pg_locks l
               WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
                 AND l.database = (SELECT oid FROM pg_database
                                   WHERE datname = current_database())
                 AND l.classid::bigint = %(namespace)s AND l.objid::bigint = o.id) AS running,
       last_run.*
FROM organizations o
LEFT JOIN LATERAL (
    SELECT r.id AS run_id, r.kind AS run_kind, r.trigger AS run_trigger,
           r.status AS run_status, r.started_at AS run_started_at,
           r.finished_at AS run_finished_at, r.duration_ms AS run_duration_ms,
           r.fetched AS run_fetched, r.inserted AS run_inserted, r.updated AS run_updated,
           r.unchanged AS run_unchanged, r.deleted AS run_deleted, r.error AS run_error,
           r.requested_by AS run_requested_by, r.worker AS run_worker
    FROM sync_runs r
    WHERE r.organization_id = o.id AND r.status NOT IN ('pending', 'skipped')
    ORDER BY r.started_at DESC, r.id DESC
    LIMIT 1
) last_run ON true
WHERE (%(code)s::text IS NULL OR o.code = %(code)s::text)
  AND (%(admin_user_id)s::bigint IS NULL OR EXISTS (
        SELECT 1 FROM memberships m
        WHERE m.organization_id = o.id AND m.user_id = %(admin_user_id)s::bigint
          AND m.role = 'admin'))
ORDER BY o.code;

-- name: administered_orgs
-- The organizations (all, or the one of `code`) the user has the admin role in.
SELECT o.code
FROM memberships m JOIN organizations o ON o.id = m.organization_id
WHERE m.user_id = %(user_id)s AND m.role = 'admin'
  AND (%(code)s::text IS NULL OR o.code = %(code)s::text)
ORDER BY o.code;

-- name: list_runs
-- Sync runs newest first (by start; a request's start is when a worker claimed it), of every
-- organization or of one, optionally only those of organizations a user administers.
SELECT r.id, o.code AS org, r.kind, r.trigger, r.status, r.requested_by, r.started_at,
       r.finished_at, r.duration_ms, r.fetched, r.inserted, r.updated, r.unchanged, r.deleted,
       r.error, r.worker
FROM sync_runs r JOIN organizations o ON o.id = r.organization_id
WHERE (%(code)s::text IS NULL OR o.code = %(code)s::text)
  AND (%(admin_user_id)s::bigint IS NULL OR EXISTS (
        SELECT 1 FROM memberships m
        WHERE m.organization_id = o.id AND m.user_id = %(admin_user_id)s::bigint
          AND m.role = 'admin'))
ORDER BY r.started_at DESC, r.id DESC
LIMIT %(limit)s;

-- name: record_history
-- Field-level changes PEMS made to records the apply just updated (after forget_unapplied:
-- only rows written). A field present on one side only counts as changed (to or from null).
INSERT INTO pfa_history (organization_id, record_id, field, old_value, new_value, source, run_id)
SELECT %(org_id)s, c.id, f.key, c.old_data -> f.key, c.data -> f.key, 'sync', %(run_id)s
FROM pfa_sync_changed c
CROSS JOIN LATERAL (
    SELECT jsonb_object_keys(c.data) UNION SELECT jsonb_object_keys(c.old_data)
) AS f(key)
WHERE NOT c.is_new AND c.old_data IS DISTINCT FROM c.data
  AND (c.old_data -> f.key) IS DISTINCT FROM (c.data -> f.key);
