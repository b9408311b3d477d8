"""Dates and numbers: ASCII digits only, sane years, finite numbers of sane magnitude."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pfa_vanguard.domain.drafts import date_range_errors
from pfa_vanguard.domain.values import to_date, to_number


@pytest.mark.parametrize(
    "value",
    [
        "２０３０-01-01",  # fullwidth digits
        "٢٠٣٠-01-01",  # Arabic-Indic digits
        "2030-０1-01",
        "0001-01-01",
        "9999-12-31",
        "1899-12-31",
        "2200-01-01",
        "2030-01-01\n",
        "2030-02-30",
    ],
)
def test_lookalike_digits_and_absurd_years_are_no_date(value: str) -> None:
    assert to_date(value) is None


def test_dates_in_the_parse_range_are_read() -> None:
    assert to_date("1900-01-01") == date(1900, 1, 1)
    assert to_date("2199-12-31") == date(2199, 12, 31)
    assert to_date("2030-06-15") == date(2030, 6, 15)


@pytest.mark.parametrize(
    "value",
    [float("nan"), float("inf"), float("-inf"), 1e13, -(10**13), "1e5", "１２", "\t12", "NaN"],
)
def test_non_finite_huge_and_lookalike_numbers_are_no_number(value: object) -> None:
    assert to_number(value) is None


def test_numbers_up_to_the_maximum_are_read() -> None:
    assert to_number(10**12) == Decimal(10**12)
    assert to_number(" -12.5 ") == Decimal("-12.5")
    assert to_number(1.5) == Decimal("1.5")


def test_a_draft_date_must_lie_in_the_configured_years() -> None:
    changes = {"forecastStart": "1989-12-31", "forecastEnd": "2101-01-01", "dor": "BEO"}
    errors = date_range_errors(changes, 1990, 2100)
    assert set(errors) == {"forecastStart", "forecastEnd"}
    assert "1990 to 2100" in errors["forecastStart"]
    assert date_range_errors({"forecastStart": "1990-01-01"}, 1990, 2100) == {}
