"""The caller's organizations."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request

from pfa_vanguard.accounts import repository as accounts
from pfa_vanguard.api.deps import DbConn, User, app_settings
from pfa_vanguard.api.schemas import OrgSummary
from pfa_vanguard.db.queries import Conn
from pfa_vanguard.mirror.freshness import is_stale
from pfa_vanguard.settings import Settings

router = APIRouter(prefix="/api", tags=["orgs"])


async def org_summaries(
    conn: Conn, user_id: int, settings: Settings, now: datetime
) -> list[OrgSummary]:
    rows = await accounts.memberships(conn, user_id)
    return [
        OrgSummary(
            code=r["code"],
            name=r["name"],
            role=r["role"],
            last_synced_at=r["last_synced_at"],
            stale=is_stale(r, settings.sync_schedule, now, settings.sync_timezone),
        )
        for r in rows
    ]


@router.get("/orgs", response_model=list[OrgSummary])
async def list_orgs(user: User, conn: DbConn, request: Request) -> list[OrgSummary]:
    """The caller's organizations: code, name, role, lastSyncedAt, stale."""
    return await org_summaries(conn, user.id, app_settings(request), datetime.now(UTC))
