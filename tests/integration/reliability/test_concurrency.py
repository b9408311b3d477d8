"""Concurrency against the real app, the simulator over HTTP and PostgreSQL: two users on one
record, a commit racing a sync of the same organization, 50 parallel draft saves by one user
(different fields: none lost; one field: last write wins), all with exactly one draft row."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pfa_vanguard.pems import map_row
from tests.integration.api.commit_env import CommitEnv, commit_env
from tests.integration.reliability.helpers import sim_control, written_ids


@pytest.fixture
async def env(db_url: str, tmp_path: Path) -> AsyncIterator[CommitEnv]:
    async with commit_env(db_url, tmp_path) as running:
        yield running


async def save(env: CommitEnv, user: str, record_id: str, changes: dict[str, Any]) -> Any:
    resp = await env.api.client.post(
        "/api/pfa/RIO/draft",
        json={"recordId": record_id, "changes": changes},
        headers=await env.api.login(user),
    )
    assert resp.status_code == 200, resp.text
    return resp.json()


async def detail(env: CommitEnv, user: str, record_id: str) -> dict[str, Any]:
    resp = await env.api.client.get(
        f"/api/pfa/RIO/records/{record_id}", headers=await env.api.login(user)
    )
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    return body


async def draft_rows(env: CommitEnv, record_id: str) -> list[dict[str, Any]]:
    async with await env.connect() as conn:
        cur = await conn.execute(
            "SELECT user_id, changes FROM pfa_modification WHERE record_id = %s", [record_id]
        )
        return await cur.fetchall()


def pems_rows(env: CommitEnv) -> dict[str, tuple[int, dict[str, Any]]]:
    return {r.pfa_id: (r.version, r.data) for r in map(map_row, env.sim.state.records("RIO"))}


async def mirror_rows(env: CommitEnv) -> dict[str, tuple[int, dict[str, Any]]]:
    async with await env.connect() as conn:
        cur = await conn.execute(
            "SELECT m.id, m.pems_version, m.data FROM pfa_mirror m JOIN organizations o"
            " ON o.id = m.organization_id WHERE o.code = 'RIO'"
        )
        return {r["id"]: (r["pems_version"], r["data"]) for r in await cur.fetchall()}


async def test_two_users_on_one_record_are_isolated_and_the_second_commit_conflicts(
    env: CommitEnv,
) -> None:
    record_id = (await env.record_ids())[0]
    base = (await env.mirror("RIO", record_id))["data"]["equipment"]
    await save(env, "alice", record_id, {"equipment": "EQ-ALICE"})
    await save(env, "bob", record_id, {"equipment": "EQ-BOB"})

    assert (await detail(env, "alice", record_id))["merged"]["equipment"] == "EQ-ALICE"
    assert (await detail(env, "bob", record_id))["merged"]["equipment"] == "EQ-BOB"
    assert (await detail(env, "victor", record_id))["merged"]["equipment"] == base
    assert len(await draft_rows(env, record_id)) == 2

    first = await env.commit("alice")
    assert first.status_code == 200, first.text
    assert first.json()["committed"] == [record_id]
    second = await env.commit("bob")
    assert second.status_code == 409, second.text
    assert second.json()["conflicts"] == [
        {
            "recordId": record_id,
            "fields": {"equipment": {"base": base, "theirs": "EQ-ALICE", "mine": "EQ-BOB"}},
            "pemsChanged": {},
        }
    ]
    assert written_ids(env.sim, "RIO") == [record_id], "the conflicting commit pushed nothing"
    assert list(await env.drafts("bob")) == [record_id], "bob's draft is kept"
    assert (await env.mirror("RIO", record_id))["data"]["equipment"] == "EQ-ALICE"


@pytest.mark.slow
@pytest.mark.timeout(300)
async def test_commits_racing_syncs_of_the_same_org_lose_no_update(env: CommitEnv) -> None:
    """Each round: PEMS users change records (some of them drafted), then a commit and a full
    sync run at the same time. Neither fails (no deadlock: both take the organization's row
    lock before mirror rows), no committed value is overwritten by an older PEMS record, and
    after a last sync the mirror and the API's cached read equal PEMS exactly."""
    ids = await env.record_ids()
    sim_control(env.sim, "faults", latencyMs=20)  # stretch both so they overlap
    expected: dict[str, str] = {}
    for round_no in range(3):
        chunk = ids[round_no * 8 : round_no * 8 + 8]
        for record_id in chunk:
            value = f"EQ-R{round_no}-{record_id}"
            await save(env, "alice", record_id, {"equipment": value})
            expected[record_id] = value
        # PEMS users edit other fields of half the drafted records (the commit meets a stale
        # version there and rebases) and the drafted field of records nobody drafted.
        edits = [{"pfs_id": r, "pfs_f_manufacturer": f"MAKER-{round_no}"} for r in chunk[::2]]
        edits += [{"pfs_id": r, "pfs_equipment_tag": f"PEMS-{round_no}"} for r in ids[24:30]]
        env.sim.state.put_rows("RIO", edits)

        committed, _ = await asyncio.gather(env.commit("alice"), env.sync("RIO", full=True))

        assert committed.status_code == 200, committed.text
        assert sorted(committed.json()["committed"]) == sorted(chunk), committed.json()
        mirror = await mirror_rows(env)
        for record_id, value in expected.items():
            assert mirror[record_id][1]["equipment"] == value, (round_no, record_id)
    sim_control(env.sim, "faults")

    await env.sync("RIO", full=True)
    assert await mirror_rows(env) == pems_rows(env)
    assert await env.drafts("alice") == {}
    writes = written_ids(env.sim, "RIO")
    assert sorted(set(writes)) == sorted(expected), "every drafted record written"
    resp = await env.api.client.get("/api/pfa/RIO", headers=await env.api.login("victor"))
    assert resp.status_code == 200, resp.text
    served = {r["id"]: r["data"]["equipment"] for r in resp.json()["records"]}
    assert served == {pid: data.get("equipment") for pid, (_, data) in pems_rows(env).items()}


