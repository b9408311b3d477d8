"""`pfa sync` from the shell: progress, summary, exit codes, and a worker killed mid-sync."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import psycopg
import pytest
from typer.testing import CliRunner

from pfa_vanguard.cli import app
from pfa_vanguard.pems import PemsClient, PemsConfig
from pfa_vanguard.pems.simulator import RunningSimulator, start_simulator
from pfa_vanguard.sync.service import sync_org

RECORDS = 600


@pytest.fixture(scope="module")
def simulator() -> Iterator[RunningSimulator]:
    with start_simulator(orgs=("RIO", "HOLNG"), records=RECORDS, seed=5) as sim:
        yield sim


@pytest.fixture
def sim(simulator: RunningSimulator) -> Iterator[RunningSimulator]:
    httpx.post(f"{simulator.control_url}/_sim/reset").raise_for_status()
    yield simulator
    httpx.post(f"{simulator.control_url}/_sim/reset").raise_for_status()


@pytest.fixture
def runner(db_url: str, sim: RunningSimulator, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("PFA_DATABASE_URL", db_url)
    monkeypatch.setenv("PFA_PEMS_URL", sim.url)
    with psycopg.connect(db_url) as conn:
        conn.execute("INSERT INTO organizations (code, name) VALUES ('RIO', 'Rio'), ('HOLNG', 'H')")
    return CliRunner()


def mirror_count(db_url: str) -> int:
    with psycopg.connect(db_url) as conn:
        row = conn.execute("SELECT count(*) FROM pfa_mirror").fetchone()
    assert row is not None
    return int(row[0])


def test_sync_all_prints_a_summary_and_succeeds(runner: CliRunner, db_url: str) -> None:
    result = runner.invoke(app, ["sync", "--all"])
    assert result.exit_code == 0, result.output
    assert "RIO" in result.output
    assert "HOLNG" in result.output
    assert result.output.count("succeeded") >= 2
    assert mirror_count(db_url) == 2 * RECORDS

    again = runner.invoke(app, ["sync", "RIO", "--full"])
    assert again.exit_code == 0, again.output
    assert "full" in again.output


def test_usage_errors_exit_2(runner: CliRunner) -> None:
    assert runner.invoke(app, ["sync"]).exit_code == 2
    assert runner.invoke(app, ["sync", "RIO", "--all"]).exit_code == 2
    unknown = runner.invoke(app, ["sync", "NOPE"])
    assert unknown.exit_code == 2
    assert "unknown organization(s): NOPE" in unknown.output


def test_a_failed_sync_exits_1_with_the_reason(
    runner: CliRunner, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with start_simulator(orgs=("RIO",), records=10, api_key="the-key") as locked:
        monkeypatch.setenv("PFA_PEMS_URL", locked.url)  # no key: 401, a terminal error
        result = runner.invoke(app, ["sync", "RIO"])
    assert result.exit_code == 1, result.output
    assert "failed" in result.output
    assert "RIO" in result.output
    assert mirror_count(db_url) == 0


def test_a_worker_killed_mid_sync_leaves_the_mirror_and_the_next_run_cleans_up(
    runner: CliRunner, db_url: str, sim: RunningSimulator
) -> None:
    assert runner.invoke(app, ["sync", "RIO"]).exit_code == 0
    httpx.post(f"{sim.control_url}/_sim/mutate", json={"org": "RIO", "count": 40})
    with psycopg.connect(db_url) as conn:
        before = conn.execute("SELECT id, m.data FROM pfa_mirror m ORDER BY id").fetchall()
    # Slow pages, so that the sync is still fetching when it is killed.
    httpx.post(f"{sim.control_url}/_sim/faults", json={"latencyMs": 2000}).raise_for_status()
    env = {**os.environ, "PFA_DATABASE_URL": db_url, "PFA_PEMS_URL": sim.url}
    pfa = os.path.join(os.path.dirname(sys.executable), "pfa")
    child = subprocess.Popen(
        [pfa, "sync", "RIO", "--full"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:  # wait until its run is recorded as running
            with psycopg.connect(db_url) as conn:
                row = conn.execute("SELECT id FROM sync_runs WHERE status = 'running'").fetchone()
            if row is not None or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert row is not None, "the child sync never started"
        killed_run = row[0]
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    httpx.post(f"{sim.control_url}/_sim/faults", json={}).raise_for_status()

    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT id, m.data FROM pfa_mirror m ORDER BY id").fetchall() == before

    async def next_run() -> str:
        async with (
            PemsClient(PemsConfig(sim.url)) as client,
            await psycopg.AsyncConnection.connect(db_url) as conn,
        ):
            result = await sync_org(conn, client, "RIO", full=True)
        assert result.updated == 40
        return result.status

    assert asyncio.run(next_run()) == "succeeded"
    with psycopg.connect(db_url) as conn:
        status = conn.execute("SELECT status FROM sync_runs WHERE id = %s", [killed_run])
        assert status.fetchone() == ("abandoned",)


def test_pfa_worker_syncs_then_stops_on_ctrl_c(
    runner: CliRunner, db_url: str, sim: RunningSimulator
) -> None:
    env = {**os.environ, "PFA_DATABASE_URL": db_url, "PFA_PEMS_URL": sim.url}
    pfa = os.path.join(os.path.dirname(sys.executable), "pfa")
    child = subprocess.Popen(
        [pfa, "worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + 120
        synced = 0
        while synced < 2 and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.1)
            with psycopg.connect(db_url) as conn:
                row = conn.execute(
                    "SELECT count(*) FROM sync_runs WHERE status = 'succeeded'"
                ).fetchone()
            synced = row[0] if row else 0
        assert synced == 2, "the worker did not sync both organizations (never synced: due)"
        child.send_signal(signal.SIGINT)
        output, _ = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, output
    assert "synced RIO" in output
    assert mirror_count(db_url) == 2 * RECORDS
