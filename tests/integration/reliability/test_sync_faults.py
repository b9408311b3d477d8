"""PEMS misbehaving during a sync (simulator faults over real HTTP): within the retry bound the
sync succeeds and mirrors PEMS exactly; past it the sync fails cleanly — the mirror (checksum
of every row, version and watermark) is exactly as before and the run is recorded failed —
and the next run completes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from pfa_vanguard.pems import PemsClient, PemsConfig, map_row
from pfa_vanguard.pems.simulator import RunningSimulator, start_simulator
from pfa_vanguard.sync.service import sync_org
from tests.integration.reliability.helpers import mirror_checksum, runs, sim_control

RECORDS = 1_200
PAGE = 200  # 6 pages


@pytest.fixture(scope="module")
def simulator() -> Iterator[RunningSimulator]:
    with start_simulator(orgs=("RIO",), records=RECORDS, seed=23) as sim:
        yield sim


@pytest.fixture
def sim(simulator: RunningSimulator) -> Iterator[RunningSimulator]:
    sim_control(simulator, "reset")
    yield simulator
    sim_control(simulator, "reset")


async def sync(db_url: str, sim: RunningSimulator, *, retries: int, full: bool = True) -> Any:
    config = PemsConfig(
        sim.url, page_size=PAGE, max_retries=retries, backoff_base_s=0.01, backoff_max_s=0.05
    )
    async with PemsClient(config) as client:
        conn = await psycopg.AsyncConnection.connect(db_url, autocommit=True)
        async with conn:
            return await sync_org(conn, client, "RIO", full=full)


def pems_rows(sim: RunningSimulator) -> dict[str, tuple[int, dict[str, Any]]]:
    mapped = (map_row(row) for row in sim.state.records("RIO"))
    return {r.pfa_id: (r.version, r.data) for r in mapped}


def mirror_rows(url: str) -> dict[str, tuple[int, dict[str, Any]]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT id, pems_version, m.data FROM pfa_mirror m").fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}


@pytest.fixture
def org(db_url: str) -> None:
    with psycopg.connect(db_url) as conn:
        conn.execute("INSERT INTO organizations (code, name) VALUES ('RIO', 'Rio')")


async def test_a_sync_through_a_storm_of_faults_mirrors_pems_exactly(
    db_url: str, sim: RunningSimulator, org: None
) -> None:
    sim_control(sim, "faults", failRate=0.15, throttleRate=0.15, dropRate=0.15,
                latencyMs=5, retryAfter=0)  # fmt: skip
    result = await sync(db_url, sim, retries=12)
    stats = sim.state.stats

    assert result.status == "succeeded", result.error
    assert mirror_rows(db_url) == pems_rows(sim)
    injected = {k: v for k, v in stats.items() if str(k).startswith("fault:")}
    assert sum(injected.values()) > 0, "no fault was injected"


@pytest.mark.slow
@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "error", "status": 500},
        {"kind": "error", "status": 503},
        {"kind": "throttle", "retryAfter": 0},
        {"kind": "drop"},
        {"kind": "garbage"},
    ],
    ids=["500", "503", "429", "drop", "garbage"],
)
async def test_pems_failing_past_the_retries_leaves_the_mirror_intact(
    db_url: str, sim: RunningSimulator, org: None, fault: dict[str, Any]
) -> None:
    assert (await sync(db_url, sim, retries=2)).status == "succeeded"
    changed = sim_control(sim, "mutate", org="RIO", count=60)["changed"]
    before = mirror_checksum(db_url, "RIO")

    # Three pages come (slowly), then every attempt at the fourth fails.
    script = [{"kind": "delay", "route": "grids", "ms": 50}] * 3
    script += [{**fault, "route": "grids"}] * 10
    sim_control(sim, "faults", next=script)
    failed = await sync(db_url, sim, retries=2)

    assert failed.status == "failed"
    assert failed.error
    assert "RIO" in failed.error
    assert mirror_checksum(db_url, "RIO") == before
    assert [(r["id"], r["status"]) for r in runs(db_url, "RIO")][-1] == (failed.run_id, "failed")

    sim_control(sim, "faults")  # PEMS healthy again: the next run completes
    retry = await sync(db_url, sim, retries=2)
    assert retry.status == "succeeded", retry.error
    assert retry.updated == len(set(changed))
    assert mirror_rows(db_url) == pems_rows(sim)


async def test_latency_slows_a_sync_but_does_not_fail_it(
    db_url: str, sim: RunningSimulator, org: None
) -> None:
    sim_control(sim, "faults", latencyMs=150)
    result = await sync(db_url, sim, retries=0)
    assert result.status == "succeeded", result.error
    assert mirror_rows(db_url) == pems_rows(sim)
