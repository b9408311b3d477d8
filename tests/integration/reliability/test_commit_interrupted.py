"""A commit interrupted half-way: PEMS applies some writes but the client times out before
their answer (and cannot read them back), other writes are refused before they reach PEMS.
The drafts left are exactly the records the commit could not confirm; a retry then completes
without writing anything twice (checked in the simulator's write log)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from pfa_vanguard.drafts.commit import CommitRequest, commit_drafts
from pfa_vanguard.pems.client import PemsClient
from pfa_vanguard.pems.config import PemsConfig
from tests.integration.api.commit_env import CommitEnv, commit_env
from tests.integration.reliability.helpers import sim_control, written_ids

WRITES = "userdefinedscreenservices"
DRAFTS = 10


@pytest.fixture
async def env(db_url: str, tmp_path: Path) -> AsyncIterator[CommitEnv]:
    async with commit_env(db_url, tmp_path) as running:
        yield running


async def ids_of(env: CommitEnv, user: str, org: str) -> tuple[int, int]:
    async with await env.connect() as conn:
        cur = await conn.execute(
            "SELECT u.id AS user_id, o.id AS org_id FROM users u, organizations o"
            " WHERE u.username = %s AND o.code = %s",
            [user, org],
        )
        row = await cur.fetchone()
    assert row is not None
    return int(row["user_id"]), int(row["org_id"])


async def commit_with_impatient_client(env: CommitEnv) -> dict[str, Any]:
    """Commit alice's RIO drafts with a client that waits 0.5 s and never retries, one record
    at a time (so that the simulator's scripted faults meet known calls)."""
    user_id, org_id = await ids_of(env, "alice", "RIO")
    config = PemsConfig(base_url=env.sim.url, timeout_s=0.5, max_retries=0, backoff_base_s=0.01)
    async with PemsClient(config) as client, await env.connect() as conn:
        request = CommitRequest(org_id, "RIO", user_id)
        outcome = await commit_drafts(conn, client, request, concurrency=1)
    assert not outcome.conflicts, outcome.summary
    return outcome.summary


@pytest.mark.timeout(300)
async def test_a_retry_after_an_interrupted_commit_writes_nothing_twice(env: CommitEnv) -> None:
    ids = (await env.record_ids())[:DRAFTS]
    for n, record_id in enumerate(ids):
        await env.draft("alice", "RIO", record_id, {"equipment": f"EQ-{n:02d}"})

    # Each write is a GET then an UPDATE. Records 1-3 go through; the UPDATEs of 4-6 are
    # applied by PEMS, which then stalls past the client's timeout, and the GETs that would
    # check them fail; the UPDATEs of 7-8 are throttled (not applied); the rest go through.
    let_through = {"kind": "none", "route": WRITES}
    stalled = {"kind": "delay", "route": WRITES, "afterApply": True, "ms": 2000}
    unchecked = {"kind": "error", "route": WRITES, "status": 503}
    throttled = {"kind": "throttle", "route": WRITES, "retryAfter": 0}
    script: list[dict[str, Any]] = [let_through] * 6
    script += [let_through, stalled, unchecked] * 3
    script += [let_through, throttled] * 2
    sim_control(env.sim, "faults", next=script)

    first = await commit_with_impatient_client(env)

    failed = {f["recordId"] for f in first["failed"]}
    assert len(failed) == 5
    assert set(first["committed"]) == set(ids) - failed
    assert set(await env.drafts("alice")) == failed, "drafts left = the unconfirmed records"
    applied = written_ids(env.sim, "RIO")
    assert len(applied) == len(set(applied)) == DRAFTS - 2  # 2 throttled never reached PEMS
    unapplied = set(ids) - set(applied)
    assert unapplied <= failed

    sim_control(env.sim, "faults")  # PEMS healthy again
    second = await env.commit("alice")

    assert second.status_code == 200, second.text
    assert set(second.json()["committed"]) == failed
    assert second.json()["failed"] == []
    writes = written_ids(env.sim, "RIO")
    assert sorted(writes) == sorted(ids), "every record written exactly once"
    assert await env.drafts("alice") == {}
    for n, record_id in enumerate(ids):
        assert (await env.mirror("RIO", record_id))["data"]["equipment"] == f"EQ-{n:02d}"
