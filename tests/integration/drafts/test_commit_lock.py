"""Commits of one user in one organization are serialised; a second one waits a bounded
time, then is refused with a clear Conflict (never two pushes of the same drafts at once)."""

from __future__ import annotations

from typing import Any

import pytest
from psycopg import AsyncConnection
from psycopg.rows import dict_row

from pfa_vanguard.drafts import commit_store
from pfa_vanguard.errors import Conflict


async def test_a_second_commit_waits_then_is_refused(db_url: str) -> None:
    key = commit_store.lock_key(1, 2)
    first: AsyncConnection[dict[str, Any]] = await AsyncConnection.connect(
        db_url, row_factory=dict_row
    )
    second: AsyncConnection[dict[str, Any]] = await AsyncConnection.connect(
        db_url, row_factory=dict_row
    )
    try:
        await commit_store.acquire_commit_lock(first, key)
        with pytest.raises(Conflict, match="still running"):
            await commit_store.acquire_commit_lock(second, key, wait_s=0.2)
        await commit_store.acquire_commit_lock(second, commit_store.lock_key(1, 3), wait_s=0.2)
        await commit_store.release_commit_lock(first, key)
        await commit_store.acquire_commit_lock(second, key, wait_s=0.2)
    finally:
        await first.close()
        await second.close()
