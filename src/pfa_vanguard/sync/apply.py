"""The set-based apply of a staged sync to the mirror, drafts and derived views.

`apply_stage` runs its statements in the caller's single transaction: either all of it lands
(mirror rows, removals, draft conflicts and orphans, refreshed views, the organization's
version) or none of it does. Only rows whose content differs are written, so a sync where PEMS
changed nothing writes zero mirror rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pfa_vanguard.db.queries import Conn
from pfa_vanguard.sync.repository import q


@dataclass(frozen=True)
class ApplyCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    conflicts: int = 0  # drafts newly marked or re-marked in conflict
    orphaned: int = 0  # drafts whose record disappeared
    revived: int = 0  # orphaned drafts whose record came back

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated or self.deleted)


async def apply_stage(
    conn: Conn,
    org_id: int,
    *,
    distinct: int,
    full: bool,
    started_at: datetime,
    run_id: int | None = None,
) -> ApplyCounts:
    """Apply the staging table to organization `org_id`'s mirror.

    Preconditions: inside a transaction; the session holds the organization's sync lock and
    has a filled, analyzed staging table with `distinct` distinct ids. On a full sync, mirror
    rows absent from the stage are deleted and their drafts orphaned (never deleted). Drafts
    whose fields PEMS changed become conflicts. Archived records PEMS sends unchanged are left
    alone; those it changed come back to the mirror (mirror/archive.py). `started_at` is when
    the sync began (database time): a row a commit wrote through after it with a newer version
    than the fetched one is kept. Every field the update changed is kept in the record history
    (with `run_id`).
    """
    params = {"org_id": org_id, "started_at": started_at, "run_id": run_id}
    await conn.execute(q("lock_organization"), params)
    await conn.execute(q("skip_archived_unchanged"), params)
    await conn.execute(q("unarchive_changed"), params)
    await conn.execute(q("create_changed"))
    cur = await conn.execute(q("fill_changed"), params)
    differing = max(cur.rowcount, 0)

    cur = await conn.execute(q("insert_new"), params)
    inserted = max(cur.rowcount, 0)
    cur = await conn.execute(q("update_changed"), params)
    updated = max(cur.rowcount, 0)
    if inserted + updated < differing:
        await conn.execute(q("forget_unapplied"), params)
    if updated:
        await conn.execute(q("record_history"), params)

    cur = await conn.execute(q("mark_conflicts"), params)
    conflicts = max(cur.rowcount, 0)
    cur = await conn.execute(q("revive_orphans"), params)
    revived = max(cur.rowcount, 0)

    deleted = orphaned = 0
    if full:
        cur = await conn.execute(q("orphan_drafts"), params)
        orphaned = max(cur.rowcount, 0)
        cur = await conn.execute(q("delete_missing"), params)
        deleted = max(cur.rowcount, 0)

    return ApplyCounts(
        inserted=inserted,
        updated=updated,
        unchanged=distinct - inserted - updated,
        deleted=deleted,
        conflicts=conflicts,
        orphaned=orphaned,
        revived=revived,
    )


async def refresh_views(conn: Conn) -> None:
    """Refresh the materialized views over the mirror, CONCURRENTLY: readers are never blocked.

    Called inside the apply transaction, so the views and the mirror commit together.
    """
    await conn.execute(q("refresh_kpi_summary"))
    await conn.execute(q("refresh_timeline_bounds"))
