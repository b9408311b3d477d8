"""The staging table of one sync: PEMS pages streamed in with COPY as they arrive.

A temporary table, private to the sync's session and not WAL-logged; it disappears with the
session, so a killed worker leaves nothing behind. Nothing here touches the mirror.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import orjson

from pfa_vanguard.sync.repository import Conn, q
from pfa_vanguard.sync.source import SourceRecord

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StageSummary:
    fetched: int  # records received, a record sent twice counted twice
    distinct: int  # distinct pfaIds among them
    max_modified: datetime | None  # highest pfs_lastmodified: the next watermark


class Stage:
    """Staging of one sync on `conn` (autocommit, or each call in the caller's transaction)."""

    def __init__(self, conn: Conn) -> None:
        self._conn = conn
        self.received = 0

    async def open(self) -> None:
        """Create the staging table if this session lacks it, and empty it."""
        await self._conn.execute(q("create_stage"))
        await self._conn.execute(q("truncate_stage"))
        self.received = 0

    async def add_page(self, records: Sequence[SourceRecord]) -> int:
        """COPY one page in; returns how many records it held. Records without an id are
        dropped (logged): they could never be matched to a mirror row."""
        async with self._conn.cursor() as cur, cur.copy(q("copy_stage")) as copy:
            for record in records:
                if not record.pfa_id:
                    _log.warning("skipping a PEMS record without pfs_id: %r", record.data)
                    continue
                await copy.write_row(
                    (
                        record.pfa_id,
                        orjson.dumps(dict(record.data)).decode(),
                        record.version,
                        record.modified_at,
                    )
                )
        self.received += len(records)
        return len(records)

    async def finish(self) -> StageSummary:
        """Collect statistics for the planner (temp tables get no autovacuum) and a summary."""
        await self._conn.execute(q("analyze_stage"))
        cur = await self._conn.execute(q("stage_summary"))
        row = await cur.fetchone()
        assert row is not None
        return StageSummary(
            fetched=self.received,
            distinct=int(row["distinct_ids"]),
            max_modified=row["max_modified"],
        )

    async def drop(self) -> None:
        await self._conn.execute(q("drop_stage"))
