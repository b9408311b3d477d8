"""Maintenance windows: per organization, a cron expression (read in PFA_SYNC_TIMEZONE) giving
each window's start and a duration. Inside a window the worker skips scheduled syncs and commits
are refused with the window's end; a "run now" still runs.

A window is open at `now` when the last start at or before `now` plus the duration is after
`now` (all starts of one window last as long, so the latest start decides).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pfa_vanguard.db.queries import Conn
from pfa_vanguard.errors import BadRequest, Conflict, NotFound
from pfa_vanguard.orgs.service import _q, organization_id
from pfa_vanguard.sync.schedule import check_cron, previous_fire

MAX_MINUTES = 7 * 24 * 60


class MaintenanceWindow(Conflict):
    """A commit inside the organization's maintenance window (drafts are kept)."""

    kind = "MaintenanceWindow"


@dataclass(frozen=True)
class Window:
    id: int
    code: str  # organization
    cron: str
    duration_minutes: int

    def open_until(self, now: datetime, timezone: str) -> datetime | None:
        """The end of the window open at `now`, or None when it is closed."""
        end = previous_fire(self.cron, now, timezone) + timedelta(minutes=self.duration_minutes)
        return end if end > now else None


def open_until(windows: Iterable[Window], now: datetime, timezone: str) -> datetime | None:
    """When the last of the open `windows` closes (None: none is open)."""
    ends = [end for w in windows if (end := w.open_until(now, timezone)) is not None]
    return max(ends) if ends else None


async def add_window(conn: Conn, code: str, cron: str, minutes: int) -> Window:
    """A new window of `code` starting at each fire time of `cron`, lasting `minutes`."""
    if not 1 <= minutes <= MAX_MINUTES:
        raise BadRequest(f"a window lasts 1 to {MAX_MINUTES} minutes (a week), not {minutes}")
    org_id = await organization_id(conn, code)
    cur = await conn.execute(
        _q("add_window"), {"org_id": org_id, "cron": check_cron(cron), "minutes": minutes}
    )
    row = await cur.fetchone()
    assert row is not None
    return Window(id=row["id"], code=code, cron=row["cron"], duration_minutes=minutes)


async def list_windows(conn: Conn, code: str | None = None) -> list[Window]:
    """Every window (of `code` only when given), by organization."""
    if code is not None:
        await organization_id(conn, code)
    cur = await conn.execute(_q("list_windows"), {"code": code})
    return [_window(row) for row in await cur.fetchall()]


async def remove_window(conn: Conn, code: str, window_id: int) -> None:
    cur = await conn.execute(_q("remove_window"), {"code": code, "id": window_id})
    if await cur.fetchone() is None:
        raise NotFound(f"organization {code!r} has no maintenance window {window_id}")


async def refuse_inside_window(conn: Conn, code: str, now: datetime, timezone: str) -> None:
    """MaintenanceWindow (409) when `code` is inside one of its windows at `now`."""
    until = open_until(await list_windows(conn, code), now, timezone)
    if until is not None:
        raise MaintenanceWindow(
            f"{code} is in a maintenance window until {until.isoformat(timespec='minutes')};"
            " commits are refused until then (your drafts are kept)",
            until=until.isoformat(),
        )


def _window(row: dict[str, Any]) -> Window:
    return Window(
        id=int(row["id"]),
        code=row["code"],
        cron=row["cron"],
        duration_minutes=int(row["duration_minutes"]),
    )
