"""Commit drafts to PEMS, resolve conflicts, and read the commit audit trail.

- POST /api/pfa/{org}/commit (editor): `{"recordIds"?: [...]}` + optional `Idempotency-Key`
  → 200 `{"committed", "failed", "versions", "commitId"}`, or 409 (the error body with
  `conflicts` and the same keys) while drafts are in conflict with PEMS.
- GET /api/pfa/{org}/commit/progress (editor): the caller's latest commit, records answered of
  its total; POST /api/pfa/{org}/commit/cancel (editor): stop it before its next record.
- POST /api/pfa/{org}/conflicts/{id}/resolve (editor): keep_mine | use_theirs | merge.
- GET /api/pfa/{org}/commits: the audit trail (the caller's own; an admin sees everyone's).

`commit_lifespan` puts the PEMS client (`AppState.pems_client`, from settings.pems_url) in the
app's state, beside its KPI view refresher (`AppState.view_refresher`). After a commit wrote
through to the mirror, the KPI materialized views are refreshed in a background task after the
response.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, FastAPI, Header, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from pfa_vanguard.accounts.repository import Role
from pfa_vanguard.api.deps import DbConn, EditorOrg, ViewerOrg, app_settings
from pfa_vanguard.api.errors import error_body, error_responses
from pfa_vanguard.api.schemas import FieldConflict, PemsChange, Wire
from pfa_vanguard.api.state import app_state, request_state
from pfa_vanguard.db.errors import translate_errors
from pfa_vanguard.db.queries import Pool
from pfa_vanguard.drafts import commit_progress, commit_store
from pfa_vanguard.drafts.commit import CommitRequest, commit_drafts
from pfa_vanguard.drafts.conflicts import Strategy, resolve
from pfa_vanguard.errors import PfaError
from pfa_vanguard.orgs.windows import refuse_inside_window

_log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/pfa/{org}", tags=["commit"], responses=error_responses(404))


class PemsUnavailable(PfaError):
    status_code = 503
    kind = "PemsUnavailable"


class CommitBody(Wire):
    record_ids: list[Annotated[str, Field(min_length=1, max_length=100)]] | None = Field(
        default=None, max_length=50_000, description="only these drafts (default: all of yours)"
    )


class CommitFailure(Wire):
    record_id: str
    reason: str


class CommitResult(Wire):
    committed: list[str] = Field(description="record ids PEMS accepted (drafts removed)")
    failed: list[CommitFailure] = Field(description="refused or unreachable; drafts kept")
    versions: dict[str, int] = Field(description="PEMS's new version of each committed record")
    commit_id: int
    cancelled: list[str] = Field(
        default_factory=list, description="not sent: the commit was cancelled first (drafts kept)"
    )


class CommitProgress(Wire):
    commit_id: int
    status: str = Field(description="running | done | conflict")
    total: int | None = Field(description="drafts the commit handles (null: not loaded yet)")
    answered: int = Field(description="records answered so far (accepted, conflict or failed)")
    accepted: int
    conflicts: int
    failed: int
    cancel_requested: bool
    started_at: datetime
    finished_at: datetime | None


class CancelAnswer(Wire):
    commit_id: int
    cancel_requested: bool = True


class RecordConflict(Wire):
    record_id: str
    fields: dict[str, FieldConflict]
    pems_changed: dict[str, PemsChange] = Field(
        default_factory=dict,
        description="the other fields PEMS changed since the draft began (a merge may choose "
        '"mine" for an editable one: it is drafted back to its base)',
    )


class CommitConflict(Wire):
    """409: drafts in conflict (`conflicts`; records pushed before PEMS reported a conflict are
    in `committed`/`failed`), or another commit of the caller still running (no `conflicts`)."""

    error: str = "Conflict"
    detail: str
    conflicts: list[RecordConflict] = Field(default_factory=list)
    committed: list[str] = Field(default_factory=list)
    failed: list[CommitFailure] = Field(default_factory=list)
    versions: dict[str, int] = Field(default_factory=dict)
    commit_id: int | None = None
    cancelled: list[str] = Field(default_factory=list)


class ResolvedDraft(Wire):
    changes: dict[str, Any]
    base_version: int


class ResolveResult(Wire):
    record_id: str
    strategy: str
    resolved: dict[str, FieldConflict] = Field(description="the conflicts settled")
    restored: dict[str, Any] = Field(
        default_factory=dict, description="fields only PEMS changed, drafted back to their base"
    )
    draft: ResolvedDraft | None = Field(description="the draft left (null: none)")
    state: str = Field(description="draft | pristine")


class AuditChange(Wire):
    before: Any
    after: Any


class AuditEntryOut(Wire):
    id: int
    commit_id: int | None
    user: str
    record_id: str
    outcome: str = Field(
        description="accepted | already_applied | rebased | conflict | rejected | orphaned | error"
    )
    changes: dict[str, AuditChange]
    base_version: int | None
    new_version: int | None
    pems_message: str | None
    at: datetime


class CommitsPage(Wire):
    commits: list[AuditEntryOut]
    next_before: int | None = Field(description="pass as ?before= for the next page")


class ResolveBody(Wire):
    strategy: str = Field(description="keep_mine | use_theirs | merge")
    fields: dict[str, str] | None = Field(
        default=None,
        description='merge: {"<field>": "mine" | "theirs"} for every conflict, and "mine" for '
        "any field only PEMS changed that goes back to the value the draft began from",
    )


@asynccontextmanager
async def commit_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The PEMS client used by commits (none when settings.pems_url is unset, unless a caller
    already put a writer in the app's state)."""
    state = app_state(app)
    if state.pems_client is not None or not state.settings.pems_url:
        yield
        return
    from pfa_vanguard.pems.client import PemsClient
    from pfa_vanguard.pems.config import PemsConfig

    async with PemsClient(PemsConfig.from_settings(state.settings)) as client:
        state.pems_client = client
        try:
            yield
        finally:
            state.pems_client = None


