"""Retention on a real database: what is older than its period goes, the rest stays, each
organization keeps its latest finished sync run, the worker prunes on its own (hourly), and an
API snapshot older than a pruned tombstone is rebuilt instead of keeping the removed record."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool
from typer.testing import CliRunner

from pfa_vanguard.cli import app
from pfa_vanguard.db.connection import make_pool
from pfa_vanguard.mirror.snapshots import SnapshotCache
from pfa_vanguard.ops.housekeeping import Housekeeping
from pfa_vanguard.ops.retention import RetentionDays, prune
from pfa_vanguard.sync.worker import SyncWorker
from tests.factories import insert_records, make_org, make_record
from tests.integration.sync.static_source import StaticSource

Conn = AsyncConnection[dict[str, Any]]
NOW = datetime(2031, 6, 1, tzinfo=UTC)
KEEP = RetentionDays(sync_runs=90, tombstones=30, commit_audit=730, ai_audit=365, history=365)


async def fill(conn: Conn, now: datetime = NOW) -> dict[str, int]:
    """Rows on both sides of each period (ages counted from `now`); the organization ids."""
    rio, hol = await make_org(conn, "RIO"), await make_org(conn, "HOLNG")
    cur = await conn.execute(
        "INSERT INTO users (username, password_hash) VALUES ('ann', '$argon2id$x') RETURNING id"
    )
    user = (await cur.fetchone() or {})["id"]
    for org, days in ((rio, 400), (rio, 100), (rio, 10), (hol, 400)):
        at = now - timedelta(days=days)
        await conn.execute(
            "INSERT INTO sync_runs (organization_id, kind, status, started_at, finished_at)"
            " VALUES (%s, 'full', 'succeeded', %s, %s)",
            [org, at, at + timedelta(seconds=5)],
        )
    await conn.execute(
        "INSERT INTO sync_runs (organization_id, kind, status, started_at)"
        " VALUES (%s, 'full', 'running', %s)",
        [hol, now - timedelta(days=300)],  # still running: never pruned
    )
    for record, days in (("A", 45), ("B", 5)):
        await conn.execute(
            "INSERT INTO pfa_mirror_removed (organization_id, id, removed_at) VALUES (%s, %s, %s)",
            [rio, record, now - timedelta(days=days)],
        )
    for days in (800, 100):
        at = now - timedelta(days=days)
        cur = await conn.execute(
            "INSERT INTO commit_runs (user_id, organization_id, request_hash, status,"
            " started_at, finished_at) VALUES (%s, %s, 'h', 'done', %s, %s) RETURNING id",
            [user, rio, at, at],
        )
        run = (await cur.fetchone() or {})["id"]
        await conn.execute(
            "INSERT INTO commit_audit (run_id, user_id, username, organization_id, record_id,"
            " outcome, changes, created_at) VALUES (%s, %s, 'ann', %s, 'R', 'accepted', '{}', %s)",
            [run, user, rio, at],
        )
        await conn.execute(
            "INSERT INTO pfa_ai_audit (organization_id, user_id, kind, provider, question,"
            " outcome, created_at) VALUES (%s, %s, 'query', 'offline', 'q', 'ok', %s)",
            [rio, user, now - timedelta(days=days // 2 + 1)],  # 401 and 51 days
        )
        await conn.execute(
            "INSERT INTO pfa_history (organization_id, record_id, field, source, detected_at)"
            " VALUES (%s, 'R', 'equipment', 'sync', %s)",
            [rio, now - timedelta(days=days // 2 + 1)],  # 401 and 51 days
        )
    await conn.commit()
    return {"RIO": rio, "HOLNG": hol}


async def counts(conn: Conn) -> dict[str, int]:
    found = {}
    for table in ("sync_runs", "pfa_mirror_removed", "commit_runs", "commit_audit",
                  "pfa_ai_audit", "pfa_history"):  # fmt: skip
        cur = await conn.execute(f"SELECT count(*) AS n FROM {table}")
        found[table] = int((await cur.fetchone() or {})["n"])
    return found


async def test_prune_deletes_what_is_older_than_its_period(conn: Conn) -> None:
    await fill(conn)
    deleted = await prune(conn, KEEP, NOW)
    await conn.commit()
    assert deleted == {"sync_runs": 2, "pfa_mirror_removed": 1, "commit_audit": 1,
                       "commit_runs": 1, "pfa_ai_audit": 1, "pfa_history": 1}  # fmt: skip
    cur = await conn.execute(
        "SELECT o.code, r.status, (%s - r.started_at) AS age FROM sync_runs r"
        " JOIN organizations o ON o.id = r.organization_id ORDER BY o.code, r.started_at",
        [NOW],
    )
    runs = [(r["code"], r["status"], r["age"].days) for r in await cur.fetchall()]
    # HOLNG's only finished run is old but its latest: it stays, as does the running one.
    assert runs == [("HOLNG", "succeeded", 400), ("HOLNG", "running", 300),
                    ("RIO", "succeeded", 10)]  # fmt: skip
    assert await prune(conn, KEEP, NOW) == dict.fromkeys(deleted, 0)  # a rerun is a no-op
    # 0 keeps forever
    assert await prune(conn, RetentionDays(0, 0, 0, 0, 0), NOW + timedelta(days=9999)) == {}


@pytest.fixture
async def pool(db_url: str) -> AsyncIterator[AsyncConnectionPool[Any]]:
    pool = make_pool(db_url, min_size=1, max_size=4)
    await pool.open()
    try:
        yield pool
    finally:
        await pool.close()


class Clock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


async def test_the_worker_prunes_hourly(conn: Conn, pool: AsyncConnectionPool[Any]) -> None:
    await fill(conn)
    clock = Clock(NOW - timedelta(days=40))  # 40 days ago: only the 400-day-old rows are due
    worker = SyncWorker(
        pool, StaticSource(), default_schedule="*/15 * * * *", clock=clock,
        housekeeping=Housekeeping(KEEP, clock=clock),
    )  # fmt: skip
    assert worker.housekeeping is not None
    await worker.housekeeping.run_due(pool)
    assert (await counts(conn))["pfa_ai_audit"] == 2  # 361 days old then: kept
    clock.current = NOW
    await worker.housekeeping.run_due(pool)  # less than an hour's worth? no: 40 days later
    assert await counts(conn) == {"sync_runs": 3, "pfa_mirror_removed": 1, "commit_runs": 1,
                                  "commit_audit": 1, "pfa_ai_audit": 1,
                                  "pfa_history": 1}  # fmt: skip


def test_db_prune_command(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    async def seed() -> None:
        async with await AsyncConnection.connect(db_url, row_factory=dict_row) as conn:
            await fill(conn, datetime.now(UTC))

    asyncio.run(seed())
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("PFA_DATABASE_URL", db_url)
    monkeypatch.setenv("PFA_RETAIN_AI_AUDIT_DAYS", "30")  # both AI audit rows are older
    result = CliRunner().invoke(app, ["db", "prune"])
    assert result.exit_code == 0, result.output
    assert "pfa_ai_audit: 2 deleted" in result.output
    assert "sync_runs: 2 deleted" in result.output
    assert "pfa_history: 1 deleted" in result.output  # PFA_RETAIN_HISTORY_DAYS: 365


async def test_a_snapshot_older_than_a_pruned_tombstone_is_rebuilt(
    conn: Conn, pool: AsyncConnectionPool[Any]
) -> None:
    org = await make_org(conn, "RIO")
    records = [make_record(random.Random(9), "RIO", n) for n in range(5)]
    await insert_records(conn, org, records)
    await conn.commit()
    cache = SnapshotCache(budget_bytes=10 * 2**20)
    assert len(await cache.get(pool, org, 0)) == 5
    # A sync removes a record (tombstone), then retention prunes the tombstone, all before
    # this process reads the organization again.
    gone = records[0]["pfaId"]
    await conn.execute("DELETE FROM pfa_mirror WHERE organization_id = %s AND id = %s", [org, gone])
    await conn.execute(
        "INSERT INTO pfa_mirror_removed (organization_id, id, removed_at)"
        " VALUES (%s, %s, now() - interval '1 year')",
        [org, gone],
    )
    await conn.execute("UPDATE organizations SET mirror_version = mirror_version + 1")
    await prune(conn, KEEP, datetime.now(UTC))
    await conn.commit()
    snapshot = await cache.get(pool, org, 1)
    assert len(snapshot) == 4


async def archivable(conn: Conn, org: int, cutoff: str) -> int:
    cur = await conn.execute(
        "SELECT count(*) AS n FROM pfa_mirror WHERE organization_id = %s AND forecast_end < %s"
        " AND (actual_end < %s OR (actual_start IS NULL AND actual_end IS NULL))",
        [org, cutoff, cutoff],
    )
    row = await cur.fetchone()
    await conn.commit()
    assert row is not None
    return int(row["n"])


async def archived(conn: Conn) -> int:
    cur = await conn.execute("SELECT count(*) AS n FROM pfa_mirror_archive")
    row = await cur.fetchone()
    await conn.commit()
    assert row is not None
    return int(row["n"])


async def test_the_worker_archives_hourly_when_configured(
    conn: Conn, pool: AsyncConnectionPool[Any]
) -> None:
    org = await make_org(conn, "RIO")
    rng = random.Random(5)
    await insert_records(conn, org, [make_record(rng, "RIO", n) for n in range(1, 201)])
    await conn.commit()
    clock = Clock(datetime(2027, 6, 1, tzinfo=UTC))  # 2 years: ended before 2025-06-01
    due = await archivable(conn, org, "2025-06-01")
    assert 0 < due < 200
    off = Housekeeping(KEEP, clock=clock)  # archiving off by default
    await off.run_due(pool)
    assert await archived(conn) == 0
    on = Housekeeping(KEEP, clock=clock, archive_after_years=2)
    await on.run_due(pool)
    assert await archived(conn) == due
    await on.run_due(pool)  # within the hour: not again (and nothing left to move anyway)
    assert await archived(conn) == due


def test_db_archive_command(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    async def seed() -> int:
        async with await AsyncConnection.connect(db_url, row_factory=dict_row) as conn:
            org = await make_org(conn, "RIO")
            rng = random.Random(5)
            await insert_records(conn, org, [make_record(rng, "RIO", n) for n in range(1, 101)])
            await conn.commit()
            return await archivable(conn, org, "2025-06-01")

    due = asyncio.run(seed())
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("PFA_DATABASE_URL", db_url)
    monkeypatch.setenv("PFA_ARCHIVE_AFTER_YEARS", "0")
    result = CliRunner().invoke(app, ["db", "archive"])
    assert result.exit_code == 0, result.output
    assert "archiving is off" in result.output
    # the records here all ended in 2025-2026: a year is short enough to archive some of them
    result = CliRunner().invoke(app, ["db", "archive", "--years", "1"])
    assert result.exit_code == 0, result.output
    assert "RIO: " in result.output
    moved = int(result.output.split("RIO: ")[1].split()[0])
    assert moved > 0
    assert due <= moved <= 100
