"""The delta read that keeps an open screen fresh, and "Refresh from PEMS" for editors: a
screen that holds change number N learns exactly what a sync or another user's commit changed
since, with its own drafts' state (a conflict at once), and what PEMS removed."""

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


def later(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


async def changes(env: CommitEnv, user: str, since: int | None = None) -> dict[str, Any]:
    params = {} if since is None else {"since": since}
    resp = await env.api.client.get(
        "/api/pfa/RIO/changes", params=params, headers=await env.api.login(user)
    )
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    return body


async def test_a_screen_learns_what_a_sync_and_a_commit_changed_since_its_mark(
    env: CommitEnv,
) -> None:
    drafted, edited, removed, committed = (await env.record_ids())[:4]
    mark = await changes(env, "alice")
    assert mark["records"] == []
    assert mark["version"] > 0
    assert mark["stale"] is False
    assert mark["lastSyncedAt"]
    assert mark["nextSyncAt"]
    assert await changes(env, "alice", mark["version"]) == {**mark, "since": mark["version"]}

    seen = (await env.mirror("RIO", drafted))["data"]
    await env.draft("alice", "RIO", drafted, {"forecastEnd": later(seen["forecastEnd"], 9)})
    theirs = later(seen["forecastEnd"], 300)
    await env.sim_post("/_sim/put", {"org": "RIO", "rows": [
        {"pfs_id": drafted, "pfs_f_enddate": theirs},
        {"pfs_id": edited, "pfs_equipment_tag": "EQ-PEMS"},
    ]})  # fmt: skip
    await env.sim_post("/_sim/delete", {"org": "RIO", "pfaIds": [removed]})
    await env.sync("RIO", full=True)

    delta = await changes(env, "alice", mark["version"])

    assert delta["version"] > mark["version"]
    assert delta["reload"] is False
    by_id = {r["id"]: r for r in delta["records"]}
    assert sorted(by_id) == sorted([drafted, edited])
    assert delta["removed"] == [removed]
    assert by_id[edited]["state"] == "pristine"
    assert by_id[edited]["data"]["equipment"] == "EQ-PEMS"
    assert by_id[drafted]["state"] == "conflict"
    assert by_id[drafted]["hasDraft"]
    assert by_id[drafted]["baseline"]["forecastEnd"] == theirs
    assert by_id[drafted]["conflict"]["forecastEnd"]["theirs"] == theirs
    assert "forecastCost" in by_id[drafted]["data"]
    # bob has no draft there: the same change is a plain update for him
    for_bob = {r["id"]: r for r in (await changes(env, "bob", mark["version"]))["records"]}
    assert for_bob[drafted]["state"] == "pristine"

    # another user's commit reaches alice's screen too
    mark = delta["version"]
    await env.draft("bob", "RIO", committed, {"equipment": "EQ-BOB"})
    assert (await env.commit("bob")).status_code == 200
    delta = await changes(env, "alice", mark)
    assert [(r["id"], r["data"]["equipment"]) for r in delta["records"]] == [(committed, "EQ-BOB")]
    assert (await changes(env, "alice", delta["version"]))["records"] == []


async def test_bad_marks_are_refused_and_viewers_may_read(env: CommitEnv) -> None:
    resp = await env.api.client.get(
        "/api/pfa/RIO/changes", params={"since": -1}, headers=await env.api.login("victor")
    )
    assert resp.status_code == 422, resp.text
    assert resp.json()["error"]
    assert (await changes(env, "victor", 0))["records"], "from 0: every record"


async def test_every_editor_may_ask_for_a_refresh_sharing_one_request(env: CommitEnv) -> None:
    path = "/api/pfa/RIO/refresh"
    refused = await env.api.client.post(path, headers=await env.api.login("victor"))
    assert refused.status_code == 403, refused.text
    first = await env.api.client.post(path, headers=await env.api.login("bob"))
    assert first.status_code == 202, first.text
    again = await env.api.client.post(path, headers=await env.api.login("alice"))
    assert again.status_code == 202, again.text
    assert again.json()["runId"] == first.json()["runId"]
    admin = await env.api.client.post("/api/admin/sync/RIO", headers=await env.api.login("ada"))
    assert admin.json()["runId"] == first.json()["runId"]


@pytest.mark.parametrize(
    ("cron", "synced_minutes_ago", "stale"),
    [
        ("0 * * * *", 45, False),  # hourly: 45 minutes is on time (a fixed 30 said stale)
        ("*/5 * * * *", 15, True),  # every 5 min: 15 minutes is late (a fixed 30 said fresh)
    ],
)
async def test_staleness_follows_the_organizations_own_schedule(
    env: CommitEnv, cron: str, synced_minutes_ago: int, stale: bool
) -> None:
    async with await env.connect() as conn:
        await conn.execute(
            "UPDATE organizations SET sync_schedule = %s,"
            " last_synced_at = now() - make_interval(mins => %s) WHERE code = 'RIO'",
            [cron, synced_minutes_ago],
        )
        await conn.commit()
    headers = await env.api.login("alice")
    orgs = (await env.api.client.get("/api/orgs", headers=headers)).json()
    read = await env.api.client.get("/api/pfa/RIO", params={"limit": 1}, headers=headers)
    delta = await changes(env, "alice")

    assert {o["code"]: o["stale"] for o in orgs}["RIO"] is stale
    assert read.json()["stale"] is stale
    assert delta["stale"] is stale
    health = (await env.api.client.get("/api/health", headers=headers)).json()
    assert {o["code"]: o["late"] for o in health["orgs"]}["RIO"] is stale
