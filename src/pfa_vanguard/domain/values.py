"""Lenient parsing of stored values, with exactly the semantics of the SQL functions
`pfa_to_date`, `pfa_to_numeric` and `pfa_to_bool` (db/migrations/0001_core.sql)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)$")
_TRUE = frozenset({"-1", "true", "+", "yes", "y", "1"})


def to_date(value: object) -> date | None:
    """An ISO `YYYY-MM-DD` string as a date; anything else (or an impossible date) is None."""
    if not isinstance(value, str) or not _DATE.match(value):
        return None
    try:
        return date(int(value[0:4]), int(value[5:7]), int(value[8:10]))
    except ValueError:
        return None


def to_number(value: object) -> Decimal | None:
    """A JSON number or a decimal string as a Decimal; anything else is None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str) and _NUMBER.match(value.strip()):
        try:
            return Decimal(value.strip())
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
            return None
    return None


def to_bool(value: object) -> bool:
    """JSON booleans as they are; CHKBOOLEAN-style strings (-1, true, +, yes) true; else false."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in _TRUE
