"""Two `pfa worker` processes against one database and a never-synced organization (due at
once for both), then two "run now" requests at the same moment: each time exactly one sync
runs (single flight per organization through PostgreSQL), the mirror holds PEMS once. The two
requests get the same run, or one of them is told a sync is already running (when a worker
has claimed the other's request in between): never a second sync queued behind the first."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import dict_row

from pfa_vanguard.pems.simulator import RunningSimulator, start_simulator
from pfa_vanguard.sync.requests import request_sync
from pfa_vanguard.sync.results import SyncAlreadyRunning
from tests.integration.reliability.helpers import runs, sim_control
from tests.integration.scaleout.processes import clean_env, worker

RECORDS = 400


@pytest.fixture
def sim() -> Iterator[RunningSimulator]:
    with start_simulator(orgs=("RIO",), records=RECORDS, seed=9) as running:
        yield running


def succeeded(db_url: str) -> list[dict[str, object]]:
    return [r for r in runs(db_url, "RIO") if r["status"] == "succeeded"]


def wait_until(check: object, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if callable(check) and check():
            return
        time.sleep(0.1)
    pytest.fail("timed out")


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_two_workers_and_two_triggers_make_one_sync_each_time(
    db_url: str, sim: RunningSimulator, tmp_path: Path
) -> None:
    with psycopg.connect(db_url) as conn:
        conn.execute("INSERT INTO organizations (code, name) VALUES ('RIO', 'Rio')")
    sim_control(sim, "faults", latencyMs=500)  # a sync lasts long enough to overlap
    # no scheduled sync during the test: the organization is due once, as it never ran
    env = clean_env(
        database_url=db_url, pems_url=sim.url, data_dir=str(tmp_path), sync_schedule="0 0 1 1 *"
    )

    with worker(env, tmp_path, "w1") as one, worker(env, tmp_path, "w2") as two:
        wait_until(lambda: len(succeeded(db_url)) >= 1)
        time.sleep(2)  # the other worker had every chance to sync too
        assert len(succeeded(db_url)) == 1, one.output() + two.output()

        async def two_requests() -> list[int | None]:
            async def ask() -> int | None:
                conn = await psycopg.AsyncConnection.connect(db_url, row_factory=dict_row)
                async with conn:
                    try:
                        run_id = await request_sync(conn, "RIO", "reliability-test")
                    except SyncAlreadyRunning:
                        await conn.rollback()
                        return None
                    await conn.commit()
                return run_id

            return list(await asyncio.gather(ask(), ask()))

        requested = asyncio.run(two_requests())
        wait_until(lambda: len(succeeded(db_url)) >= 2)
        time.sleep(2)
        statuses = [r["status"] for r in runs(db_url, "RIO")]
        assert statuses.count("succeeded") == 2, statuses
        assert not {"failed", "running", "pending"} & set(statuses), statuses

    assert len({run_id for run_id in requested if run_id is not None}) == 1, requested
    with psycopg.connect(db_url) as conn:
        count = conn.execute("SELECT count(*) FROM pfa_mirror").fetchone()
    assert count == (RECORDS,)
