"""Value text as the tenant shows it and reads it. The simulator stores one canonical text per
alias (dates `2024-06-13`, numbers `12500.00`, checkboxes `-1`/`0`, upper-case codes,
timestamps `2024-06-13T15:56:12.345Z`); the grid serves it in the API user's formats
(`6/13/2024`, `12,500.00`, `6/13/2024 15:56`), and edits may come in either form."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from pfa_vanguard.pems.simulator.options import DateOrder, FilterFormat

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
TRUE_FORMS = frozenset({"-1", "1", "+", "true", "yes", "y"})
FALSE_FORMS = frozenset({"0", "false", "-", "no", "n", ""})
_USER = {
    "MDY": re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?"),
    "DMY": re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?"),
    "YMD": re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?"),
}
_ORACLE = re.compile(r"(\d{1,2})-([A-Za-z]{3})-(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def format_modified(moment: datetime) -> str:
    """The canonical stored timestamp: UTC, milliseconds, `Z`."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# --- canonical -> what the grid serves ---------------------------------------------------------


@lru_cache(maxsize=8192)
def grid_date(text: str, order: DateOrder) -> str:
    """`2024-06-13` in the user's order; anything else (blank, garbage) as it is."""
    if len(text) != 10 or text[4] != "-":
        return text
    year, month, day = text[:4], text[5:7], text[8:]
    if order == "MDY":
        return f"{int(month)}/{int(day)}/{year}"
    if order == "DMY":
        return f"{day}/{month}/{year}"
    return text


def grid_stamp(text: str, order: DateOrder) -> str:
    """A canonical timestamp as the user sees it, to the minute: `6/13/2024 15:56`."""
    if len(text) < 16 or text[10] != "T":
        return text
    return f"{grid_date(text[:10], order)} {text[11:16]}"


def grid_number(text: str) -> str:
    """`12500.00` -> `12,500.00` (two decimals at least); garbage as it is."""
    if not text:
        return text
    head, _, tail = text.partition(".")
    sign = "-" if head.startswith("-") else ""
    digits = head.lstrip("-")
    if not digits.isdigit() or (tail and not tail.isdigit()):
        return text
    return f"{sign}{int(digits):,}.{tail.ljust(2, '0')}"


def grid_value(datatype: str, text: str, order: DateOrder) -> str:
    if not text:
        return text
    if datatype == "DATE":
        return grid_date(text, order)
    if datatype == "DATETIME":
        return grid_stamp(text, order)
    if datatype == "DECIMAL":
        return grid_number(text)
    return text


# --- any accepted form -> canonical --------------------------------------------------------------


def _moment(match: re.Match[str], order: DateOrder | None) -> datetime:
    a, b, c, hour, minute, second = match.groups()
    if order == "MDY":
        year, month, day = int(c), int(a), int(b)
    elif order == "DMY":
        year, month, day = int(c), int(b), int(a)
    else:
        year, month, day = int(a), int(b), int(c)
    return datetime(year, month, day, int(hour or 0), int(minute or 0), int(second or 0),
                    tzinfo=UTC)  # fmt: skip


def parse_user(text: str, order: DateOrder) -> datetime | None:
    """A date or date-time in the user's format (UTC), None when it is not one."""
    match = _USER[order].fullmatch(text.strip())
    if match is None:
        return None
    try:
        return _moment(match, order)
    except ValueError:
        return None


def parse_oracle(text: str) -> datetime | None:
    """`25-NOV-2025` (optionally with `HH:MM`), None when it is not one."""
    match = _ORACLE.fullmatch(text.strip())
    if match is None or match.group(2).upper() not in MONTHS:
        return None
    day, month, year, hour, minute, second = match.groups()
    try:
        return datetime(int(year), MONTHS.index(month.upper()) + 1, int(day), int(hour or 0),
                        int(minute or 0), int(second or 0), tzinfo=UTC)  # fmt: skip
    except ValueError:
        return None


def parse_filter_moment(text: str, form: FilterFormat, order: DateOrder) -> datetime:
    """A date/time filter value in the tenant's configured format, else ValueError."""
    if form == "user":
        found = parse_user(text, order)
        example = {"MDY": "11/25/2025 10:00", "DMY": "25/11/2025 10:00",
                   "YMD": "2025-11-25 10:00"}[order]  # fmt: skip
    elif form == "iso":
        found = parse_user(text, "YMD") if "T" not in text else None
        example = "2025-11-25 10:00"
    else:
        found = parse_oracle(text)
        example = "25-NOV-2025"
    if found is None:
        raise ValueError(f"{text!r} is not a date in the format {example}")
    return found


def _iso_moment(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def canonical(datatype: str, value: str, order: DateOrder) -> str:
    """An edit's value (ISO or user format) as stored; a value of neither form is kept as given,
    so that a test can put a malformed value in PEMS on purpose."""
    text = value.strip()
    if not text:
        return ""
    if datatype == "DATE":
        moment = _iso_moment(text) or parse_user(text, order) or parse_oracle(text)
        return moment.date().isoformat() if moment else value
    if datatype == "DATETIME":
        moment = _iso_moment(text) or parse_user(text, order) or parse_oracle(text)
        return format_modified(moment) if moment else value
    if datatype == "DECIMAL":
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation:
            return value
        return plain_number(number) if number.is_finite() else value
    if datatype == "CHKBOOLEAN":
        lowered = text.lower()
        return "-1" if lowered in TRUE_FORMS else "0" if lowered in FALSE_FORMS else value
    return value


def plain_number(number: Decimal) -> str:
    """A number as stored: plain digits, two decimals unless it needs more."""
    try:
        reduced = number.normalize()
        exponent = reduced.as_tuple().exponent
        if isinstance(exponent, int) and exponent >= -2:
            reduced = reduced.quantize(Decimal("0.01"))
    except InvalidOperation:
        return format(number, "f")
    return format(reduced, "f")


def day_of(text: str) -> date | None:
    """A canonical date, None when blank or malformed."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
