-- Sync worker: manual "run now" requests queue as 'pending' sync runs; at most one
-- pending and one running run per organization.

ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_status_check;
ALTER TABLE sync_runs ADD CONSTRAINT sync_runs_status_check
    CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'abandoned', 'skipped'));
ALTER TABLE sync_runs ADD COLUMN requested_by text;  -- who asked for a manual run (user name)

-- "Run now" twice is one request; a run is 'running' only while its worker holds the lock.
CREATE UNIQUE INDEX sync_runs_one_pending_idx ON sync_runs (organization_id)
    WHERE status = 'pending';
CREATE UNIQUE INDEX sync_runs_one_running_idx ON sync_runs (organization_id)
    WHERE status = 'running';
