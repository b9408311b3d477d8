-- Dates and numbers are read alike by every parser (SQL here, domain/values.py in Python,
-- web/src/domain/values.ts in the browser): a date is an ASCII YYYY-MM-DD in the years
-- 1900..2199, a number is finite with a magnitude of at most 10^12. Anything else is no
-- value (NULL), never an absurd one: a year 9999 moved a whole organization's forecast.
-- (What a draft may be SET to is narrower: PFA_DATE_MIN_YEAR..PFA_DATE_MAX_YEAR, refused
-- with a 422 when the draft is saved.)
CREATE OR REPLACE FUNCTION pfa_to_date(value jsonb) RETURNS date
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
-- A real calendar day checked by hand (no EXCEPTION block, and nothing newer than
-- PostgreSQL 15, which has no pg_input_is_valid).
DECLARE
    txt text;
    y integer;
    m integer;
    d integer;
    days_in_month integer;
BEGIN
    IF jsonb_typeof(value) IS DISTINCT FROM 'string' THEN
        RETURN NULL;
    END IF;
    txt := value #>> '{}';
    IF length(txt) <> 10 OR translate(txt, '0123456789', '##########') <> '####-##-##' THEN
        RETURN NULL;
    END IF;
    y := substr(txt, 1, 4)::integer;
    m := substr(txt, 6, 2)::integer;
    d := substr(txt, 9, 2)::integer;
    days_in_month := CASE
        WHEN m = 2 THEN CASE WHEN (y % 4 = 0 AND y % 100 <> 0) OR y % 400 = 0 THEN 29 ELSE 28 END
        WHEN m IN (4, 6, 9, 11) THEN 30
        ELSE 31
    END;
    IF y NOT BETWEEN 1900 AND 2199 OR m NOT BETWEEN 1 AND 12
       OR d NOT BETWEEN 1 AND days_in_month THEN
        RETURN NULL;
    END IF;
    RETURN make_date(y, m, d);
END;
$$;

CREATE OR REPLACE FUNCTION pfa_to_numeric(value jsonb) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE jsonb_typeof(value)
        WHEN 'number' THEN
            CASE WHEN abs(value::numeric) <= 1e12 THEN value::numeric END
        WHEN 'string' THEN
            CASE WHEN btrim(value #>> '{}') ~ '^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$' THEN
                CASE WHEN abs(btrim(value #>> '{}')::numeric) <= 1e12
                     THEN btrim(value #>> '{}')::numeric
                END
            END
    END
$$;

-- Stored typed columns computed by the old parsers are computed again where they now differ
-- (the update triggers keep the summaries and the change order right).
UPDATE pfa_mirror SET data = data
WHERE original_start NOT BETWEEN '1900-01-01' AND '2199-12-31'
   OR original_end NOT BETWEEN '1900-01-01' AND '2199-12-31'
   OR forecast_start NOT BETWEEN '1900-01-01' AND '2199-12-31'
   OR forecast_end NOT BETWEEN '1900-01-01' AND '2199-12-31'
   OR actual_start NOT BETWEEN '1900-01-01' AND '2199-12-31'
   OR actual_end NOT BETWEEN '1900-01-01' AND '2199-12-31'
   OR abs(monthly_rate) > 1e12
   OR abs(purchase_price) > 1e12;
