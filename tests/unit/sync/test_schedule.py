"""Schedules: next run, due, late, cron validation. Times are given, never read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from pfa_vanguard.errors import BadRequest
from pfa_vanguard.sync.schedule import (
    OrgSchedule,
    check_cron,
    interval,
    is_due,
    is_late,
    next_run_at,
)

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday


def org(cron: str = "*/15 * * * *", **state: Any) -> OrgSchedule:
    return OrgSchedule(code="RIO", cron=cron, **state)


def test_an_organization_that_never_ran_is_due_at_once() -> None:
    assert next_run_at(org(), T0) == T0
    assert is_due(org(), T0)


def test_next_run_is_the_first_fire_time_after_the_last_run() -> None:
    ran = org(last_run_at=T0 + timedelta(seconds=2))
    assert next_run_at(ran, T0) == T0 + timedelta(minutes=15)
    assert not is_due(ran, T0 + timedelta(minutes=14, seconds=59))
    assert is_due(ran, T0 + timedelta(minutes=15))


def test_hourly_and_daily_schedules() -> None:
    hourly = org("0 * * * *", last_run_at=T0 + timedelta(minutes=1))
    daily = org("30 2 * * *", last_run_at=T0)
    assert next_run_at(hourly, T0) == T0 + timedelta(hours=1)
    assert next_run_at(daily, T0) == datetime(2026, 3, 3, 2, 30, tzinfo=UTC)


def test_a_worker_down_for_hours_runs_once_not_once_per_missed_slot() -> None:
    ran = org(last_run_at=T0)
    later = T0 + timedelta(hours=5)
    assert is_due(ran, later)
    assert not is_due(org(last_run_at=later), later + timedelta(minutes=1))


def test_paused_or_inactive_organizations_are_neither_due_nor_late() -> None:
    old = T0 - timedelta(days=3)
    states: list[dict[str, Any]] = [{"paused": True}, {"active": False}]
    for state in states:
        stopped = org(last_run_at=old, last_synced_at=old, **state)
        assert next_run_at(stopped, T0) is None
        assert not is_due(stopped, T0)
        assert not is_late(stopped, T0)


def test_late_is_twice_the_interval_since_the_last_success() -> None:
    synced = org(last_synced_at=T0)
    assert not is_late(synced, T0 + timedelta(minutes=30))
    assert is_late(synced, T0 + timedelta(minutes=30, seconds=1))
    daily = org("0 2 * * *", last_synced_at=T0)
    assert not is_late(daily, T0 + timedelta(hours=47))
    assert is_late(daily, T0 + timedelta(hours=49))


def test_never_synced_is_late_only_after_twice_the_interval_since_creation() -> None:
    fresh = org(created_at=T0)
    assert not is_late(fresh, T0 + timedelta(minutes=20))
    assert is_late(fresh, T0 + timedelta(hours=1))
    assert not is_late(org(), T0)


def test_rows_work_with_the_default_schedule() -> None:
    row = {"code": "RIO", "sync_schedule": None, "sync_paused": False, "active": True,
           "last_synced_at": T0, "created_at": T0}  # fmt: skip
    assert not is_late(row, T0 + timedelta(hours=1, minutes=59), "0 * * * *")
    assert is_late(row, T0 + timedelta(hours=2, minutes=1), "0 * * * *")
    assert is_late({**row, "sync_schedule": "*/5 * * * *"}, T0 + timedelta(minutes=11))


def test_interval_of_a_cron() -> None:
    assert interval("*/15 * * * *", T0) == timedelta(minutes=15)
    assert interval("0 9 * * 1-5", datetime(2026, 3, 5, 12, tzinfo=UTC)) == timedelta(days=3)


def test_a_weekday_schedule_is_not_late_over_the_weekend() -> None:
    friday = org("0 9 * * 1-5", last_synced_at=datetime(2026, 3, 6, 9, 0, 20, tzinfo=UTC))
    assert not is_late(friday, datetime(2026, 3, 8, 23, tzinfo=UTC))  # Sunday night
    assert not is_late(friday, datetime(2026, 3, 10, 8, 59, tzinfo=UTC))  # Tuesday, before 9
    assert is_late(friday, datetime(2026, 3, 10, 9, 1, tzinfo=UTC))


@pytest.mark.parametrize("bad", ["", "every hour", "* * * *", "61 * * * *", "* * * * * *"])
def test_invalid_cron_is_refused_with_the_format(bad: str) -> None:
    with pytest.raises(BadRequest, match="5 fields"):
        check_cron(bad)


def test_valid_cron_is_normalised() -> None:
    assert check_cron("  0  2 * * * ") == "0 2 * * *"


def test_a_schedule_is_read_in_its_time_zone_summer_and_winter() -> None:
    """'0 2 * * *' in Europe/Oslo: 02:00 local, which is 01:00 UTC in winter, 00:00 in summer."""
    winter = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
    summer = datetime(2026, 7, 10, 12, 0, tzinfo=UTC)
    oslo = OrgSchedule(code="RIO", cron="0 2 * * *", last_run_at=winter, timezone="Europe/Oslo")
    assert next_run_at(oslo, winter) == datetime(2026, 1, 11, 1, 0, tzinfo=UTC)
    oslo = OrgSchedule(code="RIO", cron="0 2 * * *", last_run_at=summer, timezone="Europe/Oslo")
    assert next_run_at(oslo, summer) == datetime(2026, 7, 11, 0, 0, tzinfo=UTC)
    utc = OrgSchedule(code="RIO", cron="0 2 * * *", last_run_at=winter)
    assert next_run_at(utc, winter) == datetime(2026, 1, 11, 2, 0, tzinfo=UTC)


def test_a_row_takes_the_time_zone_it_is_given() -> None:
    row = {"code": "RIO", "sync_schedule": "0 2 * * *", "last_run_at": T0}
    assert next_run_at(row, T0, "*/15 * * * *", "America/New_York") == datetime(
        2026, 3, 3, 7, 0, tzinfo=UTC
    )


def test_an_unknown_time_zone_is_refused_by_the_settings() -> None:
    from pydantic import ValidationError

    from pfa_vanguard.settings import Settings

    assert Settings(sync_timezone="Europe/Oslo").sync_timezone == "Europe/Oslo"
    with pytest.raises(ValidationError, match="unknown time zone 'Mars/Olympus'"):
        Settings(sync_timezone="Mars/Olympus")


def test_a_row_without_a_schedule_needs_the_default_passed_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Pure: the configured default comes from the caller, never from the environment."""
    monkeypatch.setenv("PFA_SYNC_SCHEDULE", "0 * * * *")
    row = {"code": "RIO", "active": True, "sync_paused": False, "last_synced_at": T0}
    with pytest.raises(ValueError, match="pass the configured default"):
        is_late(row, T0 + timedelta(hours=3))
    assert is_late(row, T0 + timedelta(hours=3), "0 * * * *")
