"""Liveness and sync freshness: 200 ok/degraded, 503 when the database is unreachable."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from pfa_vanguard.api.deps import app_pool, app_settings
from pfa_vanguard.api.schemas import HealthOrg, HealthResponse
from pfa_vanguard.db.errors import is_unavailable
from pfa_vanguard.db.queries import load
from pfa_vanguard.sync.schedule import is_late

router = APIRouter(prefix="/api", tags=["health"])

_HEALTH_TIMEOUT_S = 3.0


@router.get(
    "/health",
    response_model=HealthResponse,
    responses={503: {"description": "the database is unavailable"}},
)
async def health(request: Request) -> HealthResponse | Response:
    """ok, or degraded when an organization's sync is late; 503 when the database is down."""
    settings = app_settings(request)
    try:
        async with app_pool(request).connection(timeout=_HEALTH_TIMEOUT_S) as conn:
            cur = await conn.execute(load("pfa_vanguard.api")["health_orgs"])
            rows = await cur.fetchall()
            await conn.rollback()
    except Exception as exc:
        if not is_unavailable(exc):
            raise
        body = {
            "status": "unavailable",
            "database": "unavailable",
            "orgs": [],
            "error": "DatabaseUnavailable",
            "detail": "the database is unavailable",
        }
        return Response(orjson.dumps(body), status_code=503, media_type="application/json")
    now = datetime.now(UTC)
    orgs = [
        HealthOrg(
            code=r["code"],
            last_synced_at=r["last_synced_at"],
            late=is_late(r, now, settings.sync_schedule, settings.sync_timezone),
        )
        for r in rows
    ]
    status = "degraded" if any(o.late for o in orgs) else "ok"
    return HealthResponse(status=status, database="ok", orgs=orgs)
