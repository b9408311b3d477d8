"""A database per test module with two organizations, two users and their drafts, plus the
application pool and the scoped AI executor over it. Tests only read (and audit)."""

from __future__ import annotations

import random
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import orjson
import psycopg
import pytest
from psycopg import AsyncConnection, sql
from psycopg.rows import dict_row

from pfa_vanguard.ai.executor import AppPool, ScopedExecutor, ai_database_url
from pfa_vanguard.ai.offline import OfflineProvider
from pfa_vanguard.ai.service import AiService
from pfa_vanguard.db.connection import make_pool
from pfa_vanguard.domain.values import to_date
from pfa_vanguard.settings import Settings
from tests.factories import insert_records, make_org, make_record

TODAY = date(2025, 7, 15)


@dataclass(frozen=True)
class World:
    url: str
    rio: int  # organization ids
    holng: int
    alice: int  # user ids
    bob: int


def _shift(value: Any, days: int) -> str | None:
    parsed = to_date(value)
    return None if parsed is None else (parsed + timedelta(days=days)).isoformat()


async def _load(url: str) -> World:
    async with await AsyncConnection.connect(url, row_factory=dict_row) as conn:
        rio, holng = await make_org(conn, "RIO"), await make_org(conn, "HOLNG")
        rng = random.Random(6)
        records = {
            rio: [make_record(rng, "RIO", n) for n in range(3000)],
            holng: [make_record(rng, "HOLNG", n) for n in range(1500)],
        }
        for org, rows in records.items():
            await insert_records(conn, org, rows)
        users = []
        for name in ("alice", "bob"):
            cur = await conn.execute(
                "INSERT INTO users (username, password_hash) VALUES (%s, %s) RETURNING id",
                [name, "$argon2id$x"],
            )
            row = await cur.fetchone()
            assert row is not None
            users.append(int(row["id"]))
        alice, bob = users
        drafts = []
        for i, record in enumerate(records[rio][:120:2]):  # alice: 60 drafts in RIO
            changes: dict[str, Any] = {"dor": "PROJECT" if record["dor"] == "BEO" else "BEO"}
            if i % 2 == 0 and (start := _shift(record["forecastStart"], 200)):
                changes["forecastStart"] = start
                changes["forecastEnd"] = _shift(record["forecastEnd"], 230)
            if i % 3 == 0:
                changes["forecastCategory"] = "Crane"
            if i % 5 == 0:
                changes["isDiscontinued"] = True
            drafts.append((alice, rio, record["pfaId"], changes))
        for record in records[rio][1:80:2]:  # bob: 40 other drafts in RIO
            drafts.append((bob, rio, record["pfaId"], {"forecastEnd": "2031-01-01", "dor": "BEO"}))
        for record in records[holng][:30]:  # alice in HOLNG
            drafts.append((alice, holng, record["pfaId"], {"dor": "BEO", "isDiscontinued": True}))
        async with conn.cursor() as cur:
            await cur.executemany(
                "INSERT INTO pfa_modification (user_id, organization_id, record_id, changes,"
                " base_version) VALUES (%s, %s, %s, %s::jsonb, 1)",
                [(u, o, r, orjson.dumps(c).decode()) for u, o, r, c in drafts],
            )
        await conn.commit()
    with psycopg.connect(url, autocommit=True) as sync_conn:
        sync_conn.execute("VACUUM ANALYZE")
    return World(url=url, rio=rio, holng=holng, alice=alice, bob=bob)


@pytest.fixture(scope="module")
def world_url(pg_admin_url: str, template_db: str) -> Iterator[str]:
    name = f"pfa_ai_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template_db)
            )
        )
    yield psycopg.conninfo.make_conninfo(pg_admin_url, dbname=name)
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture(scope="module")
async def world(world_url: str) -> World:
    return await _load(world_url)


@pytest.fixture(scope="module")
async def app_pool(world: World) -> AsyncIterator[AppPool]:
    pool = make_pool(world.url, min_size=1, max_size=4)
    await pool.open()
    yield pool
    await pool.close()


@pytest.fixture(scope="module")
async def executor(world: World, app_pool: AppPool) -> AsyncIterator[ScopedExecutor]:
    ai_url = ai_database_url(Settings(ai_database_url=None), world.url)
    async with ScopedExecutor(app_pool, ai_url, max_rows=500, statement_timeout_ms=1500) as ex:
        yield ex


@pytest.fixture(scope="module")
def service(app_pool: AppPool, executor: ScopedExecutor) -> AiService:
    return AiService(app_pool, executor, OfflineProvider(today=lambda: TODAY), today=lambda: TODAY)
