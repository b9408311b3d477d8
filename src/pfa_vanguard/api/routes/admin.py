"""Sync administration (admins of the organization): status, run now, pause/resume, schedule,
run history. "Run now" queues a request the worker picks up; the API never syncs itself."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from pfa_vanguard.api.deps import AdminOrg, DbConn, User, app_settings
from pfa_vanguard.api.schemas import OrgSyncStatus, RunRequested, ScheduleIn, SyncRun
from pfa_vanguard.db.queries import Conn
from pfa_vanguard.errors import Forbidden
from pfa_vanguard.sync import admin
from pfa_vanguard.sync.requests import request_sync
from pfa_vanguard.sync.schedule import check_cron

router = APIRouter(prefix="/api/admin/sync", tags=["admin"])


async def _statuses(
    conn: Conn, user_id: int, request: Request, code: str | None
) -> list[OrgSyncStatus]:
    settings = app_settings(request)
    rows = await admin.sync_status(
        conn,
        settings.sync_schedule,
        datetime.now(UTC),
        code,
        settings.sync_timezone,
        admin_user_id=user_id,
    )
    return [OrgSyncStatus.model_validate(row) for row in rows]


@router.get("", response_model=list[OrgSyncStatus])
async def sync_status(user: User, conn: DbConn, request: Request) -> list[OrgSyncStatus]:
    """Every organization the caller administers: schedule, paused, running, last run,
    next run, staleness (403 for a caller who administers none)."""
    statuses = await _statuses(conn, user.id, request, None)
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
    if not await admin.administered(conn, user.id, org):
        where = f" of {org}" if org else " of any organization"
        raise Forbidden(f"this needs the admin role{where}")
    runs = await admin.list_runs(conn, org, limit=limit, admin_user_id=user.id)
    return [SyncRun.model_validate(run) for run in runs]


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
    [status] = await _statuses(conn, ctx.user.id, request, ctx.code)
    return status


@router.post("/{org}/pause", response_model=OrgSyncStatus)
async def pause(ctx: AdminOrg, conn: DbConn, request: Request) -> OrgSyncStatus:
    """Stop scheduled syncs of the organization ("run now" still works)."""
    await admin.set_paused(conn, ctx.code, True)
    return await _status_of(conn, ctx, request)


@router.post("/{org}/resume", response_model=OrgSyncStatus)
async def resume(ctx: AdminOrg, conn: DbConn, request: Request) -> OrgSyncStatus:
    await admin.set_paused(conn, ctx.code, False)
    return await _status_of(conn, ctx, request)


@router.put("/{org}/schedule", response_model=OrgSyncStatus)
async def set_schedule(
    ctx: AdminOrg, conn: DbConn, request: Request, body: ScheduleIn
) -> OrgSyncStatus:
    """Set the organization's cron (read in PFA_SYNC_TIMEZONE), or null for the default
    (PFA_SYNC_SCHEDULE)."""
    if body.cron is not None:
        check_cron(body.cron)  # a blank expression is refused here, not taken as "default"
    await admin.set_schedule(conn, ctx.code, body.cron)
    return await _status_of(conn, ctx, request)
