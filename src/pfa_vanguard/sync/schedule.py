"""Per-organization sync schedules: when the next run is due and whether syncs are late.

Cron expressions (5 fields, croniter syntax) are evaluated in the schedule's time zone
(PFA_SYNC_TIMEZONE, an IANA name; default UTC): "0 2 * * *" in Europe/Oslo fires at 02:00 local
time, summer and winter. Times in and out are aware datetimes. Pure functions of an
organization's state, an injected `now` and the configured default schedule passed in: no clock
and no settings are read here.

- An organization that never ran is due at once; otherwise its next run is the first fire time
  of its schedule after the start of its last run (whatever the outcome), so a worker that was
  down runs each organization once on restart, not once per missed slot.
- Paused or inactive organizations are never due and never late.
- Late: the last successful sync (or, never synced, the organization's creation) is older than
  twice the schedule's interval (the gap between the two fire times that follow it), and the
  second fire time after it has passed (so a weekday schedule is not late over a weekend).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

from pfa_vanguard.errors import BadRequest


@dataclass(frozen=True)
class OrgSchedule:
    """What scheduling needs to know of one organization. `cron` is the effective schedule
    (the organization's own, else the default)."""

    code: str
    cron: str
    id: int | None = None
    active: bool = True
    paused: bool = False
    last_synced_at: datetime | None = None  # end of the last successful sync
    last_run_at: datetime | None = None  # start of the last run, whatever its outcome
    created_at: datetime | None = None
    timezone: str = "UTC"  # the IANA zone the cron is read in

    @classmethod
    def from_row(
        cls, row: Mapping[str, Any], default_schedule: str, timezone: str = "UTC"
    ) -> OrgSchedule:
        """From an `organizations` row (plus `last_run_at` when the query adds it)."""
        return cls(
            timezone=timezone,
            code=str(row["code"]),
            cron=row.get("sync_schedule") or default_schedule,
            id=row.get("id"),
            active=bool(row.get("active", True)),
            paused=bool(row.get("sync_paused", False)),
            last_synced_at=row.get("last_synced_at"),
            last_run_at=row.get("last_run_at"),
            created_at=row.get("created_at"),
        )


OrgLike = OrgSchedule | Mapping[str, Any]


def check_cron(expression: str) -> str:
    """The expression, stripped, if croniter accepts it as 5 fields; BadRequest otherwise."""
    text = " ".join(expression.split())
    if len(text.split(" ")) != 5 or not croniter.is_valid(text):
        raise BadRequest(
            f"invalid cron schedule {expression!r}: use 5 fields, minute hour day-of-month"
            " month day-of-week, e.g. '*/15 * * * *' or '0 2 * * *'"
        )
    return text


def check_timezone(name: str) -> str:
    """`name` if it is an IANA time zone this machine knows; ValueError otherwise."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r}: use an IANA name such as 'UTC' or 'Europe/Oslo'"
        ) from None
    return name


@lru_cache(maxsize=4096)
def next_fire(cron: str, after: datetime, timezone: str = "UTC") -> datetime:
    """The first fire time of `cron`, read in `timezone`, strictly after `after` (in UTC).
    Cached: every read of an organization judges its freshness from the same last sync
    (croniter takes ~0.3 ms)."""
    fire: datetime = croniter(cron, after.astimezone(ZoneInfo(timezone))).get_next(datetime)
    return fire.astimezone(UTC)


def previous_fire(cron: str, at: datetime, timezone: str = "UTC") -> datetime:
    """The last fire time of `cron`, read in `timezone`, at or before `at` (in UTC)."""
    # Cron has whole minutes: from just after the start of `at`'s minute, the previous fire
    # time is that minute itself when it matches.
    minute = at.astimezone(ZoneInfo(timezone)).replace(second=0, microsecond=0)
    start = minute + timedelta(seconds=1)
    fire: datetime = croniter(cron, start).get_prev(datetime)
    return fire.astimezone(UTC)


def interval(cron: str, at: datetime, timezone: str = "UTC") -> timedelta:
    """The gap between the two fire times of `cron` that follow `at`."""
    first = next_fire(cron, at, timezone)
    return next_fire(cron, first, timezone) - first


def next_run_at(
    org: OrgLike, now: datetime, default_schedule: str | None = None, timezone: str = "UTC"
) -> datetime | None:
    """When the worker runs `org` next: None if paused or inactive, `now` if it never ran,
    else the first fire time after its last run (at or before `now`: due now)."""
    schedule = _schedule(org, default_schedule, timezone)
    if schedule.paused or not schedule.active:
        return None
    anchor = schedule.last_run_at or schedule.last_synced_at
    if anchor is None:
        return now
    return next_fire(schedule.cron, anchor, schedule.timezone)


def is_due(
    org: OrgLike, now: datetime, default_schedule: str | None = None, timezone: str = "UTC"
) -> bool:
    due = next_run_at(org, now, default_schedule, timezone)
    return due is not None and due <= now


def is_late(
    org: OrgLike, now: datetime, default_schedule: str | None = None, timezone: str = "UTC"
) -> bool:
    """True when the last successful sync is older than twice the schedule's interval."""
    schedule = _schedule(org, default_schedule, timezone)
    if schedule.paused or not schedule.active:
        return False
    reference = schedule.last_synced_at or schedule.created_at
    if reference is None:
        return False
    first = next_fire(schedule.cron, reference, schedule.timezone)
    second = next_fire(schedule.cron, first, schedule.timezone)
    return now > max(reference + 2 * (second - first), second)


def _schedule(org: OrgLike, default_schedule: str | None, timezone: str) -> OrgSchedule:
    if isinstance(org, OrgSchedule):
        return org
    if default_schedule is None and not org.get("sync_schedule"):
        raise ValueError(
            f"organization {org.get('code')!r} has no schedule of its own: pass the configured"
            " default (PFA_SYNC_SCHEDULE) as default_schedule"
        )
    return OrgSchedule.from_row(org, default_schedule or "", timezone)
