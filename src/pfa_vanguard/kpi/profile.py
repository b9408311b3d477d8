"""The spend profile: each record's plan, forecast and actual cost spread over the months its
window runs (the S-curve), summed by month, optionally by category, area, source or DOR, with
or without the caller's drafts.

A window's cost is the one definition (domain/costs.py `window_cost`); a rental window's cost is
spread in proportion to its days in each month (the last month takes the cents left, so a
record's months add up to its cost exactly), a purchase counts whole in the month it starts.
The records counted are those every figure counts (kpi/figures.py): the months of a board add
up to the KPI board's totals to the cent.

The baseline profile (the organization's committed records: the scan and the spreading, seconds
at 50,000 records) is kept per organization, grouping and mirror revision (ProfileCache): every
write to the mirror raises the revision, so a kept profile is never one the mirror has moved on
from. The caller's drafts are applied to it per request (a small read of the drafted records).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from psycopg import sql
from psycopg.rows import tuple_row

from pfa_vanguard.db.queries import Conn, load
from pfa_vanguard.domain.costs import window_cost, window_days
from pfa_vanguard.domain.fields import WINDOWS
from pfa_vanguard.domain.values import to_date, to_number
from pfa_vanguard.drafts.overlay import Overlay
from pfa_vanguard.kpi.figures import INCLUSION_SQL, counts_in_figures

GroupBy = Literal["category", "areaSilo", "source", "dor"]
_CENT = Decimal("0.01")
_WINDOWS = ("plan", "forecast", "actual")
MAX_MONTHS = 600  # 50 years of months in one answer at most


def _month(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def spread(
    source: object,
    start: date | None,
    end: date | None,
    rate: Decimal | None,
    price: Decimal | None,
) -> Iterator[tuple[date, Decimal]]:
    """(first day of a month, cost in it) over the window; the amounts add up to its cost."""
    total = window_cost(source, start, end, rate, price)
    if not total or start is None or end is None:
        return
    days = window_days(start, end)
    if source != "Rental" or days == 0:
        yield _month(start), total
        return
    left, month = total, _month(start)
    while True:
        following = _next_month(month)
        if following >= end:
            yield month, left
            return
        inside = (following - max(start, month)).days
        amount = (total * inside / days).quantize(_CENT, ROUND_HALF_UP)
        left -= amount
        yield month, amount
        month = following


@dataclass(frozen=True)
class _Row:
    key: str
    source: object
    dates: tuple[date | None, ...]  # plan start, end, forecast start, end, actual start, end
    rate: Decimal | None
    price: Decimal | None


def _row_of(record: Mapping[str, Any], by: GroupBy | None) -> _Row:
    dates = tuple(to_date(record.get(f)) for w in _WINDOWS for f in WINDOWS[w])
    key = record.get(by) if by else ""
    return _Row(
        key if isinstance(key, str) else "" if key is None else str(key),
        record.get("source"),
        dates,
        to_number(record.get("monthlyRate")),
        to_number(record.get("purchasePrice")),
    )


Profile = dict[str, dict[date, list[Decimal]]]  # group -> month -> [plan, forecast, actual]


def add_rows(profile: Profile, rows: Iterable[_Row], sign: int = 1) -> None:
    """Add (sign -1: take out) each row's months to its group."""
    for row in rows:
        months = profile.setdefault(row.key, {})
        for index in range(3):
            start, end = row.dates[2 * index], row.dates[2 * index + 1]
            if index == 2 and (start is None or end is None):
                continue
            for month, amount in spread(row.source, start, end, row.rate, row.price):
                months.setdefault(month, [Decimal(0)] * 3)[index] += amount * sign


