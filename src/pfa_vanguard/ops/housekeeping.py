"""The worker's housekeeping between syncs: storage figures every minute, retention and
archiving (mirror/archive.py) hourly. A failure is logged and retried at the next turn; it
never stops the scheduler."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool

from pfa_vanguard.mirror.archive import archive_all
from pfa_vanguard.ops.retention import RetentionDays, prune
from pfa_vanguard.ops.storage import export_storage
from pfa_vanguard.sync.clock import SYSTEM_CLOCK, Clock

_log = logging.getLogger(__name__)


class Housekeeping:
    def __init__(
        self,
        keep: RetentionDays,
        budget_bytes: int | None = None,
        *,
        clock: Clock = SYSTEM_CLOCK,
        storage_every: timedelta = timedelta(minutes=1),
        prune_every: timedelta = timedelta(hours=1),
        archive_after_years: int = 0,
    ) -> None:
        self.keep = keep
        self.archive_after_years = archive_after_years
        self.budget_bytes = budget_bytes
        self.clock = clock
        self.storage_every = storage_every
        self.prune_every = prune_every
        self._measured: datetime | None = None
        self._pruned: datetime | None = None

    async def run_due(self, pool: AsyncConnectionPool[Any]) -> None:
        """Measure storage and prune, each when its period has passed since it last ran."""
        now = self.clock.now()
        try:
            if self._pruned is None or now - self._pruned >= self.prune_every:
                async with pool.connection() as conn:
                    deleted = await prune(conn, self.keep, now)
                    await conn.commit()
                    archived = await archive_all(conn, self.archive_after_years, now)
                self._pruned = now
                if any(deleted.values()):
                    _log.info("retention: deleted %s", deleted)
                if any(archived.values()):
                    _log.info("archiving: moved %s", archived)
            if self._measured is None or now - self._measured >= self.storage_every:
                async with pool.connection() as conn:
                    await export_storage(conn, self.budget_bytes)
                    await conn.rollback()
                self._measured = now
        except (psycopg.Error, OSError) as exc:
            _log.warning("housekeeping failed (%s); retrying at the next turn", exc)
        except Exception:
            _log.exception("housekeeping failed; retrying at the next turn")
