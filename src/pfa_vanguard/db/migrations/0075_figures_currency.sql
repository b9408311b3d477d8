-- Cost figures say which records they leave out and in which currency they are.
--
-- - organizations.currency: the ISO 4217 code every amount of the organization is in (one
--   currency per organization: PEMS holds amounts without one). Shown next to each figure.
-- - The records the figures leave out (discontinued or funds-transferable) are counted per
--   organization from a partial index holding only those records: every board shows
--   "excludes N discontinued and M funds-transferable records" without scanning the rest.
ALTER TABLE organizations
    ADD COLUMN currency text NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$');
CREATE INDEX pfa_mirror_excluded_idx ON pfa_mirror (organization_id, is_discontinued)
    WHERE is_discontinued OR is_funds_transferable;
