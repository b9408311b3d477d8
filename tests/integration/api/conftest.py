"""The real app on a fresh migrated database per test, driven over ASGI by httpx.

`api` gives an `Api` (client + helpers); `world` seeds two organizations with records and the
users every API test needs (all with password `pw`):
ALPHA: alice, bob (editors), victor (viewer), ada (admin); BETA: olivia (editor).
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from psycopg import AsyncConnection
from psycopg.rows import dict_row
from pydantic import SecretStr

from pfa_vanguard.accounts.passwords import hash_password
from pfa_vanguard.api.app import create_app
from pfa_vanguard.settings import Settings
from tests.factories import insert_records, make_org, make_record

PASSWORD = "pw"
USERS = [
    ("alice", "ALPHA", "editor"),
    ("bob", "ALPHA", "editor"),
    ("victor", "ALPHA", "viewer"),
    ("ada", "ALPHA", "admin"),
    ("olivia", "BETA", "editor"),
]


@dataclass
class Api:
    client: httpx.AsyncClient
    app: FastAPI
    db_url: str
    settings: Settings
    _tokens: dict[str, str] = field(default_factory=dict)

    async def login(self, username: str, password: str = PASSWORD) -> dict[str, str]:
        """Authorization headers for `username` (tokens are cached per test)."""
        if username not in self._tokens:
            resp = await self.client.post(
                "/api/auth/login", json={"username": username, "password": password}
            )
            assert resp.status_code == 200, resp.text
            self._tokens[username] = resp.json()["access_token"]
        return {"Authorization": f"Bearer {self._tokens[username]}"}

    async def db(self) -> AsyncConnection[dict[str, Any]]:
        return await AsyncConnection.connect(self.db_url, row_factory=dict_row)


def api_settings(data_dir: Path, db_url: str, **overrides: Any) -> Settings:
    options: dict[str, Any] = {
        "database_url": db_url,
        "data_dir": data_dir,
        "secret_key": SecretStr("test-secret-key-with-enough-length-for-hs256"),
        "db_pool_min": 1,
        "db_pool_max": 4,
    }
    return Settings(_env_file=None, **{**options, **overrides})


@asynccontextmanager
async def running_api(settings: Settings, db_url: str) -> AsyncIterator[Api]:
    """The app with its lifespan entered, and an httpx client speaking ASGI to it."""
    app = create_app(settings, database_url=db_url)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield Api(client=client, app=app, db_url=db_url, settings=settings)


@pytest.fixture
async def api(db_url: str, tmp_path: Path) -> AsyncIterator[Api]:
    async with running_api(api_settings(tmp_path, db_url), db_url) as running:
        yield running


@dataclass(frozen=True)
class World:
    orgs: dict[str, int]
    records: dict[str, list[dict[str, Any]]]


@cache
def password_hash() -> str:
    """One Argon2 hash of PASSWORD for every seeded user (hashing is slow on purpose)."""
    return hash_password(PASSWORD)


async def add_member(
    conn: AsyncConnection[dict[str, Any]], username: str, org_id: int, role: str
) -> int:
    """Create the user (password PASSWORD) if needed and grant `role` in the organization."""
    cur = await conn.execute(
        "INSERT INTO users (username, password_hash) VALUES (%s, %s) "
        "ON CONFLICT (username) DO UPDATE SET username = EXCLUDED.username RETURNING id",
        [username, password_hash()],
    )
    row = await cur.fetchone()
    assert row is not None
    await conn.execute(
        "INSERT INTO memberships (user_id, organization_id, role) VALUES (%s, %s, %s) "
        "ON CONFLICT (user_id, organization_id) DO UPDATE SET role = EXCLUDED.role",
        [row["id"], org_id, role],
    )
    return int(row["id"])


async def seed_world(db_url: str, alpha_records: int = 120, beta_records: int = 30) -> World:
    rng = random.Random(7)
    records = {
        "ALPHA": [make_record(rng, "ALPHA", n) for n in range(1, alpha_records + 1)],
        "BETA": [make_record(rng, "BETA", n) for n in range(1, beta_records + 1)],
    }
    async with await AsyncConnection.connect(db_url, row_factory=dict_row) as conn:
        orgs = {code: await make_org(conn, code) for code in ("ALPHA", "BETA")}
        for username, org, role in USERS:
            await add_member(conn, username, orgs[org], role)
        for code, recs in records.items():
            await insert_records(conn, orgs[code], recs)
        await conn.execute("UPDATE organizations SET last_synced_at = now(), mirror_version = 1")
        await conn.execute("REFRESH MATERIALIZED VIEW pfa_kpi_summary")
        await conn.execute("REFRESH MATERIALIZED VIEW pfa_timeline_bounds")
        await conn.commit()
    return World(orgs=orgs, records=records)


@pytest.fixture
async def world(db_url: str) -> World:
    return await seed_world(db_url)
