"""The merged read (GET /api/pfa/{org}): the baseline snapshot with the caller's drafts
spliced in. The route only turns the `ReadAnswer` into an HTTP response.

Per request the database is asked only for the organization's version, the caller's draft
fingerprints and (with filters) the matching ids; records come from the snapshot's encoded
bytes. The whole organization without filters is a join of pre-compressed chunks, only the
chunks holding the caller's drafts compressed again (and those are cached by content).
Filters apply to merged values: SQL on the baseline minus drafted ids, Python on the drafted
records. ETag = hash(version, drafts fingerprint, query, sync time) → If-None-Match → 304.
"""

from __future__ import annotations

import asyncio
import bisect
import functools
import hashlib
import heapq
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import orjson
from psycopg import sql
from psycopg.rows import tuple_row

from pfa_vanguard.db.queries import Conn, Pool
from pfa_vanguard.drafts.overlay import Overlay, OverlayCache
from pfa_vanguard.kpi.profile import ProfileCache
from pfa_vanguard.kpi.service import KpiCache
from pfa_vanguard.mirror.archive import Item as ArchivedItem
from pfa_vanguard.mirror.archive import archived_items, with_archived
from pfa_vanguard.mirror.columns import (
    COLUMNS_TYPE,
    BaselineColumns,
    to_columns,
    wants_columns,
)
from pfa_vanguard.mirror.cursor import decode_cursor, encode_cursor
from pfa_vanguard.mirror.deflate import (
    Segment,
    compress_segment,
    zlib_body,
    zlib_compress_parallel,
)
from pfa_vanguard.mirror.filters import RecordFilter, SortOrder
from pfa_vanguard.mirror.freshness import is_stale
from pfa_vanguard.mirror.snapshots import OrgSnapshot, SnapshotCache
from pfa_vanguard.settings import Settings

FORMAT = "1"  # bump when the body's shape changes: old ETags must not match
_SEP = compress_segment(b",")


class _Reader(Protocol):
    @property
    def id(self) -> int: ...


