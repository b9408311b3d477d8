"""The staging table of one sync: PEMS pages streamed in with COPY as they arrive.

A temporary table, private to the sync's session and not WAL-logged; it disappears with the
session, so a killed worker leaves nothing behind. Nothing here touches the mirror.

Each record is split into the mirror's form (typed columns and the rest of the JSON) by the
mirror's own trigger as it streams in: that work runs in the database while the next page is
still being fetched and decoded, not in the apply transaction after the last page.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from psycopg import AsyncCopy

from pfa_vanguard.db.queries import Conn
from pfa_vanguard.sync.repository import q
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
        self._copy: AsyncCopy | None = None
        self.received = 0

    async def open(self) -> None:
        """Create the staging table if this session lacks it, and empty it."""
        await self._conn.execute(q("create_stage"))
        await self._conn.execute(q("compact_stage"))
        await self._conn.execute(q("index_stage"))
        await self._conn.execute(q("truncate_stage"))
        self.received = 0

    @asynccontextmanager
    async def copying(self) -> AsyncIterator[None]:
        """One COPY held open while pages arrive: PostgreSQL stores each page as it streams
        in. Inside it, call `add_page`; an exception aborts the COPY (the stage stays empty)."""
        async with self._conn.cursor() as cur, cur.copy(q("copy_stage")) as copy:
            self._copy = copy
            try:
                yield
            finally:
                self._copy = None

    async def add_page(self, records: Sequence[SourceRecord]) -> int:
        """Send one page; returns how many records it held. Records without an id are
        dropped (logged): they could never be matched to a mirror row."""
        if self._copy is None:
            raise RuntimeError("Stage.add_page outside Stage.copying()")
        lines: list[str] = []
        for record in records:
            if not record.pfa_id:
                _log.warning("skipping a PEMS record without pfs_id: %r", record.data)
                continue
            lines.append(_copy_line(record))
        if lines:
            await self._copy.write("".join(lines).encode())
        self.received += len(records)
        return len(records)

    async def finish(self) -> StageSummary:
        """Keep each record once, collect statistics for the planner (temp tables get no
        autovacuum) and summarize. After it the stage holds each pfaId exactly once."""
        cur = await self._conn.execute(q("stage_summary"))
        row = await cur.fetchone()
        assert row is not None
        if row["distinct_ids"] < row["staged"]:
            cur = await self._conn.execute(q("dedupe_stage"))
            _log.warning("PEMS sent %d records twice; kept each once", cur.rowcount)
        await self._conn.execute(q("analyze_stage"))
        return StageSummary(
            fetched=self.received,
            distinct=int(row["distinct_ids"]),
            max_modified=row["max_modified"],
        )

    async def drop(self) -> None:
        await self._conn.execute(q("drop_stage"))


_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _copy_line(record: SourceRecord) -> str:
    """One row of COPY text format: tab-separated, backslash escapes, \\N for NULL.

    Formatted here rather than by psycopg per value: it is the hot loop of a 50K-record sync.
    JSON text holds no raw control characters, so only its backslashes need doubling.
    """
    fields = record.data if isinstance(record.data, dict) else dict(record.data)
    data = orjson.dumps(fields).decode()
    if "\\u0000" in data:  # PostgreSQL text cannot hold NUL: drop it rather than fail
        data = orjson.dumps(_without_nul(fields)).decode()
    data = data.replace("\\", "\\\\")
    modified = record.modified_at.isoformat() if record.modified_at is not None else "\\N"
    pfa_id = record.pfa_id.translate(_ESCAPES)
    return f"{pfa_id}\t{data}\t{int(record.version)}\t{modified}\n"


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    return value
