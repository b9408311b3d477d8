"""What the admin API and the health endpoint ask of the sync: status per organization, run
history, pause/resume and schedules. Callers own the transaction; answers are JSON-ready dicts
with the contract's camelCase keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pfa_vanguard.errors import NotFound
from pfa_vanguard.orgs.windows import list_windows, open_until
from pfa_vanguard.sync import repository as repo
from pfa_vanguard.sync.repository import Conn
from pfa_vanguard.sync.schedule import OrgSchedule, check_cron, is_late, next_run_at

_RUN_FIELDS = ("kind", "trigger", "status", "started_at", "finished_at", "duration_ms",
               "fetched", "inserted", "updated", "unchanged", "deleted", "error")  # fmt: skip


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


async def sync_status(
    conn: Conn,
    default_schedule: str,
    now: datetime,
    org_code: str | None = None,
    timezone: str = "UTC",
) -> list[dict[str, Any]]:
    """Per organization (or just `org_code`): `code`, `name`, `active`, `schedule` (effective
    cron), `timezone` (the one the cron is read in), `scheduleIsDefault`, `paused`, `running`
    (a sync holds the lock now, in any process), `pendingRunId` (a "run now" waiting),
    `lastRun` (the last run that happened, or None), `lastSyncedAt`, `lastFullSyncAt`,
    `nextRunAt` (None when paused/inactive; never inside a maintenance window),
    `maintenanceUntil` (the end of the open maintenance window, or None), `late`,
    `mirrorVersion`."""
    windows = await list_windows(conn, org_code)
    cur = await conn.execute(
        repo.q("overview"), {"namespace": repo.LOCK_NAMESPACE, "code": org_code}
    )
    rows = await cur.fetchall()
    if org_code is not None and not rows:
        raise NotFound(f"unknown organization {org_code!r}")
    answer = []
    for row in rows:
        schedule = OrgSchedule.from_row(row, default_schedule, timezone)
        window_end = open_until([w for w in windows if w.code == row["code"]], now, timezone)
        next_run = next_run_at(schedule, now)
        if next_run is not None and window_end is not None:
            next_run = max(next_run, window_end)
        last_run = None
        if row["run_id"] is not None:
            last_run = {"id": row["run_id"]} | {
                _camel(field): row[f"run_{field}"] for field in _RUN_FIELDS
            }
        answer.append(
            {
                "code": row["code"],
                "name": row["name"],
                "active": row["active"],
                "schedule": schedule.cron,
                "timezone": timezone,
                "scheduleIsDefault": row["sync_schedule"] is None,
                "paused": row["sync_paused"],
                "running": row["running"],
                "pendingRunId": row["pending_run_id"],
                "lastRun": last_run,
                "lastSyncedAt": row["last_synced_at"],
                "lastFullSyncAt": row["last_full_sync_at"],
                "nextRunAt": next_run,
                "maintenanceUntil": window_end,
                "late": is_late(schedule, now),
                "mirrorVersion": row["mirror_version"],
            }
        )
    return answer


async def list_runs(
    conn: Conn, org_code: str | None = None, *, limit: int = 50, before_id: int | None = None
) -> list[dict[str, Any]]:
    """Sync runs, newest first: `id`, `org`, `kind`, `trigger`, `status` (pending | running |
    succeeded | failed | abandoned | skipped), `requestedBy`, `startedAt`, `finishedAt`,
    `durationMs`, `fetched`, `inserted`, `updated`, `unchanged`, `deleted`, `error`,
    `worker`. Page with `before_id` (the last id seen)."""
    cur = await conn.execute(
        repo.q("list_runs"),
        {"code": org_code, "limit": max(1, min(limit, 1000)), "before_id": before_id},
    )
    return [{_camel(k): v for k, v in row.items()} for row in await cur.fetchall()]


async def set_paused(conn: Conn, org_code: str, paused: bool) -> None:
    """Pause (or resume) the schedule of `org_code`; a "run now" still works while paused."""
    cur = await conn.execute(repo.q("set_paused"), {"code": org_code, "paused": paused})
    if await cur.fetchone() is None:
        raise NotFound(f"unknown organization {org_code!r}")


async def set_schedule(conn: Conn, org_code: str, cron: str | None) -> str | None:
    """Give `org_code` its own cron schedule (validated; BadRequest says the format), or None
    to follow the default (PFA_SYNC_SCHEDULE). Returns the stored expression."""
    stored = None if cron is None or not cron.strip() else check_cron(cron)
    cur = await conn.execute(repo.q("set_schedule"), {"code": org_code, "cron": stored})
    if await cur.fetchone() is None:
        raise NotFound(f"unknown organization {org_code!r}")
    return stored
