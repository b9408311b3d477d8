-- A commit run's progress and its cancellation: `total` is the number of drafts the run handles
-- (set once they are loaded; each answered record leaves an audit row, so progress is read
-- from those), `cancel_requested_at` is set by the user's cancel; the run then sends no further
-- record and those drafts stay drafts.
ALTER TABLE commit_runs
    ADD COLUMN total integer CHECK (total >= 0),
    ADD COLUMN cancel_requested_at timestamptz;
CREATE INDEX commit_runs_user_idx ON commit_runs (organization_id, user_id, id DESC);
