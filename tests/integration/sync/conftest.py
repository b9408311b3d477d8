"""Fixtures of the sync tests: organizations, records made for a sync, write counters."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from psycopg import AsyncConnection

from tests.factories import make_record
from tests.integration.sync.static_source import StaticRecord, StaticSource

Conn = AsyncConnection[dict[str, Any]]
BASE_TIME = datetime(2025, 11, 1, tzinfo=UTC)


def static_records(org: str, count: int, seed: int = 7) -> list[StaticRecord]:
    rng = random.Random(seed)
    return [
        StaticRecord(
            pfa_id=f"PFA-{n:06d}",
            data={k: v for k, v in make_record(rng, org, n).items() if v is not None},
            version=1,
            modified_at=BASE_TIME + timedelta(minutes=n % 97),
        )
        for n in range(1, count + 1)
    ]


def changed(record: StaticRecord, at: datetime, **fields: Any) -> StaticRecord:
    """The record as PEMS holds it after a user there changed `fields` at `at`."""
    return StaticRecord(
        pfa_id=record.pfa_id,
        data={**record.data, **fields},
        version=record.version + 1,
        modified_at=at,
    )


@pytest.fixture
def source() -> StaticSource:
    return StaticSource(page_size=100)


async def create_org(conn: Conn, code: str) -> int:
    cur = await conn.execute(
        "INSERT INTO organizations (code, name) VALUES (%s, %s) RETURNING id", [code, code]
    )
    row = await cur.fetchone()
    assert row is not None
    await conn.commit()
    return int(row["id"])


async def mirror_writes(conn: Conn) -> dict[str, int]:
    """Rows inserted / updated / deleted in pfa_mirror since the database was created, as
    PostgreSQL's statistics count them. Precondition: the writes ran on this same session,
    so forcing its statistics out makes them visible at once."""
    was = conn.autocommit
    await conn.set_autocommit(True)
    try:
        await conn.execute("SELECT pg_stat_force_next_flush()")
        await conn.execute("SELECT pg_stat_clear_snapshot()")
        cur = await conn.execute(
            "SELECT coalesce(sum(n_tup_ins), 0) AS ins, coalesce(sum(n_tup_upd), 0) AS upd,"
            " coalesce(sum(n_tup_del), 0) AS del, coalesce(sum(n_tup_hot_upd), 0) AS hot"
            " FROM pg_stat_user_tables"
            " WHERE relid IN (SELECT relid FROM pg_partition_tree('pfa_mirror'))"
        )
        row = await cur.fetchone()
    finally:
        await conn.set_autocommit(was)
    assert row is not None
    return {"ins": int(row["ins"]), "upd": int(row["upd"]), "del": int(row["del"])}
