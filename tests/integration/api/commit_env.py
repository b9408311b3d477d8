"""A PEMS simulator on a loopback port, mirrored by a real sync, behind the real app: the
world of the commit tests. Users (password `pw`): alice (editor of RIO and HOLNG), bob (editor
of RIO), victor (viewer of RIO), ada (admin of RIO)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from psycopg import AsyncConnection
from psycopg.rows import dict_row

from pfa_vanguard.accounts.repository import add_user
from pfa_vanguard.pems.client import PemsClient
from pfa_vanguard.pems.config import PemsConfig
from pfa_vanguard.pems.simulator import RunningSimulator, start_simulator
from pfa_vanguard.sync.service import sync_org
from tests.integration.api.conftest import PASSWORD, Api, api_settings, running_api

ORGS = ("RIO", "HOLNG")
USERS = [
    ("alice", "RIO", "editor"),
    ("alice", "HOLNG", "editor"),
    ("bob", "RIO", "editor"),
    ("victor", "RIO", "viewer"),
    ("ada", "RIO", "admin"),
]


@dataclass
class CommitEnv:
    api: Api
    sim: RunningSimulator
    db_url: str

    def pems(self) -> PemsClient:
        return PemsClient(PemsConfig(base_url=self.sim.url, max_retries=2, backoff_base_s=0.01))

    async def sync(self, org: str = "RIO", *, full: bool | None = None) -> None:
        async with self.pems() as client, await self.connect() as conn:
            result = await sync_org(conn, client, org, full=full)
        assert result.status == "succeeded", result

    async def connect(self) -> AsyncConnection[dict[str, Any]]:
        return await AsyncConnection.connect(self.db_url, row_factory=dict_row)

    async def sim_post(self, path: str, body: dict[str, Any]) -> Any:
        async with httpx.AsyncClient(base_url=self.sim.control_url) as client:
            resp = await client.post(path, json=body)
            assert resp.status_code == 200, resp.text
            return resp.json()

    async def writes(self, org: str = "RIO") -> list[dict[str, Any]]:
        async with httpx.AsyncClient(base_url=self.sim.control_url) as client:
            resp = await client.get("/_sim/writes", params={"org": org})
            assert resp.status_code == 200, resp.text
            body = resp.json()
        return list(body["writes"] if isinstance(body, dict) else body)

    async def mirror(self, org: str, record_id: str) -> dict[str, Any]:
        async with await self.connect() as conn:
            cur = await conn.execute(
                "SELECT m.data, m.pems_version FROM pfa_mirror m JOIN organizations o"
                " ON o.id = m.organization_id WHERE o.code = %s AND m.id = %s",
                [org, record_id],
            )
            row = await cur.fetchone()
        assert row is not None
        return row

    async def record_ids(self, org: str = "RIO") -> list[str]:
        async with await self.connect() as conn:
            cur = await conn.execute(
                "SELECT m.id FROM pfa_mirror m JOIN organizations o ON o.id = m.organization_id"
                " WHERE o.code = %s AND NOT m.is_discontinued AND NOT m.is_actualized"
                " AND NOT m.is_funds_transferable"
                " AND m.forecast_start IS NOT NULL AND m.forecast_end IS NOT NULL ORDER BY m.id",
                [org],
            )
            return [r["id"] for r in await cur.fetchall()]

    async def drafts(self, user: str, org: str = "RIO") -> dict[str, dict[str, Any]]:
        async with await self.connect() as conn:
            cur = await conn.execute(
                "SELECT d.record_id, d.changes, d.base_version, d.conflict FROM pfa_modification d"
                " JOIN users u ON u.id = d.user_id JOIN organizations o"
                " ON o.id = d.organization_id WHERE u.username = %s AND o.code = %s",
                [user, org],
            )
            return {r["record_id"]: r for r in await cur.fetchall()}

    async def draft(self, user: str, org: str, record_id: str, changes: dict[str, Any]) -> None:
        """Save a draft through the draft route (base version and values captured there)."""
        resp = await self.api.client.post(
            f"/api/pfa/{org}/draft",
            json={"recordId": record_id, "changes": changes},
            headers=await self.api.login(user),
        )
        assert resp.status_code == 200, resp.text

    async def commit(
        self,
        user: str,
        org: str = "RIO",
        body: dict[str, Any] | None = None,
        key: str | None = None,
    ) -> httpx.Response:
        headers = await self.api.login(user)
        if key is not None:
            headers["Idempotency-Key"] = key
        return await self.api.client.post(f"/api/pfa/{org}/commit", json=body, headers=headers)


@asynccontextmanager
async def commit_env(db_url: str, data_dir: Path, records: int = 40) -> AsyncIterator[CommitEnv]:
    sim = start_simulator(ORGS, records=records, seed=11)
    try:
        async with await AsyncConnection.connect(db_url, row_factory=dict_row) as conn:
            for username, org, role in USERS:
                await add_user(conn, username, PASSWORD, org, role)
            await conn.commit()
        settings = api_settings(data_dir, db_url, pems_url=sim.url)
        async with running_api(settings, db_url) as api:
            env = CommitEnv(api=api, sim=sim, db_url=db_url)
            for org in ORGS:
                await env.sync(org, full=True)
            yield env
    finally:
        sim.stop()
