-- The AI routes are rate-limited per user from the audit table itself (every question and
-- instruction is audited, refused ones too): counting a user's last minute needs this index.
CREATE INDEX pfa_ai_audit_user_created_idx ON pfa_ai_audit (user_id, created_at DESC);
