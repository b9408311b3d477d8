"""The archive: records whose forecast and actual windows ended more than N years ago
(`PFA_ARCHIVE_AFTER_YEARS`, default 2) leave the mirror for `pfa_mirror_archive`.

Guarantees:
- A record moves whole (its JSON, typed columns, version) in one statement with a removal
  logged for it, under the organization's row lock (as every writer of the mirror), and the
  organization's `mirror_version` is raised: snapshots, open screens (the delta read), the KPI
  figures and the AI assistant (both read the mirror only) leave it out from then on.
- A record someone has a draft on stays in the mirror until the draft is gone.
- The sync never brings an archived record back as a new one: PEMS sending it unchanged is
  not news; PEMS changing it brings it back to the mirror as its new version (sync/apply.py).
  Records PEMS stops sending stay in the archive.
- The merged read includes archived records on request (`?archived=true`), pristine, never
  drafted, marked `"archived": true`.
The caller owns the transaction (but see `archive_all`).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any

from psycopg import AsyncConnection, sql
from psycopg.rows import dict_row

from pfa_vanguard.db.queries import NamedQueries
from pfa_vanguard.mirror.encode import encode_baseline_row
from pfa_vanguard.mirror.filters import RecordFilter, SortOrder

Conn = AsyncConnection[Any]
Item = tuple[tuple[Any, ...], str, Any, bytes]  # as the merged read's (sort key, id, value, entry)

_PRISTINE_TAIL = b'"state":"pristine"}'
_ARCHIVED_TAIL = b'"state":"pristine","archived":true}'


# The same fields as the snapshots' rows (mirror/queries.sql rows_since) and the sort value;
# the filters' conditions follow the organization's.
_ARCHIVED_ROWS = sql.SQL(
    """SELECT id, a.data::text AS data_text, {sort} AS v,
       plan_cost::float8 AS plan_cost, forecast_cost::float8 AS forecast_cost,
       actual_cost::float8 AS actual_cost,
       (original_start IS NOT NULL AND original_end IS NOT NULL) AS has_plan,
       (actual_start IS NOT NULL AND actual_end IS NOT NULL) AS has_actuals
    FROM pfa_mirror_archive a
    WHERE organization_id = %(org_id)s{where}"""
)


_q = NamedQueries("pfa_vanguard.mirror", "archive.sql")


def archive_cutoff(now: datetime, years: int) -> date:
    """The day `years` years before `now` (28 February for a 29 February)."""
    today = now.date()
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


async def archive_organization(conn: Conn, org_id: int, code: str, cutoff: date) -> int:
    """Move organization `org_id`'s records that ended before `cutoff` to the archive; return
    how many moved. Refreshes the KPI views and announces the change when any did."""
    params = {"org_id": org_id, "cutoff": cutoff, "code": code}
    await conn.execute(_q("lock_organization"), params)
    cur = await conn.execute(_q("archive_ended"), params)
    moved = max(cur.rowcount, 0)
    if moved:
        await conn.execute(_q("bump_mirror_version"), params)
        await conn.execute(_q("refresh_kpi_summary"))
        await conn.execute(_q("refresh_timeline_bounds"))
        await conn.execute(_q("notify_mirror_changed"), params)
    return moved


async def archive_all(conn: Conn, years: int, now: datetime) -> dict[str, int]:
    """Archive every organization's ended records (`years` 0: nothing); moved per code.

    Unlike the rest of this module, commits: once per organization, so that one organization's
    lock is held at a time and a sync waits for one organization's move, never for all."""
    if years <= 0:
        return {}
    cutoff = archive_cutoff(now, years)
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(_q("organizations"))
        orgs = await cur.fetchall()
    await conn.commit()
    moved: dict[str, int] = {}
    for org in orgs:
        moved[org["code"]] = await archive_organization(conn, org["id"], org["code"], cutoff)
        await conn.commit()
    return moved


async def archived_items(
    conn: Conn, org_id: int, where: RecordFilter, order: SortOrder
) -> list[Item]:
    """The organization's archived records the filters select, encoded, in sort order."""
    if not where.selects_baseline:
        return []
    conditions, params = where.where()
    column = sql.Identifier(order.column) if order.column else sql.SQL("NULL")
    statement = _ARCHIVED_ROWS.format(sort=column, where=conditions)
    params["org_id"] = org_id
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(statement, params)
        rows = await cur.fetchall()
    items = [(order.key(r["id"], r["v"]), r["id"], r["v"], _archived_entry(r)) for r in rows]
    items.sort(key=_first)
    return items


def with_archived(items: Sequence[Item], archived: Sequence[Item]) -> list[Item]:
    """Both runs, sorted (each already is)."""
    merged: Iterator[Item] = heapq.merge(items, archived, key=_first)
    return list(merged)


def _archived_entry(row: dict[str, Any]) -> bytes:
    entry = encode_baseline_row(row)
    return entry[: -len(_PRISTINE_TAIL)] + _ARCHIVED_TAIL


def _first(item: Item) -> tuple[Any, ...]:
    return item[0]
