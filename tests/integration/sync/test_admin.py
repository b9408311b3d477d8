"""What the admin API and health endpoint read: status, history, pause, schedules, metrics;
and a sync whose database connection dies mid-flight."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from prometheus_client import REGISTRY
from psycopg import AsyncConnection

from pfa_vanguard.errors import BadRequest, NotFound
from pfa_vanguard.sync.admin import list_runs, set_paused, set_schedule, sync_status
from pfa_vanguard.sync.repository import LOCK_NAMESPACE
from pfa_vanguard.sync.requests import request_sync
from pfa_vanguard.sync.service import sync_org
from tests.integration.sync.conftest import create_org, static_records
from tests.integration.sync.static_source import StaticSource

Conn = AsyncConnection[dict[str, Any]]
DEFAULT = "*/15 * * * *"


async def test_status_after_a_sync_and_while_one_runs(
    conn: Conn, db_url: str, source: StaticSource
) -> None:
    org_id = await create_org(conn, "RIO")
    await create_org(conn, "HOLNG")
    source.put("RIO", static_records("RIO", 30))
    result = await sync_org(conn, source, "RIO")
    now = datetime.now(UTC)

    holng, rio = await sync_status(conn, DEFAULT, now)  # by code
    await conn.commit()
    assert rio["code"] == "RIO"
    assert rio["schedule"] == DEFAULT
    assert rio["customSchedule"] is False
    assert rio["running"] is False
    assert rio["late"] is False
    assert rio["lastRun"]["id"] == result.run_id
    assert rio["lastRun"]["status"] == "succeeded"
    assert rio["lastRun"]["inserted"] == 30
    assert rio["lastSyncedAt"] == rio["lastFullSyncAt"] is not None
    assert now < rio["nextRunAt"] <= now + timedelta(minutes=15)
    assert holng["lastRun"] is None
    assert holng["nextRunAt"] == now  # never ran: due at once

    holder = await AsyncConnection.connect(db_url, autocommit=True)
    try:
        await holder.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_NAMESPACE, org_id])
        (running,) = await sync_status(conn, DEFAULT, now, "RIO")
        assert running["running"] is True
        # released explicitly: a closed session's lock may outlive the client's close a moment
        await holder.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, org_id])
    finally:
        await holder.close()
    await conn.rollback()

    run_id = await request_sync(conn, "RIO", "admin")
    await conn.commit()
    (pending,) = await sync_status(conn, DEFAULT, now, "RIO")
    assert pending["pendingRunId"] == run_id
    assert pending["lastRun"]["id"] == result.run_id  # a pending request is not a run yet
    await conn.rollback()
    with pytest.raises(NotFound):
        await sync_status(conn, DEFAULT, now, "NOPE")
    await conn.rollback()


async def test_pause_resume_and_schedules(conn: Conn) -> None:
    await create_org(conn, "RIO")
    now = datetime(2031, 1, 1, tzinfo=UTC)
    await set_paused(conn, "RIO", True)
    (paused,) = await sync_status(conn, DEFAULT, now)
    assert paused["paused"] is True
    assert paused["nextRunAt"] is None
    await set_paused(conn, "RIO", False)
    assert await set_schedule(conn, "RIO", " 0  2 * * * ") == "0 2 * * *"
    (daily,) = await sync_status(conn, DEFAULT, now)
    assert (daily["schedule"], daily["customSchedule"], daily["paused"]) == (
        "0 2 * * *", True, False,
    )  # fmt: skip
    assert await set_schedule(conn, "RIO", None) is None
    (back,) = await sync_status(conn, DEFAULT, now)
    assert back["schedule"] == DEFAULT
    await conn.commit()
    with pytest.raises(BadRequest, match="5 fields"):
        await set_schedule(conn, "RIO", "every day")
    await conn.rollback()
    with pytest.raises(NotFound):
        await set_paused(conn, "NOPE", True)
    await conn.rollback()


async def test_run_history_newest_first_by_org(conn: Conn, source: StaticSource) -> None:
    for code in ("RIO", "HOLNG"):
        await create_org(conn, code)
        source.put(code, static_records(code, 5))
    ids = [(await sync_org(conn, source, code)).run_id for code in ("RIO", "HOLNG", "RIO", "RIO")]
    runs = await list_runs(conn)
    assert [r["id"] for r in runs] == ids[::-1]
    rio = await list_runs(conn, "RIO", limit=2)
    assert [r["id"] for r in rio] == [ids[3], ids[2]]
    first = runs[-1]
    assert first["org"] == "RIO"
    assert (first["status"], first["kind"], first["trigger"], first["inserted"]) == (
        "succeeded", "full", "manual", 5,
    )  # fmt: skip
    assert first["durationMs"] >= 0
    assert first["worker"]
    await conn.commit()


async def test_metrics_count_syncs_by_organization(conn: Conn, source: StaticSource) -> None:
    await create_org(conn, "METRICS")
    source.put("METRICS", static_records("METRICS", 12))

    def sample(name: str, **labels: str) -> float:
        return REGISTRY.get_sample_value(name, {"org": "METRICS", **labels}) or 0.0

    await sync_org(conn, source, "METRICS")
    assert sample("pfa_sync_records_total", outcome="inserted") == 12
    assert sample("pfa_sync_records_total", outcome="fetched") == 12
    assert sample("pfa_sync_last_success_timestamp_seconds") > 0
    assert sample("pfa_sync_duration_seconds_count", kind="full", status="succeeded") == 1
    source.fail_after_pages = 0
    await sync_org(conn, source, "METRICS", full=True)
    assert sample("pfa_sync_failures_total") == 1


async def test_a_database_connection_lost_mid_sync_fails_cleanly(
    conn: Conn, db_url: str, source: StaticSource
) -> None:
    await create_org(conn, "RIO")
    records = static_records("RIO", 300)
    source.put("RIO", records)
    await sync_org(conn, source, "RIO")
    killer = await AsyncConnection.connect(db_url, autocommit=True)
    victim = await AsyncConnection.connect(db_url)
    gate = asyncio.Event()

    class DyingSource:
        async def iter_pages(self, org: str, *, changed_since: Any = None) -> Any:
            async for page in source.iter_pages(org, changed_since=changed_since):
                yield page
                gate.set()
                await asyncio.sleep(0.5)  # the backend is terminated meanwhile

    try:
        task = asyncio.create_task(sync_org(victim, DyingSource(), "RIO", full=True))
        await gate.wait()
        await killer.execute("SELECT pg_terminate_backend(%s)", [victim.info.backend_pid])
        result = await task
    finally:
        await killer.close()
        await victim.close()
    assert result.status == "failed"
    assert result.error is not None
    assert "database" in result.error
    cur = await conn.execute("SELECT count(*) AS n FROM pfa_mirror")
    assert await cur.fetchone() == {"n": 300}
    await conn.commit()
    again = await sync_org(conn, source, "RIO", full=True)  # the lock died with the session
    assert again.status == "succeeded"
    cur = await conn.execute("SELECT status FROM sync_runs ORDER BY id")
    assert [r["status"] for r in await cur.fetchall()] == ["succeeded", "abandoned", "succeeded"]
    await conn.commit()
