"""Group commit of per-record outcomes: concurrent pushes hand their outcome to the recorder,
and whichever arrives while no transaction is running writes every outcome waiting at that
moment in ONE transaction (set-based statements, one fsync). A push returns only once its
outcome is committed, so a draft is never reported committed before the database says so.
"""

from __future__ import annotations

import asyncio

from pfa_vanguard.db.queries import Conn
from pfa_vanguard.drafts.commit_store import Outcome, record_outcomes


class GroupRecorder:
    """Records outcomes of one commit run on `conn` (not inside a transaction), in batches."""

    def __init__(self, conn: Conn, run_id: int, organization_id: int, user_id: int) -> None:
        self._conn = conn
        self._run = (run_id, organization_id, user_id)
        self._lock = asyncio.Lock()
        self._waiting: list[tuple[Outcome, asyncio.Future[None]]] = []
        self.mirror_changed = False
        self.transactions = 0

    async def record(self, *outcomes: Outcome) -> None:
        """Write `outcomes` (with whatever else is waiting) and return once committed.
        Raises what the database raised; the whole batch is then rolled back."""
        loop = asyncio.get_running_loop()
        futures = []
        for outcome in outcomes:
            future: asyncio.Future[None] = loop.create_future()
            self._waiting.append((outcome, future))
            futures.append(future)
        async with self._lock:
            if not all(f.done() for f in futures):
                await self._flush()
        for future in futures:
            await future

    async def _flush(self) -> None:
        batch, self._waiting = self._waiting, []
        try:
            async with self._conn.transaction():
                changed = await record_outcomes(self._conn, *self._run, [o for o, _ in batch])
        except Exception as exc:  # every waiter (this one included) raises it
            for _, future in batch:
                future.set_exception(exc)
            return
        except BaseException:  # cancelled mid-transaction: so are the waiters
            for _, future in batch:
                future.cancel()
            raise
        self.transactions += 1
        self.mirror_changed |= changed
        for _, future in batch:
            future.set_result(None)
