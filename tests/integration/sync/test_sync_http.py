"""Syncs against the PEMS simulator over real HTTP, into the embedded database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from psycopg import AsyncConnection

from pfa_vanguard.accounts.repository import save_user
from pfa_vanguard.pems import PemsClient, PemsConfig, map_row
from pfa_vanguard.pems.simulator import RunningSimulator, start_simulator
from pfa_vanguard.sync.service import sync_org
from tests.integration.sync.conftest import create_org, mirror_writes

Conn = AsyncConnection[dict[str, Any]]
RECORDS = 1_000


@pytest.fixture(scope="module")
def simulator() -> Iterator[RunningSimulator]:
    with start_simulator(orgs=("RIO", "HOLNG"), records=RECORDS, seed=11) as sim:
        yield sim


@pytest.fixture
async def sim(simulator: RunningSimulator) -> AsyncIterator[RunningSimulator]:
    await control(simulator, "reset")
    yield simulator
    await control(simulator, "reset")


@pytest.fixture
async def client(sim: RunningSimulator) -> AsyncIterator[PemsClient]:
    config = PemsConfig(sim.url, page_size=400, max_retries=2, backoff_base_s=0.01)
    async with PemsClient(config) as pems:
        yield pems


async def control(sim: RunningSimulator, action: str, **body: Any) -> Any:
    async with httpx.AsyncClient(base_url=sim.control_url) as http:
        if action == "writes":
            response = await http.get("/_sim/writes")
        else:
            response = await http.post(f"/_sim/{action}", json=body)
    response.raise_for_status()
    return response.json()


async def mirror_data(conn: Conn, org: str) -> dict[str, tuple[Any, int]]:
    cur = await conn.execute(
        "SELECT m.id, m.data, m.pems_version FROM pfa_mirror m"
        " JOIN organizations o ON o.id = m.organization_id WHERE o.code = %s",
        [org],
    )
    rows = {row["id"]: (row["data"], row["pems_version"]) for row in await cur.fetchall()}
    await conn.commit()
    return rows


def pems_data(sim: RunningSimulator, org: str) -> dict[str, tuple[Any, int]]:
    """What PEMS holds, mapped as the client maps it (but read without HTTP)."""
    records = [map_row(row) for row in sim.state.records(org)]
    return {r.pfa_id: (r.data, r.version) for r in records}


async def test_first_sync_mirrors_pems_and_a_second_writes_nothing(
    conn: Conn, sim: RunningSimulator, client: PemsClient
) -> None:
    await create_org(conn, "RIO")
    first = await sync_org(conn, client, "RIO")
    assert first.status == "succeeded", first.error
    assert (first.fetched, first.inserted) == (RECORDS, RECORDS)
    assert await mirror_data(conn, "RIO") == pems_data(sim, "RIO")
    before = await mirror_writes(conn)

    for full in (True, False):
        again = await sync_org(conn, client, "RIO", full=full)
        assert again.status == "succeeded", again.error
        assert again.unchanged == again.fetched
        assert (again.inserted, again.updated, again.deleted) == (0, 0, 0)
    assert again.fetched < RECORDS  # incremental: only the watermark's overlap
    assert await mirror_writes(conn) == before


async def test_fifty_records_changed_in_pems_are_fifty_updates(
    conn: Conn, sim: RunningSimulator, client: PemsClient
) -> None:
    await create_org(conn, "RIO")
    await sync_org(conn, client, "RIO")
    before = await mirror_writes(conn)

    changed = (await control(sim, "mutate", org="RIO", count=50))["changed"]
    result = await sync_org(conn, client, "RIO")

    assert result.kind == "incremental"
    assert (result.updated, result.inserted, result.deleted) == (50, 0, 0)
    after = await mirror_writes(conn)
    assert after["upd"] - before["upd"] == 50
    assert after["ins"] == before["ins"]
    mirrored, held = await mirror_data(conn, "RIO"), pems_data(sim, "RIO")
    assert mirrored == held
    assert all(mirrored[pfa_id][1] > 1 for pfa_id in changed)

    changed = (await control(sim, "mutate", org="RIO", count=50))["changed"]
    full = await sync_org(conn, client, "RIO", full=True)
    assert (full.fetched, full.updated, full.unchanged) == (RECORDS, 50, RECORDS - 50)


async def test_records_deleted_in_pems_leave_the_mirror_and_orphan_drafts(
    conn: Conn, sim: RunningSimulator, client: PemsClient
) -> None:
    org_id = await create_org(conn, "RIO")
    await sync_org(conn, client, "RIO")
    victims = sorted(pems_data(sim, "RIO"))[100:103]
    user = await save_user(conn, "alice", "pw")
    await conn.execute(
        "INSERT INTO pfa_modification (user_id, organization_id, record_id, changes, base_version)"
        ' VALUES (%s, %s, %s, \'{"dor": "BEO"}\', 1)',
        [user["id"], org_id, victims[0]],
    )
    await conn.commit()
    baseline = (await mirror_data(conn, "RIO"))[victims[0]][0]

    await control(sim, "delete", org="RIO", pfaIds=victims)
    result = await sync_org(conn, client, "RIO", full=True)

    assert (result.deleted, result.orphaned) == (3, 1)
    assert await mirror_data(conn, "RIO") == pems_data(sim, "RIO")
    cur = await conn.execute("SELECT * FROM pfa_modification")
    draft = await cur.fetchone()
    await conn.commit()
    assert draft is not None
    assert draft["orphaned_at"] is not None
    assert draft["orphan_baseline"] == baseline
    assert draft["changes"] == {"dor": "BEO"}


async def test_schema_drift_lands_in_data_without_a_migration(
    conn: Conn, sim: RunningSimulator, client: PemsClient
) -> None:
    await create_org(conn, "RIO")
    await sync_org(conn, client, "RIO")
    await control(sim, "drift", alias="pfs_new_column", value="hello")
    result = await sync_org(conn, client, "RIO", full=True)
    assert result.updated == RECORDS
    mirrored = await mirror_data(conn, "RIO")
    assert all(data["pfs_new_column"] == "hello" for data, _ in mirrored.values())


@pytest.mark.parametrize("fault", ["error", "drop"])
async def test_pems_failing_mid_sync_leaves_the_previous_mirror_intact(
    conn: Conn, sim: RunningSimulator, client: PemsClient, fault: str
) -> None:
    await create_org(conn, "RIO")
    await sync_org(conn, client, "RIO")
    await control(sim, "mutate", org="RIO", count=200)
    before = await mirror_data(conn, "RIO")
    writes = await mirror_writes(conn)

    # Two pages served, then the third fails on every attempt (1 + max_retries).
    script = [{"kind": "delay", "route": "grids"}] * 2 + [{"kind": fault, "route": "grids"}] * 3
    await control(sim, "faults", next=script)
    result = await sync_org(conn, client, "RIO", full=True)

    assert result.status == "failed"
    assert result.error is not None
    assert "RIO" in result.error
    assert result.fetched == 800
    assert await mirror_data(conn, "RIO") == before
    assert await mirror_writes(conn) == writes
    cur = await conn.execute("SELECT status, error, fetched FROM sync_runs WHERE id = %s",
                             [result.run_id])  # fmt: skip
    run = await cur.fetchone()
    await conn.commit()
    assert run == {"status": "failed", "error": result.error, "fetched": 800}

    retry = await sync_org(conn, client, "RIO", full=True)  # the next run starts clean
    assert retry.status == "succeeded"
    assert retry.updated == 200
    assert await mirror_data(conn, "RIO") == pems_data(sim, "RIO")


async def test_transient_faults_within_the_retry_bound_do_not_fail_the_sync(
    conn: Conn, sim: RunningSimulator, client: PemsClient
) -> None:
    await create_org(conn, "RIO")
    script = [{"kind": "error", "route": "grids", "status": 500},
              {"kind": "throttle", "route": "grids", "retryAfter": 0},
              {"kind": "delay", "route": "grids"}, {"kind": "drop", "route": "grids"}]  # fmt: skip
    await control(sim, "faults", next=script)
    result = await sync_org(conn, client, "RIO")
    assert result.status == "succeeded", result.error
    assert await mirror_data(conn, "RIO") == pems_data(sim, "RIO")


async def test_two_triggers_at_once_make_one_sync(
    conn: Conn, db_url: str, sim: RunningSimulator, client: PemsClient
) -> None:
    await create_org(conn, "RIO")
    await control(sim, "faults", latencyMs=150)  # slow pages: the first sync is still running
    other = await AsyncConnection.connect(db_url)
    try:
        results = await asyncio.gather(
            sync_org(conn, client, "RIO", trigger="schedule"),
            sync_org(other, client, "RIO", trigger="manual"),
        )
    finally:
        await other.close()
    statuses = sorted(r.status for r in results)
    assert statuses == ["skipped", "succeeded"]
    assert next(r for r in results if r.status == "skipped").already_running
    cur = await conn.execute("SELECT count(*) AS n FROM sync_runs")
    assert await cur.fetchone() == {"n": 1}
    await conn.commit()


async def test_organizations_are_synced_independently(
    conn: Conn, db_url: str, sim: RunningSimulator, client: PemsClient
) -> None:
    await create_org(conn, "RIO")
    await create_org(conn, "HOLNG")
    other = await AsyncConnection.connect(db_url)
    try:
        rio, holng = await asyncio.gather(
            sync_org(conn, client, "RIO"), sync_org(other, client, "HOLNG")
        )
    finally:
        await other.close()
    assert rio.inserted == holng.inserted == RECORDS
    assert await mirror_data(conn, "RIO") == pems_data(sim, "RIO")
    assert await mirror_data(conn, "HOLNG") == pems_data(sim, "HOLNG")
