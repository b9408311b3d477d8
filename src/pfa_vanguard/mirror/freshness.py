"""How old an organization's mirror may be before users are warned."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pfa_vanguard.settings import Settings
from pfa_vanguard.sync.schedule import is_late, next_run_at


def is_stale(last_synced_at: datetime | None, settings: Settings, now: datetime) -> bool:
    """Older than `stale_after_minutes` (30 by default), or never synced."""
    if last_synced_at is None:
        return True
    return now - last_synced_at > timedelta(minutes=settings.stale_after_minutes)


@dataclass(frozen=True)
class Freshness:
    last_synced_at: datetime | None
    stale: bool  # never synced, or late by the organization's own schedule
    next_sync_at: datetime | None  # when the worker runs it next (None: paused or inactive)


def freshness(org: Mapping[str, Any], default_schedule: str, now: datetime) -> Freshness:
    """The freshness of an organization row (`code`, `active`, `sync_schedule`, `sync_paused`,
    `last_synced_at`, `created_at`, `last_run_at`): stale by the same rule as the health check
    (the last successful sync is older than twice the schedule's interval), or never synced."""
    synced = org.get("last_synced_at")
    return Freshness(
        last_synced_at=synced,
        stale=synced is None or is_late(org, now, default_schedule),
        next_sync_at=next_run_at(org, now, default_schedule),
    )
