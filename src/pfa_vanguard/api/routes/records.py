"""The merged read of an organization, and one record in detail."""

from __future__ import annotations

from typing import Annotated, Any

import psycopg
from fastapi import APIRouter, Header, Path, Query, Request
from starlette.responses import Response, StreamingResponse

from pfa_vanguard.accounts.repository import Role
from pfa_vanguard.api.deps import (
    DbConn,
    TokenUser,
    ViewerOrg,
    app_pool,
    app_settings,
    check_org_access,
)
from pfa_vanguard.api.errors import error_responses
from pfa_vanguard.api.schemas import MergedRecords, RecordDetail
from pfa_vanguard.api.state import request_state
from pfa_vanguard.api.view_query import ViewFilter, ViewSort
from pfa_vanguard.db.errors import translate_errors
from pfa_vanguard.db.queries import Conn, load
from pfa_vanguard.domain.costs import with_derived
from pfa_vanguard.domain.drafts import merge
from pfa_vanguard.drafts.service import list_drafts
from pfa_vanguard.errors import NotFound
from pfa_vanguard.mirror.merged_read import (
    ReadAnswer,
    ReadQuery,
    finish_read,
    plan_read,
)

router = APIRouter(prefix="/api", tags=["records"])


_MERGED_READ_DOC: dict[int | str, dict[str, Any]] = {
    200: {"model": MergedRecords, "description": "merged records (baseline + your drafts)"},
    304: {"description": "not modified since the ETag given in If-None-Match"},
}


@router.get("/pfa/{org}", responses=_MERGED_READ_DOC, response_class=Response)
async def read_records(
    user: TokenUser,
    request: Request,
    org: Annotated[str, Path(description="organization code", max_length=50)],
    where: ViewFilter,
    order: ViewSort,
    limit: Annotated[
        int | None, Query(ge=1, le=100_000, description="page size; none: all")
    ] = None,
    cursor: Annotated[
        str | None, Query(max_length=2000, description="nextCursor of the page before")
    ] = None,
    archived: Annotated[
        bool,
        Query(description="also the archived records (long ended; marked archived: true)"),
    ] = False,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
    accept_encoding: Annotated[str | None, Header(include_in_schema=False)] = None,
    if_none_match: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    """Every record of the organization (or those the filters select) with the caller's
    drafts applied; filters see merged values. Each record: id, data (with derived costs),
    hasDraft, state (pristine | draft | conflict | orphaned). With `Accept:
    application/vnd.pfa.columns+json` the same read comes as columns (the web grid's layout,
    docs/api.md), with ETags of its own."""
    query = ReadQuery(
        filter=where,
        sort=order,
        limit=limit,
        cursor=cursor,
        archived=archived,
    )
    caches = request_state(request).caches
    pool = app_pool(request)
    # The connection is held only for the database part: catching up a snapshot (seconds,
    # the first time) must not keep pooled connections from other requests.
    async with translate_errors(), pool.connection() as conn:
        await conn.set_autocommit(True)  # reads only: no transaction to end (one trip less)
        try:
            ctx = await check_org_access(conn, user, org, Role.VIEWER)
            plan = await plan_read(
                conn,
                caches,
                app_settings(request),
                ctx,
                query,
                accept_encoding=accept_encoding,
                if_none_match=if_none_match,
                accept=accept,
            )
        finally:
            await _restore_transactions(conn)
    if isinstance(plan, ReadAnswer):
        return _response(plan)
    return _response(await finish_read(pool, caches, plan))


def _response(answer: ReadAnswer) -> Response:
    if answer.body is None:
        return Response(status_code=304, headers=answer.headers)
    if isinstance(answer.body, bytes):
        return Response(answer.body, media_type=answer.media_type, headers=answer.headers)
    return StreamingResponse(answer.body, media_type=answer.media_type, headers=answer.headers)


async def _restore_transactions(conn: Conn) -> None:
    """Back to transactions before the pool has the connection again; a connection that
    cannot be switched back is closed (the pool then replaces it) rather than shared."""
    try:
        await conn.set_autocommit(False)
    except psycopg.Error:
        await conn.close()


@router.get(
    "/pfa/{org}/records/{record_id}", response_model=RecordDetail, responses=error_responses(404)
)
async def record_detail(
    ctx: ViewerOrg,
    conn: DbConn,
    record_id: Annotated[str, Path(max_length=200)],
) -> RecordDetail:
    """Baseline, the caller's draft, the merged record, versions, state and conflict detail."""
    cur = await conn.execute(
        load("pfa_vanguard.mirror")["baseline_rows"], {"org_id": ctx.org_id, "ids": [record_id]}
    )
    row = await cur.fetchone()
    drafts = await list_drafts(conn, ctx.user.id, ctx.org_id, [record_id])
    draft = drafts[0] if drafts else None
    if row is None and draft is None:
        raise NotFound(f"no record {record_id!r} in {ctx.code}")
    if draft is None:
        assert row is not None
        baseline = with_derived(row["data"])
        return RecordDetail(
            id=record_id,
            baseline=baseline,
            draft=None,
            merged=baseline,
            base_version=None,
            pems_version=int(row["pems_version"]),
            state="pristine",
            conflict=None,
            last_synced_at=row["last_synced_at"],
        )
    conflict = draft.conflict
    return RecordDetail(
        id=record_id,
        baseline=with_derived(draft.baseline),
        draft=draft.changes,
        merged=with_derived(merge(draft.baseline, draft.changes)),
        base_version=draft.base_version,
        pems_version=draft.pems_version,
        state=draft.state,
        conflict=conflict or None,
        last_synced_at=row["last_synced_at"] if row else None,
        draft_modified_at=draft.modified_at,
        orphaned_at=draft.orphaned_at,
    )
