-- The assistant's view gains, after its existing columns (so the view is replaced in place and
-- keeps its grants), what "what changed since ..." and "what do my drafts cost" questions need:
-- last_changed, the day PEMS last changed the record; draft_changed, the day the caller last
-- edited their draft of it (NULL without a draft); pems_forecast_cost, the forecast cost of the
-- record as PEMS has it, before the caller's draft (forecast_cost - pems_forecast_cost is the
-- draft's cost impact).

CREATE OR REPLACE VIEW public.pfa_ai_records WITH (security_invoker='true') AS
 SELECT mir.id AS pfa_id,
    (mir.doc ->> 'description'::text) AS description,
    mir.area_silo,
    mir.category,
    mir.forecast_category,
    (mir.doc ->> 'class'::text) AS equipment_class,
    mir.source,
    mir.dor,
    mir.is_actualized,
    mir.is_discontinued,
    mir.is_funds_transferable,
    mir.monthly_rate,
    mir.purchase_price,
    (mir.doc ->> 'manufacturer'::text) AS manufacturer,
    (mir.doc ->> 'model'::text) AS model,
    (mir.doc ->> 'contract'::text) AS contract,
    (mir.doc ->> 'equipment'::text) AS equipment,
    mir.original_start,
    mir.original_end,
    mir.forecast_start,
    mir.forecast_end,
    mir.actual_start,
    mir.actual_end,
    ((mir.original_start IS NOT NULL) AND (mir.original_end IS NOT NULL)) AS has_plan,
    ((mir.actual_start IS NOT NULL) AND (mir.actual_end IS NOT NULL)) AS has_actuals,
    mir.plan_cost,
    mir.forecast_cost,
    mir.actual_cost,
    (mir.forecast_cost - mir.plan_cost) AS variance,
    false AS has_draft,
    (mir.pems_modified_at)::date AS last_changed,
    NULL::date AS draft_changed,
    mir.forecast_cost AS pems_forecast_cost
   FROM public.pfa_mirror mir
  WHERE ((mir.organization_id = ( SELECT public.pfa_scope_org() AS pfa_scope_org)) AND (NOT (EXISTS ( SELECT 1
           FROM public.pfa_modification m
          WHERE ((m.user_id = ( SELECT public.pfa_scope_user() AS pfa_scope_user)) AND (m.organization_id = mir.organization_id) AND (m.record_id = mir.id))))))
