"""KPI board and timeline bounds, optionally with the caller's drafts applied."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from pfa_vanguard.api.deps import DbConn, ViewerOrg
from pfa_vanguard.api.errors import error_responses
from pfa_vanguard.api.read_replica import baseline_connection
from pfa_vanguard.api.schemas import KpiResponse, SpendProfile, TimelineBounds
from pfa_vanguard.api.state import request_state
from pfa_vanguard.kpi import service
from pfa_vanguard.kpi.profile import GroupBy, spend_profile

router = APIRouter(prefix="/api", tags=["kpi"])

_Drafts = Annotated[bool, Query(description="apply the caller's drafts")]


@router.get("/pfa/{org}/kpi", response_model=KpiResponse, responses=error_responses(404))
async def kpi(
    ctx: ViewerOrg, conn: DbConn, request: Request, drafts: _Drafts = False
) -> dict[str, Any]:
    """KPI board: totals, by category, by source (plan/forecast/actual split rental/purchase,
    variance, variance %, overBudget). `current` is the committed baseline; with
    `drafts=true`, `pending` is the same board with the caller's drafts applied."""
    caches = request_state(request).caches
    overlay = await caches.overlays.load(conn, ctx.user.id, ctx.org_id) if drafts else None
    async with baseline_connection(request, ctx, conn) as baseline:
        board = await service.kpi(baseline, ctx.org_id, overlay, caches.kpi, ctx.user.id)
    return {"org": ctx.code, **board}


@router.get("/pfa/{org}/kpi/months", response_model=SpendProfile, responses=error_responses(404))
async def kpi_months(
    ctx: ViewerOrg,
    conn: DbConn,
    request: Request,
    drafts: _Drafts = False,
    by: Annotated[
        GroupBy | None, Query(description="one series per category, area, source or DOR")
    ] = None,
) -> dict[str, Any]:
    """The spend profile: plan, forecast and actual cost by month (each record's cost spread
    over the months its window runs; a purchase in its first month), monthly and cumulative,
    counted like the KPI board (its months add up to the board's totals); with `drafts=true`
    also with the caller's drafts."""
    caches = request_state(request).caches
    overlay = await caches.overlays.load(conn, ctx.user.id, ctx.org_id) if drafts else None
    async with baseline_connection(request, ctx, conn) as baseline:
        profile = await spend_profile(baseline, ctx.org_id, overlay, by, caches.profiles)
        currency = await service.currency(baseline, ctx.org_id)
    return {"org": ctx.code, "by": by, "currency": currency, **profile}


@router.get(
    "/pfa/{org}/timeline-bounds", response_model=TimelineBounds, responses=error_responses(404)
)
async def timeline_bounds(
    ctx: ViewerOrg, conn: DbConn, request: Request, drafts: _Drafts = False
) -> TimelineBounds:
    """Earliest forecast start and latest forecast end (with `drafts=true`: of the caller's
    merged records)."""
    caches = request_state(request).caches
    overlay = await caches.overlays.load(conn, ctx.user.id, ctx.org_id) if drafts else None
    async with baseline_connection(request, ctx, conn) as baseline:
        bounds = await service.timeline_bounds(baseline, ctx.org_id, overlay)
    return TimelineBounds(min_start=bounds.min_start, max_end=bounds.max_end, drafts=drafts)
