-- The evaluation set of the assistant: questions in the words project managers use, each with
-- its answer written by hand in SQL over `r`, the caller's records with their drafts merged,
-- read from the base tables (see ai/eval/__init__.py), never through the assistant's view;
-- totals and averages of costs read `f`: those of the records every cost figure counts.
--
-- One question per block: `-- [category] question`, `-- expect: <kind>`, then the SQL.
-- %(today)s is the evaluation's today (the demo data's: 2025-11-25), the same clock the
-- assistant is given. Kinds: scalar (one row; each expected number must be in it), ids (the
-- set of pfa_ids), ranked (the pfa_ids in order), groups (first column = key; each row's
-- numbers must be in the answer's row of that key), ranked_groups (the same, keys in order).

-- [count] how many records are there?
-- expect: scalar
SELECT count(*) FROM r

-- [count] how many cranes do we have
-- expect: scalar
SELECT count(*) FROM r WHERE category = 'Crane'

-- [count] how many rentals are in A04
-- expect: scalar
SELECT count(*) FROM r WHERE source = 'Rental' AND area_silo = 'A04 Tank Farm'

-- [count] how many light towers are on site
-- expect: scalar
SELECT count(*) FROM r WHERE category = 'Light Tower' AND is_actualized

-- [count] how many lines are discontinued?
-- expect: scalar
SELECT count(*) FROM r WHERE is_discontinued

-- [count] number of purchased generators
-- expect: scalar
SELECT count(*) FROM r WHERE category = 'Generator' AND source = 'Purchase'

-- [count] how many records are paid by BEO
-- expect: scalar
SELECT count(*) FROM r WHERE dor = 'BEO'

-- [count] how many manlifts are there in process train 1
-- expect: scalar
SELECT count(*) FROM r WHERE category = 'Manlift' AND area_silo = 'A01 Process Train 1'

-- [count] how many excavators are not actualized yet
-- expect: scalar
SELECT count(*) FROM r WHERE category = 'Excavator' AND NOT is_actualized

-- [count] how many pumps in the tank farm are over budget
-- expect: scalar
SELECT count(*) FROM r WHERE category = 'Pump' AND area_silo = 'A04 Tank Farm'
    AND forecast_cost - plan_cost > 0

-- [count] count of welding machines in the laydown yard
-- expect: scalar
SELECT count(*) FROM r WHERE category = 'Welding Machine' AND area_silo = 'A08 Laydown Yard'

-- [count] how many CRN-TWR tower cranes are there
-- expect: scalar
SELECT count(*) FROM r WHERE equipment_class = 'CRN-TWR'

-- [sum] what is the total forecast cost
-- expect: scalar
SELECT sum(forecast_cost) FROM f

-- [sum] total plan cost of cranes
-- expect: scalar
SELECT sum(plan_cost) FROM f WHERE category = 'Crane'

-- [sum] what is the budget for A03 utilities
-- expect: scalar
SELECT sum(plan_cost) FROM f WHERE area_silo = 'A03 Utilities'

-- [sum] total actual cost of rentals
-- expect: scalar
SELECT sum(actual_cost) FROM f WHERE source = 'Rental'

-- [sum] how much are we spending on generators
-- expect: scalar
SELECT sum(forecast_cost) FROM f WHERE category = 'Generator'

-- [sum] total forecast cost of BEO records at the marine jetty
-- expect: scalar
SELECT sum(forecast_cost) FROM f WHERE dor = 'BEO' AND area_silo = 'A05 Marine Jetty'

-- [sum] sum of purchase prices of purchased cranes
-- expect: scalar
SELECT sum(purchase_price) FROM r WHERE source = 'Purchase' AND category = 'Crane'

-- [sum] total variance of scaffolding
-- expect: scalar
SELECT sum(forecast_cost - plan_cost) FROM f WHERE category = 'Scaffold'

-- [sum] total forecast cost of records that are over plan
-- expect: scalar
SELECT sum(forecast_cost) FROM f WHERE forecast_cost - plan_cost > 0

-- [sum] total monthly rate of rental light towers on site
-- expect: scalar
SELECT sum(monthly_rate) FROM r
WHERE category = 'Light Tower' AND source = 'Rental' AND is_actualized

-- [sum] how much is forecast for the flare area
-- expect: scalar
SELECT sum(forecast_cost) FROM f WHERE area_silo = 'A06 Flare'

-- [average] what is the average monthly rate of cranes
-- expect: scalar
SELECT avg(monthly_rate) FROM r WHERE category = 'Crane'

-- [average] average rental duration
-- expect: scalar
SELECT avg(forecast_end - forecast_start) FROM r WHERE source = 'Rental'

-- [average] average rental duration of generators
-- expect: scalar
SELECT avg(forecast_end - forecast_start) FROM r WHERE source = 'Rental' AND category = 'Generator'

-- [average] average forecast cost per record in the pipe rack
-- expect: scalar
SELECT avg(forecast_cost) FROM f WHERE area_silo = 'A07 Pipe Rack'

-- [average] average purchase price of trucks
-- expect: scalar
SELECT avg(purchase_price) FROM r WHERE category = 'Truck'

-- [average] what is the mean plan cost of compressors
-- expect: scalar
SELECT avg(plan_cost) FROM f WHERE category = 'Compressor'

-- [average] how long do manlift rentals last on average
-- expect: scalar
SELECT avg(forecast_end - forecast_start) FROM r WHERE source = 'Rental' AND category = 'Manlift'

-- [average] average variance of forklifts
-- expect: scalar
SELECT avg(forecast_cost - plan_cost) FROM f WHERE category = 'Forklift'

-- [average] average duration of light towers in A04
-- expect: scalar
SELECT avg(forecast_end - forecast_start) FROM r
WHERE category = 'Light Tower' AND area_silo = 'A04 Tank Farm'

-- [top_n] top 5 most expensive records
-- expect: ranked
SELECT pfa_id FROM r ORDER BY forecast_cost DESC NULLS LAST, pfa_id LIMIT 5

-- [top_n] the 3 most expensive cranes
-- expect: ranked
SELECT pfa_id FROM r WHERE category = 'Crane' ORDER BY forecast_cost DESC NULLS LAST, pfa_id
LIMIT 3

-- [top_n] which area has the highest forecast cost
-- expect: ranked_groups
SELECT area_silo, sum(forecast_cost) FROM f GROUP BY 1 ORDER BY 2 DESC LIMIT 1

-- [top_n] top 3 categories by forecast cost
-- expect: ranked_groups
SELECT category, sum(forecast_cost) FROM f GROUP BY 1 ORDER BY 2 DESC LIMIT 3

-- [top_n] which category has the most records
-- expect: ranked_groups
SELECT category, count(*) FROM r GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1

-- [top_n] the 5 cheapest rentals
-- expect: ranked
SELECT pfa_id FROM r WHERE source = 'Rental' ORDER BY forecast_cost ASC NULLS LAST, pfa_id
LIMIT 5

-- [top_n] top 10 records by variance
-- expect: ranked
SELECT pfa_id FROM r ORDER BY forecast_cost - plan_cost DESC NULLS LAST, pfa_id LIMIT 10

-- [top_n] which area has the fewest records
-- expect: ranked_groups
SELECT area_silo, count(*) FROM r GROUP BY 1 ORDER BY 2 ASC, 1 LIMIT 1

-- [top_n] top 3 manufacturers by forecast cost
-- expect: ranked_groups
SELECT manufacturer, sum(forecast_cost) FROM f GROUP BY 1 ORDER BY 2 DESC LIMIT 3

-- [top_n] the 5 longest rentals
-- expect: ranked
SELECT pfa_id FROM r WHERE source = 'Rental'
ORDER BY forecast_end - forecast_start DESC NULLS LAST, pfa_id LIMIT 5

-- [top_n] 5 most over budget generators
-- expect: ranked
SELECT pfa_id FROM r WHERE category = 'Generator'
ORDER BY forecast_cost - plan_cost DESC NULLS LAST, pfa_id LIMIT 5

-- [time_window] how many rentals end next month
-- expect: scalar
SELECT count(*) FROM r WHERE source = 'Rental'
    AND forecast_end >= date_trunc('month', %(today)s::date) + interval '1 month'
    AND forecast_end < date_trunc('month', %(today)s::date) + interval '2 months'

-- [time_window] which cranes start next month
-- expect: ids
SELECT pfa_id FROM r WHERE category = 'Crane'
    AND forecast_start >= date_trunc('month', %(today)s::date) + interval '1 month'
    AND forecast_start < date_trunc('month', %(today)s::date) + interval '2 months'

-- [time_window] how many records start this quarter
-- expect: scalar
SELECT count(*) FROM r
WHERE forecast_start >= date_trunc('quarter', %(today)s::date)
  AND forecast_start < date_trunc('quarter', %(today)s::date) + interval '3 months'

-- [time_window] forecast cost of records ending this month
-- expect: scalar
SELECT sum(forecast_cost) FROM f
WHERE forecast_end >= date_trunc('month', %(today)s::date)
  AND forecast_end < date_trunc('month', %(today)s::date) + interval '1 month'

-- [time_window] how many rentals ended last week
-- expect: scalar
SELECT count(*) FROM r WHERE source = 'Rental'
    AND forecast_end >= date_trunc('week', %(today)s::date) - interval '7 days'
    AND forecast_end < date_trunc('week', %(today)s::date)

-- [time_window] how many records start in the next 30 days
-- expect: scalar
SELECT count(*) FROM r
WHERE forecast_start >= %(today)s::date AND forecast_start <= %(today)s::date + 30

-- [time_window] which generators end in the next two weeks
-- expect: ids
SELECT pfa_id FROM r WHERE category = 'Generator'
    AND forecast_end >= %(today)s::date AND forecast_end <= %(today)s::date + 14

-- [time_window] how many records are active today
-- expect: scalar
SELECT count(*) FROM r WHERE forecast_start <= %(today)s::date AND forecast_end >= %(today)s::date

-- [time_window] total forecast cost of rentals active next quarter
-- expect: scalar
SELECT sum(forecast_cost) FROM f WHERE source = 'Rental'
    AND forecast_start < date_trunc('quarter', %(today)s::date) + interval '6 months'
    AND forecast_end >= date_trunc('quarter', %(today)s::date) + interval '3 months'

-- [time_window] how many light towers start in January 2026
-- expect: scalar
SELECT count(*) FROM r WHERE category = 'Light Tower'
    AND forecast_start BETWEEN '2026-01-01' AND '2026-01-31'

-- [time_window] how many records started last month
-- expect: scalar
SELECT count(*) FROM r
WHERE forecast_start >= date_trunc('month', %(today)s::date) - interval '1 month'
  AND forecast_start < date_trunc('month', %(today)s::date)

-- [time_window] how many rentals end between now and the end of the year
-- expect: scalar
SELECT count(*) FROM r WHERE source = 'Rental' AND forecast_end >= %(today)s::date
    AND forecast_end < date_trunc('year', %(today)s::date) + interval '1 year'

-- [time_window] how many records start next year
-- expect: scalar
SELECT count(*) FROM r
WHERE forecast_start >= date_trunc('year', %(today)s::date) + interval '1 year'
  AND forecast_start < date_trunc('year', %(today)s::date) + interval '2 years'

-- [time_window] forecast cost of cranes active this month
-- expect: scalar
SELECT sum(forecast_cost) FROM f WHERE category = 'Crane'
    AND forecast_start < date_trunc('month', %(today)s::date) + interval '1 month'
    AND forecast_end >= date_trunc('month', %(today)s::date)

-- [time_window] which light towers in A04 end next week
-- expect: ids
SELECT pfa_id FROM r WHERE category = 'Light Tower' AND area_silo = 'A04 Tank Farm'
    AND forecast_end >= date_trunc('week', %(today)s::date) + interval '7 days'
    AND forecast_end < date_trunc('week', %(today)s::date) + interval '14 days'

-- [drafts] how many records have I changed
-- expect: scalar
SELECT count(*) FROM r WHERE has_draft

-- [drafts] list my drafts
-- expect: ids
SELECT pfa_id FROM r WHERE has_draft

-- [drafts] total forecast cost of my drafts
-- expect: scalar
SELECT sum(forecast_cost) FROM f WHERE has_draft

-- [drafts] how many of my drafts are cranes
-- expect: scalar
SELECT count(*) FROM r WHERE has_draft AND category = 'Crane'

-- [drafts] my drafts in A04
-- expect: ids
SELECT pfa_id FROM r WHERE has_draft AND area_silo = 'A04 Tank Farm'

-- [drafts] how many records I changed are over plan
-- expect: scalar
SELECT count(*) FROM r WHERE has_draft AND forecast_cost - plan_cost > 0

-- [drafts] forecast cost of my drafts by category
-- expect: groups
SELECT category, sum(forecast_cost) FROM f WHERE has_draft GROUP BY 1

-- [drafts] which of my drafts end next month
-- expect: ids
SELECT pfa_id FROM r WHERE has_draft
    AND forecast_end >= date_trunc('month', %(today)s::date) + interval '1 month'
    AND forecast_end < date_trunc('month', %(today)s::date) + interval '2 months'

-- [drafts] how many records have not been changed by me
-- expect: scalar
SELECT count(*) FROM r WHERE NOT has_draft

-- [comparison] compare the forecast cost of cranes and generators
-- expect: groups
SELECT category, sum(forecast_cost) FROM f WHERE category IN ('Crane', 'Generator') GROUP BY 1

-- [comparison] rentals versus purchases by count
-- expect: groups
SELECT source, count(*) FROM r GROUP BY 1

-- [comparison] forecast cost by area
-- expect: groups
SELECT area_silo, sum(forecast_cost) FROM f GROUP BY 1

-- [comparison] plan vs forecast cost by category
-- expect: groups
SELECT category, sum(plan_cost), sum(forecast_cost) FROM f GROUP BY 1

-- [comparison] BEO vs project forecast cost
-- expect: groups
SELECT dor, sum(forecast_cost) FROM f GROUP BY 1

-- [comparison] A01 versus A02 forecast cost
-- expect: groups
SELECT area_silo, sum(forecast_cost) FROM f
WHERE area_silo IN ('A01 Process Train 1', 'A02 Process Train 2') GROUP BY 1

-- [comparison] number of records per category
-- expect: groups
SELECT category, count(*) FROM r GROUP BY 1

-- [comparison] plan versus forecast for cranes
-- expect: scalar
SELECT sum(plan_cost), sum(forecast_cost) FROM f WHERE category = 'Crane'

-- [comparison] average monthly rate by category
-- expect: groups
SELECT category, avg(monthly_rate) FROM r GROUP BY 1

-- [comparison] rentals vs purchases forecast cost in the tank farm
-- expect: groups
SELECT source, sum(forecast_cost) FROM f WHERE area_silo = 'A04 Tank Farm' GROUP BY 1

-- [cost_impact] what is the cost impact of my drafts
-- expect: scalar
SELECT sum(forecast_cost - pems_forecast_cost) FROM f WHERE has_draft

-- [cost_impact] how much do my changes add to the forecast
-- expect: scalar
SELECT sum(forecast_cost - pems_forecast_cost) FROM f WHERE has_draft

-- [cost_impact] cost impact of my drafts by category
-- expect: groups
SELECT category, sum(forecast_cost - pems_forecast_cost) FROM f WHERE has_draft GROUP BY 1

-- [cost_impact] top 5 of my drafts by cost impact
-- expect: ranked
SELECT pfa_id FROM r WHERE has_draft
ORDER BY forecast_cost - pems_forecast_cost DESC NULLS LAST, pfa_id LIMIT 5

-- [cost_impact] how much do my drafts change the forecast in A04
-- expect: scalar
SELECT sum(forecast_cost - pems_forecast_cost) FROM f
WHERE has_draft AND area_silo = 'A04 Tank Farm'

-- [cost_impact] forecast cost before and after my drafts
-- expect: scalar
SELECT sum(pems_forecast_cost), sum(forecast_cost) FROM f WHERE has_draft

-- [cost_impact] what is the cost impact of my crane drafts
-- expect: scalar
SELECT sum(forecast_cost - pems_forecast_cost) FROM f WHERE has_draft AND category = 'Crane'

-- [changed_since] how many records changed since November 1
-- expect: scalar
SELECT count(*) FROM r WHERE last_changed >= DATE '2025-11-01'

-- [changed_since] which cranes changed in the last 30 days
-- expect: ids
SELECT pfa_id FROM r WHERE category = 'Crane' AND last_changed >= %(today)s::date - 30

-- [changed_since] how many records changed since 2025-10-01
-- expect: scalar
SELECT count(*) FROM r WHERE last_changed >= DATE '2025-10-01'

-- [changed_since] how many records have changed this month
-- expect: scalar
SELECT count(*) FROM r WHERE last_changed >= date_trunc('month', %(today)s::date)

-- [changed_since] how many records changed last month
-- expect: scalar
SELECT count(*) FROM r
WHERE last_changed >= date_trunc('month', %(today)s::date) - interval '1 month'
  AND last_changed < date_trunc('month', %(today)s::date)

-- [changed_since] forecast cost of records changed since last month
-- expect: scalar
SELECT sum(forecast_cost) FROM f
WHERE last_changed >= date_trunc('month', %(today)s::date) - interval '1 month'

-- [changed_since] which generators changed since last week
-- expect: ids
SELECT pfa_id FROM r WHERE category = 'Generator'
    AND last_changed >= date_trunc('week', %(today)s::date) - interval '7 days'

-- [history] what changed since last week
-- expect: ids
SELECT record_id AS pfa_id FROM pfa_history
WHERE organization_id = %(org)s AND detected_at >= date_trunc('week', %(today)s::date) - interval '7 days'

-- [history] what changed since last week and what does it cost
-- expect: groups
SELECT o.record_id AS pfa_id, sum(CASE WHEN v.now THEN 1 ELSE -1 END
    * CASE WHEN NOT pfa_to_bool(v.d -> 'isDiscontinued')
                AND NOT pfa_to_bool(v.d -> 'isFundsTransferable')
           THEN coalesce(pfa_window_cost(v.d ->> 'source', pfa_to_date(v.d -> 'forecastStart'),
               pfa_to_date(v.d -> 'forecastEnd'), pfa_to_numeric(v.d -> 'monthlyRate'),
               pfa_to_numeric(v.d -> 'purchasePrice')), 0) ELSE 0 END) AS cost_change
FROM (SELECT record_id, jsonb_object_agg(field, coalesce(old_value, 'null')) AS old
      FROM (SELECT DISTINCT ON (record_id, field) record_id, field, old_value FROM pfa_history
            WHERE organization_id = %(org)s AND detected_at >= date_trunc('week', %(today)s::date) - interval '7 days' ORDER BY record_id, field, id) e
      GROUP BY record_id) o
JOIN pfa_mirror mir ON mir.organization_id = %(org)s AND mir.id = o.record_id
CROSS JOIN LATERAL (VALUES (true, mir.data), (false, mir.data || o.old)) v(now, d)
GROUP BY o.record_id

-- [history] what changed last week, and what did it cost?
-- expect: groups
SELECT o.record_id AS pfa_id, sum(CASE WHEN v.now THEN 1 ELSE -1 END
    * CASE WHEN NOT pfa_to_bool(v.d -> 'isDiscontinued')
                AND NOT pfa_to_bool(v.d -> 'isFundsTransferable')
           THEN coalesce(pfa_window_cost(v.d ->> 'source', pfa_to_date(v.d -> 'forecastStart'),
               pfa_to_date(v.d -> 'forecastEnd'), pfa_to_numeric(v.d -> 'monthlyRate'),
               pfa_to_numeric(v.d -> 'purchasePrice')), 0) ELSE 0 END) AS cost_change
FROM (SELECT record_id, jsonb_object_agg(field, coalesce(old_value, 'null')) AS old
      FROM (SELECT DISTINCT ON (record_id, field) record_id, field, old_value FROM pfa_history
            WHERE organization_id = %(org)s AND detected_at >= date_trunc('week', %(today)s::date) - interval '7 days'
                  AND detected_at < date_trunc('week', %(today)s::date) ORDER BY record_id, field, id) e
      GROUP BY record_id) o
JOIN pfa_mirror mir ON mir.organization_id = %(org)s AND mir.id = o.record_id
CROSS JOIN LATERAL (VALUES (true, mir.data), (false, mir.data || o.old)) v(now, d)
GROUP BY o.record_id

-- [history] how much did the changes since last week cost
-- expect: scalar
SELECT sum(cost_change) FROM (
SELECT o.record_id AS pfa_id, sum(CASE WHEN v.now THEN 1 ELSE -1 END
    * CASE WHEN NOT pfa_to_bool(v.d -> 'isDiscontinued')
                AND NOT pfa_to_bool(v.d -> 'isFundsTransferable')
           THEN coalesce(pfa_window_cost(v.d ->> 'source', pfa_to_date(v.d -> 'forecastStart'),
               pfa_to_date(v.d -> 'forecastEnd'), pfa_to_numeric(v.d -> 'monthlyRate'),
               pfa_to_numeric(v.d -> 'purchasePrice')), 0) ELSE 0 END) AS cost_change
FROM (SELECT record_id, jsonb_object_agg(field, coalesce(old_value, 'null')) AS old
      FROM (SELECT DISTINCT ON (record_id, field) record_id, field, old_value FROM pfa_history
            WHERE organization_id = %(org)s AND detected_at >= date_trunc('week', %(today)s::date) - interval '7 days' ORDER BY record_id, field, id) e
      GROUP BY record_id) o
JOIN pfa_mirror mir ON mir.organization_id = %(org)s AND mir.id = o.record_id
CROSS JOIN LATERAL (VALUES (true, mir.data), (false, mir.data || o.old)) v(now, d)
GROUP BY o.record_id
) t

-- [history] what is the cost of the changes this month
-- expect: scalar
SELECT sum(cost_change) FROM (
SELECT o.record_id AS pfa_id, sum(CASE WHEN v.now THEN 1 ELSE -1 END
    * CASE WHEN NOT pfa_to_bool(v.d -> 'isDiscontinued')
                AND NOT pfa_to_bool(v.d -> 'isFundsTransferable')
           THEN coalesce(pfa_window_cost(v.d ->> 'source', pfa_to_date(v.d -> 'forecastStart'),
               pfa_to_date(v.d -> 'forecastEnd'), pfa_to_numeric(v.d -> 'monthlyRate'),
               pfa_to_numeric(v.d -> 'purchasePrice')), 0) ELSE 0 END) AS cost_change
FROM (SELECT record_id, jsonb_object_agg(field, coalesce(old_value, 'null')) AS old
      FROM (SELECT DISTINCT ON (record_id, field) record_id, field, old_value FROM pfa_history
            WHERE organization_id = %(org)s AND detected_at >= date_trunc('month', %(today)s::date) ORDER BY record_id, field, id) e
      GROUP BY record_id) o
JOIN pfa_mirror mir ON mir.organization_id = %(org)s AND mir.id = o.record_id
CROSS JOIN LATERAL (VALUES (true, mir.data), (false, mir.data || o.old)) v(now, d)
GROUP BY o.record_id
) t

-- [history] changes in PEMS since November 1
-- expect: ids
SELECT record_id AS pfa_id FROM pfa_history
WHERE organization_id = %(org)s AND detected_at >= DATE '2025-11-01' AND source = 'sync'

-- [history] what changed in the last 7 days
-- expect: ids
SELECT record_id AS pfa_id FROM pfa_history
WHERE organization_id = %(org)s AND detected_at >= %(today)s::date - 7
    AND detected_at < %(today)s::date + 1
