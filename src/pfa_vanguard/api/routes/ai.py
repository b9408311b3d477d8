"""The AI assistant over HTTP: questions to answers (viewer+), instructions to draft
proposals (editor+). The organization comes from the body and is checked like a path `{org}`;
the assistant never chooses its own scope.

A request is admitted first (at most PFA_AI_MAX_CONCURRENCY_PER_USER of one user at a time,
else 429 at once; at most PFA_AI_MAX_CONCURRENCY in the process), then checked and counted
against the user's budget of a minute on a connection of the request pool that it gives back
at once; the assistant's work itself runs on its own pools only. So no assistant load can
take the connections other requests and `/api/health` need.

`ai_lifespan` puts the AiService (with its own pools) in the app's state (`AppState.ai`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from pydantic import Field

from pfa_vanguard.accounts.repository import Role
from pfa_vanguard.ai.admission import AiAdmission
from pfa_vanguard.ai.executor import ScopedExecutor
from pfa_vanguard.ai.proposals import propose_draft
from pfa_vanguard.ai.providers import make_provider
from pfa_vanguard.ai.service import MAX_QUESTION_LENGTH, AiService, AuditEntry
from pfa_vanguard.api.deps import OrgContext, TokenUser, app_pool, check_org_access
from pfa_vanguard.api.errors import error_responses
from pfa_vanguard.api.schemas import Wire
from pfa_vanguard.api.state import app_state, request_state
from pfa_vanguard.db.connection import make_pool
from pfa_vanguard.db.errors import translate_errors

router = APIRouter(prefix="/api/ai", tags=["ai"], responses=error_responses(429))


class QueryBody(Wire):
    org: str = Field(min_length=1, max_length=50, description="organization code")
    question: str = Field(max_length=MAX_QUESTION_LENGTH, description="in plain language")


class DraftBody(Wire):
    org: str = Field(min_length=1, max_length=50, description="organization code")
    instruction: str = Field(max_length=MAX_QUESTION_LENGTH, description="e.g. 'push ...'")


class AiAnswer(Wire):
    sql: str = Field(description="the SQL that ran (re-emitted by the guard)")
    columns: list[str]
    rows: list[list[Any]]
    row_count: int
    truncated: bool = Field(description="more rows existed than the row cap")
    duration_ms: float = Field(description="execution of the SQL")
    provider: str
    explanation: str = Field(
        default="", description="what was counted or summed, over which records, in plain words"
    )
    warnings: list[str] = Field(
        default_factory=list, description="e.g. an empty answer caused by a name matching nothing"
    )
    record_ids: list[str] | None = Field(
        default=None,
        description="ids of the records the answer counted, summed or listed (at most 5,000), "
        "read from the SQL's structure; null when its rows are not a plain set of records",
    )
    record_ids_more: bool = Field(
        default=False, description="the answer is over more records than `recordIds` holds"
    )
    records_note: str = Field(
        default="", description="why there are no record ids, or that there are more"
    )


class ProposedChange(Wire):
    record_id: str
    changes: dict[str, Any]
    base: dict[str, Any] = Field(description="the values the changes were computed from")


class CostImpact(Wire):
    plan_cost: float
    forecast_cost_before: float
    forecast_cost_after: float
    forecast_cost_delta: float


class DraftProposal(Wire):
    changes: list[ProposedChange] = Field(description="post these to /api/pfa/{org}/draft")
    summary: str
    record_count: int
    cost_impact: CostImpact
    skipped: list[dict[str, Any]] = Field(description="records the change is not valid for")
    sql: str
    provider: str


@asynccontextmanager
async def ai_lifespan(app: FastAPI) -> AsyncIterator[None]:
    state = app_state(app)
    settings = state.settings
    slots = settings.ai_max_concurrency
    # the assistant's application connections: one per admitted request at most
    pool = make_pool(
        state.database_url,
        min_size=1,
        max_size=slots,
        name="pfa-ai-app",
        application_name="pfa-vanguard-ai",
        timeout_s=settings.db_pool_timeout_s,
    )
    await pool.open(wait=False)
    try:
        executor = ScopedExecutor.from_settings(settings, pool, state.database_url)
        await executor.open()
        try:
            admission = AiAdmission(total=slots, per_user=settings.ai_max_concurrency_per_user)
            state.ai = AiService(pool, executor, make_provider(settings), admission=admission)
            try:
                yield
            finally:
                state.ai = None
        finally:
            await executor.close()
    finally:
        await pool.close()


def _service(request: Request) -> AiService:
    service = request_state(request).ai
    if service is None:
        raise RuntimeError("the assistant's lifespan has not run")
    return service


async def _start(
    request: Request, user: TokenUser, org: str, role: Role, kind: str, text: str
) -> tuple[OrgContext, AuditEntry]:
    """Check the caller's session and role in `org` and count the request (its audit row) on
    a request connection held only for that (the token's user is taken without a database
    read: `User` would hold a request connection for the whole answer)."""
    service = _service(request)
    per_minute = request_state(request).settings.ai_requests_per_minute
    async with translate_errors(), app_pool(request).connection() as conn:
        ctx = await check_org_access(conn, user, org, role)
        entry = AuditEntry(ctx.org_id, user.id, kind, service.provider.name, text[:4000])
        await service.start(conn, entry, per_minute)
        await conn.commit()
    return ctx, entry


@router.post("/query", response_model=AiAnswer)
async def query(body: QueryBody, user: TokenUser, request: Request) -> dict[str, Any]:
    """Answer a question over the caller's merged records of `org` (viewer or more)."""
    service = _service(request)
    async with service.admission.admit(user.id):
        ctx, entry = await _start(request, user, body.org, Role.VIEWER, "query", body.question)
        answer = await service.ask(
            org_id=ctx.org_id, user_id=user.id, question=body.question, entry=entry, records=True
        )
    return answer.to_json()


@router.post("/draft", response_model=DraftProposal)
async def draft(body: DraftBody, user: TokenUser, request: Request) -> dict[str, Any]:
    """Propose draft changes for an instruction (editor or more). Nothing is saved."""
    service = _service(request)
    async with service.admission.admit(user.id):
        ctx, entry = await _start(request, user, body.org, Role.EDITOR, "draft", body.instruction)
        return await propose_draft(
            service, org_id=ctx.org_id, user_id=user.id, instruction=body.instruction, entry=entry
        )
