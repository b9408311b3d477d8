-- The archive: mirrored records whose forecast and actual windows ended long ago (settings:
-- PFA_ARCHIVE_AFTER_YEARS), moved out of the mirror by `pfa db archive` and the worker
-- (src/pfa_vanguard/mirror/archive.py, docs/operations.md "Archiving"). The grid, the KPI
-- figures and the AI assistant read the mirror only, so they leave archived records out; the
-- merged read includes them on request (`?archived=true`).
--
-- Same columns as the mirror (the compact JSON and its typed columns, migration 0070), so the
-- read's filters apply to it unchanged and `data(pfa_mirror_archive)` rebuilds a record the
-- same way. No triggers: rows arrive whole from the mirror, and leave whole when PEMS changes
-- them (the sync puts the new version back in the mirror).
CREATE TABLE pfa_mirror_archive (
    organization_id bigint NOT NULL REFERENCES organizations (id),
    id text NOT NULL,
    doc jsonb NOT NULL,
    compact boolean NOT NULL,
    pems_version bigint NOT NULL,
    pems_modified_at timestamptz,
    last_synced_at timestamptz NOT NULL,
    archived_at timestamptz NOT NULL DEFAULT now(),
    category text,
    forecast_category text,
    source text,
    dor text,
    area_silo text,
    original_start date,
    original_end date,
    forecast_start date,
    forecast_end date,
    actual_start date,
    actual_end date,
    monthly_rate numeric,
    purchase_price numeric,
    is_actualized boolean,
    is_discontinued boolean,
    is_funds_transferable boolean,
    plan_cost numeric,
    forecast_cost numeric,
    actual_cost numeric,
    PRIMARY KEY (organization_id, id)
);

CREATE FUNCTION data(a pfa_mirror_archive) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN a.compact
        THEN a.doc || pfa_mirror_fields(
            a.id, a.category, a.forecast_category, a.source, a.dor, a.area_silo,
            a.original_start, a.original_end, a.forecast_start, a.forecast_end,
            a.actual_start, a.actual_end, a.monthly_rate, a.purchase_price,
            a.is_actualized, a.is_discontinued, a.is_funds_transferable)
        ELSE a.doc
    END
$$;

-- Row-level security exactly as on the mirror (migration 0002): the scoped role reads its
-- organization's rows and nothing else; the owner (the application) bypasses it.
ALTER TABLE pfa_mirror_archive ENABLE ROW LEVEL SECURITY;
CREATE POLICY pfa_mirror_archive_scoped ON pfa_mirror_archive FOR SELECT TO pfa_scoped
    USING (organization_id = pfa_scope_org());
GRANT SELECT ON pfa_mirror_archive TO pfa_scoped;