def shape(profile: Profile) -> dict[str, Any]:
    """{"months": ["2026-01", ...], "total": {plan, forecast, actual: [...]}, "groups": [...]}
    with every series aligned to `months` (gaps filled with 0) and its cumulative twin."""
    found = sorted({m for months in profile.values() for m in months})
    months: list[date] = []
    if found:
        month = found[0]
        while month <= found[-1] and len(months) < MAX_MONTHS:
            months.append(month)
            month = _next_month(month)

    def series(by_month: Mapping[date, list[Decimal]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for index, name in enumerate(_WINDOWS):
            values = [by_month.get(m, [Decimal(0)] * 3)[index] for m in months]
            running, cumulative = Decimal(0), []
            for value in values:
                running += value
                cumulative.append(float(running))
            out[name] = [float(v) for v in values]
            out[f"{name}Cumulative"] = cumulative
        return out

    total: dict[date, list[Decimal]] = {}
    for by_month in profile.values():
        for month, amounts in by_month.items():
            cell = total.setdefault(month, [Decimal(0)] * 3)
            for index in range(3):
                cell[index] += amounts[index]
    return {
        "months": [m.strftime("%Y-%m") for m in months],
        "total": series(total),
        "groups": [{"key": key, **series(profile[key])} for key in sorted(profile) if profile[key]],
    }


_COLUMNS = {"category": "category", "areaSilo": "area_silo", "source": "source", "dor": "dor"}


async def _baseline_rows(
    conn: Conn, org_id: int, by: GroupBy | None, ids: list[str] | None = None
) -> list[_Row]:
    """The mirror records the figures count (only `ids`, when given)."""
    key = sql.Identifier(_COLUMNS[by]) if by else sql.SQL("''")
    only = sql.SQL(" AND id = ANY(%(ids)s)") if ids is not None else sql.SQL("")
    statement = sql.SQL(load("pfa_vanguard.kpi")["profile_rows"]).format(
        key=key, rule=sql.SQL(INCLUSION_SQL), only=only
    )
    async with conn.cursor(row_factory=tuple_row) as cur:
        await cur.execute(statement, {"org_id": org_id, "ids": ids})
        return [_Row(r[1] or "", r[2], tuple(r[3:9]), r[9], r[10]) for r in await cur.fetchall()]


class ProfileCache:
    """Baseline profiles (and their answer shape) by organization, grouping and mirror
    revision, the least recently used dropped past `max_entries`."""

    def __init__(self, max_entries: int = 64) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[int, int, str], tuple[Profile, dict[str, Any]]] = (
            OrderedDict()
        )

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: tuple[int, int, str]) -> tuple[Profile, dict[str, Any]] | None:
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
        return found

    def put(self, key: tuple[int, int, str], value: tuple[Profile, dict[str, Any]]) -> None:
        self._entries[key] = value
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)


async def _revision(conn: Conn, org_id: int) -> int:
    cur = await conn.execute(load("pfa_vanguard.kpi")["mirror_revision"], {"org_id": org_id})
    row = await cur.fetchone()
    return int(row["mirror_version"]) if row else -1


async def _baseline(
    conn: Conn, org_id: int, by: GroupBy | None, cache: ProfileCache | None
) -> tuple[Profile, dict[str, Any]]:
    """The committed records' profile and its shape: from `cache` when the mirror's revision is
    the one it was computed at; kept only when the revision did not move during the scan (a
    write committed meanwhile may or may not be in it)."""
    if cache is None:
        current: Profile = {}
        add_rows(current, await _baseline_rows(conn, org_id, by))
        return current, shape(current)
    before = await _revision(conn, org_id)
    key = (org_id, before, by or "")
    found = cache.get(key)
    if found is not None:
        return found
    current = {}
    add_rows(current, await _baseline_rows(conn, org_id, by))
    computed = (current, shape(current))
    if await _revision(conn, org_id) == before:
        cache.put(key, computed)
    return computed


async def spend_profile(
    conn: Conn,
    org_id: int,
    overlay: Overlay | None,
    by: GroupBy | None,
    cache: ProfileCache | None = None,
) -> dict[str, Any]:
    """{"current": profile, "pending": profile with the caller's drafts | None}. The pending
    profile is a delta: the drafted records' baseline months out, their merged months in (one
    small read, not a second scan of the organization). The baseline comes from `cache` when
    it holds the mirror's current revision."""
    current, current_shape = await _baseline(conn, org_id, by, cache)
    pending = None
    if overlay:
        pending = {key: {m: list(v) for m, v in months.items()} for key, months in current.items()}
        drafted = await _baseline_rows(conn, org_id, by, list(overlay.records))
        add_rows(pending, drafted, -1)
        add_rows(
            pending,
            (
                _row_of(r.merged, by)
                for r in overlay.records.values()
                if not r.orphaned and counts_in_figures(r.merged)
            ),
        )
        for months in pending.values():  # months a draft moved every cost out of
            for month in [m for m, v in months.items() if not any(v)]:
                del months[month]
    return {"current": current_shape, "pending": shape(pending) if pending is not None else None}
