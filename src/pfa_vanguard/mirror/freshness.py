"""How old an organization's mirror may be before users are warned."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pfa_vanguard.sync.schedule import is_late, next_run_at


def is_stale(
    org: Mapping[str, Any], default_schedule: str, now: datetime, timezone: str = "UTC"
) -> bool:
    """Never synced, or late by the organization's own schedule: its last successful sync is
    older than twice the schedule's interval (the health check's "late"). `org` is an
    organizations row: `code`, `active`, `sync_schedule`, `sync_paused`, `last_synced_at`,
    `created_at`."""
    return org.get("last_synced_at") is None or is_late(org, now, default_schedule, timezone)


@dataclass(frozen=True)
class Freshness:
    last_synced_at: datetime | None
    stale: bool  # never synced, or late by the organization's own schedule
    next_sync_at: datetime | None  # when the worker runs it next (None: paused or inactive)


def freshness(
    org: Mapping[str, Any], default_schedule: str, now: datetime, timezone: str = "UTC"
) -> Freshness:
    """The freshness of an organization row (`code`, `active`, `sync_schedule`, `sync_paused`,
    `last_synced_at`, `created_at`, `last_run_at`): stale by the same rule as the health check
    (the last successful sync is older than twice the schedule's interval), or never synced."""
    return Freshness(
        last_synced_at=org.get("last_synced_at"),
        stale=is_stale(org, default_schedule, now, timezone),
        next_sync_at=next_run_at(org, now, default_schedule, timezone),
    )