class ReadScope(Protocol):
    """Whose read of which organization (the API's checked `OrgContext`)."""

    @property
    def org_id(self) -> int: ...
    @property
    def user(self) -> _Reader: ...
    @property
    def mirror_version(self) -> int: ...
    @property
    def last_synced_at(self) -> datetime | None: ...
    @property
    def schedule(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class ReadAnswer:
    """A finished read: a JSON body (whole, or chunks to stream) with its headers, or, when
    `body` is None, "not modified" (the caller's ETag matched). `media_type`: JSON rows, or
    the columns the grid asks for (mirror/columns.py)."""

    headers: dict[str, str]
    body: bytes | Iterator[bytes] | None
    media_type: str = "application/json"


@dataclass(frozen=True)
class ReadQuery:
    filter: RecordFilter
    sort: SortOrder
    limit: int | None = None
    cursor: str | None = None
    archived: bool = False  # archived records too (mirror/archive.py)

    @property
    def whole_org(self) -> bool:
        return (
            self.filter.is_empty
            and self.sort == SortOrder()
            and not self.limit
            and not self.cursor
            and not self.archived
        )

    def canonical(self) -> str:
        text = f"{self.filter.canonical()}|{self.sort}|{self.limit}|{self.cursor}"
        return text + "|archived" if self.archived else text


class SegmentCache:
    """Chunks compressed with a caller's drafts in them, by content (LRU, byte budget)."""

    def __init__(self, budget_bytes: int) -> None:
        self.budget_bytes = budget_bytes
        self._size = 0
        self._segments: OrderedDict[tuple[int, bytes], Segment] = OrderedDict()

    def get_or_build(
        self, serial: int, digest: bytes, entries: Callable[[], Sequence[bytes]]
    ) -> Segment:
        key = (serial, digest)
        found = self._segments.get(key)
        if found is not None:
            self._segments.move_to_end(key)
            return found
        segment = compress_segment(b",".join(entries()), level=1)
        self._segments[key] = segment
        self._size += segment.size
        while self._size > self.budget_bytes and self._segments:
            _, dropped = self._segments.popitem(last=False)
            self._size -= dropped.size
        return segment


class BodyCache:
    """Finished bodies by ETag and coding (LRU, byte budget): a repeated read with nothing
    changed (same versions, drafts, query) is answered without assembling anything."""

    def __init__(self, budget_bytes: int, max_body_bytes: int = 64 * 1024 * 1024) -> None:
        self.budget_bytes = budget_bytes
        self.max_body_bytes = max_body_bytes
        self._size = 0
        self._bodies: OrderedDict[tuple[str, bool], bytes] = OrderedDict()

    def get(self, key: tuple[str, bool]) -> bytes | None:
        body = self._bodies.get(key)
        if body is not None:
            self._bodies.move_to_end(key)
        return body

    def put(self, key: tuple[str, bool], body: bytes) -> None:
        if len(body) > min(self.max_body_bytes, self.budget_bytes) or key in self._bodies:
            return
        self._bodies[key] = body
        self._size += len(body)
        while self._size > self.budget_bytes and self._bodies:
            _, dropped = self._bodies.popitem(last=False)
            self._size -= len(dropped)


class ColumnsCache:
    """The baseline of the last few organizations read as columns (`BaselineColumns`, by
    snapshot): a caller's whole-organization columns are these with the drafts patched in."""

    def __init__(self, keep: int = 2) -> None:
        self.keep = keep
        self._built: OrderedDict[tuple[int, int, int], BaselineColumns] = OrderedDict()
        self._lock = asyncio.Lock()

    async def get(self, snapshot: OrgSnapshot) -> BaselineColumns:
        key = (snapshot.org_id, snapshot.version, snapshot.watermark)
        found = self._built.get(key)
        if found is not None:
            self._built.move_to_end(key)
            return found
        async with self._lock:  # one build at a time: a burst of cold reads builds once
            found = self._built.get(key)
            if found is None:
                found = await asyncio.to_thread(BaselineColumns.from_rows, _baseline(snapshot))
                self._built[key] = found
                while len(self._built) > self.keep:
                    self._built.popitem(last=False)
            self._built.move_to_end(key)
            return found


@dataclass(frozen=True)
class Caches:
    snapshots: SnapshotCache
    overlays: OverlayCache
    segments: SegmentCache
    bodies: BodyCache
    kpi: KpiCache = field(default_factory=KpiCache)
    profiles: ProfileCache = field(default_factory=ProfileCache)
    columns: ColumnsCache = field(default_factory=ColumnsCache)


def accepts_deflate(header: str | None) -> bool:
    for part in (header or "").split(","):
        token, _, params = part.strip().partition(";")
        if token.strip().lower() == "deflate":
            q = params.strip().removeprefix("q=")
            return not (params and q.replace(".", "", 1).isdigit() and float(q) == 0)
    return False


def _meta(
    total: int, next_cursor: str | None, synced: datetime | None, stale: bool, drafts: bool
) -> dict[str, Any]:
    return {
        "total": total,
        "nextCursor": next_cursor,
        "lastSyncedAt": synced,
        "stale": stale,
        "hasDrafts": drafts,
    }


def _suffix(
    total: int, next_cursor: str | None, synced: datetime | None, stale: bool, drafts: bool
) -> bytes:
    return b"]," + orjson.dumps(_meta(total, next_cursor, synced, stale, drafts))[1:]


def _baseline(snapshot: OrgSnapshot) -> bytes:
    """The JSON rows' body of the snapshot alone (no drafts): every record in id order."""
    chunks = [b",".join([snapshot.entries[i] for i in c.ids]) for c in snapshot.chunks if c.ids]
    return b"".join([_PREFIX, b",".join(chunks), b"]}"])


_PREFIX = b'{"records":['


@dataclass(frozen=True)
class ReadPlan:
    """What the database said for one read; the rest is done without a connection."""

    ctx: ReadScope
    query: ReadQuery
    tag: str
    deflate: bool
    headers: dict[str, str]
    overlay: Overlay
    synced: datetime | None
    stale: bool
    rows: list[dict[str, Any]] | None  # baseline ids (+ sort values) the filters select
    ids: list[str] | None = None  # or, sorted by id: just the ids, already in order
    archived: list[ArchivedItem] | None = None  # with ?archived=true
    columns: bool = False  # the body as columns (Accept: COLUMNS_TYPE)


async def plan_read(
    conn: Conn,
    caches: Caches,
    settings: Settings,
    ctx: ReadScope,
    query: ReadQuery,
    *,
    accept_encoding: str | None,
    if_none_match: str | None,
    accept: str | None = None,
) -> ReadPlan | ReadAnswer:
    """The database part of a merged read: the caller's drafts, the ETag (→ 304, or a cached
    body), and the filtered baseline ids. Returns the finished answer when there is one.
    Each representation (JSON rows, columns) has ETags of its own."""
    columns = wants_columns(accept)
    media_type = COLUMNS_TYPE if columns else "application/json"
    synced = ctx.last_synced_at
    stale = is_stale(
        ctx.schedule, settings.sync_schedule, datetime.now(UTC), settings.sync_timezone
    )
    overlay = await caches.overlays.load(conn, ctx.user.id, ctx.org_id)
    parts = [FORMAT, str(ctx.org_id), str(ctx.mirror_version), overlay.fingerprint]
    parts += [query.canonical(), str(synced), str(stale)]
    if columns:
        parts.append("columns")
    tag = hashlib.blake2b("|".join(parts).encode(), digest_size=16).hexdigest()
    etag = f'W/"{tag}"'
    headers = {
        "ETag": etag,
        "Cache-Control": "private, no-cache",
        "Vary": "Accept, Accept-Encoding, Authorization",
    }
    if if_none_match and etag in {t.strip() for t in if_none_match.split(",")}:
        return ReadAnswer(headers, None, media_type)
    deflate = accepts_deflate(accept_encoding)
    if deflate:
        headers["Content-Encoding"] = "deflate"
    cached = caches.bodies.get((tag, deflate))
    if cached is not None:
        return ReadAnswer(headers, cached, media_type)
    rows: list[dict[str, Any]] | None = None
    ids: list[str] | None = None
    if not query.whole_org:
        if query.sort.field is None:
            ids = await _baseline_ids(conn, query, ctx.org_id)
        else:
            rows = await _baseline_rows(conn, query, ctx.org_id)
    archived = None
    if query.archived:
        archived = await archived_items(conn, ctx.org_id, query.filter, query.sort)
    return ReadPlan(
        ctx,
        query,
        tag,
        deflate,
        headers,
        overlay,
        synced,
        stale,
        rows,
        ids,
        archived=archived,
        columns=columns,
    )


async def finish_read(pool: Pool, caches: Caches, plan: ReadPlan) -> ReadAnswer:
    """The answer of a planned read, from the organization's snapshot (caught up first)."""
    snapshot = await caches.snapshots.get(pool, plan.ctx.org_id, plan.ctx.mirror_version)
    overlay, query, headers = plan.overlay, plan.query, plan.headers
    if plan.columns:
        return await _columns_answer(caches, plan, snapshot)
    if query.whole_org:
        if not plan.deflate:
            return _whole_org_stream(snapshot, overlay, plan.synced, plan.stale, headers)
        body = _whole_org_deflated(snapshot, overlay, caches.segments, plan.synced, plan.stale)
        caches.bodies.put((plan.tag, plan.deflate), body)
        return ReadAnswer(headers, body)
    body = _page_body(snapshot, plan)
    if plan.deflate:  # off the event loop, on every core: other requests go on meanwhile
        body = await zlib_compress_parallel(body, 1)
    caches.bodies.put((plan.tag, plan.deflate), body)
    return ReadAnswer(headers, body)


async def _columns_answer(caches: Caches, plan: ReadPlan, snapshot: OrgSnapshot) -> ReadAnswer:
    """The read as columns: the JSON rows' body turned around (in a worker thread: the event
    loop serves other requests meanwhile), compressed, and kept by ETag like the rows."""
    body = None
    if plan.query.whole_org:  # the baseline's columns with the caller's drafts patched in
        baseline = await caches.columns.get(snapshot)
        entries = [r.entry for r in plan.overlay.records.values()]
        meta = _meta(len(snapshot), None, plan.synced, plan.stale, bool(plan.overlay))
        body = await asyncio.to_thread(baseline.with_drafts, entries, meta)
    if body is None:  # (or what the patch cannot do: made from the JSON rows)
        if plan.query.whole_org:
            rows = b"".join(_whole_org_parts(snapshot, plan.overlay, plan.synced, plan.stale))
        else:
            rows = _page_body(snapshot, plan)
        body = await asyncio.to_thread(to_columns, rows)
    if plan.deflate:
        body = await zlib_compress_parallel(body, 1)
    caches.bodies.put((plan.tag, plan.deflate), body)
    return ReadAnswer(plan.headers, body, COLUMNS_TYPE)


def _page_body(snapshot: OrgSnapshot, plan: ReadPlan) -> bytes:
    """The JSON body of a read that is not the whole organization (filters, sort, a page)."""
    overlay, query = plan.overlay, plan.query
    items = _selected(snapshot, overlay, query, plan.rows, plan.ids)
    if plan.archived:
        items = with_archived(items, plan.archived)
    start = 0
    if query.cursor:
        after = decode_cursor(query.sort, query.cursor)
        start = bisect.bisect_right(items, after, key=lambda i: i[0])
    end = len(items) if not query.limit else min(start + query.limit, len(items))
    page = items[start:end]
    next_cursor = None
    if end < len(items) and page:
        _, record_id, value, _ = page[-1]
        next_cursor = encode_cursor(query.sort, record_id, value)
    return b"".join(
        [
            _PREFIX,
            b",".join([item[3] for item in page]),
            _suffix(len(items), next_cursor, plan.synced, plan.stale, bool(overlay)),
        ]
    )


Item = tuple[tuple[Any, ...], str, Any, bytes]  # (sort key, id, sort value, encoded record)


async def _baseline_rows(conn: Conn, query: ReadQuery, org_id: int) -> list[dict[str, Any]] | None:
    """Ids (and sort values) of the baseline records the filters select, from the indexed
    generated columns; None when that is simply every record in id order (or none at all)."""
    order, where = query.sort, query.filter
    conditions, params = where.where()
    if not where.selects_baseline or (not params and order.field is None):
        return None
    column = sql.Identifier(order.column) if order.column else sql.SQL("NULL")
    statement = sql.SQL(
        "SELECT id, {} AS v FROM pfa_mirror WHERE organization_id = %(org_id)s{}"
    ).format(column, conditions)
    params["org_id"] = org_id
    cur = await conn.execute(statement, params)
    return await cur.fetchall()


async def _baseline_ids(conn: Conn, query: ReadQuery, org_id: int) -> list[str] | None:
    """`_baseline_rows` for the default order: the ids alone, sorted by PostgreSQL, as plain
    strings (a few thousand of them: no row dictionaries, no sort keys to compute). Sorted
    byte-wise (COLLATE "C"): the order of Python's str comparison, which the drafted records,
    the snapshot's chunks and the cursors use, and much cheaper than a linguistic collation."""
    conditions, params = query.filter.where()
    if not query.filter.selects_baseline or not params:
        return None
    direction = sql.SQL(" DESC" if query.sort.descending else "")
    statement = sql.SQL(
        'SELECT id FROM pfa_mirror WHERE organization_id = %(org_id)s{} ORDER BY id COLLATE "C"{}'
    ).format(conditions, direction)
    params["org_id"] = org_id
    async with conn.cursor(row_factory=tuple_row) as cur:
        await cur.execute(statement, params)
        return [str(row[0]) for row in await cur.fetchall()]


def _selected(
    snapshot: OrgSnapshot,
    overlay: Overlay,
    query: ReadQuery,
    rows: list[dict[str, Any]] | None,
    ids: list[str] | None = None,
) -> list[Item]:
    """Every record the filters select, in sort order: the baseline rows SQL selected (none
    of them drafted) and the drafted records whose merged values match."""
    order, where = query.sort, query.filter
    drafted: list[Item] = []
    for record in overlay.records.values():
        if where.matches(record.record_id, record.merged, True):
            value = order.python_value(record.merged)
            drafted.append(
                (order.key(record.record_id, value), record.record_id, value, record.entry)
            )
    drafted.sort(key=lambda i: i[0])
    if not where.selects_baseline:
        return drafted
    entries = snapshot.entries
    excluded = overlay.records
    if ids is not None:  # the filters' ids in id order (PostgreSQL sorted them)
        get = entries.get
        if order.descending:
            picked: list[Item] = [
                (order.key(i, None), i, None, e)
                for i in ids
                if i not in excluded and (e := get(i)) is not None
            ]
        else:
            picked = [
                ((i,), i, None, e) for i in ids if i not in excluded and (e := get(i)) is not None
            ]
        if drafted:  # two sorted runs: the sort merges them
            picked.extend(drafted)
            picked.sort(key=_first)
        return picked
    if rows is None:  # everything, in id order: the chunks are sorted
        ids = [i for c in snapshot.chunks for i in c.ids if i not in excluded]
        if order.descending:
            ids.reverse()
        baseline: list[Item] = [(order.key(i, None), i, None, entries[i]) for i in ids]
        return list(heapq.merge(baseline, drafted, key=lambda i: i[0]))
    found: list[Item] = [
        (order.key(r["id"], r["v"]), r["id"], r["v"], entries[r["id"]])
        for r in rows
        if r["id"] not in excluded and r["id"] in entries
    ]
    found.extend(drafted)
    found.sort(key=lambda i: i[0])
    return found


def _first(item: Item) -> tuple[Any, ...]:
    return item[0]


def _patches(snapshot: OrgSnapshot, overlay: Overlay) -> tuple[dict[int, list[str]], int]:
    """Drafted record ids by the chunk they fall in, and how many are not in the snapshot."""
    patches: dict[int, list[str]] = {}
    extra = 0
    for record_id in sorted(overlay.records):
        if record_id not in snapshot.entries:
            extra += 1
        patches.setdefault(snapshot.chunk_index(record_id), []).append(record_id)
    return patches, extra


def _chunk_entries(
    snapshot: OrgSnapshot, overlay: Overlay, index: int, drafted: Sequence[str]
) -> list[bytes]:
    """The encoded records of chunk `index` with the drafted ones swapped (or added) in."""
    chunk_ids = snapshot.chunks[index].ids if snapshot.chunks else ()
    ids = sorted(set(chunk_ids).union(drafted)) if drafted else chunk_ids
    mine = overlay.records
    return [mine[i].entry if i in mine else snapshot.entries[i] for i in ids]


def _whole_org_stream(
    snapshot: OrgSnapshot,
    overlay: Overlay,
    synced: datetime | None,
    stale: bool,
    headers: dict[str, str],
) -> ReadAnswer:
    """Every record in id order, uncompressed, streamed chunk by chunk."""
    return ReadAnswer(headers, _whole_org_parts(snapshot, overlay, synced, stale))


def _whole_org_parts(
    snapshot: OrgSnapshot, overlay: Overlay, synced: datetime | None, stale: bool
) -> Iterator[bytes]:
    """The whole organization's JSON body, chunk by chunk (computed as it is consumed)."""
    patches, extra = _patches(snapshot, overlay)
    suffix = _suffix(len(snapshot) + extra, None, synced, stale, bool(overlay))
    count = max(len(snapshot.chunks), 1 if patches else 0)
    yield _PREFIX
    for index in range(count):
        if index:
            yield b","
        yield b",".join(_chunk_entries(snapshot, overlay, index, patches.get(index, ())))
    yield suffix


def _whole_org_deflated(
    snapshot: OrgSnapshot,
    overlay: Overlay,
    segments: SegmentCache,
    synced: datetime | None,
    stale: bool,
) -> bytes:
    """Every record in id order as one zlib stream: chunks without drafts as compressed at
    snapshot time, chunks with drafts compressed once per content (SegmentCache)."""
    patches, extra = _patches(snapshot, overlay)
    suffix = _suffix(len(snapshot) + extra, None, synced, stale, bool(overlay))
    parts: list[Segment] = [compress_segment(_PREFIX)]
    for index in range(max(len(snapshot.chunks), 1 if patches else 0)):
        if index:
            parts.append(_SEP)
        drafted = patches.get(index)
        if drafted is None:
            parts.append(snapshot.chunks[index].segment)
            continue
        digest = hashlib.blake2b(digest_size=16)
        for record_id in drafted:
            digest.update(overlay.records[record_id].entry)
            digest.update(b"\x00")
        serial = snapshot.chunks[index].serial if snapshot.chunks else 0
        entries = functools.partial(_chunk_entries, snapshot, overlay, index, drafted)
        parts.append(segments.get_or_build(serial, digest.digest(), entries))
    parts.append(compress_segment(suffix))
    return zlib_body(parts)
