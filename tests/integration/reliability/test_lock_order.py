"""Lock order of the mirror's writers. A sync's apply takes the organization's row lock
(FOR NO KEY UPDATE) and then mirror rows and drafts; a commit's write-through must take them
in the same order, or a commit racing a sync can deadlock. Checked deterministically: with the
organization row held (as an applying sync holds it), a commit that PEMS accepted waits on that
lock while holding neither the record's mirror row nor its draft row; released, it completes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import psycopg
import pytest

from tests.integration.api.commit_env import CommitEnv, commit_env


@pytest.fixture
async def env(db_url: str, tmp_path: Path) -> AsyncIterator[CommitEnv]:
    async with commit_env(db_url, tmp_path) as running:
        yield running


async def wait_for_lock_waiter(env: CommitEnv, holder_pid: int) -> None:
    deadline = time.monotonic() + 60
    async with await env.connect() as conn:
        await conn.set_autocommit(True)
        while time.monotonic() < deadline:
            cur = await conn.execute(
                "SELECT count(*) AS n FROM pg_stat_activity WHERE %s = ANY (pg_blocking_pids(pid))",
                [holder_pid],
            )
            row = await cur.fetchone()
            if row is not None and row["n"] > 0:
                return
            await asyncio.sleep(0.05)
    pytest.fail("the commit never waited on the organization's row lock")


async def can_lock_now(env: CommitEnv, query: str, params: list[object]) -> bool:
    async with await env.connect() as conn:
        try:
            cur = await conn.execute(query + " FOR UPDATE NOWAIT", params)
            return await cur.fetchone() is not None
        except psycopg.errors.LockNotAvailable:
            return False
        finally:
            await conn.rollback()


@pytest.mark.timeout(300)
async def test_a_commit_takes_the_organization_lock_before_mirror_and_draft_rows(
    env: CommitEnv,
) -> None:
    record_id = (await env.record_ids())[0]
    await env.draft("alice", "RIO", record_id, {"equipment": "EQ-ORDER"})

    async with await env.connect() as holder:
        cur = await holder.execute(
            "SELECT id, pg_backend_pid() AS pid FROM organizations WHERE code = 'RIO'"
            " FOR NO KEY UPDATE"
        )
        org = await cur.fetchone()
        assert org is not None
        commit = asyncio.create_task(env.commit("alice"))
        try:
            await wait_for_lock_waiter(env, int(org["pid"]))
            mirror_free = await can_lock_now(
                env,
                "SELECT 1 FROM pfa_mirror WHERE organization_id = %s AND id = %s",
                [org["id"], record_id],
            )
            draft_free = await can_lock_now(
                env,
                "SELECT 1 FROM pfa_modification WHERE organization_id = %s AND record_id = %s",
                [org["id"], record_id],
            )
        finally:
            await holder.rollback()
        resp = await commit

    assert mirror_free, "the commit locked the mirror row before the organization row"
    assert draft_free, "the commit locked the draft row before the organization row"
    assert resp.status_code == 200, resp.text
    assert resp.json()["committed"] == [record_id]
    assert (await env.mirror("RIO", record_id))["data"]["equipment"] == "EQ-ORDER"
