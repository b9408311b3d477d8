"""The KPI board as pure functions: cells (category x source) of summed costs, the board's
views of them, and a draft delta applied to the cells.

Rules (docs/domain.md, "KPIs"): the records kpi/figures.py leaves out are left out; variance =
forecast - plan; variance % = variance / plan x 100 (0 when plan is 0); over budget when the
variance is positive. Amounts are summed as Decimal (each record rounded to cents, as the SQL
does), so a board recomputed from scratch and one patched by a delta agree to the cent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from pfa_vanguard.domain.costs import RecordCosts, record_costs
from pfa_vanguard.kpi.figures import counts_in_figures

_ZERO = Decimal(0)
CellKey = tuple[str, str]  # (category, source)


@dataclass(frozen=True)
class Cell:
    count: int = 0
    plan: Decimal = _ZERO
    forecast: Decimal = _ZERO
    actual: Decimal = _ZERO

    def __add__(self, other: Cell) -> Cell:
        return Cell(
            self.count + other.count,
            self.plan + other.plan,
            self.forecast + other.forecast,
            self.actual + other.actual,
        )

    def __neg__(self) -> Cell:
        return Cell(-self.count, -self.plan, -self.forecast, -self.actual)


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def contribution(
    record: Mapping[str, Any], costs: RecordCosts | None = None
) -> tuple[CellKey, Cell] | None:
    """What one record adds to the board (None when the KPI rules leave it out). `costs`: the
    record's costs when already known (the mirror's generated columns hold the same numbers)."""
    if not counts_in_figures(record):
        return None
    costs = costs or record_costs(record)
    key = (_text(record.get("category")), _text(record.get("source")))
    return key, Cell(1, costs.plan, costs.forecast, costs.actual)


def cells_from_rows(rows: Iterable[Mapping[str, Any]]) -> dict[CellKey, Cell]:
    """Cells from pfa_kpi_summary rows."""
    return {
        (r["category"], r["source"]): Cell(
            int(r["record_count"]),
            Decimal(r["total_plan_cost"] or 0),
            Decimal(r["total_forecast_cost"] or 0),
            Decimal(r["total_actual_cost"] or 0),
        )
        for r in rows
    }


def cells_from_records(records: Iterable[Mapping[str, Any]]) -> dict[CellKey, Cell]:
    """Cells computed from scratch (the reference a delta must agree with)."""
    cells: dict[CellKey, Cell] = {}
    for record in records:
        found = contribution(record)
        if found:
            key, cell = found
            cells[key] = cells.get(key, Cell()) + cell
    return cells


def apply_delta(
    cells: Mapping[CellKey, Cell],
    changed: Iterable[tuple[Mapping[str, Any] | None, Mapping[str, Any] | None]],
) -> dict[CellKey, Cell]:
    """`cells` with each (before, after) record pair swapped: before's contribution taken
    out (None: it was not counted), after's put in (None: it no longer counts)."""
    result = dict(cells)
    for before, after in changed:
        for record, sign in ((before, -1), (after, 1)):
            if record is None:
                continue
            found = contribution(record)
            if found:
                key, cell = found
                result[key] = result.get(key, Cell()) + (cell if sign > 0 else -cell)
    return {k: v for k, v in result.items() if v != Cell() or v.count}


def _money(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01")))


@dataclass(frozen=True)
class _Split:
    rental: Cell = Cell()
    purchase: Cell = Cell()
    other: Cell = Cell()

    def add(self, source: str, cell: Cell) -> _Split:
        if source == "Rental":
            return replace(self, rental=self.rental + cell)
        if source == "Purchase":
            return replace(self, purchase=self.purchase + cell)
        return replace(self, other=self.other + cell)

    def figures(self) -> dict[str, Any]:
        total = self.rental + self.purchase + self.other
        variance = total.forecast - total.plan
        pct = (variance / total.plan * 100) if total.plan else _ZERO
        return {
            "recordCount": total.count,
            "plan": self._window("plan"),
            "forecast": self._window("forecast"),
            "actual": self._window("actual"),
            "variance": _money(variance),
            "variancePct": float(pct.quantize(Decimal("0.01"))),
            "overBudget": variance > 0,
        }

    def _window(self, name: str) -> dict[str, float]:
        rental, purchase, other = (
            getattr(c, name) for c in (self.rental, self.purchase, self.other)
        )
        return {
            "total": _money(rental + purchase + other),
            "rental": _money(rental),
            "purchase": _money(purchase),
        }


def board(cells: Mapping[CellKey, Cell]) -> dict[str, Any]:
    """{"totals", "byCategory": [...], "bySource": [...]} of figures, each with plan/forecast/
    actual split into rental and purchase, variance, variance % and overBudget."""
    totals = _Split()
    by_category: dict[str, _Split] = {}
    by_source: dict[str, _Split] = {}
    for (category, source), cell in cells.items():
        totals = totals.add(source, cell)
        by_category[category] = by_category.get(category, _Split()).add(source, cell)
        by_source[source] = by_source.get(source, _Split()).add(source, cell)
    return {
        "totals": totals.figures(),
        "byCategory": [{"category": k, **v.figures()} for k, v in sorted(by_category.items())],
        "bySource": [{"source": k, **v.figures()} for k, v in sorted(by_source.items())],
    }
