-- pfa_to_date without pg_input_is_valid (PostgreSQL 16+): the application supports PostgreSQL 15
-- and later. Same answers as before: a strict YYYY-MM-DD of ASCII digits, year 0001-9999, a real
-- calendar day (leap years included), else NULL; still no EXCEPTION block. The body changes, not
-- a result, so the stored generated columns stay valid.
CREATE OR REPLACE FUNCTION pfa_to_date(value jsonb) RETURNS date
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
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
    IF y < 1 OR m NOT BETWEEN 1 AND 12 OR d NOT BETWEEN 1 AND days_in_month THEN
        RETURN NULL;
    END IF;
    RETURN make_date(y, m, d);
END;
$$;
