"""Time periods in plain language ("June", "March 2025", "Q3", "2025-06-30", "next month"),
resolved against a given today so that the translation is deterministic."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
# One period; the surrounding recognizers put it in a named group.
PERIOD = (
    rf"(?:q[1-4](?:\s+\d{{4}})?|{MONTH}(?:\s+\d{{4}})?|\d{{4}}-\d{{2}}-\d{{2}}|(?:19|20)\d{{2}}"
    r"|(?:this|next|last)\s+(?:month|quarter|year)|today)"
)


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive


def _month_period(year: int, month: int) -> Period:
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return Period(first, following - timedelta(days=1))


def _quarter_period(year: int, quarter: int) -> Period:
    first_month = 3 * (quarter - 1) + 1
    return Period(date(year, first_month, 1), _month_period(year, first_month + 2).last)


def parse_period(text: str, today: date) -> Period:
    """The period named by `text` (a match of PERIOD). A month or quarter without a year is
    in today's year."""
    text = " ".join(text.split())
    if m := re.fullmatch(r"q([1-4])(?:\s+(\d{4}))?", text):
        return _quarter_period(int(m[2] or today.year), int(m[1]))
    if m := re.fullmatch(rf"({MONTH})(?:\s+(\d{{4}}))?", text):
        return _month_period(int(m[2] or today.year), _MONTHS[m[1][:3]])
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        day = date.fromisoformat(text)
        return Period(day, day)
    if re.fullmatch(r"\d{4}", text):
        return Period(date(int(text), 1, 1), date(int(text), 12, 31))
    if text == "today":
        return Period(today, today)
    which, unit = text.split()
    step = {"this": 0, "next": 1, "last": -1}[which]
    if unit == "year":
        year = today.year + step
        return Period(date(year, 1, 1), date(year, 12, 31))
    if unit == "quarter":
        index = (today.year * 4 + (today.month - 1) // 3) + step
        return _quarter_period(index // 4, index % 4 + 1)
    index = today.year * 12 + today.month - 1 + step
    return _month_period(index // 12, index % 12 + 1)
