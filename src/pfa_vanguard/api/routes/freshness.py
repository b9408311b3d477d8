"""Keeping an open screen fresh: the delta read of an organization and "Refresh from PEMS".

- GET /api/pfa/{org}/changes?since=N (viewer): the records changed after change number N, with
  the caller's draft state on them, the ids removed, the new high-water mark (`version`) and
  the organization's freshness. Without `since`: only the high-water mark and the freshness
  (read it before loading the organization, then poll from it).
- POST /api/pfa/{org}/refresh (editor): ask the worker for a sync now, exactly as an admin's
  "run now" does (one pending request at most; 409 while a sync of the organization runs).

The delta is polled by every open screen, so its body is assembled from bytes like the merged
read's: a pristine record is the mirror's JSON text with the derived fields spliced in
(mirror/encode.py), never parsed; only the caller's drafted records are built in Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from pfa_vanguard.api.deps import DbConn, EditorOrg, ViewerOrg, app_settings
from pfa_vanguard.api.errors import error_responses
from pfa_vanguard.api.schemas import OrgChanges, RunRequested
from pfa_vanguard.domain.costs import with_derived
from pfa_vanguard.drafts.screen import screen_delta
from pfa_vanguard.drafts.service import Draft
from pfa_vanguard.mirror.changes import high_water
from pfa_vanguard.mirror.encode import encode_baseline_row
from pfa_vanguard.mirror.freshness import freshness
from pfa_vanguard.sync.requests import request_sync

router = APIRouter(prefix="/api", tags=["records"])

MAX_DELTA = 2000  # more changes than this: the screen reads the organization again


def _freshness(row: Mapping[str, Any], default_schedule: str, zone: str) -> dict[str, Any]:
    fresh = freshness(row, default_schedule, datetime.now(UTC), zone)
    return {
        "lastSyncedAt": fresh.last_synced_at,
        "stale": fresh.stale,
        "nextSyncAt": fresh.next_sync_at,
    }


def _drafted_entry(record_id: str, row: dict[str, Any], draft: Draft) -> bytes:
    return orjson.dumps(
        {
            "id": record_id,
            "data": with_derived(draft.merged),
            "baseline": with_derived(orjson.loads(row["data_text"])),
            "hasDraft": True,
            "state": draft.state,
            "conflict": draft.conflict or None,
        }
    )


def _body(head: dict[str, Any], entries: list[bytes], tail: dict[str, Any]) -> Response:
    parts = [orjson.dumps(head)[:-1], b',"records":[', b",".join(entries), b"],"]
    parts.append(orjson.dumps(tail)[1:])
    return Response(b"".join(parts), media_type="application/json")


@router.get(
    "/pfa/{org}/changes",
    response_class=Response,
    responses={
        200: {"model": OrgChanges, "description": "what changed since `since`"},
        **error_responses(404),
    },
)
async def read_changes(
    ctx: ViewerOrg,
    conn: DbConn,
    request: Request,
    since: Annotated[
        int | None,
        Query(ge=0, description="the `version` of the previous answer; none: just the mark"),
    ] = None,
) -> Response:
    """The records changed since change number `since` (a sync, another user's commit), each
    merged with the caller's draft and with its state (a draft whose field PEMS changed under
    the user's edit is a conflict at once), the ids removed, and the new `version`. `reload`:
    too many changes to list; read the whole organization again."""
    settings = app_settings(request)
    default_schedule, zone = settings.sync_schedule, settings.sync_timezone
    if since is None:
        version, row = await high_water(conn, ctx.org_id)
        head = {"since": None, "version": version}
        return _body(
            head, [], {"removed": [], "reload": False, **_freshness(row, default_schedule, zone)}
        )
    screen = await screen_delta(conn, ctx.org_id, ctx.user.id, since, MAX_DELTA)
    delta = screen.changes
    entries: list[bytes] = []
    for record_id, row in delta.rows.items():
        draft = screen.drafts.get(record_id)
        entries.append(
            encode_baseline_row(row) if draft is None else _drafted_entry(record_id, row, draft)
        )
    head = {"since": since, "version": delta.version}
    tail = {"removed": delta.removed, "reload": delta.reload}
    return _body(head, entries, {**tail, **_freshness(screen.schedule, default_schedule, zone)})


@router.post(
    "/pfa/{org}/refresh",
    response_model=RunRequested,
    status_code=202,
    responses=error_responses(404),
)
async def refresh(ctx: EditorOrg, conn: DbConn) -> RunRequested:
    """Ask for a sync of the organization now (editor or admin): the same request as an
    admin's run now, answered with its run id; a request already waiting is shared, and 409
    says a sync is running (its `runId`: follow it, the screen's next delta read shows it)."""
    run_id = await request_sync(conn, ctx.code, ctx.user.username)
    return RunRequested(run_id=run_id)