async def _parallel_saves(
    env: CommitEnv, record_id: str, changes: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    headers = await env.api.login("alice")

    async def one(body: dict[str, Any]) -> httpx.Response:
        return await env.api.client.post(
            "/api/pfa/RIO/draft", json={"recordId": record_id, "changes": body}, headers=headers
        )

    answers = await asyncio.gather(*(one(c) for c in changes))
    assert all(a.status_code == 200 for a in answers), [a.text for a in answers]
    return [a.json()["saved"][0]["changes"] for a in answers]


async def test_fifty_parallel_saves_of_different_fields_keep_every_field_in_one_row(
    env: CommitEnv,
) -> None:
    record_id = (await env.record_ids())[1]
    base = (await env.mirror("RIO", record_id))["data"]
    wanted = {
        "equipment": "EQ-PARALLEL",
        "dor": "BEO" if base.get("dor") == "PROJECT" else "PROJECT",
        "forecastCategory": "Zeppelin",
        "isFundsTransferable": not base.get("isFundsTransferable"),
        "forecastEnd": "2031-01-01",
    }
    fields = list(wanted)
    changes = [{fields[n % 5]: wanted[fields[n % 5]]} for n in range(50)]

    seen = await _parallel_saves(env, record_id, changes)

    for sent, after in zip(changes, seen, strict=True):
        assert sent.items() <= after.items(), "each save sees its own field applied"
    rows = await draft_rows(env, record_id)
    assert len(rows) == 1
    assert rows[0]["changes"] == wanted


async def test_fifty_parallel_saves_of_one_field_last_write_wins_in_one_row(
    env: CommitEnv,
) -> None:
    record_id = (await env.record_ids())[2]
    changes = [{"equipment": f"EQ-{n:02d}"} for n in range(50)]

    seen = await _parallel_saves(env, record_id, changes)

    for sent, after in zip(changes, seen, strict=True):
        assert after == sent, "each save replaced the field whole"
    rows = await draft_rows(env, record_id)
    assert len(rows) == 1
    final = rows[0]["changes"]
    assert final in changes
    resp = await env.api.client.get("/api/pfa/RIO/drafts", headers=await env.api.login("alice"))
    assert [d["changes"] for d in resp.json()] == [final]
