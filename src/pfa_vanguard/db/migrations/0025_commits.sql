-- Commits to PEMS: one row per commit attempt (with its Idempotency-Key and stored answer) and
-- an audit row per record pushed or refused (who, what before -> after, PEMS's answer).

CREATE TABLE commit_runs (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id          bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organization_id  bigint NOT NULL REFERENCES organizations (id),
    idempotency_key  text CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    request_hash     text NOT NULL,            -- fingerprint of the request body (recordIds)
    status           text NOT NULL DEFAULT 'running'
                     CHECK (status IN ('running', 'done', 'conflict')),
    http_status      integer,
    response         jsonb,                    -- the answer replayed to a retry with the same key
    started_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz
);
-- A key identifies one commit of one user in one organization; a retry finds the stored answer.
CREATE UNIQUE INDEX commit_runs_idempotency_key
    ON commit_runs (user_id, organization_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX commit_runs_org_started_idx ON commit_runs (organization_id, started_at DESC);

CREATE TABLE commit_audit (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id           bigint REFERENCES commit_runs (id) ON DELETE SET NULL,
    user_id          bigint REFERENCES users (id) ON DELETE SET NULL,
    username         text NOT NULL,            -- kept when the user is deleted
    organization_id  bigint NOT NULL REFERENCES organizations (id),
    record_id        text NOT NULL,
    outcome          text NOT NULL
                     CHECK (outcome IN ('accepted', 'already_applied', 'conflict', 'rejected',
                                        'orphaned', 'error')),
    changes          jsonb NOT NULL,           -- {field: {"before": ..., "after": ...}}
    base_version     bigint,                   -- the PEMS recordid the edit started from
    new_version      bigint,                   -- PEMS's recordid after the attempt
    pems_message     text,                     -- PEMS's answer (refusal or conflict message)
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX commit_audit_org_created_idx ON commit_audit (organization_id, created_at DESC);
CREATE INDEX commit_audit_user_idx ON commit_audit (organization_id, user_id, created_at DESC);
CREATE INDEX commit_audit_run_idx ON commit_audit (run_id);
