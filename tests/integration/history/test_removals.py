"""Records leaving the mirror are in the record history: one PEMS no longer has (found by a
real full sync from the simulator) as deleted, one archived as archived, each with the whole
record as it was; read through the API (the organization's changes and the record's own
history, filtered by source) and counted by the assistant's "what does it cost"."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pfa_vanguard.mirror.archive import archive_organization
from tests.integration.api.commit_env import CommitEnv, commit_env


@pytest.fixture
async def env(db_url: str, tmp_path: Path) -> AsyncIterator[CommitEnv]:
    async with commit_env(db_url, tmp_path) as running:
        yield running


async def get(env: CommitEnv, path: str, **params: Any) -> Any:
    resp = await env.api.client.get(path, params=params, headers=await env.api.login("victor"))
    assert resp.status_code == 200, resp.text
    return resp.json()


async def forecast_total(env: CommitEnv) -> float:
    board = await get(env, "/api/pfa/RIO/kpi")
    return float(board["current"]["totals"]["forecast"]["total"])


async def test_a_deleted_and_an_archived_record_are_kept_as_such(env: CommitEnv) -> None:
    gone = (await env.record_ids())[0]
    as_it_was = (await env.mirror("RIO", gone))["data"]
    before = await forecast_total(env)
    assert (await env.sim_post("/_sim/delete", {"org": "RIO", "pfaIds": [gone]}))["deleted"]
    await env.sync("RIO", full=True)

    [deleted] = (await get(env, "/api/pfa/RIO/history", pfa_id=gone))["changes"]
    assert (deleted["field"], deleted["source"], deleted["new"]) == ("record", "sync", None)
    assert deleted["old"]["forecastEnd"] == as_it_was["forecastEnd"]
    assert deleted["runId"] is not None

    # one record PEMS moved to 2019, long ended and never on site: the archive takes it
    old = (await env.record_ids())[1]
    await env.sim_post("/_sim/put", {"org": "RIO", "rows": [
        {"pfs_id": old, "pfs_f_startdate": "2019-01-07", "pfs_f_enddate": "2019-03-29",
         "pfs_a_startdate": "", "pfs_a_enddate": "", "pfs_f_discontinued": "0"},
    ]})  # fmt: skip
    await env.sync("RIO", full=True)
    async with await env.connect() as conn:
        cur = await conn.execute("SELECT id FROM organizations WHERE code = 'RIO'")
        org = await cur.fetchone()
        assert org is not None
        assert await archive_organization(conn, org["id"], "RIO", date(2020, 1, 1)) == 1
        await conn.commit()
    [archived] = (await get(env, "/api/pfa/RIO/history", source="archive"))["changes"]
    assert (archived["recordId"], archived["field"], archived["new"]) == (old, "record", None)
    assert archived["old"]["forecastEnd"] == "2019-03-29"
    record = (await get(env, "/api/pfa/RIO/history", pfa_id=old))["changes"]
    assert record[0]["source"] == "archive"  # newest first, after the sync's
    assert {c["field"] for c in record[1:]} >= {"forecastStart", "forecastEnd"}

    removals = await get(env, "/api/pfa/RIO/history", field="record")
    assert sorted((c["recordId"], c["source"]) for c in removals["changes"]) == sorted(
        [(gone, "sync"), (old, "archive")]
    )

    # the assistant counts a removal as the record's whole counted cost leaving the figures
    after = await forecast_total(env)
    resp = await env.api.client.post(
        "/api/ai/query",
        json={"org": "RIO", "question": "how much did the changes since last week cost"},
        headers=await env.api.login("victor"),
    )
    assert resp.status_code == 200, resp.text
    answer = dict(zip(resp.json()["columns"], resp.json()["rows"][0], strict=True))
    assert answer["cost_change"] == pytest.approx(after - before, abs=0.02)
    assert answer["records"] == 2
