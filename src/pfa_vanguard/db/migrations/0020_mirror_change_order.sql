-- Read caches (mirror/snapshots.py) catch up with "rows whose change_seq is above the highest
-- one I have seen". That is only sound if a change number, once visible, is never followed by
-- a smaller one committed later. Two writers of one organization's mirror (a sync applying,
-- a commit writing through) could otherwise take numbers in one order and commit in the other,
-- and the later-committed rows would be skipped for good.
--
-- So each write to an organization's mirror (or its removal log) first takes that
-- organization's row lock (FOR NO KEY UPDATE: it does not block foreign-key checks, i.e. draft
-- saves), held to the end of the transaction, and only then draws its change number. Writers
-- of one organization are thus ordered from their first mirror write to their commit, and
-- change numbers of an organization increase in commit order. Writers of different
-- organizations never wait for each other. A transaction that already holds the lock pays
-- only a lookup per row.

CREATE FUNCTION pfa_mirror_order_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM organizations WHERE id = NEW.organization_id FOR NO KEY UPDATE;
    NEW.change_seq := nextval('pfa_mirror_change_seq');
    RETURN NEW;
END;
$$;

CREATE TRIGGER pfa_mirror_order_change
    BEFORE INSERT OR UPDATE ON pfa_mirror
    FOR EACH ROW EXECUTE FUNCTION pfa_mirror_order_change();

CREATE TRIGGER pfa_mirror_removed_order_change
    BEFORE INSERT ON pfa_mirror_removed
    FOR EACH ROW EXECUTE FUNCTION pfa_mirror_order_change();
