"""Two `pfa worker` processes against one database and a never-synced organization (due at
once for both), then two "run now" requests at the same moment: each time exactly one sync
runs (single flight per organization through PostgreSQL), the mirror holds PEMS once."""

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
    env = clean_env(database_url=db_url, pems_url=sim.url, data_dir=str(tmp_path))

    with worker(env, tmp_path, "w1") as one, worker(env, tmp_path, "w2") as two:
        wait_until(lambda: len(succeeded(db_url)) >= 1)
        time.sleep(2)  # the other worker had every chance to sync too
        assert len(succeeded(db_url)) == 1, one.output() + two.output()

        async def two_requests() -> list[int]:
            async def ask() -> int:
                conn = await psycopg.AsyncConnection.connect(db_url, row_factory=dict_row)
                async with conn:
                    run_id = await request_sync(conn, "RIO", "reliability-test")
                    await conn.commit()
                return run_id

            return list(await asyncio.gather(ask(), ask()))

        requested = asyncio.run(two_requests())
        wait_until(lambda: len(succeeded(db_url)) >= 2)
        time.sleep(2)
        statuses = [r["status"] for r in runs(db_url, "RIO")]
        assert statuses.count("succeeded") == 2, statuses
        assert "failed" not in statuses
        assert "running" not in statuses

    assert len(set(requested)) == 1 or "skipped" in statuses, (requested, statuses)
    with psycopg.connect(db_url) as conn:
        count = conn.execute("SELECT count(*) FROM pfa_mirror").fetchone()
    assert count == (RECORDS,)