UNION ALL
 SELECT mir.id AS pfa_id,
        CASE
            WHEN (m.changes ? 'description'::text) THEN (m.changes ->> 'description'::text)
            ELSE (mir.doc ->> 'description'::text)
        END AS description,
        CASE
            WHEN (m.changes ? 'areaSilo'::text) THEN (m.changes ->> 'areaSilo'::text)
            ELSE mir.area_silo
        END AS area_silo,
        CASE
            WHEN (m.changes ? 'category'::text) THEN (m.changes ->> 'category'::text)
            ELSE mir.category
        END AS category,
        CASE
            WHEN (m.changes ? 'forecastCategory'::text) THEN (m.changes ->> 'forecastCategory'::text)
            ELSE mir.forecast_category
        END AS forecast_category,
        CASE
            WHEN (m.changes ? 'class'::text) THEN (m.changes ->> 'class'::text)
            ELSE (mir.doc ->> 'class'::text)
        END AS equipment_class,
    s.source,
        CASE
            WHEN (m.changes ? 'dor'::text) THEN (m.changes ->> 'dor'::text)
            ELSE mir.dor
        END AS dor,
        CASE
            WHEN (m.changes ? 'isActualized'::text) THEN public.pfa_to_bool((m.changes -> 'isActualized'::text))
            ELSE mir.is_actualized
        END AS is_actualized,
        CASE
            WHEN (m.changes ? 'isDiscontinued'::text) THEN public.pfa_to_bool((m.changes -> 'isDiscontinued'::text))
            ELSE mir.is_discontinued
        END AS is_discontinued,
        CASE
            WHEN (m.changes ? 'isFundsTransferable'::text) THEN public.pfa_to_bool((m.changes -> 'isFundsTransferable'::text))
            ELSE mir.is_funds_transferable
        END AS is_funds_transferable,
    t.monthly_rate,
    t.purchase_price,
        CASE
            WHEN (m.changes ? 'manufacturer'::text) THEN (m.changes ->> 'manufacturer'::text)
            ELSE (mir.doc ->> 'manufacturer'::text)
        END AS manufacturer,
        CASE
            WHEN (m.changes ? 'model'::text) THEN (m.changes ->> 'model'::text)
            ELSE (mir.doc ->> 'model'::text)
        END AS model,
        CASE
            WHEN (m.changes ? 'contract'::text) THEN (m.changes ->> 'contract'::text)
            ELSE (mir.doc ->> 'contract'::text)
        END AS contract,
        CASE
            WHEN (m.changes ? 'equipment'::text) THEN (m.changes ->> 'equipment'::text)
            ELSE (mir.doc ->> 'equipment'::text)
        END AS equipment,
    t.original_start,
    t.original_end,
    t.forecast_start,
    t.forecast_end,
    t.actual_start,
    t.actual_end,
    ((t.original_start IS NOT NULL) AND (t.original_end IS NOT NULL)) AS has_plan,
    ((t.actual_start IS NOT NULL) AND (t.actual_end IS NOT NULL)) AS has_actuals,
    c.plan_cost,
    c.forecast_cost,
    c.actual_cost,
    (c.forecast_cost - c.plan_cost) AS variance,
    true AS has_draft,
    (mir.pems_modified_at)::date AS last_changed,
    (m.modified_at)::date AS draft_changed,
    mir.forecast_cost AS pems_forecast_cost
   FROM ((((public.pfa_modification m
     JOIN public.pfa_mirror mir ON (((mir.organization_id = m.organization_id) AND (mir.id = m.record_id))))
     CROSS JOIN LATERAL ( SELECT
                CASE
                    WHEN (m.changes ? 'originalStart'::text) THEN public.pfa_to_date((m.changes -> 'originalStart'::text))
                    ELSE mir.original_start
                END AS original_start,
                CASE
                    WHEN (m.changes ? 'originalEnd'::text) THEN public.pfa_to_date((m.changes -> 'originalEnd'::text))
                    ELSE mir.original_end
                END AS original_end,
                CASE
                    WHEN (m.changes ? 'forecastStart'::text) THEN public.pfa_to_date((m.changes -> 'forecastStart'::text))
                    ELSE mir.forecast_start
                END AS forecast_start,
                CASE
                    WHEN (m.changes ? 'forecastEnd'::text) THEN public.pfa_to_date((m.changes -> 'forecastEnd'::text))
                    ELSE mir.forecast_end
                END AS forecast_end,
                CASE
                    WHEN (m.changes ? 'actualStart'::text) THEN public.pfa_to_date((m.changes -> 'actualStart'::text))
                    ELSE mir.actual_start
                END AS actual_start,
                CASE
                    WHEN (m.changes ? 'actualEnd'::text) THEN public.pfa_to_date((m.changes -> 'actualEnd'::text))
                    ELSE mir.actual_end
                END AS actual_end,
                CASE
                    WHEN (m.changes ? 'monthlyRate'::text) THEN public.pfa_to_numeric((m.changes -> 'monthlyRate'::text))
                    ELSE mir.monthly_rate
                END AS monthly_rate,
                CASE
                    WHEN (m.changes ? 'purchasePrice'::text) THEN public.pfa_to_numeric((m.changes -> 'purchasePrice'::text))
                    ELSE mir.purchase_price
                END AS purchase_price) t)
     CROSS JOIN LATERAL ( SELECT
                CASE
                    WHEN (m.changes ? 'source'::text) THEN (m.changes ->> 'source'::text)
                    ELSE mir.source
                END AS source) s)
     CROSS JOIN LATERAL ( SELECT public.pfa_window_cost(s.source, t.original_start, t.original_end, t.monthly_rate, t.purchase_price) AS plan_cost,
            public.pfa_window_cost(s.source, t.forecast_start, t.forecast_end, t.monthly_rate, t.purchase_price) AS forecast_cost,
            public.pfa_window_cost(s.source, t.actual_start, t.actual_end, t.monthly_rate, t.purchase_price) AS actual_cost) c)
  WHERE ((m.user_id = ( SELECT public.pfa_scope_user() AS pfa_scope_user)) AND (m.organization_id = ( SELECT public.pfa_scope_org() AS pfa_scope_org)) AND (mir.organization_id = ( SELECT public.pfa_scope_org() AS pfa_scope_org)));
