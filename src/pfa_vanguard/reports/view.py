"""The records of the current view as the grid shows them: the mirror's records the filters
select, the caller's drafts applied (a drafted record is filtered on its merged values), in the
grid's sort order. The same RecordFilter and SortOrder as the grid's read, so an export holds
exactly the rows on screen."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import orjson
from psycopg import sql

from pfa_vanguard.db.queries import Conn, load
from pfa_vanguard.domain.costs import RecordCosts, record_costs
from pfa_vanguard.drafts.overlay import Overlay
from pfa_vanguard.kpi.board import Cell, CellKey, board, contribution
from pfa_vanguard.kpi.figures import exclusion_counts, exclusion_text
from pfa_vanguard.mirror.filters import RecordFilter, SortOrder


@dataclass(frozen=True, slots=True)
class ViewRecord:
    record_id: str
    data: dict[str, Any]  # merged, with the derived costs
    has_draft: bool
    costs: RecordCosts


_COST_SORTS = {"planCost": "plan", "forecastCost": "forecast", "actualCost": "actual"}


def _sort_value(order: SortOrder, data: dict[str, Any], costs: RecordCosts) -> Any:
    """The record's value in `order` (a cost from the costs already known: the same number)."""
    window = _COST_SORTS.get(order.field or "")
    return getattr(costs, window) if window else order.python_value(data)


def _derived(data: dict[str, Any], costs: RecordCosts) -> dict[str, Any]:
    data["hasPlan"], data["hasActuals"] = costs.has_plan, costs.has_actuals
    data["planCost"], data["forecastCost"] = float(costs.plan), float(costs.forecast)
    data["actualCost"] = float(costs.actual)
    return data


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
        cells: dict[CellKey, Cell] = {}
        for record in self.records:
            found = contribution(record.data, record.costs)
            if found:
                key, cell = found
                cells[key] = cells.get(key, Cell()) + cell
        excluded = exclusion_counts(r.data for r in self.records)
        return {
            **board(cells)["totals"],
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
                costs = RecordCosts(
                    Decimal(row["plan_cost"] or 0), Decimal(row["forecast_cost"] or 0),
                    Decimal(row["actual_cost"] or 0), row["has_plan"], row["has_actuals"],
                )  # fmt: skip
                data = _derived(orjson.loads(row["data"]), costs)
                record = ViewRecord(row["id"], data, False, costs)
                items.append((order.key(row["id"], _sort_value(order, data, costs)), record))
    for entry in drafted.values():
        if entry.orphaned or not where.matches(entry.record_id, entry.merged, True):
            continue
        costs = record_costs(entry.merged)
        data = _derived(dict(entry.merged), costs)
        record = ViewRecord(entry.record_id, data, True, costs)
        items.append((order.key(entry.record_id, _sort_value(order, data, costs)), record))
    items.sort(key=lambda item: item[0])
    return View([record for _, record in items], where, order)
