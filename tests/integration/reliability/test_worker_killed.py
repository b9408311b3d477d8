"""`pfa worker` (a real subprocess) killed with SIGKILL in the middle of a sync it picked up
from a "run now" request, while PEMS is slow: no half-applied sync (mirror checksum unchanged),
the killed run is recorded abandoned when the next run of the organization starts, and that
run — by a fresh worker — completes and mirrors PEMS."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import dict_row

from pfa_vanguard.pems import PemsClient, PemsConfig, map_row
from pfa_vanguard.pems.simulator import RunningSimulator, start_simulator
from pfa_vanguard.sync.requests import request_sync
from pfa_vanguard.sync.service import sync_org
from tests.integration.reliability.helpers import mirror_checksum, runs, sim_control
from tests.integration.scaleout.processes import clean_env, worker

RECORDS = 600


@pytest.fixture
def sim() -> Iterator[RunningSimulator]:
    with start_simulator(orgs=("RIO",), records=RECORDS, seed=5) as running:
        yield running


def ask_for_sync(db_url: str) -> int:
    async def ask() -> int:
        conn = await psycopg.AsyncConnection.connect(db_url, row_factory=dict_row)
        async with conn:
            run_id = await request_sync(conn, "RIO", "reliability-test", full=True)
            await conn.commit()
        return run_id

    return asyncio.run(ask())


def wait_status(db_url: str, run_id: int, wanted: set[str], timeout_s: float = 120) -> str:
    deadline = time.monotonic() + timeout_s
    status = ""
    while time.monotonic() < deadline:
        with psycopg.connect(db_url) as conn:
            row = conn.execute("SELECT status FROM sync_runs WHERE id = %s", [run_id]).fetchone()
        status = "" if row is None else str(row[0])
        if status in wanted:
            return status
        time.sleep(0.1)
    pytest.fail(f"run {run_id} still {status!r}, wanted {wanted}")


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_worker_killed_mid_sync_leaves_no_half_applied_sync(
    db_url: str, sim: RunningSimulator, tmp_path: Path
) -> None:
    with psycopg.connect(db_url) as conn:
        conn.execute("INSERT INTO organizations (code, name) VALUES ('RIO', 'Rio')")

    async def first_sync() -> None:
        async with PemsClient(PemsConfig(sim.url)) as client:
            conn = await psycopg.AsyncConnection.connect(db_url, autocommit=True)
            async with conn:
                assert (await sync_org(conn, client, "RIO", full=True)).status == "succeeded"

    asyncio.run(first_sync())
    changed = set(sim_control(sim, "mutate", org="RIO", count=50)["changed"])
    before = mirror_checksum(db_url, "RIO")
    sim_control(sim, "faults", latencyMs=3000)  # every PEMS page takes 3 s
    env = clean_env(database_url=db_url, pems_url=sim.url, data_dir=str(tmp_path))

    with worker(env, tmp_path, "doomed") as doomed:
        killed_run = ask_for_sync(db_url)
        wait_status(db_url, killed_run, {"running"})
        doomed.popen.kill()  # SIGKILL: no cleanup of any kind
        doomed.popen.wait(30)

    assert mirror_checksum(db_url, "RIO") == before, "a killed sync changed the mirror"
    assert [r["status"] for r in runs(db_url, "RIO")][-1] == "running"  # as it was left

    sim_control(sim, "faults")
    with worker(env, tmp_path, "next") as fresh:
        next_run = ask_for_sync(db_url)
        status = wait_status(db_url, next_run, {"succeeded", "failed", "skipped"})
        assert status == "succeeded", fresh.output()

    statuses = {r["id"]: r["status"] for r in runs(db_url, "RIO")}
    assert statuses[killed_run] == "abandoned"
    with psycopg.connect(db_url) as conn:
        rows = conn.execute("SELECT id, pems_version, m.data FROM pfa_mirror m").fetchall()
    pems = {r.pfa_id: (r.version, r.data) for r in map(map_row, sim.state.records("RIO"))}
    assert {r[0]: (r[1], r[2]) for r in rows} == pems
    assert changed  # the next run brought PEMS's changes in
