"""Named views of the grid, per user, optionally shared with the organization; and each user's
arrangement of the grid's columns."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import Field

from pfa_vanguard.api.deps import DbConn, ViewerOrg
from pfa_vanguard.api.errors import error_responses
from pfa_vanguard.api.schemas import Wire
from pfa_vanguard.views import service

router = APIRouter(prefix="/api", tags=["views"])


class SaveView(Wire):
    name: str = Field(min_length=1, max_length=80)
    query: str = Field(
        max_length=2000,
        description="the grid's query string: filters, sort, grouping and columns",
    )
    shared: bool = Field(default=False, description="visible to every member of the organization")


class SavedView(Wire):
    id: int
    name: str
    query: str
    shared: bool
    owner: str
    mine: bool
    updated_at: datetime


@router.get("/pfa/{org}/views", response_model=list[SavedView], responses=error_responses(404))
async def list_views(ctx: ViewerOrg, conn: DbConn) -> list[dict[str, Any]]:
    """The caller's views, then those other members shared."""
    return await service.list_views(conn, ctx.org_id, ctx.user.id)


@router.post("/pfa/{org}/views", response_model=SavedView, responses=error_responses(404))
async def save_view(ctx: ViewerOrg, conn: DbConn, body: SaveView) -> dict[str, Any]:
    """Save the view under its name (replacing the caller's view of that name)."""
    row = await service.save_view(conn, ctx.org_id, ctx.user.id, body.name, body.query, body.shared)
    return {**row, "owner": ctx.user.username, "mine": True}


@router.delete("/pfa/{org}/views/{view_id}", status_code=204, responses=error_responses(404))
async def delete_view(
    ctx: ViewerOrg, conn: DbConn, view_id: Annotated[int, Path(ge=1, le=2**62)]
) -> None:
    """Delete one of the caller's own views (404 for anyone else's)."""
    await service.delete_view(conn, ctx.org_id, ctx.user.id, view_id)


class ColumnLayout(Wire):
    query: str = Field(
        max_length=2000,
        description="the columns' arrangement as the address holds it: cols (keys in order),"
        " widths (key:px,...), hide (keys), pin (how many leading columns stay at the left);"
        " empty: the default arrangement",
    )


class SavedColumnLayout(ColumnLayout):
    updated_at: datetime | None = None


@router.get("/pfa/{org}/columns", response_model=SavedColumnLayout, responses=error_responses(404))
async def get_columns(ctx: ViewerOrg, conn: DbConn) -> dict[str, Any]:
    """The caller's arrangement of the grid's columns in this organization (empty: default)."""
    row = await service.get_layout(conn, ctx.org_id, ctx.user.id)
    return row or {"query": "", "updated_at": None}


@router.put("/pfa/{org}/columns", response_model=SavedColumnLayout, responses=error_responses(404))
async def put_columns(ctx: ViewerOrg, conn: DbConn, body: ColumnLayout) -> dict[str, Any]:
    """Keep the caller's arrangement of the columns (an empty query resets it)."""
    row = await service.save_layout(conn, ctx.org_id, ctx.user.id, body.query)
    return row or {"query": "", "updated_at": None}
