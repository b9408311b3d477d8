"""The record history: every field-level change a sync found or a commit made."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from pfa_vanguard.api.deps import DbConn, ViewerOrg
from pfa_vanguard.api.errors import error_responses
from pfa_vanguard.api.schemas import HistoryPage
from pfa_vanguard.history.service import MAX_LIMIT, HistoryQuery, history_page

router = APIRouter(prefix="/api", tags=["history"])


@router.get("/pfa/{org}/history", response_model=HistoryPage, responses=error_responses(404))
async def history(
    ctx: ViewerOrg,
    conn: DbConn,
    since: Annotated[
        datetime | None,
        Query(description="changes found or made at or after (ISO 8601, with zone)"),
    ] = None,
    until: Annotated[datetime | None, Query(description="... and before")] = None,
    user: Annotated[
        str | None, Query(max_length=64, description="who committed (syncs have no user)")
    ] = None,
    source: Annotated[
        Literal["sync", "commit", "archive"] | None,
        Query(
            description="sync: PEMS's own changes a sync found (and records it deleted); "
            "commit: the team's commits; archive: records moved to the archive"
        ),
    ] = None,
    field: Annotated[
        str | None, Query(max_length=64, description="one field, e.g. forecastEnd")
    ] = None,
    pfa_id: Annotated[str | None, Query(max_length=200, description="one record")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
    cursor: Annotated[
        str | None, Query(max_length=80, description="nextCursor of the page before")
    ] = None,
) -> dict[str, Any]:
    """Changes of the organization's records, newest first, one page at a time: field, old
    and new value, source, when found (syncs) or made (commits), who and PEMS's answer
    (commits). Kept for PFA_RETAIN_HISTORY_DAYS."""
    query = HistoryQuery(since, until, user, source, field, pfa_id, limit, cursor)
    return {"org": ctx.code, **await history_page(conn, ctx.org_id, query)}
