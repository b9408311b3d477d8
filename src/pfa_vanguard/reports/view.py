"""The records of the current view as the grid shows them: the mirror's records the filters
select, the caller's drafts applied (a drafted record is filtered on its merged values), in the
grid's sort order. The same RecordFilter and SortOrder as the grid's read, so an export holds
exactly the rows on screen."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from psycopg import AsyncConnection, sql

from pfa_vanguard.db.queries import load
from pfa_vanguard.domain.costs import with_derived
from pfa_vanguard.drafts.overlay import Overlay
from pfa_vanguard.kpi.board import board, cells_from_records
from pfa_vanguard.kpi.figures import exclusion_counts, exclusion_text
from pfa_vanguard.mirror.filters import RecordFilter, SortOrder

Conn = AsyncConnection[dict[str, Any]]


@dataclass(frozen=True)
class ViewRecord:
    record_id: str
    data: dict[str, Any]  # merged, with the derived costs
    has_draft: bool


@dataclass(frozen=True)
class View:
    records: list[ViewRecord]
    filter: RecordFilter
    sort: SortOrder

    def __iter__(self) -> Iterator[ViewRecord]:
        return iter(self.records)

    def totals(self) -> dict[str, Any]:
        """The view's totals: the KPI board's totals figures of these records (the one rule
        of kpi/figures.py), with what they leave out."""
        raw = [r.data for r in self.records]
        excluded = exclusion_counts(raw)
        return {
            **board(cells_from_records(raw))["totals"],
            "exclusions": {**excluded, "text": exclusion_text(excluded)},
        }


async def read_view(
    conn: Conn, org_id: int, overlay: Overlay | None, where: RecordFilter, order: SortOrder
) -> View:
    """Every record of the view, sorted (ties by id), merged with the caller's drafts."""
    drafted = overlay.records if overlay is not None else {}
    items: list[tuple[tuple[Any, ...], ViewRecord]] = []
    if where.selects_baseline:
        conditions, params = where.where()
        statement = sql.SQL(load("pfa_vanguard.reports")["view_rows"]) + conditions
        params["org_id"] = org_id
        async with conn.cursor(name="pfa_export") as cur:
            await cur.execute(statement, params)
            async for row in cur:
                if row["id"] in drafted:
                    continue
                data = with_derived(row["data"])
                record = ViewRecord(row["id"], data, False)
                items.append((order.key(row["id"], order.python_value(data)), record))
    for entry in drafted.values():
        if entry.orphaned or not where.matches(entry.record_id, entry.merged, True):
            continue
        data = with_derived(entry.merged)
        record = ViewRecord(entry.record_id, data, True)
        items.append((order.key(entry.record_id, order.python_value(data)), record))
    items.sort(key=lambda item: item[0])
    return View([record for _, record in items], where, order)
