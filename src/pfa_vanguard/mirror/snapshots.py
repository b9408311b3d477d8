"""Per-organization snapshots of the mirror, encoded once per change, kept in process memory.

Guarantees:
- A snapshot is keyed by database state only (`organizations.mirror_version` and the highest
  `pfa_mirror.change_seq` it has applied), never by process state: every API process serving
  the same database converges on the same bytes.
- Catching up reads only what changed (`change_seq` above the snapshot's watermark, plus the
  removal log); migration 0020 makes change numbers increase in commit order per organization,
  so nothing committed late is skipped. A large change (a first load, a mass update) rebuilds.
- Snapshots are immutable: a refresh builds a new one (sharing unchanged chunks), so requests
  in flight keep a consistent view. CPU work runs in a worker thread.
- The records are split into chunks of about `chunk_records` records in id order, each
  compressed once on its own (mirror/deflate.py), so a full-organization body is a join.
- Total size is bounded by `budget_bytes`; the least recently used organizations are dropped.
"""

from __future__ import annotations

import asyncio
import bisect
import itertools
import logging
import os
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg_pool import PoolTimeout

from pfa_vanguard.db.queries import NamedQueries, Pool
from pfa_vanguard.mirror.deflate import Segment, compress_segment
from pfa_vanguard.mirror.encode import encode_baseline_row

_log = logging.getLogger(__name__)

_SERIALS = itertools.count(1)
_RECORD_OVERHEAD = 120  # bytes of dict/list bookkeeping per record, for the budget
REBUILD_FRACTION = 0.3  # catch up incrementally below this share of changed records


_q = NamedQueries("pfa_vanguard.mirror")


@dataclass(frozen=True, slots=True)
class Chunk:
    """A run of records in id order, compressed on its own. `serial` identifies the content."""

    ids: tuple[str, ...]
    segment: Segment
    serial: int

    @property
    def first(self) -> str:
        return self.ids[0]


def build_chunk(ids: Iterable[str], entries: Mapping[str, bytes], level: int = 6) -> Chunk:
    ordered = tuple(ids)
    raw = b",".join(entries[i] for i in ordered)
    return Chunk(ids=ordered, segment=compress_segment(raw, level), serial=next(_SERIALS))


@dataclass(frozen=True)
class OrgSnapshot:
    """The encoded baseline of one organization at `version` (watermark: `change_seq`)."""

    org_id: int
    version: int
    watermark: int
    entries: Mapping[str, bytes]
    chunks: tuple[Chunk, ...]
    built_at: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", [c.first for c in self.chunks])
        raw = sum(len(e) for e in self.entries.values())
        packed = sum(c.segment.size for c in self.chunks)
        object.__setattr__(self, "_size", raw + packed + _RECORD_OVERHEAD * len(self.entries))

    @property
    def size_bytes(self) -> int:
        """Approximate memory held (for the cache budget), computed once."""
        size: int = self._size  # type: ignore[attr-defined]
        return size

    def __len__(self) -> int:
        return len(self.entries)

    def chunk_index(self, record_id: str) -> int:
        """Index of the chunk that holds (or would hold) `record_id`."""
        starts: list[str] = self._starts  # type: ignore[attr-defined]
        return max(bisect.bisect_right(starts, record_id) - 1, 0)


def _chunked(ids: list[str], entries: Mapping[str, bytes], size: int) -> tuple[Chunk, ...]:
    """`ids` cut into chunks of `size`, compressed on every core (zlib releases the GIL)."""
    slices = [ids[i : i + size] for i in range(0, len(ids), size)]
    if len(slices) < 8:
        return tuple(build_chunk(s, entries) for s in slices)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return tuple(pool.map(lambda s: build_chunk(s, entries), slices, chunksize=16))


def build_snapshot(
    org_id: int, version: int, rows: list[dict[str, Any]], removed_max: int, chunk_records: int
) -> OrgSnapshot:
    """A snapshot from every row of the organization (CPU-bound: run in a thread)."""
    entries = {row["id"]: encode_baseline_row(row) for row in rows}
    watermark = max([removed_max, *(int(r["change_seq"]) for r in rows)], default=0)
    ids = sorted(entries)
    return OrgSnapshot(org_id, version, watermark, entries, _chunked(ids, entries, chunk_records))


def apply_changes(
    old: OrgSnapshot,
    version: int,
    rows: list[dict[str, Any]],
    removed: list[dict[str, Any]],
    chunk_records: int,
) -> OrgSnapshot:
    """`old` with rows written and records removed since its watermark (CPU-bound)."""
    entries = dict(old.entries)
    touched: dict[int, set[str]] = {}  # chunk index -> the ids it will hold

    def slot(record_id: str) -> set[str]:
        index = old.chunk_index(record_id)
        if index not in touched:
            touched[index] = set(old.chunks[index].ids) if old.chunks else set()
        return touched[index]

    for gone in removed:
        if entries.pop(gone["id"], None) is not None:
            slot(gone["id"]).discard(gone["id"])
    for row in rows:
        entries[row["id"]] = encode_baseline_row(row)
        slot(row["id"]).add(row["id"])
    chunks: list[Chunk] = []
    for index in range(max(len(old.chunks), 1)):
        if index not in touched:
            if index < len(old.chunks):
                chunks.append(old.chunks[index])
            continue
        ordered = sorted(touched[index])
        if len(ordered) > 2 * chunk_records:
            chunks.extend(_chunked(ordered, entries, chunk_records))
        elif ordered:
            chunks.append(build_chunk(ordered, entries))
    watermark = max(
        [
            old.watermark,
            *(int(r["change_seq"]) for r in rows),
            *(int(r["change_seq"]) for r in removed),
        ]
    )
    return OrgSnapshot(old.org_id, version, watermark, entries, tuple(chunks))


