"""KPI board and timeline bounds of an organization, optionally with the caller's drafts.

The baseline comes from the materialized views (refreshed by syncs and after commits); the
drafts are a delta: each drafted record's baseline contribution is taken out and its merged
contribution put in. Nothing rescans the organization.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from pfa_vanguard.db.queries import Conn, NamedQueries
from pfa_vanguard.domain.values import to_date
from pfa_vanguard.drafts.overlay import Overlay
from pfa_vanguard.kpi.board import Cell, CellKey, board, cells_from_rows
from pfa_vanguard.kpi.figures import RULE_TEXT, exclusion_text, impact

_q = NamedQueries("pfa_vanguard.kpi")


async def baseline_cells(conn: Conn, org_id: int) -> dict[CellKey, Cell]:
    cur = await conn.execute(_q("kpi_cells"), {"org_id": org_id})
    return cells_from_rows(await cur.fetchall())


def draft_delta(overlay: Overlay) -> dict[CellKey, Cell]:
    """What the caller's drafted records change in each cell (merged minus baseline)."""
    delta: dict[CellKey, Cell] = {}
    for record in overlay.records.values():
        for found, sign in ((record.kpi_before, -1), (record.kpi_after, 1)):
            if found is not None:
                key, cell = found
                delta[key] = delta.get(key, Cell()) + (cell if sign > 0 else -cell)
    return delta


def with_delta(cells: Mapping[CellKey, Cell], delta: Mapping[CellKey, Cell]) -> dict[CellKey, Cell]:
    result = dict(cells)
    for key, cell in delta.items():
        result[key] = result.get(key, Cell()) + cell
    return {k: v for k, v in result.items() if v != Cell()}


def with_drafts(cells: dict[CellKey, Cell], overlay: Overlay) -> dict[CellKey, Cell]:
    """The cells with the caller's drafted records swapped in (precomputed contributions)."""
    return with_delta(cells, draft_delta(overlay))


class KpiCache:
    """Boards by the content of their cells, and draft deltas by the caller's drafts
    fingerprint: each computed once (LRU). Keys are content, never versions, so a view
    refreshed late can never be served from a stale entry."""

    def __init__(self, max_entries: int = 1024) -> None:
        self.max_entries = max_entries
        self._boards: OrderedDict[tuple[tuple[CellKey, Cell], ...], dict[str, Any]] = OrderedDict()
        self._deltas: OrderedDict[tuple[int, int, str], dict[CellKey, Cell]] = OrderedDict()

    def board(self, cells: Mapping[CellKey, Cell]) -> dict[str, Any]:
        key = tuple(sorted(cells.items()))
        found = self._boards.get(key)
        if found is None:
            found = self._boards[key] = board(cells)
            _trim(self._boards, self.max_entries)
        else:
            self._boards.move_to_end(key)
        return found

    def delta(self, org_id: int, user_id: int, overlay: Overlay) -> dict[CellKey, Cell]:
        key = (org_id, user_id, overlay.fingerprint)
        found = self._deltas.get(key)
        if found is None:
            found = self._deltas[key] = draft_delta(overlay)
            _trim(self._deltas, self.max_entries)
        else:
            self._deltas.move_to_end(key)
        return found


def _trim(entries: OrderedDict[Any, Any], size: int) -> None:
    while len(entries) > size:
        entries.popitem(last=False)


async def baseline_exclusions(conn: Conn, org_id: int) -> dict[str, int]:
    """How many of the organization's mirror records the figures leave out, per exclusion."""
    cur = await conn.execute(_q("exclusions"), {"org_id": org_id})
    row = await cur.fetchone()
    return {
        "discontinued": int(row["discontinued"]) if row else 0,
        "fundsTransferable": int(row["funds_transferable"]) if row else 0,
    }


def with_draft_exclusions(counts: dict[str, int], overlay: Overlay) -> dict[str, int]:
    """`counts` with each drafted record's exclusion swapped for its merged one."""
    result = dict(counts)
    for record in overlay.records.values():
        for key, sign in ((record.excluded_before, -1), (record.excluded_after, 1)):
            if key:
                result[key] += sign
    return result


async def currency(conn: Conn, org_id: int) -> str:
    cur = await conn.execute(_q("currency"), {"org_id": org_id})
    row = await cur.fetchone()
    return str(row["currency"]) if row else "USD"


async def kpi(
    conn: Conn,
    org_id: int,
    overlay: Overlay | None,
    cache: KpiCache | None = None,
    user_id: int = 0,
) -> dict[str, Any]:
    """{"current": board, "pending": board with drafts | None, "draftCount", "impact" (pending
    minus current totals | None), "exclusions": {"current", "pending"} with their notes,
    "rule", "currency"}."""
    cache = cache or KpiCache()
    cells = await baseline_cells(conn, org_id)
    excluded = await baseline_exclusions(conn, org_id)
    current = cache.board(cells)
    pending = pending_excluded = None
    if overlay is not None:
        pending = cache.board(with_delta(cells, cache.delta(org_id, user_id, overlay)))
        pending_excluded = with_draft_exclusions(excluded, overlay)
    return {
        "current": current,
        "pending": pending,
        "draftCount": len(overlay.records) if overlay is not None else 0,
        "impact": impact(current["totals"], pending["totals"]) if pending else None,
        "exclusions": {
            "current": {**excluded, "text": exclusion_text(excluded)},
            "pending": {**pending_excluded, "text": exclusion_text(pending_excluded)}
            if pending_excluded
            else None,
        },
        "rule": RULE_TEXT,
        "currency": await currency(conn, org_id),
    }


@dataclass(frozen=True)
class Bounds:
    min_start: date | None
    max_end: date | None


async def timeline_bounds(conn: Conn, org_id: int, overlay: Overlay | None) -> Bounds:
    """Earliest forecast start and latest forecast end (the Gantt viewport); with drafts, of
    the merged records: the baseline without the drafted records, then the merged ones."""
    cur = await conn.execute(_q("timeline_bounds"), {"org_id": org_id})
    row = await cur.fetchone()
    current = Bounds(row["min_start"], row["max_end"]) if row else Bounds(None, None)
    drafted = [r for r in overlay.records.values() if not r.orphaned] if overlay else []
    if not drafted:
        return current
    ids = [r.record_id for r in drafted]
    params = {"org_id": org_id, "ids": ids}
    cur = await conn.execute(_q("min_start_excluding"), params)
    low = await cur.fetchone()
    cur = await conn.execute(_q("max_end_excluding"), params)
    high = await cur.fetchone()
    starts = [low["value"]] if low else []
    ends = [high["value"]] if high else []
    for record in drafted:
        start = to_date(record.merged.get("forecastStart"))
        end = to_date(record.merged.get("forecastEnd"))
        if start is not None:
            starts.append(start)
        if end is not None:
            ends.append(end)
    return Bounds(min(starts, default=None), max(ends, default=None))
