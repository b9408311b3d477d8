"""Conflicts end to end: PEMS users change records (/_sim/mutate), a sync brings the changes
in, the commit answers 409 with each field's base/theirs/mine and pushes nothing; each
resolution strategy then rebases the drafts, and the next commit lands what was chosen."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.integration.api.commit_env import CommitEnv, commit_env

DATES = ("forecastStart", "forecastEnd")


@pytest.fixture
async def env(db_url: str, tmp_path: Path) -> AsyncIterator[CommitEnv]:
    async with commit_env(db_url, tmp_path) as running:
        yield running


def later(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def expected_conflicts(
    base: dict[str, Any], now: dict[str, Any], mine: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    return {
        name: {"base": base.get(name), "theirs": now.get(name), "mine": value}
        for name, value in mine.items()
        if now.get(name) != base.get(name) and now.get(name) != value
    }


async def resolve(env: CommitEnv, record_id: str, body: dict[str, Any]) -> dict[str, Any]:
    resp = await env.api.client.post(
        f"/api/pfa/RIO/conflicts/{record_id}/resolve",
        json=body,
        headers=await env.api.login("alice"),
    )
    assert resp.status_code == 200, resp.text
    result: dict[str, Any] = resp.json()
    return result


async def test_conflict_then_each_resolution_strategy_then_commit(env: CommitEnv) -> None:
    ids = (await env.record_ids())[:20]
    base: dict[str, dict[str, Any]] = {}
    mine: dict[str, dict[str, Any]] = {}
    for n, record_id in enumerate(ids):
        data = (await env.mirror("RIO", record_id))["data"]
        base[record_id] = data
        mine[record_id] = {
            "forecastStart": later(data["forecastStart"], 3),
            "forecastEnd": later(data["forecastEnd"], 3),
            "equipment": f"EQ-D{n}",
        }
        await env.draft("alice", "RIO", record_id, mine[record_id])

    changed = await env.sim_post("/_sim/mutate", {"org": "RIO", "count": 1000})
    assert set(ids) <= set(changed["changed"])
    await env.sync("RIO")
    now = {r: (await env.mirror("RIO", r))["data"] for r in ids}
    expected = {r: expected_conflicts(base[r], now[r], mine[r]) for r in ids}
    in_conflict = sorted(r for r in ids if expected[r])
    rebased_silently = sorted(r for r in ids if not expected[r])
    assert len(in_conflict) >= 3, "the seed must give conflicts"
    assert rebased_silently, "the seed must give records PEMS changed elsewhere only"

    resp = await env.commit("alice")

    assert resp.status_code == 409, resp.text
    body = resp.json()
    assert {c["recordId"]: c["fields"] for c in body["conflicts"]} == {
        r: expected[r] for r in in_conflict
    }
    assert await env.writes() == [], "nothing is pushed while the mirror shows conflicts"
    assert set(await env.drafts("alice")) == set(ids)

    keep, theirs, merged, *rest = in_conflict
    # use_theirs on a record where it drops one date of a window would leave an invalid
    # window with this seed's data only by chance; keep_mine is always valid.
    result = await resolve(env, keep, {"strategy": "keep_mine"})
    assert result["resolved"] == expected[keep]
    assert result["draft"]["changes"] == {
        k: v for k, v in mine[keep].items() if now[keep].get(k) != v
    }
    await resolve(env, theirs, {"strategy": "use_theirs"})
    choices = {f: "mine" if f in DATES else "theirs" for f in expected[merged]}
    await resolve(env, merged, {"strategy": "merge", "fields": choices})
    incomplete = await env.api.client.post(
        f"/api/pfa/RIO/conflicts/{rest[0] if rest else keep}/resolve",
        json={"strategy": "merge", "fields": {}},
        headers=await env.api.login("alice"),
    )
    if rest:
        assert incomplete.status_code == 400
        assert incomplete.json()["error"] == "BadRequest"
    for record_id in rest:
        await resolve(env, record_id, {"strategy": "keep_mine"})

    resp = await env.commit("alice")

    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["failed"] == []
    assert await env.drafts("alice") == {}
    final = {r: (await env.mirror("RIO", r))["data"] for r in ids}
    for record_id in [keep, *rest, *rebased_silently]:
        for name, value in mine[record_id].items():
            assert final[record_id][name] == value, (record_id, name)
    for name, value in mine[theirs].items():
        wanted = now[theirs][name] if name in expected[theirs] else value
        assert final[theirs][name] == wanted, (theirs, name)
    for name, value in mine[merged].items():
        take_theirs = choices.get(name) == "theirs"
        assert final[merged][name] == (now[merged][name] if take_theirs else value)
    # fields only PEMS changed keep PEMS's values
    for record_id in ids:
        for name, value in now[record_id].items():
            if name not in mine[record_id] and name not in ("recordid",):
                assert final[record_id].get(name) == value, (record_id, name)
    writes = {w["pfaId"]: w for w in await env.writes()}
    assert writes[keep]["newRecordid"] == writes[keep]["recordid"] + 1
    assert body["versions"][keep] == (await env.mirror("RIO", keep))["pems_version"]
    assert set(body["committed"]) == {r for r in ids if r in writes}


async def test_a_conflict_lists_every_field_pems_changed_and_a_merge_can_set_them_back(
    env: CommitEnv,
) -> None:
    """PEMS moves both dates of a record whose end the user moved: the 409 lists the end as a
    conflict and the start (a field the user never touched) as PEMS's other change, from the
    draft's own record, so a screen loaded after PEMS's change still sees it."""
    first, second = (await env.record_ids())[:2]
    seen = {r: (await env.mirror("RIO", r))["data"] for r in (first, second)}
    mine = {r: later(seen[r]["forecastEnd"], 30) for r in (first, second)}
    for record_id in (first, second):
        await env.draft("alice", "RIO", record_id, {"forecastEnd": mine[record_id]})
    moved = {r: later(seen[r]["forecastStart"], -10) for r in (first, second)}
    await env.sim_post(
        "/_sim/put",
        {
            "org": "RIO",
            "rows": [
                {
                    "pfs_id": r,
                    "pfs_f_startdate": moved[r],
                    "pfs_f_enddate": later(seen[r]["forecastEnd"], 60),
                }
                for r in (first, second)
            ],
        },
    )
    await env.sync("RIO")

    resp = await env.commit("alice")

    assert resp.status_code == 409, resp.text
    conflicts = {c["recordId"]: c for c in resp.json()["conflicts"]}
    for record_id in (first, second):
        assert conflicts[record_id]["fields"] == {
            "forecastEnd": {
                "base": seen[record_id]["forecastEnd"],
                "theirs": later(seen[record_id]["forecastEnd"], 60),
                "mine": mine[record_id],
            }
        }
        assert conflicts[record_id]["pemsChanged"] == {
            "forecastStart": {"base": seen[record_id]["forecastStart"], "theirs": moved[record_id]}
        }
    assert await env.writes() == []

    # first: keep my end and the start as it was; second: keep my end, take PEMS's start.
    both_mine = {"forecastEnd": "mine", "forecastStart": "mine"}
    kept = await resolve(env, first, {"strategy": "merge", "fields": both_mine})
    assert kept["restored"] == {"forecastStart": seen[first]["forecastStart"]}
    assert kept["draft"]["changes"] == {
        "forecastEnd": mine[first],
        "forecastStart": seen[first]["forecastStart"],
    }
    await resolve(env, second, {"strategy": "keep_mine"})
    not_editable = await env.api.client.post(
        f"/api/pfa/RIO/conflicts/{second}/resolve",
        json={"strategy": "merge", "fields": {"originalEnd": "mine"}},
        headers=await env.api.login("alice"),
    )
    assert not_editable.status_code == 200, "a field PEMS did not change is no choice at all"

    resp = await env.commit("alice")

    assert resp.status_code == 200, resp.text
    assert sorted(resp.json()["committed"]) == sorted([first, second])
    final = {r: (await env.mirror("RIO", r))["data"] for r in (first, second)}
    assert final[first]["forecastStart"] == seen[first]["forecastStart"]
    assert final[first]["forecastEnd"] == mine[first]
    assert final[second]["forecastStart"] == moved[second]
    assert final[second]["forecastEnd"] == mine[second]
