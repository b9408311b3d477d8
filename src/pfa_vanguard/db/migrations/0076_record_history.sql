-- Every field-level change of a record, kept: changes PEMS made that a sync found (field,
-- old -> new, when found, by which sync run) and changes the team committed (who, when,
-- old -> new, PEMS's answer). Records a sync inserts are not changes (their first version is
-- the mirror's); a commit PEMS refused is kept with its answer.
--
-- Scoped like the mirror: the application's role owns the table; every other role reads only
-- the rows of its session's organization (row-level security, pfa_scope_org()).
-- Retention: PFA_RETAIN_HISTORY_DAYS (`pfa db prune`, hourly by the worker).
CREATE TABLE pfa_history (
    organization_id  bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    id               bigint GENERATED ALWAYS AS IDENTITY,
    record_id        text NOT NULL,
    field            text NOT NULL,
    old_value        jsonb,
    new_value        jsonb,
    source           text NOT NULL CHECK (source IN ('sync', 'commit')),
    detected_at      timestamptz NOT NULL DEFAULT now(),
    run_id           bigint,  -- the sync run or the commit run
    user_id          bigint,  -- commit: who (the name stays when the user is deleted)
    username         text,
    pems_answer      text,    -- commit: PEMS's outcome (and message)
    PRIMARY KEY (organization_id, id)
);
-- "changes since ...", newest first, filtered by field, source or user within the range
CREATE INDEX pfa_history_recent_idx ON pfa_history (organization_id, detected_at DESC, id DESC);
-- one record's history
CREATE INDEX pfa_history_record_idx ON pfa_history (organization_id, record_id, id DESC);

ALTER TABLE pfa_history ENABLE ROW LEVEL SECURITY;
CREATE POLICY pfa_history_scoped ON pfa_history FOR SELECT TO pfa_scoped
    USING (organization_id = pfa_scope_org());
GRANT SELECT ON pfa_history TO pfa_scoped;
