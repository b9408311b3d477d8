"""'What changed since last week, and what does it cost' answered by the assistant from the
record history, end to end: PEMS-side edits found by a real sync from the simulator and a
commit of the team, asked through POST /api/ai/query (offline translator, SQL guard, the
read-only role in the caller's organization). The cost it gives is the change of the KPI
board's forecast figure across the same changes, and another organization sees none of them."""

from __future__ import annotations

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


async def ask(env: CommitEnv, user: str, org: str, question: str) -> dict[str, Any]:
    resp = await env.api.client.post(
        "/api/ai/query", json={"org": org, "question": question}, headers=await env.api.login(user)
    )
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


async def forecast_total(env: CommitEnv) -> float:
    resp = await env.api.client.get("/api/pfa/RIO/kpi", headers=await env.api.login("victor"))
    assert resp.status_code == 200, resp.text
    return float(resp.json()["current"]["totals"]["forecast"]["total"])


def rows(answer: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(zip(answer["columns"], row, strict=True)) for row in answer["rows"]]


def shifted(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


async def test_what_changed_and_what_it_costs_comes_from_the_history(env: CommitEnv) -> None:
    before = await forecast_total(env)
    stretched, discontinued, relabelled, committed = (await env.record_ids())[:4]
    seen = {r: (await env.mirror("RIO", r))["data"] for r in (stretched, committed)}
    await env.sim_post("/_sim/put", {"org": "RIO", "rows": [
        {"pfs_id": stretched, "pfs_f_enddate": shifted(seen[stretched]["forecastEnd"], 45)},
        {"pfs_id": discontinued, "pfs_f_discontinued": "-1"},
        {"pfs_id": relabelled, "pfs_equipment_tag": "EQ-NEW"},
    ]})  # fmt: skip
    await env.sync("RIO", full=True)
    earlier = shifted(seen[committed]["forecastEnd"], -10)
    await env.draft("alice", "RIO", committed, {"forecastEnd": earlier})
    assert (await env.commit("alice")).status_code == 200
    after = await forecast_total(env)
    assert after != before

    listing = await ask(env, "victor", "RIO", "What changed since last week?")
    assert "pfa_ai_changes" in listing["sql"]
    changes = rows(listing)
    found = {(c["pfa_id"], c["field"], c["source"]) for c in changes}
    assert {
        (stretched, "forecastEnd", "sync"),
        (discontinued, "isDiscontinued", "sync"),
        (relabelled, "equipment", "sync"),
        (committed, "forecastEnd", "commit"),
    } <= found
    assert {c["pfa_id"] for c in changes} == {stretched, discontinued, relabelled, committed}
    [commit] = [c for c in changes if c["source"] == "commit"]
    assert commit["changed_by"] == "alice"
    assert commit["pems_answer"].startswith("accepted")
    [tag] = [c for c in changes if c["field"] == "equipment"]
    assert (tag["new_value"], tag["cost_change"]) == ("EQ-NEW", 0)

    total = rows(await ask(env, "victor", "RIO", "how much did the changes since last week cost"))
    assert total[0]["changes"] == len(changes)
    assert total[0]["records"] == 4
    assert total[0]["cost_change"] == pytest.approx(after - before, abs=0.02)

    question = "what changed since last week and what does it cost"
    costed = rows(await ask(env, "victor", "RIO", question))
    by_record = {r["pfa_id"]: r for r in costed}
    assert set(by_record) == {stretched, discontinued, relabelled, committed}
    assert by_record[stretched]["cost_change"] > 0  # a longer rental costs more
    assert by_record[committed]["cost_change"] < 0  # a shorter one less
    assert by_record[relabelled]["cost_change"] == 0
    assert sum(r["cost_change"] for r in costed) == pytest.approx(after - before, abs=0.02)
    assert {r["total_cost_change"] for r in costed} == {total[0]["cost_change"]}

    pems_only = rows(await ask(env, "victor", "RIO", "changes in PEMS since last week"))
    assert {c["source"] for c in pems_only} == {"sync"}
    # scoped to the caller's organization by the database: HOLNG saw no change
    elsewhere = rows(await ask(env, "alice", "HOLNG", "what changed since last week"))
    assert elsewhere == []
