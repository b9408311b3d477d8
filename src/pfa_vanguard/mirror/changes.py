"""The delta read: the records of an organization's mirror that changed after a change number,
so a screen holding the organization stays fresh without reading all of it again.

Guarantees:
- `version` is a change number the caller can pass as `since` next time: every change with a
  higher number is in the next answer, none is skipped (one statement reads the changes, and
  change numbers increase in commit order per organization).
- A record written and then removed (or removed and written again) appears once, as its last
  change says: `records` holds the ones present now, `removed` the ids gone since.
- More than `limit` changes: `reload` is true and nothing else is listed; the caller reads the
  organization again (a first load, a mass update).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from psycopg import AsyncCursor

from pfa_vanguard.db.queries import Conn, NamedQueries

_q = NamedQueries("pfa_vanguard.mirror", "changes.sql")


@dataclass(frozen=True)
class MirrorChanges:
    since: int
    version: int
    # id -> the mirror's row now, as `rows_since` reads it (mirror/encode.py encodes it)
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    reload: bool = False


async def high_water(conn: Conn, org_id: int) -> tuple[int, dict[str, Any]]:
    """The organization's latest change number, and its schedule row (as `org_schedule`)."""
    async with conn.pipeline():
        mark = await conn.execute(_q("high_water"), {"org_id": org_id})
        schedule = await start_org_schedule(conn, org_id)
        row = await mark.fetchone()
        org = await schedule.fetchone()
    return (int(row["version"]) if row is not None else 0), (org or {})


async def start_changes_since(
    conn: Conn, org_id: int, since: int, limit: int
) -> AsyncCursor[dict[str, Any]]:
    """Send the read of `changes_since` (in a pipeline: its answer comes with the others')."""
    return await conn.execute(
        _q("changes_since"), {"org_id": org_id, "since": since, "limit": limit}
    )


async def start_org_schedule(conn: Conn, org_id: int) -> AsyncCursor[dict[str, Any]]:
    """Send the read of the organization's schedule row (`mirror/freshness.py` judges it)."""
    return await conn.execute(_q("org_schedule"), {"org_id": org_id})


def read_changes(found: list[dict[str, Any]], since: int, limit: int) -> MirrorChanges:
    """The changes from the rows of `changes_since`."""
    if len(found) > limit:
        return MirrorChanges(since=since, version=since, reload=True)
    last: dict[str, dict[str, Any]] = {}
    for row in found:  # in change order: the last change of a record wins
        last.pop(row["id"], None)
        last[row["id"]] = row
    version = max([since, *(int(r["change_seq"]) for r in found)])
    return MirrorChanges(
        since=since,
        version=version,
        rows={rid: r for rid, r in last.items() if not r["removed"]},
        removed=sorted(rid for rid, r in last.items() if r["removed"]),
    )
