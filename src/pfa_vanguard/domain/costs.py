"""Cost rules (docs/domain.md) in pure Python: the same numbers as the SQL generated columns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pfa_vanguard.domain.fields import WINDOWS
from pfa_vanguard.domain.values import to_date, to_number

DAYS_PER_MONTH = Decimal("30.44")
_CENT = Decimal("0.01")


def window_days(start: date | None, end: date | None) -> int:
    """Whole days from start to end, never below 0 (0 for an incomplete window)."""
    if start is None or end is None:
        return 0
    return max((end - start).days, 0)


def window_cost(
    source: object,
    start: date | None,
    end: date | None,
    monthly_rate: Decimal | None,
    purchase_price: Decimal | None,
) -> Decimal:
    """Cost of one window: rental = days / 30.44 x rate, purchase = price, rounded to cents.

    An incomplete window (a missing date) costs 0, as does an unknown source.
    """
    if start is None or end is None:
        return Decimal(0)
    if source == "Purchase":
        return (purchase_price or Decimal(0)).quantize(_CENT, ROUND_HALF_UP)
    if source == "Rental":
        raw = Decimal(window_days(start, end)) * (monthly_rate or Decimal(0)) / DAYS_PER_MONTH
        return raw.quantize(_CENT, ROUND_HALF_UP)
    return Decimal(0)


@dataclass(frozen=True)
class RecordCosts:
    plan: Decimal
    forecast: Decimal
    actual: Decimal
    has_plan: bool
    has_actuals: bool


def record_costs(record: Mapping[str, Any]) -> RecordCosts:
    """Plan, forecast and actual cost of one (merged) record."""
    source = record.get("source")
    rate = to_number(record.get("monthlyRate"))
    price = to_number(record.get("purchasePrice"))
    costs: dict[str, Decimal] = {}
    complete: dict[str, bool] = {}
    for window, (start_field, end_field) in WINDOWS.items():
        start, end = to_date(record.get(start_field)), to_date(record.get(end_field))
        complete[window] = start is not None and end is not None
        costs[window] = window_cost(source, start, end, rate, price)
    return RecordCosts(
        plan=costs["plan"],
        forecast=costs["forecast"],
        actual=costs["actual"] if complete["actual"] else Decimal(0),
        has_plan=complete["plan"],
        has_actuals=complete["actual"],
    )


def with_derived(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record plus hasPlan, hasActuals and the three costs (as JSON numbers)."""
    costs = record_costs(record)
    return {
        **record,
        "hasPlan": costs.has_plan,
        "hasActuals": costs.has_actuals,
        "planCost": float(costs.plan),
        "forecastCost": float(costs.forecast),
        "actualCost": float(costs.actual),
    }
