"""What an open screen asks every few seconds to stay fresh, read in one round trip: the
organization's schedule row, the mirror's changes since the screen's mark, and the caller's
drafts on the records that changed (their merged view and state: a draft whose field PEMS
changed under the user's edit is a conflict at once).

The three reads go out together in a pipeline. Each sees the database at its own moment, in
this order, so every changed record's draft is among those read (the draft read is the later
one); a draft on a record changed even later is simply not used."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pfa_vanguard.db.queries import Conn
from pfa_vanguard.drafts import repository as repo
from pfa_vanguard.drafts.service import Draft
from pfa_vanguard.mirror.changes import (
    MirrorChanges,
    read_changes,
    start_changes_since,
    start_org_schedule,
)


@dataclass(frozen=True)
class ScreenDelta:
    schedule: dict[str, Any]  # the organizations row freshness is judged from
    changes: MirrorChanges
    drafts: dict[str, Draft]  # the caller's drafts on the changed records, by record id


async def screen_delta(
    conn: Conn, org_id: int, user_id: int, since: int, limit: int
) -> ScreenDelta:
    """The changes after `since` (at most `limit`, else `changes.reload`) and what goes with
    them. The caller owns the transaction."""
    async with conn.pipeline():
        schedule = await start_org_schedule(conn, org_id)
        changed = await start_changes_since(conn, org_id, since, limit)
        drafted = await repo.start_drafts_changed_since(conn, user_id, org_id, since, limit)
        row = await schedule.fetchone()
        changes = read_changes(await changed.fetchall(), since, limit)
        draft_rows = await drafted.fetchall()
    drafts = {
        str(r["record_id"]): Draft.from_row(r)
        for r in draft_rows
        if str(r["record_id"]) in changes.rows
    }
    return ScreenDelta(schedule=row or {}, changes=changes, drafts=drafts)
