"""Read-only work on a streaming replica (`PFA_DATABASE_REPLICA_URL`), writes on the primary.

What goes to the replica: the baseline of an organization, i.e. the mirror snapshots the merged
read serves and the KPI board's baseline cells. What never does: anything a user writes and
reads back at once (drafts, commits, sync state) and the membership check; those stay on the
primary, so a user always sees their own writes.

Guarantees of `ReadReplica.connection(org_id, version)`:
- it yields a replica connection only if the replica has replayed the organization's mirror at
  `version` or later (the version the primary reported in the same request); a lagging replica
  yields None and the caller reads the primary. A baseline older than the version the response
  is labelled with (its ETag) is therefore never served;
- a replica that is down or slow to give a connection also yields None (after
  `acquire_timeout_s`): the replica is an optimisation, never a dependency;
- the connection is read-only (its transaction is rolled back when the block ends).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg
import psycopg_pool

from pfa_vanguard.db.connection import make_pool
from pfa_vanguard.db.queries import Conn, Pool

_log = logging.getLogger(__name__)


_VERSION = "SELECT mirror_version FROM organizations WHERE id = %(org_id)s"
_QUIET_S = 30.0  # at most one warning per this many seconds while the replica is unreachable


class ReadReplica:
    """A pool on the replica, and the rule deciding when a read may use it."""

    def __init__(self, pool: Pool, *, acquire_timeout_s: float = 2.0) -> None:
        self.pool = pool
        self.acquire_timeout_s = acquire_timeout_s
        self.served = 0  # reads the replica took (for tests and metrics)
        self.fell_back = 0  # reads sent to the primary: replica behind or unreachable
        self._warned_at = 0.0

    @classmethod
    def from_url(cls, url: str, *, min_size: int = 1, max_size: int = 10) -> ReadReplica:
        pool: Pool = make_pool(
            url, min_size=min_size, max_size=max_size, name="pfa-replica",
            application_name="pfa-vanguard-replica",
        )  # fmt: skip
        return cls(pool)

    async def open(self) -> None:
        await self.pool.open(wait=False)

    async def close(self) -> None:
        await self.pool.close()

    @asynccontextmanager
    async def connection(self, org_id: int, version: int) -> AsyncIterator[Conn | None]:
        """A replica connection that has replayed `version` of the organization, else None."""
        conn = await self._caught_up(org_id, version)
        if conn is None:
            self.fell_back += 1
            yield None
            return
        self.served += 1
        try:
            yield conn
        finally:
            await _rollback(conn)
            await self.pool.putconn(conn)

    async def _caught_up(self, org_id: int, version: int) -> Conn | None:
        try:
            conn = await self.pool.getconn(timeout=self.acquire_timeout_s)
        except (psycopg_pool.PoolTimeout, psycopg.OperationalError) as exc:
            self._unreachable(exc)
            return None
        try:
            cur = await conn.execute(_VERSION, {"org_id": org_id})
            row = await cur.fetchone()
        except psycopg.OperationalError as exc:
            self._unreachable(exc)
            await self.pool.putconn(conn)
            return None
        if row is not None and int(row["mirror_version"]) >= version:
            return conn
        await _rollback(conn)
        await self.pool.putconn(conn)
        return None

    def _unreachable(self, exc: BaseException) -> None:
        now = time.monotonic()
        if now - self._warned_at > _QUIET_S:
            self._warned_at = now
            _log.warning("read replica unavailable, reading the primary: %s", exc)


async def _rollback(conn: Conn) -> None:
    with contextlib.suppress(psycopg.OperationalError):  # the pool discards a broken one
        await conn.rollback()
