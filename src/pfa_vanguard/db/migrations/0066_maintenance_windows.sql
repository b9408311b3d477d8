-- Maintenance windows of an organization: each starts at every fire time of `cron` (read in
-- PFA_SYNC_TIMEZONE, like the sync schedules) and lasts `duration_minutes`. Inside one, the
-- worker skips the organization's scheduled syncs (a "run now" still runs) and commits to PEMS
-- are refused (409 MaintenanceWindow, saying when the window ends); drafts are kept.
CREATE TABLE maintenance_windows (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id   bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    cron              text NOT NULL,
    duration_minutes  integer NOT NULL CHECK (duration_minutes BETWEEN 1 AND 10080),
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX maintenance_windows_organization_idx ON maintenance_windows (organization_id);
