"""A save from a stale screen: the user saw a value, a PEMS user changed it, a sync brought the
change in, then the user saved an edit of that field with the value they saw as `base`. The
draft is a conflict (never an overwrite of a value the user did not see); an edit of a field
PEMS did not change merges and commits without touching PEMS's change."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.api.commit_env import CommitEnv, commit_env


@pytest.fixture
async def env(db_url: str, tmp_path: Path) -> AsyncIterator[CommitEnv]:
    async with commit_env(db_url, tmp_path) as running:
        yield running


def later(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


async def seen_by_alice(env: CommitEnv, record_id: str) -> dict[str, Any]:
    """The record as alice's screen loaded it (the merged read)."""
    resp = await env.api.client.get("/api/pfa/RIO", headers=await env.api.login("alice"))
    assert resp.status_code == 200, resp.text
    (row,) = [r for r in resp.json()["records"] if r["id"] == record_id]
    data: dict[str, Any] = row["data"]
    return data


async def pems_user_sets(env: CommitEnv, record_id: str, forecast_end: str) -> None:
    await env.sim_post("/_sim/put", {"org": "RIO", "rows": [
        {"pfs_id": record_id, "pfs_f_enddate": forecast_end}
    ]})  # fmt: skip
    await env.sync("RIO")


async def save(env: CommitEnv, body: dict[str, Any] | list[dict[str, Any]]) -> httpx.Response:
    return await env.api.client.post(
        "/api/pfa/RIO/draft", json=body, headers=await env.api.login("alice")
    )


async def test_a_stale_edit_of_a_field_pems_changed_is_a_conflict_not_an_overwrite(
    env: CommitEnv,
) -> None:
    record_id = (await env.record_ids())[0]
    seen = await seen_by_alice(env, record_id)
    theirs = later(seen["forecastEnd"], 400)
    await pems_user_sets(env, record_id, theirs)
    writes_before = len(await env.writes())

    mine = later(seen["forecastEnd"], 10)
    resp = await save(env, {
        "recordId": record_id,
        "changes": {"forecastEnd": mine},
        "base": {"forecastEnd": seen["forecastEnd"]},
    })  # fmt: skip

    assert resp.status_code == 200, resp.text
    (draft,) = resp.json()["saved"]
    expected = {"forecastEnd": {"base": seen["forecastEnd"], "theirs": theirs, "mine": mine}}
    assert draft["state"] == "conflict"
    assert draft["conflict"] == expected

    # A later edit of the same field keeps the first base (the value alice actually saw).
    mine = later(seen["forecastEnd"], 12)
    resp = await save(env, {
        "recordId": record_id, "changes": {"forecastEnd": mine}, "base": {"forecastEnd": theirs}
    })  # fmt: skip
    assert resp.status_code == 200, resp.text
    expected["forecastEnd"]["mine"] = mine
    assert resp.json()["saved"][0]["conflict"] == expected
    listed = await env.api.client.get("/api/pfa/RIO/drafts", headers=await env.api.login("alice"))
    assert [d["state"] for d in listed.json()] == ["conflict"]

    refused = await env.commit("alice")
    assert refused.status_code == 409, refused.text
    assert refused.json()["conflicts"] == [
        {"recordId": record_id, "fields": expected, "pemsChanged": {}}
    ]
    assert len(await env.writes()) == writes_before, "nothing may reach PEMS"
    assert (await env.mirror("RIO", record_id))["data"]["forecastEnd"] == theirs

    resp = await env.api.client.post(
        f"/api/pfa/RIO/conflicts/{record_id}/resolve",
        json={"strategy": "keep_mine"},
        headers=await env.api.login("alice"),
    )
    assert resp.status_code == 200, resp.text
    committed = await env.commit("alice")
    assert committed.status_code == 200, committed.text
    assert committed.json()["committed"] == [record_id]
    await env.sync("RIO")
    assert (await env.mirror("RIO", record_id))["data"]["forecastEnd"] == mine


async def test_a_stale_edit_of_another_field_merges_and_commits_both_changes(
    env: CommitEnv,
) -> None:
    record_id = (await env.record_ids())[1]
    seen = await seen_by_alice(env, record_id)
    theirs = later(seen["forecastEnd"], 400)
    await pems_user_sets(env, record_id, theirs)

    mine = later(seen["forecastStart"], 5)
    resp = await save(env, {
        "recordId": record_id,
        "changes": {"forecastStart": mine},
        "base": {"forecastStart": seen["forecastStart"]},
    })  # fmt: skip

    assert resp.status_code == 200, resp.text
    assert resp.json()["saved"][0]["state"] == "draft"
    committed = await env.commit("alice")
    assert committed.status_code == 200, committed.text
    await env.sync("RIO")
    data = (await env.mirror("RIO", record_id))["data"]
    assert (data["forecastStart"], data["forecastEnd"]) == (mine, theirs)


async def test_a_save_without_base_takes_the_mirror_value_as_today(env: CommitEnv) -> None:
    record_id = (await env.record_ids())[2]
    seen = await seen_by_alice(env, record_id)
    await pems_user_sets(env, record_id, later(seen["forecastEnd"], 400))

    resp = await save(
        env, {"recordId": record_id, "changes": {"forecastEnd": later(seen["forecastEnd"], 500)}}
    )

    assert resp.status_code == 200, resp.text
    assert resp.json()["saved"][0]["state"] == "draft"


async def test_a_base_for_a_field_not_changed_is_refused_and_nothing_is_saved(
    env: CommitEnv,
) -> None:
    first, second = (await env.record_ids())[3:5]
    seen = await seen_by_alice(env, first)
    resp = await save(env, [
        {"recordId": second, "changes": {"equipment": "EQ-OK"}},
        {
            "recordId": first,
            "changes": {"forecastEnd": later(seen["forecastEnd"], 3)},
            "base": {"forecastStart": seen["forecastStart"]},
        },
    ])  # fmt: skip

    assert resp.status_code == 422, resp.text
    assert "forecastStart" in resp.json()["detail"]
    assert await env.drafts("alice") == {}
