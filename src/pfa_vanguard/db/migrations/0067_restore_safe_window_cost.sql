-- pg_restore runs with an empty search_path: computing the mirror's generated cost columns
-- during its COPY called pfa_record_window_cost, whose body named the parsing functions
-- unqualified, and every restore of a dump failed ("function pfa_to_date(jsonb) does not
-- exist"). The body now names them with the schema the application lives in. Not a SET
-- search_path on the function: that costs a settings save and restore on every call (three
-- calls per mirrored row written). Same results.
DO $migration$
BEGIN
    EXECUTE format($body$
        CREATE OR REPLACE FUNCTION %1$I.pfa_record_window_cost(
            data jsonb, start_key text, end_key text
        ) RETURNS numeric
        LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
        BEGIN
            RETURN %1$I.pfa_window_cost(data ->> 'source',
                                       %1$I.pfa_to_date(data -> start_key),
                                       %1$I.pfa_to_date(data -> end_key),
                                       %1$I.pfa_to_numeric(data -> 'monthlyRate'),
                                       %1$I.pfa_to_numeric(data -> 'purchasePrice'));
        END;
        $fn$
    $body$, current_schema());
END
$migration$;
