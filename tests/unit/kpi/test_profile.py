"""The spend profile's spreading of one window over its months."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pfa_vanguard.domain.costs import window_cost
from pfa_vanguard.kpi.profile import spread


def test_a_rental_is_spread_by_its_days_and_adds_up_to_its_cost() -> None:
    start, end, rate = date(2026, 1, 16), date(2026, 4, 10), Decimal("3044.00")
    months = dict(spread("Rental", start, end, rate, None))
    assert list(months) == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]
    assert sum(months.values()) == window_cost("Rental", start, end, rate, None)
    # 16 days in January, 28 in February, 31 in March, 9 in April: 100 a day
    assert months[date(2026, 1, 1)] == Decimal("1600.00")
    assert months[date(2026, 2, 1)] == Decimal("2800.00")
    assert months[date(2026, 4, 1)] == Decimal("900.00")


def test_odd_rates_still_add_up_to_the_cent() -> None:
    start, end, rate = date(2025, 12, 31), date(2027, 2, 3), Decimal("1234.57")
    months = list(spread("Rental", start, end, rate, None))
    assert len(months) == 15
    assert sum(a for _, a in months) == window_cost("Rental", start, end, rate, None)


def test_a_purchase_counts_whole_in_its_first_month_and_empty_windows_cost_nothing() -> None:
    assert list(spread("Purchase", date(2026, 5, 20), date(2026, 9, 1), None, Decimal("99.5"))) == [
        (date(2026, 5, 1), Decimal("99.50"))
    ]
    assert list(spread("Rental", None, date(2026, 9, 1), Decimal(100), None)) == []
    assert list(spread("Rental", date(2026, 9, 1), date(2026, 9, 1), Decimal(100), None)) == []
    assert list(spread("Lease", date(2026, 1, 1), date(2026, 9, 1), Decimal(100), None)) == []
