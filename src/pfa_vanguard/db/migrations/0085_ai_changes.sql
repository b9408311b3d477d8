-- The assistant's second view: the record history (pfa_history), one row per field-level
-- change, so that "what changed since last week, and what does it cost" is answered from what
-- syncs and commits recorded. Scoped like pfa_ai_records: security_invoker, the caller's
-- organization only (and row-level security on pfa_history and pfa_mirror under it).
--
-- Columns: the record (pfa_id; its current description, category and area), the change
-- (field, old_value -> new_value as text, source 'sync' or 'commit', changed_at / changed_on,
-- changed_by, pems_answer), whether it took effect (applied: a sync's finding, an archiving,
-- or a commit PEMS accepted) and what it did to the forecast cost figure: cost_before and
-- cost_after, the record's forecast cost as the cost figures count it (0 when the record is
-- discontinued or funds-transferable, the rule of kpi/figures.py) just before and just after
-- the change, and cost_change = cost_after - cost_before (0 when not applied). Field 'record'
-- is the record leaving the mirror (source 'sync': PEMS deleted it; 'archive': moved to the
-- archive; migration 0086); old_value then holds the whole record, and it leaves the figures
-- (cost_after 0). A record the sync brings back from the archive re-enters them unrecorded.
--
-- The record as it was around a change is rebuilt field by field: a cost field's value just
-- before change h is the old value of the first applied change of that field at or after h,
-- or, when there is none, its value now (the mirror's, or the removed record's). Successive
-- changes of one record therefore chain: the sum of their cost_change is the record's cost now
-- minus its cost before the first of them, and over an organization it is the change of the
-- KPI board's forecast total across the same changes.
CREATE VIEW pfa_ai_changes WITH (security_invoker = true) AS
SELECT h.record_id AS pfa_id,
       coalesce(mir.doc ->> 'description', gone.doc ->> 'description') AS description,
       CASE WHEN mir.id IS NOT NULL THEN mir.category ELSE gone.doc ->> 'category' END
           AS category,
       CASE WHEN mir.id IS NOT NULL THEN mir.area_silo ELSE gone.doc ->> 'areaSilo' END
           AS area_silo,
       h.field,
       CASE WHEN h.field = 'record' THEN 'present' ELSE h.old_value #>> '{}' END AS old_value,
       CASE WHEN h.field <> 'record' THEN h.new_value #>> '{}'
            WHEN h.source = 'archive' THEN 'archived' ELSE 'deleted' END AS new_value,
       h.source,
       h.detected_at AS changed_at,
       h.detected_at::date AS changed_on,
       h.username AS changed_by,
       h.pems_answer,
       a.applied,
       c.cost_before,
       c.cost_after,
       CASE WHEN a.applied THEN c.cost_after - c.cost_before ELSE 0 END AS cost_change
