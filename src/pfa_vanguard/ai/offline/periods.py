"""Time periods in plain language ("June", "March 2025", "Q3", "2025-06-30", "next month"),
resolved against a given today so that the translation is deterministic."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from pfa_vanguard.ai.errors import NotUnderstood

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_COUNT = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
COUNT_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
# One period; the surrounding recognizers put it in a named group. Weeks start on Monday.
PERIOD = (
    rf"(?:q[1-4](?:\s+\d{{4}})?|{MONTH}\s+{_DAY}(?:\s+\d{{4}})?(?!\d)|{_DAY}\s+{MONTH}"
    rf"(?:\s+\d{{4}})?|{MONTH}(?:\s+\d{{4}})?|\d{{4}}-\d{{2}}-\d{{2}}|(?:19|20)\d{{2}}"
    r"|(?:the\s+)?(?:start|beginning|end)\s+of\s+(?:the\s+)?(?:(?:this|next|last)\s+)?"
    r"(?:week|month|quarter|year)"
    r"|(?:this|next|last)\s+(?:week|month|quarter|year)"
    rf"|(?:the\s+)?(?:next|last|past|coming)\s+{_COUNT}\s+(?:days?|weeks?|months?)"
    r"|today|now|yesterday|tomorrow)"
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


def _week_period(today: date, step: int) -> Period:
    monday = today - timedelta(days=today.weekday()) + timedelta(days=7 * step)
    return Period(monday, monday + timedelta(days=6))


def _count(word: str) -> int:
    return int(word) if word.isdigit() else COUNT_WORDS[word]


def parse_period(text: str, today: date) -> Period:
    """The period named by `text` (see _parse_period); NotUnderstood for a day that does not
    exist ("february 30")."""
    try:
        return _parse_period(text, today)
    except ValueError:
        raise NotUnderstood(f"{text!r} is not a day of the calendar") from None


def _parse_period(text: str, today: date) -> Period:
    """The period named by `text` (a match of PERIOD). A month or quarter without a year is
    in today's year; "the next 30 days" runs from today to today + 30, "the last 2 weeks"
    from today - 14 to today."""
    text = " ".join(text.split())
    if m := re.fullmatch(r"(?:the )?(start|beginning|end) of (?:the )?(.+)", text):
        whole = _parse_period(m[2] if " " in m[2] else f"this {m[2]}", today)
        day = whole.last if m[1] == "end" else whole.first
        return Period(day, day)
    if m := re.fullmatch(r"(?:the )?(next|last|past|coming) (\S+) (day|week|month)s?", text):
        n = _count(m[2])
        days = n * {"day": 1, "week": 7}.get(m[3], 30)
        if m[1] in ("next", "coming"):
            return Period(today, today + timedelta(days=days))
        return Period(today - timedelta(days=days), today)
    m = re.fullmatch(rf"({MONTH}) (\d+)(?:st|nd|rd|th)?(?: (\d{{4}}))?", text)
    if m and len(m[2]) <= 2:
        day = date(int(m[3] or today.year), _MONTHS[m[1][:3]], int(m[2]))
        return Period(day, day)
    if m := re.fullmatch(rf"(\d+)(?:st|nd|rd|th)? ({MONTH})(?: (\d{{4}}))?", text):
        day = date(int(m[3] or today.year), _MONTHS[m[2][:3]], int(m[1]))
        return Period(day, day)
    if text in ("now", "yesterday", "tomorrow"):
        day = today + timedelta(days={"now": 0, "yesterday": -1, "tomorrow": 1}[text])
        return Period(day, day)
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
    if unit == "week":
        return _week_period(today, step)
    if unit == "year":
        year = today.year + step
        return Period(date(year, 1, 1), date(year, 12, 31))
    if unit == "quarter":
        index = (today.year * 4 + (today.month - 1) // 3) + step
        return _quarter_period(index // 4, index % 4 + 1)
    index = today.year * 12 + today.month - 1 + step
    return _month_period(index // 12, index % 12 + 1)
