"""The spend profile's baseline is kept per organization and mirror revision: asked again, it
comes from the cache; after a commit or a sync changed the mirror, it is computed anew and still
adds up to the KPI board (never a profile the mirror has moved on from)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from pfa_vanguard.api.state import app_state
from tests.integration.api.commit_env import CommitEnv, commit_env


@pytest.fixture
async def env(db_url: str, tmp_path: Path) -> AsyncIterator[CommitEnv]:
    async with commit_env(db_url, tmp_path) as running:
        yield running


async def _get(env: CommitEnv, path: str, **params: Any) -> Any:
    resp = await env.api.client.get(path, params=params, headers=await env.api.login("victor"))
    assert resp.status_code == 200, resp.text[:300]
    return resp.json()


async def forecast(env: CommitEnv) -> tuple[float, float]:
    """(the profile's forecast total, the KPI board's)."""
    profile = await _get(env, "/api/pfa/RIO/kpi/months")
    board = await _get(env, "/api/pfa/RIO/kpi")
    total = round(sum(profile["current"]["total"]["forecast"]), 2)
    return total, float(board["current"]["totals"]["forecast"]["total"])


def later(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


async def test_the_profile_is_kept_until_the_mirror_changes(env: CommitEnv) -> None:
    cache = app_state(env.api.app).caches.profiles
    first, board = await forecast(env)
    assert first == pytest.approx(board, abs=0.01)
    kept = len(cache)
    assert kept >= 1
    again, _ = await forecast(env)
    assert (again, len(cache)) == (first, kept)  # served from the cache

    record = (await env.record_ids())[0]
    data = (await env.mirror("RIO", record))["data"]
    await env.draft("alice", "RIO", record, {"forecastEnd": later(data["forecastEnd"], 90),
                                             "isDiscontinued": False,
                                             "isFundsTransferable": False})  # fmt: skip
    assert (await env.commit("alice")).status_code == 200
    committed, board = await forecast(env)
    assert committed == pytest.approx(board, abs=0.01)
    assert committed != first
    assert len(cache) == kept + 1

    await env.sim_post("/_sim/put", {"org": "RIO", "rows": [
        {"pfs_id": record, "pfs_f_enddate": later(data["forecastEnd"], 200)},
    ]})  # fmt: skip
    await env.sync("RIO", full=True)
    synced, board = await forecast(env)
    assert synced == pytest.approx(board, abs=0.01)
    assert synced != committed
