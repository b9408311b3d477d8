"""The value formats of one PEMS tenant, both ways: the strings its grids send (formatted for the
API user's profile) and the typed values its screen service reads and writes.

A tenant formats grid values the way its API user would see them: dates in the user's day/month
order (`6/13/2024`, `13/06/2024`, `13-JUN-2024`, sometimes ISO), timestamps to the minute
(`6/13/2024 15:56`), numbers with thousands separators (`12,500.00`). The screen service takes
dates as `DATETIMEDATA` objects whose `YEAR` is, on a default tenant, epoch milliseconds of a
moment in that year, and numbers as `NUMERICDATA` with every part present. What public evidence
leaves open is a setting (`TenantFormats`), never an assumption.

Only ASCII digits are ever accepted: `\\d` would take fullwidth and other Unicode digits, which
Python reads as numbers and PostgreSQL does not.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

DateOrder = Literal["MDY", "DMY", "YMD"]
YearFormat = Literal["epoch-ms", "calendar"]
FilterFormat = Literal["user", "iso", "oracle"]
NumericValue = Literal["unscaled", "plain"]

DATE_ORDERS: tuple[DateOrder, ...] = ("MDY", "DMY", "YMD")
YEAR_FORMATS: tuple[YearFormat, ...] = ("epoch-ms", "calendar")
FILTER_FORMATS: tuple[FilterFormat, ...] = ("user", "iso", "oracle")
NUMERIC_VALUES: tuple[NumericValue, ...] = ("unscaled", "plain")

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_MONTH_NUMBERS = {name: number for number, name in enumerate(MONTHS, 1)}

_ISO = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[T ](.*))?$")
_ORACLE = re.compile(r"^([0-9]{1,2})-([A-Za-z]{3})-([0-9]{4})(?: (.*))?$")
_NUMERIC_DATE = re.compile(r"^([0-9]{1,4})[/.]([0-9]{1,2})[/.]([0-9]{1,4})(?: (.*))?$")
_CLOCK = re.compile(
    r"^([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,6}))?)?(?: ?([AaPp][Mm]))?$"
)
# The common shape of a grid timestamp (`6/13/2024 15:56`), parsed without the general path.
_USER_STAMP = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4}) ([0-9]{1,2}):([0-9]{2})$")
_OFFSET = re.compile(r"^([+-])([0-9]{2}):?([0-9]{2})$")
_NUMBER = re.compile(r"^[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?$|^[+-]?\.[0-9]+$")
# Below this, DATETIMEDATA.YEAR is a calendar year; above, epoch milliseconds (a tenant may
# send either; what we write follows the setting).
_EPOCH_MS_FLOOR = 100_000


@dataclass(frozen=True)
class TenantFormats:
    """How one tenant formats values. Defaults are a default HxGN EAM tenant with a US profile.

    date_order: day/month order of grid dates and date filters (ISO is always understood).
    year_format: how `DATETIMEDATA.YEAR` is written: `epoch-ms` (`RSYRYYYY=NO`, the default)
    or `calendar` (`RSYRYYYY=YES`). Both are understood when read.
    filter_format: the value format of date/time grid filters: `user` (the date order, with
    `HH:MM`), `iso` (`YYYY-MM-DD HH:MM`) or `oracle` (`DD-MON-YYYY`, day precision).
    timezone: the tenant's UTC offset (`+0000`, `-0500`) for timestamps without one and the
    `TIMEZONE` of `DATETIMEDATA`. currency: `NUMERICDATA.CURRENCY`.
    numeric_value: what `NUMERICDATA.VALUE` holds: `unscaled` (the digits without the decimal
    point, NUMOFDEC their scale: 12,500.00 is VALUE 1250000 with NUMOFDEC 2; how the vendor's
    own clients encode and decode numbers) or `plain` (the number itself, NUMOFDEC only the
    decimals shown: 12,500.00 is VALUE 12500 with NUMOFDEC 2).
    """

    date_order: DateOrder = "MDY"
    year_format: YearFormat = "epoch-ms"
    filter_format: FilterFormat = "user"
    timezone: str = "+0000"
    currency: str = "USD"
    numeric_value: NumericValue = "unscaled"

    def __post_init__(self) -> None:
        if self.date_order not in DATE_ORDERS:
            raise ValueError(f"date order must be one of {', '.join(DATE_ORDERS)}")
        if self.year_format not in YEAR_FORMATS:
            raise ValueError(f"year format must be one of {', '.join(YEAR_FORMATS)}")
        if self.filter_format not in FILTER_FORMATS:
            raise ValueError(f"date filter format must be one of {', '.join(FILTER_FORMATS)}")
        if self.numeric_value not in NUMERIC_VALUES:
            raise ValueError(f"numeric value must be one of {', '.join(NUMERIC_VALUES)}")
        parse_offset(self.timezone)
        if not re.fullmatch(r"[A-Z]{3}", self.currency):
            raise ValueError(f"currency must be a three-letter code, got {self.currency!r}")

    @property
    def zone(self) -> tzinfo:
        return parse_offset(self.timezone)


@functools.cache
def parse_offset(text: str) -> timezone:
    """`+0000`, `-05:00` → a fixed UTC offset; ValueError otherwise."""
    match = _OFFSET.match(text.strip())
    if not match:
        raise ValueError(f"time zone must be an offset like +0000 or -0500, got {text!r}")
    sign = -1 if match[1] == "-" else 1
    hours, minutes = int(match[2]), int(match[3])
    if hours > 14 or minutes > 59:
        raise ValueError(f"time zone offset {text!r} is out of range")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


# --- grid strings -> values -------------------------------------------------------------------


def _split_date(text: str, order: DateOrder) -> tuple[int, int, int, str | None] | None:
    """(year, month, day, rest after the date) of a date in any understood form, or None."""
    if match := _ISO.match(text):
        return int(match[1]), int(match[2]), int(match[3]), match[4]
    if match := _ORACLE.match(text):
        month = _MONTH_NUMBERS.get(match[2].upper())
        return None if month is None else (int(match[3]), month, int(match[1]), match[4])
    if match := _NUMERIC_DATE.match(text):
        first, second, third = match[1], match[2], match[3]
        if order == "YMD" or len(first) == 4:
            y, m, d = first, second, third
        elif order == "DMY":
            d, m, y = first, second, third
        else:
            m, d, y = first, second, third
        if len(y) != 4:
            return None
        return int(y), int(m), int(d), match[4]
    return None


def parse_date(text: str, order: DateOrder = "MDY") -> date | None:
    """A grid date (`6/13/2024`, `13-JUN-2024`, `2024-06-13`, a time part ignored) as a date;
    None for an empty value. Raises ValueError for anything else."""
    text = text.strip()
    if not text:
        return None
    parts = _split_date(text, order)
    if parts is None:
        raise ValueError(f"{text!r} is not a date")
    year, month, day, _rest = parts
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{text!r} is not a date") from None


def _clock(rest: str | None) -> tuple[int, int, int, int]:
    if rest is None or not rest.strip():
        return 0, 0, 0, 0
    text = rest.strip()
    zone_free = text.removesuffix("Z")
    match = _CLOCK.match(zone_free)
    if not match:
        raise ValueError(f"{text!r} is not a time of day")
    hour, minute = int(match[1]), int(match[2])
    second = int(match[3] or 0)
    micro = int((match[4] or "0").ljust(6, "0"))
    if match[5]:
        if not 1 <= hour <= 12:
            raise ValueError(f"{text!r} is not a time of day")
        hour = hour % 12 + (12 if match[5].upper() == "PM" else 0)
    return hour, minute, second, micro


def parse_timestamp(text: str, formats: TenantFormats | None = None) -> datetime | None:
    """A grid timestamp as an aware UTC datetime: ISO 8601 (with `Z`, an offset, or none: the
    tenant's zone), or a user-format date with a time (`6/13/2024 15:56`, `3:56 PM`). None for
    an empty value; ValueError for anything else."""
    formats = formats or TenantFormats()
    text = text.strip()
    if not text:
        return None
    if not text.isascii():
        raise ValueError(f"{text!r} is not a timestamp")
    if (quick := _USER_STAMP.match(text)) and formats.date_order != "YMD":
        first, second = int(quick[1]), int(quick[2])
        month, day = (second, first) if formats.date_order == "DMY" else (first, second)
        try:
            local = datetime(int(quick[3]), month, day, int(quick[4]), int(quick[5]),
                             tzinfo=formats.zone)  # fmt: skip
        except ValueError:
            raise ValueError(f"{text!r} is not a timestamp") from None
        return local.astimezone(UTC)
    if _ISO.match(text):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            moment = None
        if moment is not None:
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=formats.zone)
            return moment.astimezone(UTC)
    parts = _split_date(text, formats.date_order)
    if parts is None:
        raise ValueError(f"{text!r} is not a timestamp")
    year, month, day, rest = parts
    hour, minute, second, micro = _clock(rest)
    try:
        local = datetime(year, month, day, hour, minute, second, micro, tzinfo=formats.zone)
    except ValueError:
        raise ValueError(f"{text!r} is not a timestamp") from None
    return local.astimezone(UTC)


def parse_number(text: str) -> Decimal | None:
    """A grid number (`12,500.00`, `-3.5`, `1250`) as a Decimal; None for an empty value.
    Raises ValueError for anything else (`1,2`, `NaN`, Unicode digits)."""
    text = text.strip()
    if not text:
        return None
    if not _NUMBER.match(text):
        raise ValueError(f"{text!r} is not a number")
    return Decimal(text.replace(",", ""))


# --- values -> grid filter text ---------------------------------------------------------------


def format_date(day: date, order: DateOrder) -> str:
    """A date as the user's profile shows it: `6/13/2024`, `13/06/2024`, `2024-06-13`."""
    if order == "MDY":
        return f"{day.month}/{day.day}/{day.year}"
    if order == "DMY":
        return f"{day.day:02d}/{day.month:02d}/{day.year}"
    return day.isoformat()


def format_filter_moment(moment: datetime, formats: TenantFormats) -> str:
    """A moment as the value of a date/time grid filter, truncated to what the format holds
    (minute or day), in the tenant's zone. Truncation only widens a `>=` filter."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(formats.zone)
    clock = f"{local.hour:02d}:{local.minute:02d}"
    if formats.filter_format == "oracle":
        return f"{local.day:02d}-{MONTHS[local.month - 1]}-{local.year}"
    if formats.filter_format == "iso":
        return f"{local.date().isoformat()} {clock}"
    return f"{format_date(local.date(), formats.date_order)} {clock}"


# --- typed screen values ----------------------------------------------------------------------


def datetimedata(day: date, formats: TenantFormats) -> dict[str, Any]:
    """`DATETIMEDATA` of a date, every required part present. With `epoch-ms`, YEAR is the
    epoch milliseconds of local midnight on 2 January of the year (a moment safely inside it
    whatever the zone)."""
    if formats.year_format == "epoch-ms":
        anchor = datetime(day.year, 1, 2, tzinfo=formats.zone)
        year: int = int(anchor.timestamp()) * 1000
    else:
        year = day.year
    return {
        "YEAR": year,
        "MONTH": day.month,
        "DAY": day.day,
        "HOUR": 0,
        "MINUTE": 0,
        "SECOND": 0,
        "SUBSECOND": 0,
        "TIMEZONE": formats.timezone,
        "qualifier": "OTHER",
    }


def _integer(value: object, name: str) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{name} {value!r} is not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"[+-]?[0-9]+", value.strip()):
        return int(value)
    raise ValueError(f"{name} {value!r} is not an integer")


def read_datetimedata(value: Mapping[str, Any], formats: TenantFormats) -> date:
    """The date of a `DATETIMEDATA` object (YEAR as epoch milliseconds or a calendar year).
    Raises ValueError when a part is missing or the date does not exist."""
    try:
        raw_year = _integer(value["YEAR"], "YEAR")
        month = _integer(value["MONTH"], "MONTH")
        day = _integer(value["DAY"], "DAY")
    except KeyError as exc:
        raise ValueError(f"DATETIMEDATA lacks {exc.args[0]}") from None
    if abs(raw_year) >= _EPOCH_MS_FLOOR:
        zone = formats.zone
        if isinstance(value.get("TIMEZONE"), str):
            with contextlib.suppress(ValueError):
                zone = parse_offset(value["TIMEZONE"])
        try:
            year = datetime.fromtimestamp(raw_year / 1000, tz=zone).year
        except (OverflowError, OSError, ValueError):
            raise ValueError(f"DATETIMEDATA YEAR {raw_year} is out of range") from None
    else:
        year = raw_year
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"DATETIMEDATA {year}-{month}-{day} is not a date") from None


def numericdata(number: Decimal, formats: TenantFormats) -> dict[str, Any]:
    """`NUMERICDATA` of a finite number, SIGN, CURRENCY and DRCR always present. VALUE is
    unsigned: with `unscaled` the digits without the decimal point and NUMOFDEC their scale
    (1250.5 → 12505, 1); with `plain` the number itself (1250.5 → 1250.5, 1)."""
    if not number.is_finite():
        raise ValueError(f"{number} is not a finite number")
    sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    scale = max(0, -exponent)
    unscaled = int("".join(map(str, digits)) or "0") * (10 ** max(0, exponent))
    value: int | float = unscaled
    if formats.numeric_value == "plain" and scale:
        value = float(abs(number))
        if Decimal(repr(value)) != abs(number):
            raise ValueError(f"{number} has more digits than a plain NUMERICDATA VALUE holds")
    elif formats.numeric_value == "plain":
        value = int(abs(number))
    return {
        "VALUE": value,
        "NUMOFDEC": scale,
        "SIGN": "-" if sign and unscaled else "+",
        "CURRENCY": formats.currency,
        "DRCR": "D",
        "qualifier": "OTHER",
    }


def read_numericdata(value: Mapping[str, Any], numeric_value: NumericValue = "unscaled") -> Decimal:
    """The number of a `NUMERICDATA` object read as `numeric_value` says (see TenantFormats);
    ValueError when malformed."""
    try:
        raw = value["VALUE"]
        scale = _integer(value.get("NUMOFDEC", 0), "NUMOFDEC")
    except KeyError:
        raise ValueError("NUMERICDATA lacks VALUE") from None
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise ValueError(f"NUMERICDATA VALUE {raw!r} is not a number")
    try:
        digits = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValueError(f"NUMERICDATA VALUE {raw!r} is not a number") from None
    if not digits.is_finite() or not 0 <= scale <= 30:
        raise ValueError(f"NUMERICDATA {dict(value)!r} is not a finite number")
    number = digits if numeric_value == "plain" else digits.scaleb(-scale)
    if str(value.get("SIGN", "+")).strip() == "-":
        number = -abs(number)
    return number
