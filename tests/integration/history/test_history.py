"""The record history end to end: PEMS's own changes found by a real sync from the simulator,
the team's commits with who and PEMS's answer, read through the API with its filters, paging,
bad input refused, scoped by row-level security, and pruned by retention."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pfa_vanguard.ops.retention import RetentionDays, prune
from tests.integration.api.commit_env import CommitEnv, commit_env


@pytest.fixture
async def env(db_url: str, tmp_path: Path) -> AsyncIterator[CommitEnv]:
    async with commit_env(db_url, tmp_path) as running:
        yield running


async def history(env: CommitEnv, caller: str, status: int = 200, **params: Any) -> Any:
    resp = await env.api.client.get(
        "/api/pfa/RIO/history", params=params, headers=await env.api.login(caller)
    )
    assert resp.status_code == status, resp.text
    return resp.json()


def later(day: str, days: int) -> str:
    return (datetime.fromisoformat(day) + timedelta(days=days)).date().isoformat()


async def test_sync_and_commit_changes_are_kept_field_by_field(env: CommitEnv) -> None:
    first_sync = await history(env, "victor")
    assert first_sync["changes"] == []  # records a sync inserts are not changes
    start = datetime.now(UTC)
    edited, committed = (await env.record_ids())[:2]
    seen = (await env.mirror("RIO", edited))["data"]
    await env.sim_post("/_sim/put", {"org": "RIO", "rows": [
        {"pfs_id": edited, "pfs_equipment_tag": "EQ-PEMS"},
    ]})  # fmt: skip
    await env.sync("RIO", full=True)

    found = await history(env, "victor", source="sync")
    by_field = {c["field"]: c for c in found["changes"] if c["recordId"] == edited}
    assert by_field["equipment"]["old"] == seen.get("equipment")
    assert by_field["equipment"]["new"] == "EQ-PEMS"
    assert by_field["equipment"]["source"] == "sync"
    assert by_field["equipment"]["user"] is None
    assert by_field["equipment"]["runId"] is not None
    assert datetime.fromisoformat(by_field["equipment"]["detectedAt"]) >= start - timedelta(
        seconds=5
    )
    assert {c["recordId"] for c in found["changes"]} == {edited}

    before = (await env.mirror("RIO", committed))["data"]
    new_end = later(before["forecastEnd"], 21)
    await env.draft("alice", "RIO", committed, {"forecastEnd": new_end})
    resp = await env.commit("alice")
    assert resp.status_code == 200, resp.text

    mine = await history(env, "victor", source="commit", user="alice")
    [change] = mine["changes"]
    assert (change["recordId"], change["field"]) == (committed, "forecastEnd")
    assert (change["old"], change["new"]) == (before["forecastEnd"], new_end)
    assert change["pemsAnswer"].startswith("accepted")
    # the write-through is not seen again as a PEMS change by the next sync
    await env.sync("RIO", full=True)
    record = await history(env, "victor", pfa_id=committed)
    assert [c["source"] for c in record["changes"]] == ["commit"]
    # one field across the organization, newest first
    ends = await history(env, "victor", field="forecastEnd")
    assert [c["recordId"] for c in ends["changes"]] == [committed]
    everything = await history(env, "victor", since=start.isoformat())
    times = [c["detectedAt"] for c in everything["changes"]]
    assert times == sorted(times, reverse=True)
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert await history(env, "victor", since=future) == {
        "org": "RIO", "changes": [], "nextCursor": None,
    }  # fmt: skip


async def test_pages_are_bounded_and_follow_each_other(env: CommitEnv) -> None:
    ids = (await env.record_ids())[:6]
    await env.sim_post("/_sim/put", {"org": "RIO", "rows": [
        {"pfs_id": i, "pfs_equipment_tag": f"EQ-{n}"} for n, i in enumerate(ids)
    ]})  # fmt: skip
    await env.sync("RIO", full=True)
    seen: list[int] = []
    cursor = None
    for _ in range(10):
        page = await history(env, "victor", field="equipment", limit=4,
                             **({"cursor": cursor} if cursor else {}))  # fmt: skip
        assert len(page["changes"]) <= 4
        seen.extend(c["id"] for c in page["changes"])
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == len(ids)


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "0"},
        {"limit": "501"},
        {"source": "pems"},
        {"since": "yesterday"},
        {"since": "2026-12-02T00:00:00Z", "until": "2026-12-01T00:00:00Z"},
        {"since": "2026-12-01T00:00:00"},
        {"field": "forecast end; drop"},
        {"cursor": "not-a-cursor"},
        {"cursor": "2026-13-45T00:00:00+00:00_1"},
    ],
)
async def test_bad_input_is_a_clear_4xx(env: CommitEnv, params: dict[str, str]) -> None:
    resp = await env.api.client.get(
        "/api/pfa/RIO/history", params=params, headers=await env.api.login("victor")
    )
    assert resp.status_code in (400, 422), resp.text
    body = resp.json()
    assert body["error"]
    assert body["detail"]


async def test_another_organization_sees_nothing_and_scoped_roles_are_bound(
    env: CommitEnv,
) -> None:
    edited = (await env.record_ids())[0]
    await env.sim_post("/_sim/put", {"org": "RIO", "rows": [
        {"pfs_id": edited, "pfs_equipment_tag": "EQ-SCOPE"},
    ]})  # fmt: skip
    await env.sync("RIO", full=True)
    resp = await env.api.client.get("/api/pfa/HOLNG/history", headers=await env.api.login("alice"))
    assert resp.status_code == 200
    assert resp.json()["changes"] == []
    resp = await env.api.client.get("/api/pfa/RIO/history", headers=await env.api.login("alice"))
    assert resp.json()["changes"]
    async with await env.connect() as conn:
        cur = await conn.execute(
            "SELECT relrowsecurity FROM pg_class WHERE relname = 'pfa_history'"
        )
        row = await cur.fetchone()
        assert row is not None
        assert row["relrowsecurity"]
        cur = await conn.execute(
            "SELECT polname, pg_get_expr(polqual, polrelid) AS qual FROM pg_policy"
            " WHERE polrelid = 'pfa_history'::regclass"
        )
        [policy] = await cur.fetchall()
        assert "pfa_scope_org()" in policy["qual"]


async def test_retention_prunes_history_older_than_its_period(env: CommitEnv) -> None:
    edited = (await env.record_ids())[0]
    await env.sim_post("/_sim/put", {"org": "RIO", "rows": [
        {"pfs_id": edited, "pfs_equipment_tag": "EQ-OLD"},
    ]})  # fmt: skip
    await env.sync("RIO", full=True)
    async with await env.connect() as conn:
        await conn.execute("UPDATE pfa_history SET detected_at = now() - interval '400 days'")
        deleted = await prune(conn, RetentionDays(history=365), datetime.now(UTC))
        await conn.commit()
        assert deleted["pfa_history"] >= 1
        kept = await prune(conn, RetentionDays(history=0), datetime.now(UTC))
        assert "pfa_history" not in kept
    assert (await history(env, "victor"))["changes"] == []
