"""Sync administration (admins of the organization): status, run now, pause/resume, schedule,
run history. "Run now" queues a request the worker picks up; the API never syncs itself."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from pfa_vanguard.api.deps import AdminOrg, Conn, DbConn, User, app_settings
from pfa_vanguard.api.schemas import OrgSyncStatus, RunRequested, ScheduleIn, SyncRun
from pfa_vanguard.db.queries import load
from pfa_vanguard.errors import Forbidden
from pfa_vanguard.mirror.freshness import is_stale
from pfa_vanguard.orgs.windows import list_windows, open_until
from pfa_vanguard.settings import Settings
from pfa_vanguard.sync.requests import request_sync
from pfa_vanguard.sync.schedule import check_cron, is_late, next_run_at

router = APIRouter(prefix="/api/admin/sync", tags=["admin"])


def _q(name: str) -> Any:
    return load("pfa_vanguard.api")[name]


async def _runs(
    conn: Conn, user_id: int, code: str | None, limit: int, ids: list[int] | None = None
) -> list[SyncRun]:
    cur = await conn.execute(
        _q("sync_runs"), {"user_id": user_id, "code": code, "limit": limit, "ids": ids}
    )
    return [SyncRun.model_validate(r) for r in await cur.fetchall()]


async def _statuses(
    conn: Conn, user_id: int, settings: Settings, code: str | None
) -> list[OrgSyncStatus]:
    cur = await conn.execute(_q("admin_orgs"), {"user_id": user_id, "code": code})
    rows = await cur.fetchall()
    run_ids = [int(r["run_id"]) for r in rows if r["run_id"] is not None]
    runs = (
        {run.id: run for run in await _runs(conn, user_id, None, len(run_ids), run_ids)}
        if run_ids
        else {}
    )
    now = datetime.now(UTC)
    default, zone = settings.sync_schedule, settings.sync_timezone
    windows = await list_windows(conn, code)
    open_ends = {
        r["code"]: open_until([w for w in windows if w.code == r["code"]], now, zone) for r in rows
    }
    return [
        OrgSyncStatus(
            code=r["code"],
            name=r["name"],
            active=r["active"],
            schedule=r["sync_schedule"] or default,
            timezone=zone,
            custom_schedule=r["sync_schedule"] is not None,
            paused=r["sync_paused"],
            running=r["running"],
            pending_run_id=r["pending_run_id"],
            last_run=runs.get(r["run_id"]) if r["run_id"] is not None else None,
            last_synced_at=r["last_synced_at"],
            last_full_sync_at=r["last_full_sync_at"],
            next_run_at=_after(next_run_at(r, now, default, zone), open_ends[r["code"]]),
            maintenance_until=open_ends[r["code"]],
            stale=is_stale(r, default, now, zone),
            late=is_late(r, now, default, zone),
        )
        for r in rows
    ]


def _after(due: datetime | None, window_end: datetime | None) -> datetime | None:
    return max(due, window_end) if due is not None and window_end is not None else due


@router.get("", response_model=list[OrgSyncStatus])
async def sync_status(user: User, conn: DbConn, request: Request) -> list[OrgSyncStatus]:
    """Every organization the caller administers: schedule, paused, running, last run,
    next run, staleness (403 for a caller who administers none)."""
    statuses = await _statuses(conn, user.id, app_settings(request), None)
    if not statuses:
        raise Forbidden("this needs the admin role in at least one organization")
    return statuses


@router.get("/runs", response_model=list[SyncRun])
async def sync_runs(
    user: User,
    conn: DbConn,
    org: Annotated[str | None, Query(max_length=50, description="organization code")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> list[SyncRun]:
    """Run history, newest first: started, finished, status, counts, error."""
    cur = await conn.execute(_q("admin_orgs"), {"user_id": user.id, "code": org})
    if not await cur.fetchall():
        where = f" of {org}" if org else " of any organization"
        raise Forbidden(f"this needs the admin role{where}")
    return await _runs(conn, user.id, org, limit)


@router.post("/{org}", response_model=RunRequested, status_code=202)
async def run_now(
    ctx: AdminOrg,
    conn: DbConn,
    full: Annotated[bool, Query(description="a full sync (deletions too)")] = False,
) -> RunRequested:
    """Queue a sync now; the worker starts it within moments. 409 while one is running."""
    run_id = await request_sync(conn, ctx.code, ctx.user.username, full=full)
    return RunRequested(run_id=run_id)


async def _status_of(conn: Conn, ctx: Any, request: Request) -> OrgSyncStatus:
    [status] = await _statuses(conn, ctx.user.id, app_settings(request), ctx.code)
    return status


@router.post("/{org}/pause", response_model=OrgSyncStatus)
async def pause(ctx: AdminOrg, conn: DbConn, request: Request) -> OrgSyncStatus:
    """Stop scheduled syncs of the organization ("run now" still works)."""
    await conn.execute(_q("set_paused"), {"org_id": ctx.org_id, "paused": True})
    return await _status_of(conn, ctx, request)


@router.post("/{org}/resume", response_model=OrgSyncStatus)
async def resume(ctx: AdminOrg, conn: DbConn, request: Request) -> OrgSyncStatus:
    await conn.execute(_q("set_paused"), {"org_id": ctx.org_id, "paused": False})
    return await _status_of(conn, ctx, request)


@router.put("/{org}/schedule", response_model=OrgSyncStatus)
async def set_schedule(
    ctx: AdminOrg, conn: DbConn, request: Request, body: ScheduleIn
) -> OrgSyncStatus:
    """Set the organization's cron (read in PFA_SYNC_TIMEZONE), or null for the default
    (PFA_SYNC_SCHEDULE)."""
    cron = check_cron(body.cron) if body.cron is not None else None
    await conn.execute(_q("set_schedule"), {"org_id": ctx.org_id, "cron": cron})
    return await _status_of(conn, ctx, request)
