"""Liveness and sync freshness: 200 ok/degraded, 503 when the database is unreachable."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from croniter import croniter
from fastapi import APIRouter, Request
from starlette.responses import Response

from pfa_vanguard.api.deps import app_pool, app_settings
from pfa_vanguard.api.schemas import HealthOrg, HealthResponse
from pfa_vanguard.db.errors import is_unavailable
from pfa_vanguard.db.queries import load
from pfa_vanguard.settings import Settings

router = APIRouter(prefix="/api", tags=["health"])

_HEALTH_TIMEOUT_S = 3.0


def _fallback_is_late(org: dict[str, Any], now: datetime, settings: Settings) -> bool:
    """Late = the last successful sync is older than twice the schedule's interval."""
    if org.get("sync_paused"):
        return False
    schedule = org.get("sync_schedule") or settings.sync_schedule
    it = croniter(schedule, now)
    following = it.get_next(datetime)
    interval = it.get_next(datetime) - following
    last = org.get("last_synced_at")
    if last is None:
        return bool(now - org["created_at"] > 2 * interval)
    return bool(now - last > max(2 * interval, timedelta(minutes=1)))


def _late_function(settings: Settings) -> Callable[[dict[str, Any], datetime], bool]:
    """The sync package's `is_late` when installed, else the same rule computed here."""
    try:
        module = importlib.import_module("pfa_vanguard.sync.schedule")
        fn = getattr(module, "is_late", None)
    except ImportError:
        fn = None
    if fn is None:
        return lambda org, now: _fallback_is_late(org, now, settings)
    return lambda org, now: bool(fn(org, now))


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
    late = _late_function(settings)
    orgs = [
        HealthOrg(code=r["code"], last_synced_at=r["last_synced_at"], late=late(r, now))
        for r in rows
    ]
    status = "degraded" if any(o.late for o in orgs) else "ok"
    return HealthResponse(status=status, database="ok", orgs=orgs)
