"""Values as the grid serves them and as edits and filters may give them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pfa_vanguard.pems.simulator.formats import canonical, grid_value, parse_filter_moment


@pytest.mark.parametrize(
    ("datatype", "stored", "order", "served"),
    [
        ("DATE", "2024-06-13", "MDY", "6/13/2024"),
        ("DATE", "2024-06-13", "DMY", "13/06/2024"),
        ("DATE", "2024-06-13", "YMD", "2024-06-13"),
        ("DATETIME", "2024-06-13T15:56:59.999Z", "MDY", "6/13/2024 15:56"),
        ("DATETIME", "2024-06-03T05:06:00.000Z", "DMY", "03/06/2024 05:06"),
        ("DECIMAL", "12500.00", "MDY", "12,500.00"),
        ("DECIMAL", "1234567.5", "MDY", "1,234,567.50"),
        ("DECIMAL", "-950.00", "MDY", "-950.00"),
        ("DECIMAL", "n/a", "MDY", "n/a"),
        ("CHKBOOLEAN", "-1", "MDY", "-1"),
        ("DATE", "", "MDY", ""),
        ("DATE", "garbled", "MDY", "garbled"),
    ],
)
def test_grid_values_follow_the_user_profile(
    datatype: str, stored: str, order: str, served: str
) -> None:
    assert grid_value(datatype, stored, order) == served  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("datatype", "given", "stored"),
    [
        ("DATE", "6/13/2024", "2024-06-13"),
        ("DATE", "2024-06-13", "2024-06-13"),
        ("DATE", "13-JUN-2024", "2024-06-13"),
        ("DATETIME", "6/13/2024 15:56", "2024-06-13T15:56:00.000Z"),
        ("DATETIME", "2024-06-13T15:56:01.5+02:00", "2024-06-13T13:56:01.500Z"),
        ("DECIMAL", "12,500", "12500.00"),
        ("DECIMAL", "0.125", "0.125"),
        ("CHKBOOLEAN", "true", "-1"),
        ("CHKBOOLEAN", "No", "0"),
        ("CHKBOOLEAN", "maybe", "maybe"),
        ("DATE", "31/31/2024", "31/31/2024"),
    ],
)
def test_edits_in_either_form_are_stored_canonical(datatype: str, given: str, stored: str) -> None:
    assert canonical(datatype, given, "MDY") == stored


def test_filter_values_must_be_in_the_configured_format() -> None:
    ten = datetime(2025, 11, 25, 10, 0, tzinfo=UTC)
    assert parse_filter_moment("11/25/2025 10:00", "user", "MDY") == ten
    assert parse_filter_moment("25/11/2025 10:00", "user", "DMY") == ten
    assert parse_filter_moment("2025-11-25 10:00", "iso", "MDY") == ten
    assert parse_filter_moment("25-nov-2025", "oracle", "MDY") == ten.replace(hour=0)
    assert parse_filter_moment("11/25/2025", "user", "MDY") == ten.replace(hour=0)
    for text, form in [("2025-11-25 10:00", "user"), ("11/25/2025", "iso"),
                       ("2025-11-25T10:00", "iso"), ("11/25/2025", "oracle"),
                       ("13/25/2025", "user")]:  # fmt: skip
        with pytest.raises(ValueError, match="is not a date in the format"):
            parse_filter_moment(text, form, "MDY")  # type: ignore[arg-type]