async def _refresh_views(pool: Pool, refresher: commit_store.ViewRefresher) -> None:
    try:
        async with translate_errors(), pool.connection() as conn:
            await refresher.refresh(conn)
    except Exception:  # a later commit or sync refreshes again; never fail the response
        _log.warning("refreshing the KPI views after a commit failed", exc_info=True)


@router.post(
    "/commit",
    response_model=CommitResult,
    responses={409: {"model": CommitConflict, "description": "drafts in conflict with PEMS"}},
)
async def commit(
    ctx: EditorOrg,
    conn: DbConn,
    request: Request,
    background: BackgroundTasks,
    body: CommitBody | None = None,
    idempotency_key: Annotated[
        str | None,
        Header(alias="Idempotency-Key", min_length=1, max_length=255),
    ] = None,
) -> JSONResponse:
    """Push your drafts of this organization (or the listed ones) to PEMS, one record per call.

    Accepted records leave your drafts and show PEMS's values at once; refused ones keep their
    drafts with the reason. Any conflict with PEMS → 409 with each field's base, theirs and mine.
    A retry with the same Idempotency-Key returns the first answer and writes nothing again.
    Inside one of the organization's maintenance windows → 409 MaintenanceWindow with `until`.
    While it runs, GET .../commit/progress tells how far it got and POST .../commit/cancel stops
    it before its next record (the records not sent are listed in `cancelled`, drafts kept).
    """
    state = request_state(request)
    writer = state.pems_client
    if writer is None:
        raise PemsUnavailable("PEMS is not configured (set PFA_PEMS_URL): nothing can be committed")
    await refuse_inside_window(
        conn, ctx.code, datetime.now(UTC), app_settings(request).sync_timezone
    )
    outcome = await commit_drafts(
        conn,
        writer,
        CommitRequest(
            organization_id=ctx.org_id,
            org_code=ctx.code,
            user_id=ctx.user.id,
            record_ids=None if body is None else body.record_ids,
            idempotency_key=idempotency_key,
        ),
        watch=partial(commit_progress.watch_cancel, state.pool),
    )
    if outcome.mirror_changed:
        background.add_task(_refresh_views, state.pool, state.view_refresher)
    headers = {"Idempotent-Replayed": "true"} if outcome.replayed else None
    if not outcome.conflicts:
        return JSONResponse(outcome.summary, headers=headers)
    # (runs stored by earlier versions hold the error keys already: the same text)
    summary = {k: v for k, v in outcome.summary.items() if k not in ("error", "detail")}
    conflict = error_body("Conflict", outcome.conflict_detail(), **summary)
    return JSONResponse(conflict, status_code=409, headers=headers)


@router.get("/commit/progress", response_model=CommitProgress)
async def commit_progress_of(ctx: EditorOrg, conn: DbConn) -> dict[str, Any]:
    """How far your latest commit in this organization got: records answered of its total,
    accepted, in conflict, failed; whether a cancel was asked. 404 before your first commit."""
    progress = await commit_progress.latest_progress(conn, ctx.org_id, ctx.user.id)
    return progress.as_json()


@router.post("/commit/cancel", response_model=CancelAnswer)
async def cancel_commit(ctx: EditorOrg, conn: DbConn) -> dict[str, Any]:
    """Stop your running commit in this organization before its next record: records already
    sent finish, the others keep their drafts (the commit's answer lists them in `cancelled`).
    404 when none is running."""
    run_id = await commit_progress.request_cancel(conn, ctx.org_id, ctx.user.id)
    return {"commitId": run_id, "cancelRequested": True}


@router.post(
    "/conflicts/{record_id}/resolve",
    response_model=ResolveResult,
    responses=error_responses(409),
)
async def resolve_conflict(
    ctx: EditorOrg,
    conn: DbConn,
    record_id: Annotated[str, Path(max_length=100)],
    body: ResolveBody,
) -> dict[str, Any]:
    """Resolve your draft's conflicts with PEMS and rebase it on PEMS's current version:
    keep_mine keeps your values, use_theirs drops the conflicting fields, merge takes a
    "mine"/"theirs" choice for every conflicting field. Fields only PEMS changed take PEMS's
    values; fields only you changed stay. Commit afterwards."""
    resolution = await resolve(
        conn,
        organization_id=ctx.org_id,
        user_id=ctx.user.id,
        record_id=record_id,
        strategy=Strategy.parse(body.strategy),
        choices=body.fields,
    )
    return resolution.as_json()


@router.get("/commits", response_model=CommitsPage)
async def list_commits(
    ctx: ViewerOrg,
    conn: DbConn,
    record_id: Annotated[str | None, Query(alias="recordId", max_length=100)] = None,
    before: Annotated[int | None, Query(description="page: ids below this one", ge=1)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """Commit audit trail, newest first: who, record, outcome, each field before → after, the
    PEMS versions and PEMS's answer. Your own entries; an admin sees everyone's."""
    rows = await commit_store.list_audit(
        conn,
        ctx.org_id,
        user_id=None if ctx.role.allows(Role.ADMIN) else ctx.user.id,
        record_id=record_id,
        before_id=before,
        limit=limit,
    )
    return {"commits": rows, "nextBefore": rows[-1]["id"] if len(rows) == limit else None}
