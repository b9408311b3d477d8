"""Keep cached snapshots warm, in the background:

- at start-up, when the mirror is small enough for that to be a short burst (up to
  `WARM_AT_START_RECORDS` records in all, e.g. the demo), the active organizations are encoded
  one after the other while the cache has room, so the first grid load does not wait; a large
  installation encodes each organization on its first read instead of loading the CPU for
  minutes at every start;
- when a sync announces a change (NOTIFY pfa_mirror_changed, payload = organization code), the
  snapshot of that organization is caught up, if this process holds one.

Losing a notification costs nothing but that head start: every read still checks the
organization's version itself."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg
from psycopg.rows import dict_row

from pfa_vanguard.db.queries import Pool, load
from pfa_vanguard.mirror.merged_read import Caches

_log = logging.getLogger(__name__)
_RETRY_S = 5.0
WARM_AT_START_RECORDS = 100_000  # fewer are warmed (the demo: 3 x 20K); a real tenant is not


async def _refresh(pool: Pool, caches: Caches, code: str) -> None:
    async with pool.connection() as conn:
        cur = await conn.execute(load("pfa_vanguard.mirror")["org_version_by_code"], {"code": code})
        row = await cur.fetchone()
        await conn.rollback()
    if row is None or caches.snapshots.peek(int(row["id"])) is None:
        return
    await caches.snapshots.get(pool, int(row["id"]), int(row["mirror_version"]))


async def _listen(pool: Pool, caches: Caches, database_url: str) -> None:
    while True:
        try:
            async with await psycopg.AsyncConnection.connect(
                database_url, autocommit=True, row_factory=dict_row
            ) as conn:
                await conn.execute("LISTEN pfa_mirror_changed")
                async for notice in conn.notifies():
                    try:
                        await _refresh(pool, caches, notice.payload)
                    except Exception:  # a failed head start is not an error of the API
                        _log.warning("snapshot refresh of %s failed", notice.payload, exc_info=True)
        except psycopg.Error as exc:
            _log.info("mirror change listener disconnected (%s); retrying", exc)
        await asyncio.sleep(_RETRY_S)


async def _warm_all(pool: Pool, caches: Caches) -> None:
    try:
        async with pool.connection() as conn:
            cur = await conn.execute(
                load("pfa_vanguard.mirror")["mirror_size_estimate"],
                {"bound": WARM_AT_START_RECORDS},
            )
            size = await cur.fetchone()
            cur = await conn.execute(load("pfa_vanguard.mirror")["active_org_versions"])
            orgs = await cur.fetchall()
            await conn.rollback()
        if size is None or int(size["records"]) >= WARM_AT_START_RECORDS:
            return
        for org in orgs:
            if caches.snapshots.used_bytes() > caches.snapshots.budget_bytes * 0.8:
                break
            await caches.snapshots.get(pool, int(org["id"]), int(org["mirror_version"]))
    except Exception:  # a failed head start is not an error of the API
        _log.warning("warming the snapshots at start-up failed", exc_info=True)


@asynccontextmanager
async def prewarm_snapshots(pool: Pool, caches: Caches, database_url: str) -> AsyncIterator[None]:
    """Lifespan: warm the snapshots, then keep them caught up while the app runs."""
    tasks = [
        asyncio.create_task(_warm_all(pool, caches), name="pfa-snapshot-warm"),
        asyncio.create_task(_listen(pool, caches, database_url), name="pfa-snapshot-listen"),
    ]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
