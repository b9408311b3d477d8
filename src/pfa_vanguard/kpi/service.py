"""KPI board and timeline bounds of an organization, optionally with the caller's drafts.

The baseline comes from the materialized views (refreshed by syncs and after commits); the
drafts are a delta: each drafted record's baseline contribution is taken out and its merged
contribution put in. Nothing rescans the organization.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from psycopg import AsyncConnection

from pfa_vanguard.db.queries import load
from pfa_vanguard.domain.values import to_date
from pfa_vanguard.drafts.overlay import Overlay
from pfa_vanguard.kpi.board import Cell, CellKey, board, cells_from_rows

Conn = AsyncConnection[dict[str, Any]]


def _q(name: str) -> Any:
    return load("pfa_vanguard.kpi")[name]


async def baseline_cells(conn: Conn, org_id: int) -> dict[CellKey, Cell]:
    cur = await conn.execute(_q("kpi_cells"), {"org_id": org_id})
    return cells_from_rows(await cur.fetchall())


def with_drafts(cells: dict[CellKey, Cell], overlay: Overlay) -> dict[CellKey, Cell]:
    """The cells with the caller's drafted records swapped in (precomputed contributions)."""
    result = dict(cells)
    for record in overlay.records.values():
        for found, sign in ((record.kpi_before, -1), (record.kpi_after, 1)):
            if found is not None:
                key, cell = found
                result[key] = result.get(key, Cell()) + (cell if sign > 0 else -cell)
    return {k: v for k, v in result.items() if v != Cell()}


async def kpi(conn: Conn, org_id: int, overlay: Overlay | None) -> dict[str, Any]:
    """{"current": board, "pending": board with drafts | None, "draftCount"}."""
    cells = await baseline_cells(conn, org_id)
    return {
        "current": board(cells),
        "pending": board(with_drafts(cells, overlay)) if overlay is not None else None,
        "draftCount": len(overlay.records) if overlay is not None else 0,
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
