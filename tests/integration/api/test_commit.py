"""POST /api/pfa/{org}/commit against the PEMS simulator over HTTP, on the embedded database:
typed writes in /_sim/writes, write-through to the mirror, scope, partial refusal,
idempotent retries, orphaned drafts, the audit trail and permissions."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
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


async def shift_forecast(
    env: CommitEnv, user: str, record_id: str, days: int = 3, org: str = "RIO", **more: Any
) -> dict[str, Any]:
    data = (await env.mirror(org, record_id))["data"]
    changes = {
        "forecastStart": later(data["forecastStart"], days),
        "forecastEnd": later(data["forecastEnd"], days),
        **more,
    }
    await env.draft(user, org, record_id, changes)
    return changes


async def test_commit_pushes_typed_values_and_writes_through(env: CommitEnv) -> None:
    ids = await env.record_ids()
    dor = "BEO" if (await env.mirror("RIO", ids[0]))["data"]["dor"] == "PROJECT" else "PROJECT"
    first = await shift_forecast(env, "alice", ids[0], dor=dor, equipment="EQ-777")
    await shift_forecast(env, "alice", ids[1], days=10, isFundsTransferable=True)
    before = await env.mirror("RIO", ids[0])
    pems_before = env.sim.state.stored("RIO", ids[0])
    assert pems_before is not None

    resp = await env.commit("alice")

    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["committed"] == [ids[0], ids[1]]
    assert body["failed"] == []
    writes = {w["pfaId"]: w for w in await env.writes()}
    assert set(writes) == {ids[0], ids[1]}
    fields = writes[ids[0]]["fields"]
    start = date.fromisoformat(first["forecastStart"])
    epoch_ms = int(datetime(start.year, 1, 2, tzinfo=UTC).timestamp()) * 1000
    assert fields["PFS_F_STARTDATE"] == {
        "DATETIMEDATA": {"YEAR": epoch_ms, "MONTH": start.month, "DAY": start.day, "HOUR": 0,
                         "MINUTE": 0, "SECOND": 0, "SUBSECOND": 0, "TIMEZONE": "+0000",
                         "qualifier": "OTHER"}
    }  # fmt: skip
    assert fields["PFS_F_DOR"] == {"TEXTDATA": dor}
    assert fields["PFS_EQUIPMENT"] == {"TEXTDATA": "EQ-777"}
    assert len(fields) >= 24  # the whole row
    assert writes[ids[1]]["fields"]["PFS_FT"] == {"TEXTDATA": "true"}
    stored = env.sim.state.stored("RIO", ids[0])
    assert stored is not None
    assert stored["pfs_f_startdate"] == first["forecastStart"]  # the right year, not 1970
    sent = {"pfs_f_startdate", "pfs_f_enddate", "pfs_f_dor", "pfs_equipment_tag"}
    untouched = set(pems_before) - sent - {"recordid", "pfs_lastmodified"}
    assert {a: stored[a] for a in untouched} == {a: pems_before[a] for a in untouched}
    # the mirror shows PEMS's new record at once, with a newer version; the drafts are gone
    after = await env.mirror("RIO", ids[0])
    assert after["pems_version"] > before["pems_version"]
    assert body["versions"][ids[0]] == after["pems_version"]
    assert {k: after["data"][k] for k in first} == first
    assert (await env.mirror("RIO", ids[1]))["data"]["isFundsTransferable"] is True
    assert await env.drafts("alice") == {}
    # the KPI views were refreshed after the response: they agree with the mirror again
    assert await kpi_view(env) == await kpi_from_mirror(env)


async def kpi_view(env: CommitEnv) -> dict[str, Any]:
    async with await env.connect() as conn:
        cur = await conn.execute(
            "SELECT sum(total_forecast_cost) AS forecast, sum(record_count) AS n"
            " FROM pfa_kpi_summary k JOIN organizations o ON o.id = k.organization_id"
            " WHERE o.code = 'RIO'"
        )
        row = await cur.fetchone()
    assert row is not None
    return row


async def kpi_from_mirror(env: CommitEnv) -> dict[str, Any]:
    async with await env.connect() as conn:
        cur = await conn.execute(
            "SELECT sum(forecast_cost) AS forecast, count(*) AS n FROM pfa_mirror m"
            " JOIN organizations o ON o.id = m.organization_id WHERE o.code = 'RIO'"
            " AND NOT m.is_discontinued AND NOT m.is_funds_transferable"
        )
        row = await cur.fetchone()
    assert row is not None
    return row


async def test_commit_is_scoped_to_the_org_the_user_and_the_listed_records(
    env: CommitEnv,
) -> None:
    ids = await env.record_ids()
    holng = await env.record_ids("HOLNG")
    for record_id in ids[:3]:
        await shift_forecast(env, "alice", record_id)
    await shift_forecast(env, "alice", holng[0], org="HOLNG")
    await shift_forecast(env, "bob", ids[5])

    resp = await env.commit("alice", body={"recordIds": [ids[1], ids[2], ids[9]]})

    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["committed"] == [ids[1], ids[2]]
    assert body["failed"] == [
        {"recordId": ids[9], "reason": "you have no draft of this record in this organization"}
    ]
    assert {w["pfaId"] for w in await env.writes("RIO")} == {ids[1], ids[2]}
    assert await env.writes("HOLNG") == []
    assert set(await env.drafts("alice")) == {ids[0]}
    assert set(await env.drafts("alice", "HOLNG")) == {holng[0]}
    assert set(await env.drafts("bob")) == {ids[5]}


async def test_partial_refusal_keeps_exactly_the_refused_drafts(env: CommitEnv) -> None:
    ids = (await env.record_ids())[:8]
    for record_id in ids:
        await shift_forecast(env, "alice", record_id)
    refused = [ids[2], ids[5]]
    await env.sim_post("/_sim/delete", {"org": "RIO", "pfaIds": refused})  # not yet synced

    resp = await env.commit("alice")

    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["committed"] == [r for r in ids if r not in refused]
    assert [f["recordId"] for f in body["failed"]] == refused
    assert all("no longer in PEMS" in f["reason"] for f in body["failed"])
    assert set(await env.drafts("alice")) == set(refused)
    assert len(await env.writes()) == len(ids) - len(refused)


async def test_a_retry_with_the_same_key_writes_nothing_twice(env: CommitEnv) -> None:
    ids = (await env.record_ids())[:4]
    for record_id in ids:
        await shift_forecast(env, "alice", record_id)

    first, again = await asyncio.gather(
        env.commit("alice", key="k-1"), env.commit("alice", key="k-1")
    )
    third = await env.commit("alice", key="k-1")

    assert first.status_code == again.status_code == third.status_code == 200
    assert first.json() == again.json() == third.json()
    assert first.json()["committed"] == ids
    assert "true" in {
        again.headers.get("Idempotent-Replayed"),
        first.headers.get("Idempotent-Replayed"),
    }
    assert third.headers["Idempotent-Replayed"] == "true"
    assert len(await env.writes()) == len(ids)
    reused = await env.commit("alice", body={"recordIds": ids[:1]}, key="k-1")
    assert reused.status_code == 400
    assert "Idempotency-Key" in reused.json()["detail"]
    # without a key, a second commit finds nothing left to push
    empty = await env.commit("alice")
    assert empty.json()["committed"] == []
    assert len(await env.writes()) == len(ids)


async def test_an_orphaned_draft_fails_with_a_reason(env: CommitEnv) -> None:
    ids = await env.record_ids()
    await shift_forecast(env, "alice", ids[0])
    await shift_forecast(env, "alice", ids[1])
    await env.sim_post("/_sim/delete", {"org": "RIO", "pfaIds": [ids[0]]})
    await env.sync("RIO", full=True)

    resp = await env.commit("alice")

    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["committed"] == [ids[1]]
    assert body["failed"][0]["recordId"] == ids[0]
    assert "orphaned" in body["failed"][0]["reason"]
    assert set(await env.drafts("alice")) == {ids[0]}


async def test_a_stale_mirror_is_caught_at_pems(env: CommitEnv) -> None:
    """PEMS changed records since the last sync: a changed drafted field is a 409 conflict
    (stored on the draft, the mirror updated), an unrelated field is rebased and resent."""
    ids = await env.record_ids()
    mine = await shift_forecast(env, "alice", ids[0])
    await shift_forecast(env, "alice", ids[1])
    await shift_forecast(env, "alice", ids[2])
    theirs_end = later(mine["forecastEnd"], 30)
    env.sim.state.put_rows("RIO", [{"pfs_id": ids[0], "pfs_f_enddate": theirs_end}])
    env.sim.state.put_rows("RIO", [{"pfs_id": ids[1], "pfs_f_fundstrans": "-1"}])

    resp = await env.commit("alice")

    assert resp.status_code == 409, resp.text
    body = resp.json()
    assert body["error"] == "Conflict"
    assert [c["recordId"] for c in body["conflicts"]] == [ids[0]]
    assert set(body["conflicts"][0]["fields"]) == {"forecastEnd"}
    conflict = body["conflicts"][0]["fields"]["forecastEnd"]
    assert conflict["theirs"] == theirs_end
    assert conflict["mine"] == mine["forecastEnd"]
    assert body["committed"] == [ids[1], ids[2]]
    assert (await env.mirror("RIO", ids[1]))["data"]["isFundsTransferable"] is True
    assert (await env.mirror("RIO", ids[0]))["data"]["forecastEnd"] == theirs_end
    drafts = await env.drafts("alice")
    assert set(drafts) == {ids[0]}
    assert drafts[ids[0]]["conflict"] == {"forecastEnd": theirs_end}


async def test_audit_trail_and_permissions(env: CommitEnv) -> None:
    ids = await env.record_ids()
    await shift_forecast(env, "alice", ids[0])
    await shift_forecast(env, "bob", ids[1])
    assert (await env.commit("alice")).status_code == 200
    assert (await env.commit("bob")).status_code == 200

    resp = await env.api.client.get("/api/pfa/RIO/commits", headers=await env.api.login("alice"))
    assert resp.status_code == 200
    entries = resp.json()["commits"]
    assert [(e["user"], e["recordId"], e["outcome"]) for e in entries] == [
        ("alice", ids[0], "accepted")
    ]
    change = entries[0]["changes"]["forecastEnd"]
    before = change["before"]
    assert change["after"] == later(before, 3)
    assert entries[0]["newVersion"] > entries[0]["baseVersion"]
    admin = await env.api.client.get("/api/pfa/RIO/commits", headers=await env.api.login("ada"))
    assert {e["user"] for e in admin.json()["commits"]} == {"alice", "bob"}

    viewer = await env.commit("victor")
    assert viewer.status_code == 403
    outsider = await env.commit("bob", org="HOLNG")
    assert outsider.status_code == 403
    anonymous = await env.api.client.post("/api/pfa/RIO/commit")
    assert anonymous.status_code == 401
    resolve = await env.api.client.post(
        f"/api/pfa/RIO/conflicts/{ids[0]}/resolve",
        json={"strategy": "keep_mine"},
        headers=await env.api.login("victor"),
    )
    assert resolve.status_code == 403


async def test_a_change_pems_already_holds_is_not_sent_again(env: CommitEnv) -> None:
    """An earlier attempt reached PEMS but its answer was lost (the draft and the mirror still
    show the old values): the GET before writing finds PEMS holding our values, and the draft is
    settled without a second write."""
    ids = await env.record_ids()
    await env.draft("alice", "RIO", ids[0], {"equipment": "EQ-APPLIED"})
    env.sim.state.put_rows("RIO", [{"pfs_id": ids[0], "pfs_equipment_tag": "EQ-APPLIED"}])

    resp = await env.commit("alice")

    assert resp.status_code == 200, resp.text
    assert resp.json()["committed"] == [ids[0]]
    assert await env.writes() == []
    assert await env.drafts("alice") == {}
    assert (await env.mirror("RIO", ids[0]))["data"]["equipment"] == "EQ-APPLIED"
    audit = await env.api.client.get("/api/pfa/RIO/commits", headers=await env.api.login("alice"))
    assert [e["outcome"] for e in audit.json()["commits"]] == ["already_applied"]


async def test_another_users_draft_on_a_committed_field_is_now_in_conflict(
    env: CommitEnv,
) -> None:
    ids = await env.record_ids()
    base = (await env.mirror("RIO", ids[0]))["data"]
    await env.draft("alice", "RIO", ids[0], {"equipment": "EQ-ALICE"})
    await env.draft("bob", "RIO", ids[0], {"equipment": "EQ-BOB", "dor": flip(base["dor"])})
    await env.draft("bob", "RIO", ids[1], {"equipment": "EQ-BOB"})

    assert (await env.commit("alice")).status_code == 200

    assert (await env.drafts("bob"))[ids[0]]["conflict"] == {"equipment": "EQ-ALICE"}
    resp = await env.commit("bob")
    assert resp.status_code == 409, resp.text
    assert resp.json()["conflicts"] == [
        {
            "recordId": ids[0],
            "fields": {
                "equipment": {"base": base["equipment"], "theirs": "EQ-ALICE", "mine": "EQ-BOB"}
            },
            "pemsChanged": {},
        }
    ]
    assert [w["pfaId"] for w in await env.writes()] == [ids[0]], "bob's 409 pushed nothing"


def flip(dor: str) -> str:
    return "BEO" if dor == "PROJECT" else "PROJECT"


async def test_pems_unreachable_keeps_the_draft_with_the_reason(env: CommitEnv) -> None:
    ids = await env.record_ids()
    await env.draft("alice", "RIO", ids[0], {"equipment": "EQ-DOWN"})
    await env.sim_post("/_sim/faults", {"failRate": 1.0})

    resp = await env.commit("alice")

    await env.sim_post("/_sim/faults", {"failRate": 0.0})
    assert resp.status_code == 200, resp.text
    [failure] = resp.json()["failed"]
    assert failure["recordId"] == ids[0]
    assert "PEMS could not be reached" in failure["reason"]
    assert set(await env.drafts("alice")) == {ids[0]}
    assert await env.writes() == []
    retry = await env.commit("alice")
    assert retry.json()["committed"] == [ids[0]]
