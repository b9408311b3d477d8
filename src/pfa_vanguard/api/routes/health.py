"""Liveness and sync freshness: 200 ok/degraded, 503 when the database is unreachable.

Without a token the answer is `{"status", "database"}` only (load balancers need no more, and
organization codes are not for the unauthenticated); with a valid token it also lists the
caller's own organizations with their last sync and whether it is late.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.responses import Response

from pfa_vanguard.api.deps import CurrentUser, app_pool, app_settings, check_session
from pfa_vanguard.api.schemas import HealthOrg, HealthResponse
from pfa_vanguard.api.state import request_state
from pfa_vanguard.db.errors import is_unavailable
from pfa_vanguard.db.queries import load
from pfa_vanguard.sync.schedule import is_late

router = APIRouter(prefix="/api", tags=["health"])

_HEALTH_TIMEOUT_S = 3.0
_optional_bearer = HTTPBearer(
    auto_error=False, description="optional: with a token, the caller's organizations too"
)


def _caller(
    request: Request, credentials: HTTPAuthorizationCredentials | None
) -> CurrentUser | None:
    """The token's user (signature and expiry checked; 401 when a token is sent but bad)."""
    if credentials is None:
        return None
    tokens = request_state(request).tokens
    claims = tokens.verify(credentials.credentials)
    return CurrentUser(id=claims.user_id, username=claims.username, generation=claims.generation)


@router.get(
    "/health",
    response_model=HealthResponse,
    response_model_exclude_none=True,
    responses={503: {"description": "the database is unavailable"}},
)
async def health(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_optional_bearer)],
) -> HealthResponse | Response:
    """ok, or degraded when an organization's sync is late; 503 when the database is down.
    With a token, also `orgs`: the caller's organizations (code, lastSyncedAt, late)."""
    settings = app_settings(request)
    user = _caller(request, credentials)
    queries = load("pfa_vanguard.api")
    try:
        async with app_pool(request).connection(timeout=_HEALTH_TIMEOUT_S) as conn:
            cur = await conn.execute(queries["health_orgs"])
            rows = await cur.fetchall()
            mine = None
            if user is not None:
                await check_session(conn, user)
                cur = await conn.execute(queries["health_member_orgs"], {"user_id": user.id})
                mine = await cur.fetchall()
            await conn.rollback()
    except Exception as exc:
        if not is_unavailable(exc):
            raise
        body = {
            "status": "unavailable",
            "database": "unavailable",
            "error": "DatabaseUnavailable",
            "detail": "the database is unavailable",
        }
        return Response(orjson.dumps(body), status_code=503, media_type="application/json")
    now = datetime.now(UTC)
    zone = settings.sync_timezone
    late = any(is_late(r, now, settings.sync_schedule, zone) for r in rows)
    orgs = None
    if mine is not None:
        orgs = [
            HealthOrg(
                code=r["code"],
                last_synced_at=r["last_synced_at"],
                late=is_late(r, now, settings.sync_schedule, zone),
            )
            for r in mine
        ]
    return HealthResponse(status="degraded" if late else "ok", database="ok", orgs=orgs)
