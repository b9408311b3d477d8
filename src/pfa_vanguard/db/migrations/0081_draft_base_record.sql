-- The record as it was when each draft began (the mirror's record then, with the values the user
-- said they saw for the fields they changed), replaced when the draft is rebased. A conflict can
-- then show every field PEMS changed since, not only the fields the user changed. NULL for
-- drafts begun before this column existed: they show the conflicting fields only.
ALTER TABLE pfa_modification ADD COLUMN base_record jsonb;
