"""Exports: the current view (the grid's filters and sort) as CSV or .xlsx, and the KPI board as
.xlsx. What a view holds and how its totals are counted: reports/view.py, kpi/figures.py."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import StreamingResponse

from pfa_vanguard.api.deps import DbConn, ViewerOrg
from pfa_vanguard.api.errors import error_responses
from pfa_vanguard.api.read_replica import baseline_connection
from pfa_vanguard.api.schemas import ViewTotals
from pfa_vanguard.api.state import request_state
from pfa_vanguard.api.view_query import ViewFilter, ViewSort
from pfa_vanguard.kpi import service as kpi_service
from pfa_vanguard.reports.export import csv_stream, kpi_xlsx, xlsx_file
from pfa_vanguard.reports.view import View, read_view

router = APIRouter(prefix="/api", tags=["reports"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FILE_DOC: dict[int | str, dict[str, Any]] = {
    200: {"description": "the file, streamed"},
    **error_responses(404),
}


async def current_view(
    ctx: ViewerOrg,
    conn: DbConn,
    request: Request,
    where: ViewFilter,
    order: ViewSort,
) -> View:
    caches = request_state(request).caches
    overlay = await caches.overlays.load(conn, ctx.user.id, ctx.org_id)
    return await read_view(conn, ctx.org_id, overlay, where, order)


CurrentView = Annotated[View, Depends(current_view)]


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


@router.get("/pfa/{org}/export.csv", responses=_FILE_DOC, response_class=StreamingResponse)
async def export_csv(
    ctx: ViewerOrg,
    conn: DbConn,
    view: CurrentView,
) -> StreamingResponse:
    """The current view (the grid's filters and sort, the caller's drafts applied) as CSV:
    the organization, currency and filter on top, a totals row at the end (counted as the KPI
    board counts, saying what it leaves out)."""
    currency = await kpi_service.currency(conn, ctx.org_id)
    return StreamingResponse(
        csv_stream(view, ctx.code, currency),
        media_type="text/csv; charset=utf-8",
        headers=_attachment(f"{ctx.code}-view.csv"),
    )


@router.get("/pfa/{org}/export.xlsx", responses=_FILE_DOC, response_class=StreamingResponse)
async def export_xlsx(
    ctx: ViewerOrg,
    conn: DbConn,
    view: CurrentView,
) -> StreamingResponse:
    """The current view as an .xlsx workbook: typed numbers and dates, the filter written
    above the header, a totals row."""
    currency = await kpi_service.currency(conn, ctx.org_id)
    return StreamingResponse(
        xlsx_file(view, ctx.code, currency),
        media_type=XLSX,
        headers=_attachment(f"{ctx.code}-view.xlsx"),
    )


@router.get("/pfa/{org}/totals", response_model=ViewTotals, responses=error_responses(404))
async def view_totals(ctx: ViewerOrg, conn: DbConn, view: CurrentView) -> dict[str, Any]:
    """The totals of the current view (the grid's filters, the caller's drafts applied):
    the KPI board's totals figures over its records, what they leave out, the currency."""
    currency = await kpi_service.currency(conn, ctx.org_id)
    return {"org": ctx.code, "currency": currency, "records": len(view.records), **view.totals()}


@router.get("/pfa/{org}/kpi.xlsx", responses=_FILE_DOC, response_class=StreamingResponse)
async def export_kpi(
    ctx: ViewerOrg,
    conn: DbConn,
    request: Request,
    drafts: Annotated[bool, Query(description="add a sheet with the caller's drafts")] = False,
) -> StreamingResponse:
    """The KPI board as an .xlsx workbook (the same figures as GET /kpi)."""
    caches = request_state(request).caches
    overlay = await caches.overlays.load(conn, ctx.user.id, ctx.org_id) if drafts else None
    async with baseline_connection(request, ctx, conn) as baseline:
        body = await kpi_service.kpi(baseline, ctx.org_id, overlay, caches.kpi, ctx.user.id)
    return StreamingResponse(
        kpi_xlsx(body, ctx.code), media_type=XLSX, headers=_attachment(f"{ctx.code}-kpi.xlsx")
    )
