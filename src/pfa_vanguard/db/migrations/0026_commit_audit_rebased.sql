-- A commit attempt PEMS refused for a stale version, although no drafted field conflicted, is
-- rebased on PEMS's record and resent: audited as 'rebased' (then 'accepted' or another answer).
ALTER TABLE commit_audit DROP CONSTRAINT commit_audit_outcome_check;
ALTER TABLE commit_audit ADD CONSTRAINT commit_audit_outcome_check
    CHECK (outcome IN ('accepted', 'already_applied', 'rebased', 'conflict', 'rejected',
                       'orphaned', 'error'));
