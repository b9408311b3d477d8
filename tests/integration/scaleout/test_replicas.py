"""Two `pfa serve` processes and two `pfa worker` processes on one database, as behind a load
balancer: any API process serves any request (tokens, drafts, commits and ETags agree, because
every cache is keyed by database versions), and a sync requested through both APIs, or due on
both workers' schedule, runs once."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from psycopg import AsyncConnection
from psycopg.rows import dict_row

from pfa_vanguard.accounts.repository import add_user
from pfa_vanguard.pems.client import PemsClient
from pfa_vanguard.pems.config import PemsConfig
from pfa_vanguard.pems.simulator import start_simulator
from pfa_vanguard.sync.service import sync_org
from tests.integration.scaleout.processes import clean_env, serve, worker

ORG = "ALPHA"
NEVER = "0 0 1 1 *"  # the workers' default schedule: nothing due during the test


async def _runs(db_url: str, after_id: int) -> list[dict[str, Any]]:
    async with await AsyncConnection.connect(db_url, row_factory=dict_row) as conn:
        cur = await conn.execute(
            "SELECT id, trigger, status, worker, updated, started_at FROM sync_runs"
            " WHERE id > %s ORDER BY id",
            [after_id],
        )
        return list(await cur.fetchall())


async def _wait_for(
    db_url: str, after_id: int, done: Any, timeout_s: float
) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout_s
    while True:
        runs = await _runs(db_url, after_id)
        if done(runs) or time.monotonic() > deadline:
            return runs
        await asyncio.sleep(0.5)


async def _seed(db_url: str, pems_url: str) -> None:
    async with await AsyncConnection.connect(db_url, row_factory=dict_row) as conn:
        await add_user(conn, "alice", "pw", ORG, "editor")
        await add_user(conn, "ada", "pw", ORG, "admin")
        await conn.commit()
        async with PemsClient(PemsConfig(base_url=pems_url)) as client:
            result = await sync_org(conn, client, ORG, full=True)
        assert result.status == "succeeded", result


async def _token(http: httpx.AsyncClient, url: str, username: str) -> dict[str, str]:
    resp = await http.post(f"{url}/api/auth/login", json={"username": username, "password": "pw"})
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


@pytest.mark.slow
async def test_two_apis_and_two_workers_on_one_database(db_url: str, tmp_path: Path) -> None:
    with start_simulator((ORG,), records=400, seed=5) as sim:
        await _seed(db_url, sim.url)
        env = clean_env(
            database_url=db_url,
            data_dir=str(tmp_path / "data"),
            secret_key="one-key-shared-by-every-api-process-of-the-cluster",
            pems_url=sim.url,
            sync_schedule=NEVER,
        )
        with (
            serve(env, tmp_path, "api-a") as a,
            serve(env, tmp_path, "api-b") as b,
            worker(env, tmp_path, "worker-1") as w1,
            worker(env, tmp_path, "worker-2") as w2,
        ):
            async with httpx.AsyncClient(timeout=60) as http:
                await _any_replica_serves_any_request(http, a.url, b.url)
                await _run_now_on_both_runs_once(http, a.url, b.url, db_url, sim.control_url)
                await _a_scheduled_slot_runs_once(http, a.url, db_url)
            assert w1.popen.poll() is None
            assert w2.popen.poll() is None
        for proc in (a, b, w1, w2):
            assert "Traceback" not in proc.output(), proc.output()[-3000:]


async def _any_replica_serves_any_request(http: httpx.AsyncClient, a: str, b: str) -> None:
    alice = await _token(http, a, "alice")  # issued by A, accepted by B
    assert (await http.get(f"{b}/api/me", headers=alice)).status_code == 200
    read_a = await http.get(f"{a}/api/pfa/{ORG}", headers=alice)
    read_b = await http.get(f"{b}/api/pfa/{ORG}", headers=alice)
    assert read_a.status_code == read_b.status_code == 200
    assert read_a.headers["ETag"] == read_b.headers["ETag"]
    assert read_a.json()["records"] == read_b.json()["records"]
    first_tag = read_a.headers["ETag"]
    not_modified = await http.get(
        f"{b}/api/pfa/{ORG}", headers={**alice, "If-None-Match": first_tag}
    )
    assert not_modified.status_code == 304

    record = read_a.json()["records"][0]["id"]
    saved = await http.post(
        f"{a}/api/pfa/{ORG}/draft",
        json={"recordId": record, "changes": {"equipment": "EQ-SCALEOUT"}},
        headers=alice,
    )
    assert saved.status_code == 200, saved.text
    detail = (await http.get(f"{b}/api/pfa/{ORG}/records/{record}", headers=alice)).json()
    assert detail["state"] == "draft"
    assert detail["draft"] == {"equipment": "EQ-SCALEOUT"}
    stale = await http.get(f"{b}/api/pfa/{ORG}", headers={**alice, "If-None-Match": first_tag})
    assert stale.status_code == 200  # B knows the draft changed what A's ETag described
    tag_b = stale.headers["ETag"]
    assert (await http.get(f"{a}/api/pfa/{ORG}", headers=alice)).headers["ETag"] == tag_b
    merged = {r["id"]: r for r in stale.json()["records"]}
    assert merged[record]["hasDraft"] is True
    assert merged[record]["data"]["equipment"] == "EQ-SCALEOUT"

    committed = await http.post(
        f"{b}/api/pfa/{ORG}/commit", json={"recordIds": [record]}, headers=alice
    )
    assert committed.status_code == 200, committed.text
    assert committed.json()["committed"] == [record]
    after = (await http.get(f"{a}/api/pfa/{ORG}/records/{record}", headers=alice)).json()
    assert after["state"] == "pristine"
    assert after["baseline"]["equipment"] == "EQ-SCALEOUT"
    read_a = await http.get(f"{a}/api/pfa/{ORG}", headers=alice)
    read_b = await http.get(f"{b}/api/pfa/{ORG}", headers=alice)
    assert read_a.headers["ETag"] == read_b.headers["ETag"] != tag_b
    assert read_a.json()["records"] == read_b.json()["records"]


async def _run_now_on_both_runs_once(
    http: httpx.AsyncClient, a: str, b: str, db_url: str, sim_control: str
) -> None:
    ada = await _token(http, a, "ada")
    changed = await http.post(f"{sim_control}/_sim/mutate", json={"org": ORG, "count": 25})
    assert changed.status_code == 200, changed.text
    last = max([r["id"] for r in await _runs(db_url, 0)], default=0)
    first, second = await asyncio.gather(
        http.post(f"{a}/api/admin/sync/{ORG}", headers=ada),
        http.post(f"{b}/api/admin/sync/{ORG}", headers=ada),
    )
    assert first.status_code in (202, 409), first.text
    assert second.status_code in (202, 409), second.text
    ids = {r.json()["runId"] for r in (first, second) if r.status_code == 202}
    assert len(ids) == 1  # one request, whichever API took it

    runs = await _wait_for(
        db_url, last, lambda rs: rs and all(r["status"] == "succeeded" for r in rs), 90
    )
    assert [r["status"] for r in runs] == ["succeeded"], runs
    assert runs[0]["id"] in ids
    assert runs[0]["updated"] > 0
    # the ETags of both APIs moved on together
    alice = await _token(http, b, "alice")
    tags = [
        (await http.get(f"{url}/api/pfa/{ORG}", headers=alice)).headers["ETag"] for url in (a, b)
    ]
    assert tags[0] == tags[1]


async def _a_scheduled_slot_runs_once(http: httpx.AsyncClient, a: str, db_url: str) -> None:
    ada = await _token(http, a, "ada")
    last = max([r["id"] for r in await _runs(db_url, 0)], default=0)
    every_minute = await http.put(
        f"{a}/api/admin/sync/{ORG}/schedule", json={"cron": "* * * * *"}, headers=ada
    )
    assert every_minute.status_code == 200, every_minute.text
    set_at = datetime.now(UTC)
    runs = await _wait_for(
        db_url,
        last,
        lambda rs: (
            any(r["status"] == "succeeded" for r in rs)
            and all(r["status"] not in ("running", "pending") for r in rs)
        ),
        150,
    )
    back = await http.put(f"{a}/api/admin/sync/{ORG}/schedule", json={"cron": NEVER}, headers=ada)
    assert back.status_code == 200
    scheduled = [r for r in runs if r["trigger"] == "schedule"]
    succeeded = [r for r in scheduled if r["status"] == "succeeded"]
    assert succeeded, runs
    slots: dict[Any, int] = {}
    for run in succeeded:
        slot = run["started_at"].replace(second=0, microsecond=0)
        assert slot >= set_at.replace(second=0, microsecond=0)
        slots[slot] = slots.get(slot, 0) + 1
    assert all(n == 1 for n in slots.values()), runs  # each slot synced by one worker only
    assert all(r["status"] in ("succeeded", "skipped") for r in scheduled), runs
