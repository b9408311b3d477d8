-- Writers of one organization's mirror take its row lock before any change number (migration
-- 0020); a transaction writing thousands of rows (a sync's insert) took it again per row. The
-- trigger now notes the organization it locked in a transaction-local setting and locks again
-- only for another organization. A savepoint rolled back releases the lock and reverts the
-- setting together, so the note never outlives the lock.
CREATE OR REPLACE FUNCTION pfa_mirror_order_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('pfa.change_order_org', true) IS DISTINCT FROM NEW.organization_id::text
    THEN
        PERFORM 1 FROM organizations WHERE id = NEW.organization_id FOR NO KEY UPDATE;
        PERFORM set_config('pfa.change_order_org', NEW.organization_id::text, true);
    END IF;
    NEW.change_seq := nextval('pfa_mirror_change_seq');
    RETURN NEW;
END;
$$;
