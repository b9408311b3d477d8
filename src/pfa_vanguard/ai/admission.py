"""How much assistant work one API process takes on at a time.

Guarantees of `AiAdmission.admit`:

- one user has at most `per_user` questions or instructions running in the process; the next
  one is refused at once (429 with Retry-After), it does not queue behind them;
- the process runs at most `total` at a time; a request beyond waits at most `queue_s` for a
  slot, then gets 503 ServerBusy with Retry-After.

With the AI's own connection pools sized to `total` (see `ai_lifespan`), an admitted request
always finds the connections it needs: assistant load never waits on, nor takes from, the pool
that serves every other request and `/api/health`. The per-minute budget of a user across
processes is counted in the database when a request starts (`AiService.start`).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from pfa_vanguard.errors import ServerBusy, TooManyRequests

_USER_RETRY_S = 1
_BUSY_RETRY_S = 2


class AiAdmission:
    def __init__(self, total: int = 4, per_user: int = 2, queue_s: float = 10.0) -> None:
        if total < 1 or per_user < 1:
            raise ValueError("AI concurrency limits must be at least 1")
        self.total = total
        self.per_user = per_user
        self.queue_s = queue_s
        self._slots = asyncio.Semaphore(total)
        self._running: Counter[int] = Counter()

    def running(self, user_id: int) -> int:
        """Requests of `user_id` admitted (running or waiting for a slot) in this process."""
        return self._running[user_id]

    @asynccontextmanager
    async def admit(self, user_id: int) -> AsyncIterator[None]:
        """Hold one of the user's and one of the process's slots for the body (see module)."""
        if self._running[user_id] >= self.per_user:
            raise TooManyRequests(
                f"at most {self.per_user} assistant requests of one user run at a time;"
                f" wait for an answer, then ask again (retry in {_USER_RETRY_S} s)",
                retry_after=_USER_RETRY_S,
            )
        self._running[user_id] += 1
        try:
            try:
                await asyncio.wait_for(self._slots.acquire(), self.queue_s)
            except TimeoutError:
                raise ServerBusy(
                    f"the assistant is busy: {self.total} requests stayed running for"
                    f" {self.queue_s:g} s; retry in {_BUSY_RETRY_S} s",
                    retry_after=_BUSY_RETRY_S,
                ) from None
            try:
                yield
            finally:
                self._slots.release()
        finally:
            self._running[user_id] -= 1
            if self._running[user_id] <= 0:
                del self._running[user_id]