class SnapshotCache:
    """The snapshots of this process, at most `budget_bytes` in total (LRU by organization)."""

    def __init__(self, budget_bytes: int, chunk_records: int = 64) -> None:
        self.budget_bytes = budget_bytes
        self.chunk_records = chunk_records
        self._snapshots: OrderedDict[int, OrgSnapshot] = OrderedDict()
        self._locks: dict[int, asyncio.Lock] = {}
        self.replica: Pool | None = None  # a read replica's pool (db/replica.py), if any

    def peek(self, org_id: int) -> OrgSnapshot | None:
        return self._snapshots.get(org_id)

    def used_bytes(self) -> int:
        return sum(s.size_bytes for s in self._snapshots.values())

    async def get(
        self, pool: Pool, org_id: int, version: int, *, replica: Pool | None = None
    ) -> OrgSnapshot:
        """The organization's snapshot at `version` or later, caught up if needed: from
        `replica` (default: `self.replica`) when it has replayed `version`, else (also when it
        is down) from `pool`, starting from what the replica gave (change numbers are in
        commit order)."""
        current = self._snapshots.get(org_id)
        if current is not None and current.version >= version:
            self._snapshots.move_to_end(org_id)
            return current
        replica = replica if replica is not None else self.replica
        lock = self._locks.setdefault(org_id, asyncio.Lock())
        async with lock:
            current = self._snapshots.get(org_id)
            if current is None or current.version < version:
                if replica is not None:
                    try:
                        current = await self._refresh(replica, org_id, current)
                    except (psycopg.OperationalError, PoolTimeout) as exc:
                        _log.warning("read replica unavailable, reading the primary: %s", exc)
                if current is None or current.version < version:
                    current = await self._refresh(pool, org_id, current)
                self._store(current)
            return current

    def _store(self, snapshot: OrgSnapshot) -> None:
        self._snapshots[snapshot.org_id] = snapshot
        self._snapshots.move_to_end(snapshot.org_id)
        total = self.used_bytes()
        while total > self.budget_bytes and len(self._snapshots) > 1:
            org_id, dropped = self._snapshots.popitem(last=False)
            total -= dropped.size_bytes
            _log.info("snapshot of organization %s dropped (cache budget)", org_id)

    async def _read(
        self, pool: Pool, org_id: int, since: int
    ) -> tuple[int, list[dict[str, Any]], list[dict[str, Any]], int]:
        """(version, rows changed since, removals since, records now) from one consistent
        database snapshot."""
        async with pool.connection() as conn:
            try:
                await conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cur = conn.cursor()
                params = {"org_id": org_id, "since": since}
                await cur.execute(_q("org_state"), params)
                state = await cur.fetchone()
                await cur.execute(_q("count_rows"), params)
                count = await cur.fetchone()
                await cur.execute(_q("removed_since"), params)
                removed = await cur.fetchall()
                await cur.execute(_q("rows_since"), params)
                rows = await cur.fetchall()
            finally:
                await conn.rollback()
        version = int(state["mirror_version"]) if state else 0
        return version, rows, removed, int(count["n"]) if count else 0

    async def _refresh(self, pool: Pool, org_id: int, old: OrgSnapshot | None) -> OrgSnapshot:
        started = time.perf_counter()
        since = old.watermark if old is not None else 0
        version, rows, removed, total = await self._read(pool, org_id, since)
        if old is not None and len(rows) > REBUILD_FRACTION * max(total, 1):
            old = None  # a mass change: rebuilding is cheaper than patching
            version, rows, removed, total = await self._read(pool, org_id, 0)
        if old is not None:
            snapshot = await asyncio.to_thread(
                apply_changes, old, version, rows, removed, self.chunk_records
            )
            if len(snapshot) != total:
                # Removals it never heard of: their tombstones were pruned (retention) after
                # `old` was built. Read the organization whole.
                old = None
                version, rows, removed, total = await self._read(pool, org_id, 0)
        if old is None:
            removed_max = max((int(r["change_seq"]) for r in removed), default=0)
            snapshot = await asyncio.to_thread(
                build_snapshot, org_id, version, rows, removed_max, self.chunk_records
            )
        _log.info(
            "snapshot of organization %s at version %s: %d records, %d rows read, %.0f ms",
            org_id,
            version,
            len(snapshot),
            len(rows),
            (time.perf_counter() - started) * 1000,
        )
        return snapshot
