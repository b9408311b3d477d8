-- The mirror's indexes, fitted to the reads that use them (goals: storage per 50K-record
-- organization, and the cost every sync insert pays per index). Measured on 50K records:
-- table 42.2 MB, indexes 10.1 MB before; 7.4 MB after.
--
-- - (organization_id, pems_modified_at): no query looks records up by modification time (the
--   sync's watermark comes from its staging table). 2.1 MB per organization, gone.
-- - (organization_id, source): two values, half the organization each: never worth an index
--   scan. Gone.
-- - (organization_id, forecast_start, forecast_end) becomes (organization_id, forecast_start):
--   the window filter reads a range of starts and checks the end (or uses the forecast_end
--   index, which stays); nearly every (start, end) pair is distinct, so the two-column index
--   could not deduplicate: 1.8 MB against 0.35 MB, and no slower for a month's overlap.
DROP INDEX IF EXISTS pfa_mirror_modified_idx;
DROP INDEX IF EXISTS pfa_mirror_source_idx;
CREATE INDEX pfa_mirror_forecast_start_idx ON pfa_mirror (organization_id, forecast_start);
DROP INDEX IF EXISTS pfa_mirror_forecast_window_idx;
