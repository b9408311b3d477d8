"""The sync administration, the one implementation behind the admin API (`api/routes/admin.py`)
and `pfa sync status | pause | resume | schedule | runs` (`sync/admin_commands.py`): status per
organization, run history, pause/resume and schedules. Callers own the transaction; answers are
JSON-ready dicts with the API's camelCase keys (`OrgSyncStatus` and `SyncRun` of api/schemas.py).

"Running" means what the worker guarantees: a sync holds the organization's advisory lock for
as long as it runs, in any process, and the lock ends with the session. A run whose worker was
killed keeps its 'running' row until the next sync marks it abandoned, but is not shown as
running."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pfa_vanguard.db.queries import Conn
from pfa_vanguard.errors import NotFound
from pfa_vanguard.mirror.freshness import is_stale
from pfa_vanguard.orgs.windows import list_windows, open_until
from pfa_vanguard.sync import repository as repo
from pfa_vanguard.sync.schedule import OrgSchedule, check_cron, is_late, next_run_at

_RUN_FIELDS = ("kind", "trigger", "status", "started_at", "finished_at", "duration_ms",
               "fetched", "inserted", "updated", "unchanged", "deleted", "error",
               "requested_by", "worker")  # fmt: skip


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


async def sync_status(
    conn: Conn,
    default_schedule: str,
    now: datetime,
    org_code: str | None = None,
    timezone: str = "UTC",
    *,
    admin_user_id: int | None = None,
) -> list[dict[str, Any]]:
    """Per organization (or just `org_code`; with `admin_user_id`, only those that user
    administers), by code: `code`, `name`, `active`, `schedule` (effective cron), `timezone`
    (the one the cron is read in), `customSchedule` (false: the default), `paused`, `running`
    (a sync holds the lock now, in any process), `pendingRunId` (a "run now" waiting),
    `lastRun` (the last run that happened, or None), `lastSyncedAt`, `lastFullSyncAt`,
    `nextRunAt` (None when paused/inactive; never inside a maintenance window),
    `maintenanceUntil` (the end of the open maintenance window, or None), `stale` (never
    synced, or late), `late`, `mirrorVersion`. NotFound for an unknown `org_code`."""
    windows = await list_windows(conn, org_code)
    cur = await conn.execute(
        repo.q("overview"),
        {"namespace": repo.LOCK_NAMESPACE, "code": org_code, "admin_user_id": admin_user_id},
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
            last_run = {"id": row["run_id"], "org": row["code"]} | {
                _camel(field): row[f"run_{field}"] for field in _RUN_FIELDS
            }
        answer.append(
            {
                "code": row["code"],
                "name": row["name"],
                "active": row["active"],
                "schedule": schedule.cron,
                "timezone": timezone,
                "customSchedule": row["sync_schedule"] is not None,
                "paused": row["sync_paused"],
                "running": row["running"],
                "pendingRunId": row["pending_run_id"],
                "lastRun": last_run,
                "lastSyncedAt": row["last_synced_at"],
                "lastFullSyncAt": row["last_full_sync_at"],
                "nextRunAt": next_run,
                "maintenanceUntil": window_end,
                "stale": is_stale(row, default_schedule, now, timezone),
                "late": is_late(schedule, now),
                "mirrorVersion": row["mirror_version"],
            }
        )
    return answer


async def administered(conn: Conn, user_id: int, org_code: str | None = None) -> list[str]:
    """The codes of the organizations (all, or `org_code` alone) the user is an admin of."""
    cur = await conn.execute(repo.q("administered_orgs"), {"user_id": user_id, "code": org_code})
    return [str(row["code"]) for row in await cur.fetchall()]


async def list_runs(
    conn: Conn,
    org_code: str | None = None,
    *,
    limit: int = 50,
    admin_user_id: int | None = None,
) -> list[dict[str, Any]]:
    """Sync runs, newest first (by start, then id): `id`, `org`, `kind`, `trigger`, `status`
    (pending | running | succeeded | failed | abandoned | skipped), `requestedBy`, `startedAt`,
    `finishedAt`, `durationMs`, `fetched`, `inserted`, `updated`, `unchanged`, `deleted`,
    `error`, `worker`; of every organization or `org_code` alone, and with `admin_user_id`
    only of organizations that user administers. At most `limit` (1..1000)."""
    cur = await conn.execute(
        repo.q("list_runs"),
        {"code": org_code, "limit": max(1, min(limit, 1000)), "admin_user_id": admin_user_id},
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
