"""Freshness by the organization's own schedule: stale after twice its interval (the health
check's "late"), never synced is stale, and when the next sync is due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pfa_vanguard.mirror.freshness import freshness, is_stale

NOW = datetime(2026, 12, 4, 12, 7, tzinfo=UTC)


def org(**overrides: Any) -> dict[str, Any]:
    return {
        "code": "RIO",
        "active": True,
        "sync_schedule": None,
        "sync_paused": False,
        "last_synced_at": NOW - timedelta(minutes=7),
        "created_at": NOW - timedelta(days=30),
        "last_run_at": NOW - timedelta(minutes=7),
    } | overrides


def test_a_sync_within_its_schedule_is_fresh_and_the_next_one_is_due_at_the_next_fire() -> None:
    fresh = freshness(org(), "*/15 * * * *", NOW)
    assert fresh.stale is False
    assert fresh.next_sync_at == datetime(2026, 12, 4, 12, 15, tzinfo=UTC)


def test_staleness_scales_with_the_organizations_interval() -> None:
    forty_minutes = NOW - timedelta(minutes=40)
    assert is_stale(org(last_synced_at=forty_minutes), "*/15 * * * *", NOW) is True
    hourly = org(last_synced_at=forty_minutes, sync_schedule="0 * * * *")
    assert is_stale(hourly, "*/15 * * * *", NOW) is False


def test_never_synced_is_stale_and_a_paused_organization_has_no_next_sync() -> None:
    assert freshness(org(last_synced_at=None, last_run_at=None), "*/15 * * * *", NOW).stale
    paused = freshness(org(sync_paused=True), "*/15 * * * *", NOW)
    assert paused.next_sync_at is None
