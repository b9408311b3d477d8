"""Maintenance windows on a real database: the worker skips scheduled syncs inside one (and
catches up once when it closes), a "run now" still runs, and a commit is refused with the
window's end while the drafts stay."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import REGISTRY
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from pfa_vanguard.db.connection import make_pool
from pfa_vanguard.errors import BadRequest, NotFound
from pfa_vanguard.orgs.windows import add_window, list_windows, remove_window
from pfa_vanguard.sync.requests import request_sync
from pfa_vanguard.sync.worker import SyncWorker
from tests.integration.api.commit_env import CommitEnv, commit_env
from tests.integration.sync.conftest import create_org, static_records
from tests.integration.sync.static_source import StaticSource

Conn = AsyncConnection[dict[str, Any]]
SATURDAY = datetime(2031, 1, 4, 21, 0, tzinfo=UTC)  # a Saturday, later than any real clock


class Clock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


@pytest.fixture
async def pool(db_url: str) -> AsyncIterator[AsyncConnectionPool[Any]]:
    pool = make_pool(db_url, min_size=1, max_size=4)
    await pool.open()
    try:
        yield pool
    finally:
        await pool.close()


async def test_scheduled_syncs_wait_for_the_window_to_close(
    conn: Conn, pool: AsyncConnectionPool[Any]
) -> None:
    await create_org(conn, "RIO")
    await create_org(conn, "HOLNG")
    window = await add_window(conn, "RIO", "0 22 * * 6", 240)  # Saturday 22:00-02:00
    await conn.commit()
    source = StaticSource(page_size=50)
    for code in ("RIO", "HOLNG"):
        source.put(code, static_records(code, 20))
    clock = Clock(SATURDAY)
    worker = SyncWorker(pool, source, default_schedule="*/15 * * * *", clock=clock)

    async def ran() -> list[str]:
        return sorted(r.org for r in await worker.tick())

    assert await ran() == ["HOLNG", "RIO"]
    clock.current = SATURDAY + timedelta(hours=1)  # 22:00: RIO's window opens
    assert await ran() == ["HOLNG"]
    clock.current = SATURDAY + timedelta(hours=4, minutes=59)
    assert await ran() == ["HOLNG"]
    # Both last synced 4 hours before this pass on a 15-minute schedule: HOLNG was late (this
    # pass syncs it), RIO is in its window, which is not "late".
    assert REGISTRY.get_sample_value("pfa_sync_late", {"org": "RIO"}) == 0
    assert REGISTRY.get_sample_value("pfa_sync_late", {"org": "HOLNG"}) == 1
    # A "run now" is an operator's decision: it runs inside the window.
    await request_sync(conn, "RIO", "ops")
    await conn.commit()
    assert await ran() == ["RIO"]
    clock.current = SATURDAY + timedelta(hours=5)  # 02:00: closed, RIO is due again
    assert await ran() == ["HOLNG", "RIO"]

    await remove_window(conn, "RIO", window.id)
    await conn.commit()
    assert await list_windows(conn, "RIO") == []


async def test_windows_refuse_bad_input_and_unknown_organizations(conn: Conn) -> None:
    await create_org(conn, "RIO")
    with pytest.raises(BadRequest, match="invalid cron"):
        await add_window(conn, "RIO", "every saturday", 60)
    with pytest.raises(BadRequest, match="1 to 10080 minutes"):
        await add_window(conn, "RIO", "0 22 * * 6", 0)
    with pytest.raises(NotFound, match="pfa orgs add NOPE"):
        await add_window(conn, "NOPE", "0 22 * * 6", 60)
    with pytest.raises(NotFound, match="no maintenance window 99"):
        await remove_window(conn, "RIO", 99)


@pytest.fixture
async def env(db_url: str, tmp_path: Path) -> AsyncIterator[CommitEnv]:
    async with commit_env(db_url, tmp_path) as running:
        yield running


async def test_a_commit_inside_a_window_is_refused_and_the_drafts_stay(env: CommitEnv) -> None:
    [record_id, *_] = await env.record_ids()
    await env.draft("alice", "RIO", record_id, {"dor": "BEO"})
    async with await env.connect() as conn:
        # A window open right now, whatever the time: every minute, for an hour.
        await add_window(conn, "RIO", "* * * * *", 60)
        await conn.commit()

    resp = await env.commit("alice")

    assert resp.status_code == 409, resp.text
    body = resp.json()
    assert body["error"] == "MaintenanceWindow"
    assert "maintenance window until" in body["detail"]
    assert "drafts are kept" in body["detail"]
    until = datetime.fromisoformat(body["until"])
    assert datetime.now(UTC) < until <= datetime.now(UTC) + timedelta(hours=1)
    assert await env.writes() == []
    assert record_id in await env.drafts("alice")
