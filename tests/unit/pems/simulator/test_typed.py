"""DATETIMEDATA and NUMERICDATA as the tenant reads and writes them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from pfa_vanguard.pems.simulator.typed import (
    TypedValueError,
    read_datetime,
    read_number,
    write_date,
    write_datetime,
    write_number,
)

JAN_2_2025_MS = 1_735_776_000_000


def parts(year: int, **over: Any) -> dict[str, Any]:
    value = {"YEAR": year, "MONTH": 4, "DAY": 1, "HOUR": 0, "MINUTE": 0, "SECOND": 0,
             "SUBSECOND": 0, "TIMEZONE": "+0000"}  # fmt: skip
    value.update(over)
    return value


def test_epoch_ms_year_is_read_in_its_time_zone_and_a_calendar_year_is_1970() -> None:
    assert read_datetime(parts(JAN_2_2025_MS), "epoch-ms").date() == date(2025, 4, 1)
    # 23:00 UTC on 31 December 2024 is already 2025 at +0100 (local midnight, as CERN sends)
    local = parts(JAN_2_2025_MS - 25 * 3_600_000, TIMEZONE="+0100")
    assert read_datetime(local, "epoch-ms").year == 2025
    assert read_datetime(dict(local, TIMEZONE="+0000"), "epoch-ms").year == 2024
    assert read_datetime(parts(2025), "epoch-ms").date() == date(1970, 4, 1)
    assert read_datetime(parts(2025), "calendar").date() == date(2025, 4, 1)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"YEAR": JAN_2_2025_MS, "MONTH": 4, "DAY": 1}, "lacks HOUR, MINUTE, SECOND, SUBSECOND"),
        (parts(JAN_2_2025_MS, MONTH=13), "MONTH must be an integer in"),
        (parts(JAN_2_2025_MS, DAY=31, MONTH=4), "not a date"),
        (parts(JAN_2_2025_MS, TIMEZONE="UTC"), "TIMEZONE must look like"),
        (parts(JAN_2_2025_MS, HOUR=True), "HOUR must be an integer"),
        (parts(10**19), "YEAR must be an integer"),
        ("2025-04-01", "must be an object"),
    ],
)
def test_incomplete_or_wrong_dates_are_refused(value: object, message: str) -> None:
    with pytest.raises(TypedValueError, match=message):
        read_datetime(value, "epoch-ms")


def test_written_dates_carry_every_part_and_read_back() -> None:
    written = write_date(date(2025, 4, 1), "epoch-ms")
    assert written == parts(JAN_2_2025_MS) | {"qualifier": "OTHER"}
    assert write_date(date(2025, 4, 1), "calendar")["YEAR"] == 2025
    moment = datetime(2025, 11, 25, 10, 4, 31, 250_000, tzinfo=UTC)
    for year_format in ("epoch-ms", "calendar"):
        back = read_datetime(write_datetime(moment, year_format), year_format)
        assert back == moment


def test_numbers_are_unscaled_digits_with_a_scale() -> None:
    expected = {"VALUE": 1250000, "NUMOFDEC": 2, "SIGN": "+", "CURRENCY": "USD", "DRCR": "D",
                "qualifier": "OTHER"}  # fmt: skip
    assert write_number("12500.00") == expected
    negative = write_number("-3.5")
    assert negative is not None
    assert (negative["VALUE"], negative["NUMOFDEC"], negative["SIGN"]) == (35, 1, "-")
    assert write_number("n/a") is None
    full = {"VALUE": 1250000, "NUMOFDEC": 2, "SIGN": "+", "CURRENCY": "USD", "DRCR": "D"}
    assert read_number(full) == "12500.00"
    assert read_number(dict(full, VALUE=125, NUMOFDEC=0)) == "125.00"
    assert read_number(dict(full, VALUE=12345, NUMOFDEC=3)) == "12.345"
    assert read_number(dict(full, SIGN="-")) == "-12500.00"
    assert read_number(dict(full, VALUE="1250000")) == "12500.00"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"SIGN": None}, "SIGN must be"),
        ({"VALUE": 10**19}, "VALUE must be an integer"),
        ({"VALUE": 1.5}, "VALUE must be an integer"),
        ({"NUMOFDEC": 40}, "NUMOFDEC must be an integer"),
        ({"CURRENCY": 1}, "CURRENCY must be a string"),
    ],
)
def test_wrong_numbers_are_refused(change: dict[str, Any], message: str) -> None:
    full = {"VALUE": 1, "NUMOFDEC": 2, "SIGN": "+", "CURRENCY": "USD", "DRCR": "D"}
    with pytest.raises(TypedValueError, match=message):
        read_number(full | change)
    with pytest.raises(TypedValueError, match="lacks SIGN, CURRENCY, DRCR"):
        read_number({"VALUE": 1, "NUMOFDEC": 2})


def test_a_plain_tenant_holds_the_number_itself_in_value() -> None:
    written = write_number("12500.00", "plain")
    assert written is not None
    assert (written["VALUE"], written["NUMOFDEC"], written["SIGN"]) == (12500.0, 2, "+")
    assert write_number("-3.5", "plain") == dict(written, VALUE=3.5, NUMOFDEC=1, SIGN="-")
    full = {"VALUE": 12500, "NUMOFDEC": 2, "SIGN": "+", "CURRENCY": "USD", "DRCR": "D"}
    assert read_number(full, "plain") == "12500.00"
    assert read_number(full, "unscaled") == "125.00"
    assert read_number(dict(full, VALUE=12500.5), "plain") == "12500.50"
    assert read_number(dict(full, VALUE="7.25", SIGN="-"), "plain") == "-7.25"
    for wrong in (True, None, "1e999", "١٢", 10**19, "NaN"):
        with pytest.raises(TypedValueError, match="VALUE"):
            read_number(dict(full, VALUE=wrong), "plain")


@pytest.mark.parametrize("lookalike", ["١٢٥", "１２５", "12５"])
def test_lookalike_digits_in_typed_parts_are_refused(lookalike: str) -> None:
    full = {"VALUE": lookalike, "NUMOFDEC": 2, "SIGN": "+", "CURRENCY": "USD", "DRCR": "D"}
    with pytest.raises(TypedValueError, match="VALUE must be an integer"):
        read_number(full)
    with pytest.raises(TypedValueError, match="NUMOFDEC must be an integer"):
        read_number(dict(full, VALUE=1, NUMOFDEC="٢"))
