"""Lenient parsing of stored values, with exactly the semantics of the SQL functions
`pfa_to_date`, `pfa_to_numeric` and `pfa_to_bool` (db/migrations/0001_core.sql, redefined by
0051_sane_values.sql), and of web/src/domain/values.ts.

Dates are ASCII `YYYY-MM-DD` in the years `PARSE_MIN_YEAR`..`PARSE_MAX_YEAR` (lookalike digits
such as fullwidth ones and absurd years are not dates); numbers are finite with a magnitude of
at most `MAX_NUMBER`. What a draft may be set to is narrower still (settings
`PFA_DATE_MIN_YEAR` / `PFA_DATE_MAX_YEAR`, checked when a draft is saved)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

# Every parser (here, SQL and TypeScript) reads only these years as dates.
PARSE_MIN_YEAR = 1900
PARSE_MAX_YEAR = 2199
# ... and only numbers of at most this magnitude (a trillion) as numbers.
MAX_NUMBER = Decimal(10) ** 12

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)")
_TRUE = frozenset({"-1", "true", "+", "yes", "y", "1"})


def to_date(value: object) -> date | None:
    """An ISO `YYYY-MM-DD` string (ASCII digits, a year in the parse range) as a date;
    anything else (or an impossible date) is None."""
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return None
    year = int(value[0:4])
    if not PARSE_MIN_YEAR <= year <= PARSE_MAX_YEAR:
        return None
    try:
        return date(year, int(value[5:7]), int(value[8:10]))
    except ValueError:
        return None


def to_number(value: object) -> Decimal | None:
    """A JSON number or a decimal string (ASCII digits) as a Decimal, when finite and of
    magnitude at most `MAX_NUMBER`; anything else (NaN, infinity, 1e400) is None."""
    number: Decimal | None = None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str) and _NUMBER.fullmatch(value.strip(" ")):
        try:
            number = Decimal(value.strip(" "))
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
            return None
    if number is None or not number.is_finite() or abs(number) > MAX_NUMBER:
        return None
    return number


def to_bool(value: object) -> bool:
    """JSON booleans as they are; CHKBOOLEAN-style strings (-1, true, +, yes) true; else false."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in _TRUE
