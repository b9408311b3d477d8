-- An assistant request is audited when it starts (outcome 'running') and the same row is
-- completed when it ends: the per-user budget of a minute counts these rows, so a burst of
-- parallel requests is refused as it arrives rather than after every one of them ran. A row
-- left 'running' belongs to a process that stopped mid-request.
-- 'too_large': the answer would have been larger than PFA_AI_MAX_ANSWER_BYTES.
ALTER TABLE pfa_ai_audit DROP CONSTRAINT pfa_ai_audit_outcome_check;
ALTER TABLE pfa_ai_audit ADD CONSTRAINT pfa_ai_audit_outcome_check CHECK (outcome IN
    ('running', 'ok', 'refused', 'not_understood', 'failed', 'timeout', 'provider_error',
     'too_large'));
