"""Maintenance windows: open or closed at a given time, in the schedules' time zone."""

from __future__ import annotations

from datetime import UTC, datetime

from pfa_vanguard.orgs.windows import Window, open_until

SATURDAY_NIGHT = Window(id=1, code="RIO", cron="0 22 * * 6", duration_minutes=240)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)  # 2026-03-07 is a Saturday


def test_a_window_is_open_from_its_start_for_its_duration() -> None:
    assert SATURDAY_NIGHT.open_until(at(7, 21, 59), "UTC") is None
    assert SATURDAY_NIGHT.open_until(at(7, 22), "UTC") == at(8, 2)
    assert SATURDAY_NIGHT.open_until(at(8, 1, 59), "UTC") == at(8, 2)
    assert SATURDAY_NIGHT.open_until(at(8, 2), "UTC") is None
    assert SATURDAY_NIGHT.open_until(at(10, 23), "UTC") is None  # a Tuesday


def test_a_window_starts_in_the_schedules_time_zone() -> None:
    # 22:00 in Oslo (UTC+1 in March before the switch) is 21:00 UTC.
    assert SATURDAY_NIGHT.open_until(at(7, 21, 30), "Europe/Oslo") == at(8, 1)
    assert SATURDAY_NIGHT.open_until(at(8, 1, 30), "Europe/Oslo") is None


def test_the_latest_end_of_overlapping_windows_counts() -> None:
    nightly = Window(id=2, code="RIO", cron="0 23 * * *", duration_minutes=60)
    assert open_until([SATURDAY_NIGHT, nightly], at(7, 23, 30), "UTC") == at(8, 2)
    assert open_until([nightly], at(9, 23, 30), "UTC") == at(10, 0)
    assert open_until([], at(7, 23), "UTC") is None


def test_a_window_never_starts_in_the_future() -> None:
    every_minute = Window(id=3, code="RIO", cron="* * * * *", duration_minutes=60)
    now = datetime(2026, 3, 7, 17, 36, 59, 900_000, tzinfo=UTC)
    assert every_minute.open_until(now, "UTC") == datetime(2026, 3, 7, 18, 36, tzinfo=UTC)
