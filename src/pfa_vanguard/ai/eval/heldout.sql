-- Held-out paraphrases: other wordings of the evaluation's questions, written apart from it and
-- never used to tune the offline translator; its score here is the honest estimate of how it
-- does on questions it has not seen. Same format as questions.sql.

-- [count] what's the number of cranes in our records
-- expect: scalar
SELECT count(*) FROM r WHERE category = 'Crane'

-- [count] how many rented items are in the tank farm area
-- expect: scalar
SELECT count(*) FROM r WHERE source = 'Rental' AND area_silo = 'A04 Tank Farm'

-- [count] count the cancelled lines
-- expect: scalar
SELECT count(*) FROM r WHERE is_discontinued

-- [count] how many generators did we buy
-- expect: scalar
SELECT count(*) FROM r WHERE category = 'Generator' AND source = 'Purchase'

-- [count] how many forklifts are in area A10
-- expect: scalar
SELECT count(*) FROM r WHERE category = 'Forklift' AND area_silo = 'A10 Admin & Workshops'

-- [count] how many lines are billing right now in the camp
-- expect: scalar
SELECT count(*) FROM r WHERE is_actualized AND area_silo = 'A09 Camp'

-- [sum] what's the overall forecast spend
-- expect: scalar
SELECT sum(forecast_cost) FROM f

-- [sum] what is the crane budget
-- expect: scalar
SELECT sum(plan_cost) FROM f WHERE category = 'Crane'

-- [sum] how much have we actually spent on rentals
-- expect: scalar
SELECT sum(actual_cost) FROM f WHERE source = 'Rental'

-- [sum] forecast total for the utilities area
-- expect: scalar
SELECT sum(forecast_cost) FROM f WHERE area_silo = 'A03 Utilities'

-- [sum] what do the pumps cost us in total
-- expect: scalar
SELECT sum(forecast_cost) FROM f WHERE category = 'Pump'

-- [average] what's the typical monthly rate for a crane
-- expect: scalar
SELECT avg(monthly_rate) FROM r WHERE category = 'Crane'

-- [average] on average how long is a rental
-- expect: scalar
SELECT avg(forecast_end - forecast_start) FROM r WHERE source = 'Rental'

-- [average] mean purchase price for trucks
-- expect: scalar
SELECT avg(purchase_price) FROM r WHERE category = 'Truck'

-- [average] average length of excavator rentals
-- expect: scalar
SELECT avg(forecast_end - forecast_start) FROM r WHERE source = 'Rental' AND category = 'Excavator'

-- [top_n] what are the 5 priciest lines
-- expect: ranked
SELECT pfa_id FROM r ORDER BY forecast_cost DESC NULLS LAST, pfa_id LIMIT 5

-- [top_n] which area costs the most
-- expect: ranked_groups
SELECT area_silo, sum(forecast_cost) FROM f GROUP BY 1 ORDER BY 2 DESC LIMIT 1

-- [top_n] biggest 3 categories by forecast
-- expect: ranked_groups
SELECT category, sum(forecast_cost) FROM f GROUP BY 1 ORDER BY 2 DESC LIMIT 3

-- [top_n] the three most expensive generators
-- expect: ranked
SELECT pfa_id FROM r WHERE category = 'Generator' ORDER BY forecast_cost DESC NULLS LAST, pfa_id
LIMIT 3

-- [time_window] rentals finishing next month: how many?
-- expect: scalar
SELECT count(*) FROM r WHERE source = 'Rental'
    AND forecast_end >= date_trunc('month', %(today)s::date) + interval '1 month'
    AND forecast_end < date_trunc('month', %(today)s::date) + interval '2 months'

-- [time_window] show cranes starting next month
-- expect: ids
SELECT pfa_id FROM r WHERE category = 'Crane'
    AND forecast_start >= date_trunc('month', %(today)s::date) + interval '1 month'
    AND forecast_start < date_trunc('month', %(today)s::date) + interval '2 months'

-- [time_window] how many lines kick off this quarter
-- expect: scalar
SELECT count(*) FROM r
WHERE forecast_start >= date_trunc('quarter', %(today)s::date)
  AND forecast_start < date_trunc('quarter', %(today)s::date) + interval '3 months'

-- [time_window] how many records are running today
-- expect: scalar
SELECT count(*) FROM r WHERE forecast_start <= %(today)s::date AND forecast_end >= %(today)s::date

-- [time_window] which generators finish within the next 14 days
-- expect: ids
SELECT pfa_id FROM r WHERE category = 'Generator'
    AND forecast_end >= %(today)s::date AND forecast_end <= %(today)s::date + 14

-- [drafts] how many edits have I made
-- expect: scalar
SELECT count(*) FROM r WHERE has_draft

-- [drafts] show me the records I modified
-- expect: ids
SELECT pfa_id FROM r WHERE has_draft

-- [drafts] what do my drafted records cost
-- expect: scalar
SELECT sum(forecast_cost) FROM f WHERE has_draft

-- [comparison] cranes vs generators forecast
-- expect: groups
SELECT category, sum(forecast_cost) FROM f WHERE category IN ('Crane', 'Generator') GROUP BY 1

-- [comparison] break down the forecast by area
-- expect: groups
SELECT area_silo, sum(forecast_cost) FROM f GROUP BY 1

-- [comparison] how many records does each category have
-- expect: groups
SELECT category, count(*) FROM r GROUP BY 1

-- [cost_impact] what do my changes do to the cost
-- expect: scalar
SELECT sum(forecast_cost - pems_forecast_cost) FROM f WHERE has_draft

-- [cost_impact] cost effect of my drafts per area
-- expect: groups
SELECT area_silo, sum(forecast_cost - pems_forecast_cost) FROM f WHERE has_draft GROUP BY 1

-- [changed_since] number of records updated since 1 November 2025
-- expect: scalar
SELECT count(*) FROM r WHERE last_changed >= DATE '2025-11-01'

-- [changed_since] which compressors were modified this month
-- expect: ids
SELECT pfa_id FROM r WHERE category = 'Compressor'
    AND last_changed >= date_trunc('month', %(today)s::date)

-- [history] what has changed since the start of last week
-- expect: ids
SELECT record_id AS pfa_id FROM pfa_history
WHERE organization_id = %(org)s AND detected_at >= date_trunc('week', %(today)s::date) - interval '7 days'

-- [history] what has been modified since last week, and what will that cost
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
