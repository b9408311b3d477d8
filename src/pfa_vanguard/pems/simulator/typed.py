"""The screen service's typed values: `DATETIMEDATA` and `NUMERICDATA` objects, read strictly (as
the tenant does: every required part, the configured year format) and written in full."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from pfa_vanguard.pems.simulator.formats import plain_number
from pfa_vanguard.pems.simulator.options import NumericValue, YearFormat

DATETIME_PARTS = ("YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "SUBSECOND", "TIMEZONE")
NUMERIC_PARTS = ("VALUE", "NUMOFDEC", "SIGN", "CURRENCY", "DRCR")
_TIMEZONE = re.compile(r"([+-])(\d{2}):?(\d{2})")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_DIGITS = 18  # what a NUMBER column of the screen holds; more is refused
_MAX_DECIMALS = 10


class TypedValueError(ValueError):
    """A typed value the tenant refuses (the message names the problem)."""


def _integer(obj: Mapping[str, Any], part: str, low: int, high: int) -> int:
    value = obj[part]
    digits = isinstance(value, str) and value.isascii() and value.lstrip("-").isdigit()
    if isinstance(value, str) and digits and len(value) < 20:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise TypedValueError(f"{part} must be an integer in [{low}, {high}], got {value!r}")
    return value


def _offset(text: object) -> timezone:
    match = _TIMEZONE.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise TypedValueError(f"TIMEZONE must look like +0000, got {text!r}")
    sign, hours, minutes = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    if delta >= timedelta(hours=24):
        raise TypedValueError(f"TIMEZONE out of range: {text!r}")
    return timezone(-delta if sign == "-" else delta)


def read_datetime(obj: object, year_format: YearFormat) -> datetime:
    """A DATETIMEDATA object as the moment it names. With `epoch-ms`, YEAR is epoch
    milliseconds and only the year of that moment (in TIMEZONE) counts: a calendar year such
    as 2025 is a moment of 1 January 1970."""
    if not isinstance(obj, Mapping):
        raise TypedValueError(f"DATETIMEDATA must be an object, got {obj!r}")
    missing = [part for part in DATETIME_PARTS if part not in obj]
    if missing:
        raise TypedValueError(f"DATETIMEDATA lacks {', '.join(missing)}")
    offset = _offset(obj["TIMEZONE"])
    if year_format == "epoch-ms":
        millis = _integer(obj, "YEAR", -62_135_596_800_000, 253_402_300_799_999)
        year = (_EPOCH + timedelta(milliseconds=millis)).astimezone(offset).year
    else:
        year = _integer(obj, "YEAR", 1, 9999)
    month = _integer(obj, "MONTH", 1, 12)
    day = _integer(obj, "DAY", 1, 31)
    try:
        return datetime(year, month, day, _integer(obj, "HOUR", 0, 23),
                        _integer(obj, "MINUTE", 0, 59), _integer(obj, "SECOND", 0, 59),
                        _integer(obj, "SUBSECOND", 0, 999) * 1000, tzinfo=offset)  # fmt: skip
    except ValueError as exc:
        raise TypedValueError(f"not a date: {exc}") from None


def write_datetime(moment: datetime, year_format: YearFormat) -> dict[str, Any]:
    """A moment as DATETIMEDATA with every part. With `epoch-ms`, YEAR is midnight UTC on
    2 January of the year (a moment inside the year whatever the reader's time zone)."""
    moment = moment.astimezone(UTC)
    year: int = moment.year
    if year_format == "epoch-ms":
        year = int((datetime(moment.year, 1, 2, tzinfo=UTC) - _EPOCH).total_seconds()) * 1000
    return {
        "YEAR": year, "MONTH": moment.month, "DAY": moment.day, "HOUR": moment.hour,
        "MINUTE": moment.minute, "SECOND": moment.second,
        "SUBSECOND": moment.microsecond // 1000, "TIMEZONE": "+0000", "qualifier": "OTHER",
    }  # fmt: skip


def write_date(day: date, year_format: YearFormat) -> dict[str, Any]:
    return write_datetime(datetime(day.year, day.month, day.day, tzinfo=UTC), year_format)


def read_number(obj: object, numeric_value: NumericValue = "unscaled") -> str:
    """A NUMERICDATA object as stored text. VALUE holds the unscaled digits (NUMOFDEC their
    scale) or, on a `plain` tenant, the number itself (NUMOFDEC only the decimals shown)."""
    if not isinstance(obj, Mapping):
        raise TypedValueError(f"NUMERICDATA must be an object, got {obj!r}")
    missing = [part for part in NUMERIC_PARTS if part not in obj]
    if missing:
        raise TypedValueError(f"NUMERICDATA lacks {', '.join(missing)}")
    scale = _integer(obj, "NUMOFDEC", 0, _MAX_DECIMALS)
    sign = obj["SIGN"]
    if sign not in ("+", "-"):
        raise TypedValueError(f"SIGN must be + or -, got {sign!r}")
    for part in ("CURRENCY", "DRCR"):
        if not isinstance(obj[part], str):
            raise TypedValueError(f"{part} must be a string, got {obj[part]!r}")
    if numeric_value == "plain":
        number = _plain_value(obj["VALUE"])
    else:
        limit = 10**_MAX_DIGITS - 1
        number = Decimal(_integer(obj, "VALUE", -limit, limit)).scaleb(-scale)
    negative = sign == "-" or number < 0
    number = -abs(number) if negative else abs(number)
    return plain_number(number)


def _plain_value(raw: object) -> Decimal:
    """VALUE of a `plain` tenant: a JSON number (or its text) within the field's digits."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise TypedValueError(f"VALUE must be a number, got {raw!r}")
    text = str(raw).strip()
    if not text.isascii():
        raise TypedValueError(f"VALUE must be a number, got {raw!r}")
    try:
        number = Decimal(text)
    except ArithmeticError:
        raise TypedValueError(f"VALUE must be a number, got {raw!r}") from None
    if not number.is_finite() or abs(number) >= 10**_MAX_DIGITS:
        raise TypedValueError(f"VALUE {raw!r} is out of range")
    return number


def write_number(text: str, numeric_value: NumericValue = "unscaled") -> dict[str, Any] | None:
    """Stored number text as NUMERICDATA (12500.00 -> VALUE 1250000, NUMOFDEC 2; on a `plain`
    tenant VALUE 12500), None when the stored text is not a number."""
    try:
        number = Decimal(text)
    except ArithmeticError:
        return None
    sign, digits, exponent = number.as_tuple()
    if not isinstance(exponent, int):
        return None
    scale = max(0, -exponent)
    unscaled = int("".join(map(str, digits)) or "0") * 10 ** max(0, exponent)
    value: int | float = unscaled
    if numeric_value == "plain":
        value = float(abs(number)) if scale else int(abs(number))
    return {"VALUE": value, "NUMOFDEC": scale, "SIGN": "-" if sign else "+",
            "CURRENCY": "USD", "DRCR": "D", "qualifier": "OTHER"}  # fmt: skip
