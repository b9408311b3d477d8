"""The AI assistant over HTTP: questions to answers (viewer+), instructions to draft
proposals (editor+). The organization comes from the body and is checked like a path `{org}`;
the assistant never chooses its own scope.

`ai_lifespan` puts `app.state.ai` (an AiService with its pool of `pfa_ai` connections) on the
app.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from pydantic import Field

from pfa_vanguard.accounts.repository import Role
from pfa_vanguard.ai.drafts import propose_draft
from pfa_vanguard.ai.executor import ScopedExecutor
from pfa_vanguard.ai.providers import make_provider
from pfa_vanguard.ai.service import MAX_QUESTION_LENGTH, AiService
from pfa_vanguard.api.deps import DbConn, User, check_org_access
from pfa_vanguard.api.schemas import Wire

router = APIRouter(prefix="/api/ai", tags=["ai"])


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
    settings = app.state.settings
    executor = ScopedExecutor.from_settings(settings, app.state.pool, app.state.database_url)
    await executor.open()
    app.state.ai = AiService(app.state.pool, executor, make_provider(settings))
    try:
        yield
    finally:
        await executor.close()


@router.post("/query", response_model=AiAnswer)
async def query(body: QueryBody, user: User, conn: DbConn, request: Request) -> dict[str, Any]:
    """Answer a question over the caller's merged records of `org` (viewer or more)."""
    ctx = await check_org_access(conn, user, body.org, Role.VIEWER)
    service: AiService = request.app.state.ai
    await service.check_rate(conn, user.id, request.app.state.settings.ai_requests_per_minute)
    answer = await service.ask(org_id=ctx.org_id, user_id=user.id, question=body.question)
    return answer.to_json()


@router.post("/draft", response_model=DraftProposal)
async def draft(body: DraftBody, user: User, conn: DbConn, request: Request) -> dict[str, Any]:
    """Propose draft changes for an instruction (editor or more). Nothing is saved."""
    ctx = await check_org_access(conn, user, body.org, Role.EDITOR)
    service: AiService = request.app.state.ai
    await service.check_rate(conn, user.id, request.app.state.settings.ai_requests_per_minute)
    return await propose_draft(
        service, org_id=ctx.org_id, user_id=user.id, instruction=body.instruction
    )
