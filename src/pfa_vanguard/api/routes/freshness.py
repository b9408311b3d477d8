"""Keeping an open screen fresh: the delta read of an organization and "Refresh from PEMS".

- GET /api/pfa/{org}/changes?since=N (viewer): the records changed after change number N, with
  the caller's draft state on them, the ids removed, the new high-water mark (`version`) and
  the organization's freshness. Without `since`: only the high-water mark and the freshness
  (read it before loading the organization, then poll from it).
- POST /api/pfa/{org}/refresh (editor): ask the worker for a sync now, exactly as an admin's
  "run now" does (one pending request at most; 409 while a sync of the organization runs).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, Query, Request

from pfa_vanguard.api.deps import Conn, DbConn, EditorOrg, ViewerOrg, app_settings
from pfa_vanguard.api.schemas import ChangedRecord, OrgChanges, RunRequested
from pfa_vanguard.db.queries import load
from pfa_vanguard.domain.costs import with_derived
from pfa_vanguard.drafts.service import list_drafts
from pfa_vanguard.mirror.changes import changes_since, high_water
from pfa_vanguard.mirror.freshness import freshness
from pfa_vanguard.sync.requests import request_sync

router = APIRouter(prefix="/api", tags=["records"])

_State = Literal["draft", "conflict", "orphaned"]
MAX_DELTA = 2000  # more changes than this: the screen reads the organization again


async def _freshness(conn: Conn, org_id: int, default_schedule: str) -> dict[str, Any]:
    cur = await conn.execute(load("pfa_vanguard.mirror", "changes.sql")["org_schedule"],
                             {"org_id": org_id})  # fmt: skip
    row = await cur.fetchone()
    fresh = freshness(row or {}, default_schedule, datetime.now(UTC))
    return {
        "last_synced_at": fresh.last_synced_at,
        "stale": fresh.stale,
        "next_sync_at": fresh.next_sync_at,
    }


@router.get("/pfa/{org}/changes", response_model=OrgChanges)
async def read_changes(
    ctx: ViewerOrg,
    conn: DbConn,
    request: Request,
    since: Annotated[
        int | None,
        Query(ge=0, description="the `version` of the previous answer; none: just the mark"),
    ] = None,
) -> OrgChanges:
    """The records changed since change number `since` (a sync, another user's commit), each
    merged with the caller's draft and with its state (a draft whose field PEMS changed under
    the user's edit is a conflict at once), the ids removed, and the new `version`. `reload`:
    too many changes to list; read the whole organization again."""
    fresh = await _freshness(conn, ctx.org_id, app_settings(request).sync_schedule)
    if since is None:
        return OrgChanges(since=None, version=await high_water(conn, ctx.org_id), **fresh)
    delta = await changes_since(conn, ctx.org_id, since, MAX_DELTA)
    records: list[ChangedRecord] = []
    if delta.rows:
        drafts = {
            d.record_id: d
            for d in await list_drafts(conn, ctx.user.id, ctx.org_id, list(delta.rows))
        }
        for record_id, data in delta.rows.items():
            draft = drafts.get(record_id)
            baseline = with_derived(data)
            records.append(
                ChangedRecord(
                    id=record_id,
                    data=baseline if draft is None else with_derived(draft.merged),
                    baseline=baseline,
                    has_draft=draft is not None,
                    state="pristine" if draft is None else cast(_State, draft.state),
                    conflict=(draft.conflict or None) if draft is not None else None,
                )
            )
    return OrgChanges(
        since=since,
        version=delta.version,
        records=records,
        removed=delta.removed,
        reload=delta.reload,
        **fresh,
    )


@router.post("/pfa/{org}/refresh", response_model=RunRequested, status_code=202)
async def refresh(ctx: EditorOrg, conn: DbConn) -> RunRequested:
    """Ask for a sync of the organization now (editor or admin): the same request as an
    admin's run now, answered with its run id; a request already waiting is shared, and 409
    says a sync is running (its `runId`: follow it, the screen's next delta read shows it)."""
    run_id = await request_sync(conn, ctx.code, ctx.user.username)
    return RunRequested(run_id=run_id)