FROM pfa_history h
CROSS JOIN LATERAL (SELECT h.source <> 'commit' OR h.pems_answer LIKE 'accepted%' AS applied) a
LEFT JOIN pfa_mirror mir ON mir.organization_id = h.organization_id AND mir.id = h.record_id
LEFT JOIN LATERAL (
    SELECT r.old_value AS doc FROM pfa_history r
    WHERE r.organization_id = h.organization_id AND r.record_id = h.record_id
      AND r.field = 'record'
    ORDER BY r.id DESC LIMIT 1
) gone ON mir.id IS NULL
LEFT JOIN LATERAL (
    SELECT true AS found, l.old_value AS value FROM pfa_history l
    WHERE l.organization_id = h.organization_id AND l.record_id = h.record_id
      AND l.field = 'source' AND l.id >= h.id AND (l.source <> 'commit' OR l.pems_answer LIKE 'accepted%')
    ORDER BY l.id LIMIT 1
) l_source ON true
LEFT JOIN LATERAL (
    SELECT true AS found, l.old_value AS value FROM pfa_history l
    WHERE l.organization_id = h.organization_id AND l.record_id = h.record_id
      AND l.field = 'forecastStart' AND l.id >= h.id AND (l.source <> 'commit' OR l.pems_answer LIKE 'accepted%')
    ORDER BY l.id LIMIT 1
) l_forecast_start ON true
LEFT JOIN LATERAL (
    SELECT true AS found, l.old_value AS value FROM pfa_history l
    WHERE l.organization_id = h.organization_id AND l.record_id = h.record_id
      AND l.field = 'forecastEnd' AND l.id >= h.id AND (l.source <> 'commit' OR l.pems_answer LIKE 'accepted%')
    ORDER BY l.id LIMIT 1
) l_forecast_end ON true
LEFT JOIN LATERAL (
    SELECT true AS found, l.old_value AS value FROM pfa_history l
    WHERE l.organization_id = h.organization_id AND l.record_id = h.record_id
      AND l.field = 'monthlyRate' AND l.id >= h.id AND (l.source <> 'commit' OR l.pems_answer LIKE 'accepted%')
    ORDER BY l.id LIMIT 1
) l_monthly_rate ON true
LEFT JOIN LATERAL (
    SELECT true AS found, l.old_value AS value FROM pfa_history l
    WHERE l.organization_id = h.organization_id AND l.record_id = h.record_id
      AND l.field = 'purchasePrice' AND l.id >= h.id AND (l.source <> 'commit' OR l.pems_answer LIKE 'accepted%')
    ORDER BY l.id LIMIT 1
) l_purchase_price ON true
LEFT JOIN LATERAL (
    SELECT true AS found, l.old_value AS value FROM pfa_history l
    WHERE l.organization_id = h.organization_id AND l.record_id = h.record_id
      AND l.field = 'isDiscontinued' AND l.id >= h.id AND (l.source <> 'commit' OR l.pems_answer LIKE 'accepted%')
    ORDER BY l.id LIMIT 1
) l_is_discontinued ON true
LEFT JOIN LATERAL (
    SELECT true AS found, l.old_value AS value FROM pfa_history l
    WHERE l.organization_id = h.organization_id AND l.record_id = h.record_id
      AND l.field = 'isFundsTransferable' AND l.id >= h.id AND (l.source <> 'commit' OR l.pems_answer LIKE 'accepted%')
    ORDER BY l.id LIMIT 1
) l_is_funds_transferable ON true
CROSS JOIN LATERAL (SELECT
    CASE WHEN l_source.found THEN (l_source.value #>> '{}')
         WHEN mir.id IS NOT NULL THEN mir.source
         ELSE ((gone.doc -> 'source') #>> '{}') END AS source,
    CASE WHEN l_forecast_start.found THEN pfa_to_date(l_forecast_start.value)
         WHEN mir.id IS NOT NULL THEN mir.forecast_start
         ELSE pfa_to_date((gone.doc -> 'forecastStart')) END AS forecast_start,
    CASE WHEN l_forecast_end.found THEN pfa_to_date(l_forecast_end.value)
         WHEN mir.id IS NOT NULL THEN mir.forecast_end
         ELSE pfa_to_date((gone.doc -> 'forecastEnd')) END AS forecast_end,
    CASE WHEN l_monthly_rate.found THEN pfa_to_numeric(l_monthly_rate.value)
         WHEN mir.id IS NOT NULL THEN mir.monthly_rate
         ELSE pfa_to_numeric((gone.doc -> 'monthlyRate')) END AS monthly_rate,
    CASE WHEN l_purchase_price.found THEN pfa_to_numeric(l_purchase_price.value)
         WHEN mir.id IS NOT NULL THEN mir.purchase_price
         ELSE pfa_to_numeric((gone.doc -> 'purchasePrice')) END AS purchase_price,
    CASE WHEN l_is_discontinued.found THEN pfa_to_bool(l_is_discontinued.value)
         WHEN mir.id IS NOT NULL THEN mir.is_discontinued
         ELSE pfa_to_bool((gone.doc -> 'isDiscontinued')) END AS is_discontinued,
    CASE WHEN l_is_funds_transferable.found THEN pfa_to_bool(l_is_funds_transferable.value)
         WHEN mir.id IS NOT NULL THEN mir.is_funds_transferable
         ELSE pfa_to_bool((gone.doc -> 'isFundsTransferable')) END AS is_funds_transferable
) b
CROSS JOIN LATERAL (SELECT
    CASE WHEN h.field = 'source' THEN (h.new_value #>> '{}') ELSE b.source END AS source,
    CASE WHEN h.field = 'forecastStart' THEN pfa_to_date(h.new_value) ELSE b.forecast_start END AS forecast_start,
    CASE WHEN h.field = 'forecastEnd' THEN pfa_to_date(h.new_value) ELSE b.forecast_end END AS forecast_end,
    CASE WHEN h.field = 'monthlyRate' THEN pfa_to_numeric(h.new_value) ELSE b.monthly_rate END AS monthly_rate,
    CASE WHEN h.field = 'purchasePrice' THEN pfa_to_numeric(h.new_value) ELSE b.purchase_price END AS purchase_price,
    CASE WHEN h.field = 'isDiscontinued' THEN pfa_to_bool(h.new_value) ELSE b.is_discontinued END AS is_discontinued,
    CASE WHEN h.field = 'isFundsTransferable' THEN pfa_to_bool(h.new_value) ELSE b.is_funds_transferable END AS is_funds_transferable
) af
CROSS JOIN LATERAL (SELECT
    CASE WHEN NOT b.is_discontinued AND NOT b.is_funds_transferable
         THEN coalesce(pfa_window_cost(b.source, b.forecast_start, b.forecast_end,
                                       b.monthly_rate, b.purchase_price), 0)
         ELSE 0 END AS cost_before,
    CASE WHEN h.field = 'record' THEN 0
         WHEN NOT af.is_discontinued AND NOT af.is_funds_transferable
         THEN coalesce(pfa_window_cost(af.source, af.forecast_start, af.forecast_end,
                                       af.monthly_rate, af.purchase_price), 0)
         ELSE 0 END AS cost_after
) c
WHERE h.organization_id = (SELECT pfa_scope_org());

REVOKE ALL ON pfa_ai_changes FROM PUBLIC;
GRANT SELECT ON pfa_ai_changes TO pfa_scoped;
