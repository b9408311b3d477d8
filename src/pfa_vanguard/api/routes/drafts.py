"""The caller's drafts in one organization: list, save (one or many), delete one, discard all."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Request

from pfa_vanguard.api.deps import DbConn, EditorOrg, ViewerOrg, app_settings
from pfa_vanguard.api.errors import error_responses
from pfa_vanguard.api.schemas import DiscardResponse, DraftIn, DraftOut, SaveDraftsResponse
from pfa_vanguard.domain.costs import with_derived
from pfa_vanguard.domain.drafts import date_range_errors
from pfa_vanguard.drafts import service
from pfa_vanguard.errors import BadRequest, ValidationFailed
from pfa_vanguard.settings import Settings

router = APIRouter(prefix="/api", tags=["drafts"])

MAX_BATCH = 5000


def draft_out(draft: service.Draft) -> DraftOut:
    return DraftOut(
        record_id=draft.record_id,
        changes=draft.changes,
        base_version=draft.base_version,
        base_values=draft.base_values,
        pems_version=draft.pems_version,
        state=draft.state,
        conflict=draft.conflict or None,
        merged=with_derived(draft.merged),
        created_at=draft.created_at,
        modified_at=draft.modified_at,
        orphaned_at=draft.orphaned_at,
    )


@router.get("/pfa/{org}/drafts", response_model=list[DraftOut], responses=error_responses(404))
async def list_drafts(ctx: ViewerOrg, conn: DbConn) -> list[DraftOut]:
    """The caller's drafts in this organization (orphaned ones included), by record id."""
    return [draft_out(d) for d in await service.list_drafts(conn, ctx.user.id, ctx.org_id)]


def _check_date_ranges(items: list[DraftIn], settings: Settings) -> None:
    """422 (shaped as the service's refusals) when a change sets a date outside the
    configured years; checked before anything is read or written."""
    errors = {
        item.record_id: found
        for item in items
        if (
            found := date_range_errors(item.changes, settings.date_min_year, settings.date_max_year)
        )
    }
    if not errors:
        return
    if len(items) == 1:
        [(record_id, fields)] = errors.items()
        exc = ValidationFailed(
            fields, "; ".join(f"{record_id}.{name}: {why}" for name, why in fields.items())
        )
    else:
        exc = ValidationFailed(
            {f"{rid}.{name}": why for rid, fields in errors.items() for name, why in fields.items()}
        )
    exc.extra["records"] = [{"recordId": rid, "fields": f} for rid, f in errors.items()]
    raise exc


@router.post("/pfa/{org}/draft", response_model=SaveDraftsResponse, responses=error_responses(404))
async def save_drafts(
    ctx: EditorOrg,
    conn: DbConn,
    request: Request,
    body: Annotated[DraftIn | list[DraftIn], Body()],
) -> SaveDraftsResponse:
    """Save `{"recordId", "changes", "base"?}` or a list of them, merged into existing drafts.
    `base` holds the values the user saw in the changed fields: a field PEMS has changed since
    (the mirror holds another value) is saved as a conflict, never silently rebased. All or
    nothing: 422 names every refused field of every record (a date outside the configured
    years included); 404 for an unknown record."""
    items = body if isinstance(body, list) else [body]
    if not items:
        raise BadRequest("nothing to save: send {recordId, changes} or a non-empty list of them")
    if len(items) > MAX_BATCH:
        raise BadRequest(f"at most {MAX_BATCH} drafts per request, got {len(items)}")
    _check_date_ranges(items, app_settings(request))
    result = await service.save_drafts(
        conn,
        ctx.user.id,
        ctx.org_id,
        [service.DraftInput(i.record_id, i.changes, i.base) for i in items],
        ctx.code,
    )
    return SaveDraftsResponse(saved=[draft_out(d) for d in result.drafts], removed=result.removed)


@router.delete(
    "/pfa/{org}/drafts/{record_id}",
    response_model=DiscardResponse,
    responses=error_responses(404),
)
async def delete_draft(
    ctx: EditorOrg, conn: DbConn, record_id: Annotated[str, Path(max_length=200)]
) -> DiscardResponse:
    """Drop the caller's draft of one record (404 when there is none)."""
    await service.delete_draft(conn, ctx.user.id, ctx.org_id, record_id)
    return DiscardResponse(discarded=[record_id], count=1)


@router.post("/pfa/{org}/discard", response_model=DiscardResponse, responses=error_responses(404))
async def discard(ctx: EditorOrg, conn: DbConn) -> DiscardResponse:
    """Drop all the caller's drafts in this organization (never another's, never elsewhere)."""
    gone = await service.discard_drafts(conn, ctx.user.id, ctx.org_id)
    return DiscardResponse(discarded=gone, count=len(gone))
