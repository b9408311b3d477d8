-- The byte bound of an assistant answer, checked by the database while the rows are produced:
-- the executor runs the (guarded) SELECT as a subquery and keeps a running total of its rows'
-- text; this function stops the statement (SQLSTATE PFA01) at the first row that takes the
-- total past `max_bytes`, so neither a huge single value nor many rows ever reach the API.
CREATE FUNCTION pfa_ai_answer_within(total_bytes bigint, max_bytes bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    IF total_bytes > max_bytes THEN
        RAISE EXCEPTION 'the answer is larger than % bytes', max_bytes
            USING ERRCODE = 'PFA01';
    END IF;
    RETURN true;
END
$$;
REVOKE ALL ON FUNCTION pfa_ai_answer_within(bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pfa_ai_answer_within(bigint, bigint) TO pfa_scoped;
