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

from psycopg import AsyncConnection

from pfa_vanguard.db.queries import load

Conn = AsyncConnection[dict[str, Any]]


def _q(name: str) -> Any:
    return load("pfa_vanguard.mirror", "changes.sql")[name]


@dataclass(frozen=True)
class MirrorChanges:
    since: int
    version: int
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> mirror data now
    removed: list[str] = field(default_factory=list)
    reload: bool = False


async def high_water(conn: Conn, org_id: int) -> int:
    """The organization's latest change number."""
    cur = await conn.execute(_q("high_water"), {"org_id": org_id})
    row = await cur.fetchone()
    return int(row["version"]) if row is not None else 0


async def changes_since(conn: Conn, org_id: int, since: int, limit: int) -> MirrorChanges:
    """The mirror's changes after `since` (at most `limit`, else `reload`)."""
    cur = await conn.execute(
        _q("changes_since"), {"org_id": org_id, "since": since, "limit": limit}
    )
    found = await cur.fetchall()
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
        rows={rid: r["data"] for rid, r in last.items() if not r["removed"]},
        removed=sorted(rid for rid, r in last.items() if r["removed"]),
    )
