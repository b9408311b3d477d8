-- The record history keeps records leaving the mirror as well as their fields' changes: one row
-- with field 'record', old_value the whole record as the mirror held it, new_value NULL.
-- source 'sync': a full sync found PEMS no longer has it (deleted); source 'archive': it ended
-- long ago and moved to pfa_mirror_archive (mirror/archive.py).
ALTER TABLE pfa_history DROP CONSTRAINT pfa_history_source_check;
ALTER TABLE pfa_history ADD CONSTRAINT pfa_history_source_check
    CHECK (source IN ('sync', 'commit', 'archive'));
