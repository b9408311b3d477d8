"""The merged read and the KPI follow real syncs from the PEMS simulator over HTTP: the cached
snapshot catches up with changed and deleted records, drafts on deleted ones stay visible to
their owner as orphans."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from psycopg import AsyncConnection
from psycopg.rows import dict_row

from pfa_vanguard.api.state import app_state
from pfa_vanguard.domain.costs import with_derived
from pfa_vanguard.kpi.board import board, cells_from_records
from pfa_vanguard.pems import PemsClient, PemsConfig
from pfa_vanguard.pems.simulator import RunningSimulator, start_simulator
from pfa_vanguard.sync.service import sync_org
from tests.factories import make_org
from tests.integration.api.conftest import Api, add_member, api_settings, running_api

RECORDS = 600


@pytest.fixture(scope="module")
def simulator() -> Iterator[RunningSimulator]:
    with start_simulator(orgs=("RIO",), records=RECORDS, seed=5) as sim:
        yield sim


async def _control(sim: RunningSimulator, action: str, **body: Any) -> Any:
    async with httpx.AsyncClient(base_url=sim.control_url) as http:
        response = await http.post(f"/_sim/{action}", json=body)
    response.raise_for_status()
    return response.json()


@pytest.fixture
async def setup(
    simulator: RunningSimulator, db_url: str, tmp_path: Path
) -> AsyncIterator[tuple[Api, PemsClient]]:
    await _control(simulator, "reset")
    async with await AsyncConnection.connect(db_url, row_factory=dict_row) as conn:
        org_id = await make_org(conn, "RIO")
        for user in ("alice", "bob"):
            await add_member(conn, user, org_id, "editor")
        await conn.commit()
    config = PemsConfig(simulator.url, page_size=250, max_retries=2, backoff_base_s=0.01)
    async with (
        PemsClient(config) as pems,
        running_api(api_settings(tmp_path, db_url), db_url) as api,
    ):
        yield api, pems
    await _control(simulator, "reset")


async def _sync(api: Api, pems: PemsClient, *, full: bool) -> None:
    result = await sync_org(app_state(api.app).pool, pems, "RIO", full=full)
    assert result.status == "succeeded", result.error


async def _mirror(api: Api) -> dict[str, dict[str, Any]]:
    async with await api.db() as conn:
        cur = await conn.execute("SELECT id, m.data FROM pfa_mirror m")
        return {r["id"]: r["data"] for r in await cur.fetchall()}


async def _read(api: Api, user: str) -> dict[str, Any]:
    resp = await api.client.get("/api/pfa/RIO", headers=await api.login(user))
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    return body


async def test_reads_follow_syncs_and_keep_orphaned_drafts(
    setup: tuple[Api, PemsClient], simulator: RunningSimulator
) -> None:
    api, pems = setup
    await _sync(api, pems, full=True)
    mirror = await _mirror(api)
    first = await _read(api, "bob")
    assert first["total"] == RECORDS
    assert {r["id"]: r["data"] for r in first["records"]} == {
        i: with_derived(d) for i, d in mirror.items()
    }

    ids = sorted(mirror)
    doomed, kept = ids[10], ids[20]
    for record_id in (doomed, kept):
        resp = await api.client.post(
            "/api/pfa/RIO/draft",
            json={"recordId": record_id, "changes": {"equipment": "ALICE-EQ"}},
            headers=await api.login("alice"),
        )
        assert resp.status_code == 200, resp.text

    changed = (await _control(simulator, "mutate", org="RIO", count=40))["changed"]
    await _control(simulator, "delete", org="RIO", pfaIds=[doomed, ids[30], ids[40]])
    await _sync(api, pems, full=True)
    mirror = await _mirror(api)
    assert len(mirror) == RECORDS - 3

    theirs = await _read(api, "bob")
    assert {r["id"]: r["data"] for r in theirs["records"]} == {
        i: with_derived(d) for i, d in mirror.items()
    }
    assert {i for i in changed if i in mirror}  # the read above saw PEMS's changes
    mine = {r["id"]: r for r in (await _read(api, "alice"))["records"]}
    assert len(mine) == RECORDS - 2  # the orphaned draft's record stays visible to its owner
    assert mine[doomed]["state"] == "orphaned"
    assert mine[doomed]["data"]["equipment"] == "ALICE-EQ"
    assert mine[kept]["hasDraft"] is True
    assert mine[kept]["data"] == with_derived({**mirror[kept], "equipment": "ALICE-EQ"})

    kpi = await api.client.get(
        "/api/pfa/RIO/kpi", params={"drafts": "true"}, headers=await api.login("alice")
    )
    assert kpi.json()["current"] == board(cells_from_records(mirror.values()))
    pending = {**mirror, kept: {**mirror[kept], "equipment": "ALICE-EQ"}}
    assert kpi.json()["pending"] == board(cells_from_records(pending.values()))
