"""How old an organization's mirror may be before users are warned."""

from __future__ import annotations

from datetime import datetime, timedelta

from pfa_vanguard.settings import Settings


def is_stale(last_synced_at: datetime | None, settings: Settings, now: datetime) -> bool:
    """Older than `stale_after_minutes` (30 by default), or never synced."""
    if last_synced_at is None:
        return True
    return now - last_synced_at > timedelta(minutes=settings.stale_after_minutes)
