"""The scheduler: per-organization cron, pause/resume, run-now requests, several workers.

Time is an injected clock moved by the test; `tick()` is one scheduling pass. Nothing sleeps to
let a schedule fire.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from pfa_vanguard.db.connection import make_pool
from pfa_vanguard.errors import BadRequest, NotFound
from pfa_vanguard.sync.repository import LOCK_NAMESPACE
from pfa_vanguard.sync.requests import request_sync
from pfa_vanguard.sync.results import SyncAlreadyRunning
from pfa_vanguard.sync.worker import SyncWorker
from tests.integration.sync.conftest import create_org, static_records
from tests.integration.sync.static_source import StaticSource

Conn = AsyncConnection[dict[str, Any]]
T0 = datetime(2031, 1, 6, 0, 0, tzinfo=UTC)  # a Monday, later than any real clock here


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def at(self, **delta: float) -> FakeClock:
        self.current = T0 + timedelta(**delta)
        return self


@pytest.fixture
async def pool(db_url: str) -> AsyncIterator[AsyncConnectionPool[Any]]:
    pool = make_pool(db_url, min_size=1, max_size=6)
    await pool.open()
    try:
        yield pool
    finally:
        await pool.close()


@pytest.fixture
def source() -> StaticSource:
    source = StaticSource(page_size=50)
    for code in ("RIO", "HOLNG", "GORGON"):
        source.put(code, static_records(code, 60))
    return source


def worker(pool: AsyncConnectionPool[Any], source: StaticSource, clock: FakeClock) -> SyncWorker:
    return SyncWorker(pool, source, default_schedule="*/15 * * * *", clock=clock)


async def ran(worker: SyncWorker, _: FakeClock | None = None) -> list[str]:
    """The syncs one scheduling pass made (after the clock was moved by the 2nd argument)."""
    return sorted(f"{r.org}:{r.status}" for r in await worker.tick())


async def execute(conn: Conn, query: str, *args: Any) -> list[dict[str, Any]]:
    cur = await conn.execute(query, list(args))
    rows = await cur.fetchall() if cur.description else []
    await conn.commit()
    return rows


async def test_each_organization_follows_its_own_schedule(
    conn: Conn, pool: AsyncConnectionPool[Any], source: StaticSource
) -> None:
    await create_org(conn, "RIO")
    await create_org(conn, "HOLNG")
    await create_org(conn, "GORGON")
    await execute(conn, "UPDATE organizations SET sync_schedule = '0 * * * *' WHERE code = 'RIO'")
    await execute(conn, "UPDATE organizations SET sync_schedule = '30 2 * * *'"
                        " WHERE code = 'HOLNG'")  # fmt: skip
    clock = FakeClock(T0)
    w = worker(pool, source, clock)

    # Never synced: all at once (full). Then each on its own cron.
    assert await ran(w) == ["GORGON:succeeded", "HOLNG:succeeded", "RIO:succeeded"]
    assert await ran(w) == []
    assert await ran(w, clock.at(minutes=14)) == []
    assert await ran(w, clock.at(minutes=15)) == ["GORGON:succeeded"]
    assert await ran(w, clock.at(minutes=59)) == ["GORGON:succeeded"]  # the 00:45 slot
    assert await ran(w, clock.at(hours=1)) == ["GORGON:succeeded", "RIO:succeeded"]
    assert await ran(w, clock.at(hours=2, minutes=29)) == ["GORGON:succeeded", "RIO:succeeded"]
    assert await ran(w, clock.at(hours=2, minutes=30)) == ["GORGON:succeeded", "HOLNG:succeeded"]
    assert await ran(w, clock.at(hours=26, minutes=29)) == ["GORGON:succeeded", "RIO:succeeded"]
    assert await ran(w, clock.at(hours=26, minutes=30)) == [
        "GORGON:succeeded", "HOLNG:succeeded",
    ]  # fmt: skip

    runs = await execute(
        conn, "SELECT o.code, r.kind, r.trigger, r.started_at FROM sync_runs r"
        " JOIN organizations o ON o.id = r.organization_id ORDER BY r.id",
    )  # fmt: skip
    holng = [r for r in runs if r["code"] == "HOLNG"]
    assert [r["started_at"] for r in holng] == [
        T0, T0 + timedelta(hours=2, minutes=30), T0 + timedelta(hours=26, minutes=30),
    ]  # fmt: skip
    assert [r["kind"] for r in holng] == ["full", "incremental", "full"]  # 24 h since the full
    assert {r["trigger"] for r in runs} == {"schedule"}


async def test_paused_and_inactive_organizations_are_left_alone(
    conn: Conn, pool: AsyncConnectionPool[Any], source: StaticSource
) -> None:
    await create_org(conn, "RIO")
    await create_org(conn, "HOLNG")
    await execute(conn, "UPDATE organizations SET active = false WHERE code = 'HOLNG'")
    clock = FakeClock(T0)
    w = worker(pool, source, clock)
    assert await ran(w) == ["RIO:succeeded"]

    await execute(conn, "UPDATE organizations SET sync_paused = true WHERE code = 'RIO'")
    assert await ran(w, clock.at(minutes=15)) == []
    assert await ran(w, clock.at(hours=3)) == []
    await execute(conn, "UPDATE organizations SET sync_paused = false WHERE code = 'RIO'")
    assert await ran(w, clock.at(hours=3, minutes=1)) == ["RIO:succeeded"]  # once, not 12x
    assert await ran(w, clock.at(hours=3, minutes=2)) == []


async def test_run_now_requests_are_picked_up_once(
    conn: Conn, pool: AsyncConnectionPool[Any], source: StaticSource
) -> None:
    await create_org(conn, "RIO")
    clock = FakeClock(T0)
    w = worker(pool, source, clock)
    assert await ran(w) == ["RIO:succeeded"]  # first sync by schedule

    run_id = await request_sync(conn, "RIO", "admin")
    assert await request_sync(conn, "RIO", "admin") == run_id  # not queued twice
    await conn.commit()
    results = await w.tick()
    assert [(r.org, r.status, r.run_id) for r in results] == [("RIO", "succeeded", run_id)]
    rows = await execute(conn, "SELECT * FROM sync_runs WHERE id = %s", run_id)
    assert rows[0]["status"] == "succeeded"
    assert rows[0]["trigger"] == "manual"
    assert rows[0]["requested_by"] == "admin"
    assert rows[0]["started_at"] == T0  # the worker's clock
    assert await w.tick() == []  # served; the schedule resumes from this run

    full_id = await request_sync(conn, "RIO", "admin", full=True)
    await conn.commit()
    (result,) = await w.tick()
    assert (result.run_id, result.kind) == (full_id, "full")


async def test_run_now_while_a_sync_runs_is_refused(
    conn: Conn, db_url: str, source: StaticSource
) -> None:
    await create_org(conn, "RIO")
    holder = await AsyncConnection.connect(db_url, autocommit=True)
    try:
        await holder.execute(
            "SELECT pg_advisory_lock(%s, (SELECT id FROM organizations WHERE code = 'RIO')::int)",
            [LOCK_NAMESPACE],
        )
        with pytest.raises(SyncAlreadyRunning, match="already running"):
            await request_sync(conn, "RIO", "admin")
        await conn.rollback()
    finally:
        await holder.close()
    with pytest.raises(NotFound):
        await request_sync(conn, "NOPE", "admin")
    await conn.rollback()
    await execute(conn, "UPDATE organizations SET active = false")
    with pytest.raises(BadRequest, match="not active"):
        await request_sync(conn, "RIO", "admin")
    await conn.rollback()


async def test_several_workers_side_by_side_sync_each_slot_once(
    conn: Conn, pool: AsyncConnectionPool[Any], db_url: str, source: StaticSource
) -> None:
    for code in ("RIO", "HOLNG", "GORGON"):
        await create_org(conn, code)
    other_pool = make_pool(db_url, min_size=1, max_size=6)
    await other_pool.open()
    try:
        clock = FakeClock(T0)
        workers = [worker(pool, source, clock), worker(other_pool, source, clock)]
        for minutes in (0, 15, 30):
            clock.at(minutes=minutes)
            await asyncio.gather(*(w.tick() for w in workers))
    finally:
        await other_pool.close()
    rows = await execute(
        conn, "SELECT o.code, count(*) AS n FROM sync_runs r JOIN organizations o"
        " ON o.id = r.organization_id WHERE r.status = 'succeeded' GROUP BY o.code",
    )  # fmt: skip
    assert {r["code"]: r["n"] for r in rows} == {"RIO": 3, "HOLNG": 3, "GORGON": 3}


async def finished_status(conn: Conn, run_id: int, timeout_s: float = 60) -> str:
    """The status of sync run `run_id` once it has ended (succeeded or failed)."""
    async with asyncio.timeout(timeout_s):
        while True:
            rows = await execute(conn, "SELECT status FROM sync_runs WHERE id = %s", run_id)
            if rows[0]["status"] in ("succeeded", "failed"):
                return str(rows[0]["status"])
            await asyncio.sleep(0.1)


async def test_the_worker_loop_wakes_up_for_a_request(
    conn: Conn, pool: AsyncConnectionPool[Any], db_url: str, source: StaticSource
) -> None:
    await create_org(conn, "RIO")
    clock = FakeClock(T0)
    w = SyncWorker(pool, source, default_schedule="0 0 1 1 *", clock=clock, poll_s=3600)
    await w.tick()  # the first sync; the next scheduled one is a year away
    stop = asyncio.Event()
    loop = asyncio.create_task(w.run(stop, listen_url=db_url))
    try:
        await asyncio.sleep(0.3)  # let the loop start listening (no timing is asserted)
        run_id = await request_sync(conn, "RIO", "admin")
        await conn.commit()
        assert await finished_status(conn, run_id) == "succeeded"
    finally:
        stop.set()
        await loop


async def test_a_request_left_pending_by_a_running_sync_is_run_when_that_sync_ends(
    conn: Conn, pool: AsyncConnectionPool[Any], source: StaticSource
) -> None:
    """A "run now" for an organization whose scheduled sync is already started in this worker
    (here: waiting for the one sync slot) is not started twice; it stays pending and runs as
    soon as that sync ends, not at the next poll (an hour here, with no NOTIFY listener)."""
    for code in ("HOLNG", "RIO"):
        await create_org(conn, code)
    started, gate = asyncio.Event(), asyncio.Event()

    class GatedSource:  # HOLNG's first page waits for the gate
        async def iter_pages(self, org: str, *, changed_since: Any = None) -> Any:
            if org == "HOLNG":
                started.set()
                await gate.wait()
            async for page in source.iter_pages(org, changed_since=changed_since):
                yield page

    w = SyncWorker(
        pool, GatedSource(), default_schedule="0 0 1 1 *", clock=FakeClock(T0),
        concurrency=1, poll_s=3600,
    )  # fmt: skip
    stop = asyncio.Event()
    loop = asyncio.create_task(w.run(stop))
    try:
        async with asyncio.timeout(60):
            await started.wait()
            assert w.running == {"HOLNG", "RIO"}  # HOLNG syncing, RIO waiting for the slot
            run_id = await request_sync(conn, "RIO", "admin")  # RIO's lock is not taken yet
            await conn.commit()
            gate.set()
        assert await finished_status(conn, run_id) == "succeeded"
        rows = await execute(
            conn, "SELECT o.code, r.trigger FROM sync_runs r JOIN organizations o"
            " ON o.id = r.organization_id WHERE r.status = 'succeeded' ORDER BY o.code, r.trigger",
        )  # fmt: skip
        assert [(r["code"], r["trigger"]) for r in rows] == [
            ("HOLNG", "schedule"), ("RIO", "manual"), ("RIO", "schedule"),
        ]  # fmt: skip
    finally:
        stop.set()
        await loop
