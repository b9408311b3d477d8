"""A commit's progress and its cancel, against the PEMS simulator over HTTP: while a slow PEMS
answers, GET .../commit/progress counts the records answered of the total, and POST
.../commit/cancel stops the commit before its next record: what was sent is committed whole,
the rest keeps its drafts untouched, and nothing is half-written."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.integration.api.commit_env import CommitEnv, commit_env


@pytest.fixture
async def env(db_url: str, tmp_path: Path) -> AsyncIterator[CommitEnv]:
    async with commit_env(db_url, tmp_path) as running:
        yield running


def later(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


async def progress(env: CommitEnv, user: str = "alice") -> dict[str, Any]:
    resp = await env.api.client.get(
        "/api/pfa/RIO/commit/progress", headers=await env.api.login(user)
    )
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    return body


async def test_cancel_mid_commit_keeps_the_unsent_drafts_and_half_writes_nothing(
    env: CommitEnv,
) -> None:
    ids = (await env.record_ids())[:30]
    mine: dict[str, dict[str, Any]] = {}
    for record_id in ids:
        data = (await env.mirror("RIO", record_id))["data"]
        mine[record_id] = {"forecastEnd": later(data["forecastEnd"], 30), "equipment": "EQ-CXL"}
        await env.draft("alice", "RIO", record_id, mine[record_id])
    headers = await env.api.login("alice")
    nothing = await env.api.client.post("/api/pfa/RIO/commit/cancel", headers=headers)
    assert nothing.status_code == 404, "no commit is running"
    assert nothing.json()["error"] == "NotFound"
    await env.sim_post("/_sim/faults", {"latencyMs": 250})  # every PEMS call takes 250 ms

    commit = asyncio.create_task(env.commit("alice"))
    seen: dict[str, Any] = {}
    for _ in range(200):
        await asyncio.sleep(0.05)
        resp = await env.api.client.get("/api/pfa/RIO/commit/progress", headers=headers)
        if resp.status_code == 200 and resp.json()["status"] == "running":
            seen = resp.json()
            if seen["answered"] >= 1:
                break
    assert seen.get("total") == len(ids), seen
    assert 1 <= seen["answered"] < len(ids), "cancelled while records are still to send"
    assert seen["accepted"] == seen["answered"]
    assert seen["conflicts"] == 0
    cancel = await env.api.client.post("/api/pfa/RIO/commit/cancel", headers=headers)
    assert cancel.status_code == 200, cancel.text
    assert cancel.json()["cancelRequested"] is True
    resp = await commit
    await env.sim_post("/_sim/faults", {})

    assert resp.status_code == 200, resp.text
    body = resp.json()
    committed, cancelled = set(body["committed"]), set(body["cancelled"])
    assert body["failed"] == []
    assert committed, body
    assert cancelled, body
    assert committed | cancelled == set(ids)
    assert not committed & cancelled
    written = {w["pfaId"] for w in await env.writes()}
    assert written == committed, "only the records sent before the cancel reached PEMS"
    drafts = await env.drafts("alice")
    assert set(drafts) == cancelled, "the unsent records keep their drafts, the sent ones do not"
    for record_id in cancelled:
        assert drafts[record_id]["changes"] == mine[record_id]
        assert drafts[record_id]["conflict"] is None
        data = (await env.mirror("RIO", record_id))["data"]
        assert data["equipment"] != "EQ-CXL"
    for record_id in committed:
        data = (await env.mirror("RIO", record_id))["data"]
        assert data["forecastEnd"] == mine[record_id]["forecastEnd"]
        assert data["equipment"] == "EQ-CXL"
    final = await progress(env)
    assert final["commitId"] == body["commitId"]
    assert final["status"] == "done"
    assert final["cancelRequested"] is True
    assert (final["total"], final["answered"], final["accepted"]) == (
        len(ids),
        len(committed),
        len(committed),
    )

    # The drafts left commit as any others.
    again = await env.commit("alice")
    assert again.status_code == 200, again.text
    assert set(again.json()["committed"]) == cancelled
    assert "cancelled" not in again.json()
    assert await env.drafts("alice") == {}
