from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pfa_vanguard.domain.costs import record_costs, window_cost, window_days
from pfa_vanguard.domain.values import to_bool, to_date, to_number
from pfa_vanguard.kpi.figures import counts_in_figures as counts_in_kpi


def test_window_days_never_negative() -> None:
    assert window_days(date(2025, 3, 1), date(2025, 3, 31)) == 30
    assert window_days(date(2025, 3, 31), date(2025, 3, 1)) == 0
    assert window_days(None, date(2025, 3, 1)) == 0


def test_rental_cost_is_days_over_30_44_times_rate() -> None:
    cost = window_cost("Rental", date(2025, 1, 1), date(2025, 1, 31), Decimal(3044), None)
    assert cost == Decimal("3000.00")


def test_purchase_cost_is_the_price_whatever_the_length() -> None:
    assert window_cost("Purchase", date(2025, 1, 1), date(2025, 1, 2), None, Decimal("99.5")) == (
        Decimal("99.50")
    )
    assert window_cost("Purchase", date(2025, 1, 1), date(2027, 1, 2), None, Decimal("99.5")) == (
        Decimal("99.50")
    )


def test_actual_cost_counts_only_with_actuals() -> None:
    record = {
        "source": "Rental",
        "monthlyRate": "3044",
        "originalStart": "2025-01-01",
        "originalEnd": "2025-01-31",
        "forecastStart": "2025-01-01",
        "forecastEnd": "2025-03-02",
        "actualStart": "2025-01-05",
    }
    costs = record_costs(record)
    assert costs.plan == Decimal("3000.00")
    assert costs.forecast == Decimal("6000.00")
    assert costs.actual == 0
    assert costs.has_plan
    assert not costs.has_actuals


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("-1", True), ("true", True), ("+", True), ("Yes", True), ("0", False), ("false", False),
     ("-", False), ("No", False), ("", False), (None, False), (True, True), (False, False)],
)  # fmt: skip
def test_chkboolean_forms(raw: object, expected: bool) -> None:
    assert to_bool(raw) is expected


def test_malformed_values_become_none() -> None:
    assert to_date("2025-02-30") is None
    assert to_date("n/a") is None
    assert to_number("n/a") is None
    assert to_number("12500.00") == Decimal("12500.00")
    assert to_number(True) is None


def test_kpi_leaves_out_discontinued_and_funds_transferable() -> None:
    assert counts_in_kpi({"isDiscontinued": False, "isFundsTransferable": False})
    assert not counts_in_kpi({"isDiscontinued": True})
    assert not counts_in_kpi({"isFundsTransferable": "-1"})
