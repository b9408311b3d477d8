"""One sync of one organization: lock, stream PEMS pages into staging, apply in one transaction.

Guarantees of `sync_org`:
- single-flight per organization across processes (a session advisory lock, try-only: a second
  trigger is reported "already running", never queued);
- the mirror changes only in the final apply transaction, so a sync that fails at any point
  (PEMS error after the client's retries, killed worker, database restart) leaves it as it was;
- the run is recorded in `sync_runs`: 'running' (committed at once), then 'succeeded' (in the
  apply transaction) or 'failed'; a run left 'running' by a dead process is marked 'abandoned'
  by the next run of that organization.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import aclosing, asynccontextmanager
from datetime import datetime, timedelta
from typing import Any, cast

import psycopg
from psycopg import AsyncConnection
from psycopg.pq import TransactionStatus
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from pfa_vanguard.db.queries import Conn
from pfa_vanguard.errors import NotFound, PfaError
from pfa_vanguard.sync import metrics
from pfa_vanguard.sync import repository as repo
from pfa_vanguard.sync.apply import ApplyCounts, apply_stage, refresh_views
from pfa_vanguard.sync.clock import SYSTEM_CLOCK, Clock, worker_name
from pfa_vanguard.sync.prefetch import prefetch
from pfa_vanguard.sync.repository import Kind, Organization
from pfa_vanguard.sync.results import SyncAlreadyRunning, SyncProgress, SyncResult
from pfa_vanguard.sync.source import RecordSource
from pfa_vanguard.sync.stage import Stage, StageSummary

__all__ = [
    "WATERMARK_OVERLAP",
    "SyncAlreadyRunning",
    "SyncProgress",
    "SyncRefused",
    "SyncResult",
    "choose_kind",
    "sync_org",
]

_log = logging.getLogger(__name__)

Database = AsyncConnectionPool[Any] | AsyncConnection[Any]
ProgressCallback = Callable[[SyncProgress], None]

# Incremental reads ask for rows changed since the watermark minus this margin: a record PEMS
# stamped while the previous read was paging is read again (harmless: unchanged rows are not
# written) rather than missed.
WATERMARK_OVERLAP = timedelta(minutes=5)


class SyncRefused(PfaError):
    """The sync's input is implausible and applying it would destroy data."""

    status_code = 502
    kind = "SyncRefused"


def choose_kind(org: Organization, full: bool | None, now: datetime, full_every: timedelta) -> Kind:
    """Full when forced, the first time, or when the last full sync is `full_every` old."""
    if full is not None:
        return "full" if full else "incremental"
    if org.last_full_sync_at is None or org.watermark is None:
        return "full"
    return "full" if now - org.last_full_sync_at >= full_every else "incremental"


async def sync_org(
    db: Database,
    client: RecordSource,
    org_code: str,
    *,
    full: bool | None = None,
    trigger: str = "manual",
    progress: ProgressCallback | None = None,
    run_id: int | None = None,
    requested_by: str | None = None,
    scheduled_for: datetime | None = None,
    full_every: timedelta = timedelta(hours=24),
    clock: Clock = SYSTEM_CLOCK,
) -> SyncResult:
    """Sync organization `org_code` from `client` now and return what happened.

    `full`: True forces a full sync (deletes what PEMS no longer has), False an incremental
    one, None chooses (`choose_kind`). `run_id` claims a pending request (`request_sync`);
    `scheduled_for` makes the run skip itself when another worker already served that slot.
    `db` is a pool (a connection is taken for the whole sync) or an idle connection (no
    transaction open; it is used in autocommit mode and handed back as it came).
    Raises NotFound for an unknown organization; every other failure is a "failed" result.
    """
    async with _session(db) as conn:
        org = await repo.get_organization(conn, org_code)
        if org is None:
            raise NotFound(f"unknown organization {org_code!r}")
        run = _Run(conn, client, org, clock=clock, trigger=trigger, progress=progress)
        return await run.execute(
            full=full,
            run_id=run_id,
            requested_by=requested_by,
            scheduled_for=scheduled_for,
            full_every=full_every,
        )


@asynccontextmanager
async def _session(db: Database) -> AsyncIterator[Conn]:
    """The sync's connection in autocommit mode with dict rows, handed back as it came."""
    if isinstance(db, AsyncConnectionPool):
        async with db.connection() as conn, _borrowed(conn) as sync_conn:
            yield sync_conn
        return
    async with _borrowed(db) as sync_conn:
        yield sync_conn


@asynccontextmanager
async def _borrowed(conn: AsyncConnection[Any]) -> AsyncIterator[Conn]:
    if conn.info.transaction_status != TransactionStatus.IDLE:
        raise RuntimeError(
            "sync_org needs a connection without an open transaction: commit or roll back first"
        )
    was_autocommit, row_factory = conn.autocommit, conn.row_factory
    await conn.set_autocommit(True)
    conn.row_factory = dict_row
    try:
        yield cast(Conn, conn)
    finally:
        conn.row_factory = row_factory
        if not conn.closed:
            await conn.set_autocommit(was_autocommit)


class _Run:
    def __init__(
        self,
        conn: Conn,
        client: RecordSource,
        org: Organization,
        *,
        clock: Clock,
        trigger: str,
        progress: ProgressCallback | None,
    ) -> None:
        self.conn = conn
        self.client = client
        self.org = org
        self.clock = clock
        self.trigger = trigger
        self.progress = progress
        self.started = time.monotonic()
        self.fetched_at = self.started
        self.started_at = clock.now()  # the run's times, as the scheduler's clock tells them
        self.db_started_at = self.started_at  # the database's time at the start (see apply)
        self.worker = worker_name()

    def _skipped(self, error: str, run_id: int | None = None) -> SyncResult:
        _log.info("sync of %s skipped: %s", self.org.code, error)
        return SyncResult(org=self.org.code, status="skipped", run_id=run_id, error=error)

    async def execute(
        self,
        *,
        full: bool | None,
        run_id: int | None,
        requested_by: str | None,
        scheduled_for: datetime | None,
        full_every: timedelta,
    ) -> SyncResult:
        conn, org = self.conn, self.org
        if not org.active:
            if run_id is not None:
                await repo.skip_pending_run(conn, run_id, self.started_at, "organization inactive")
            return self._skipped(f"organization {org.code} is not active", run_id)
        if not await repo.try_lock(conn, org.id):
            # A pending request stays pending: the lock holder may be the worker about to claim
            # it (two workers woken by the same NOTIFY), or a sync that started before it; the
            # worker that finishes that sync picks the request up next. Marking it skipped here
            # would lose a "run now" that nobody ran.
            return self._skipped(f"a sync of {org.code} is already running", run_id)
        try:
            if scheduled_for is not None and await repo.slot_served(conn, org.id, scheduled_for):
                return self._skipped(f"the {scheduled_for:%Y-%m-%d %H:%M} run already happened")
            cur = await conn.execute(repo.q("database_now"))
            row = await cur.fetchone()
            self.db_started_at = row["now"] if row else self.started_at
            # The lock proves no other process is syncing this org: 'running' rows are dead.
            for stale in await repo.abandon_stale_runs(conn, org.id, self.started_at):
                _log.warning("sync run %s of %s was abandoned by its process", stale, org.code)
            kind = choose_kind(org, full, self.started_at, full_every)
            if run_id is not None:
                if not await repo.claim_pending_run(
                    conn, run_id, org.id, kind=kind, now=self.started_at, worker=self.worker
                ):
                    return self._skipped(f"request {run_id} was already handled", run_id)
            else:
                run_id = await repo.start_run(
                    conn,
                    org.id,
                    kind=kind,
                    trigger=self.trigger,
                    now=self.started_at,
                    worker=self.worker,
                    requested_by=requested_by,
                )
            return await self._sync(run_id, kind)
        finally:
            await self._release()

    async def _sync(self, run_id: int, kind: Kind) -> SyncResult:
        stage = Stage(self.conn)
        try:
            summary = await self._fetch(stage, kind)
            self.fetched_at = time.monotonic()
            result = await self._apply(run_id, kind, summary)
        except asyncio.CancelledError:
            await self._fail(run_id, kind, stage, "the sync was cancelled")
            raise
        except Exception as exc:
            return await self._fail(run_id, kind, stage, _describe(exc), exc)
        finally:
            await _quietly(stage.drop(), self.conn)
        return result

    async def _fetch(self, stage: Stage, kind: Kind) -> StageSummary:
        org = self.org
        await stage.open()
        expected: int | None = None
        changed_since: datetime | None = None
        if kind == "full":
            cur = await self.conn.execute(repo.q("mirror_count"), {"org_id": org.id})
            row = await cur.fetchone()
            expected = int(row["n"]) if row else None
        elif org.watermark is not None:
            changed_since = org.watermark - WATERMARK_OVERLAP
        self._report("fetching", 0, expected)
        pages = prefetch(self.client.iter_pages(org.code, changed_since=changed_since))
        async with aclosing(pages), stage.copying():
            async for page in pages:
                await stage.add_page(page)
                self._report("fetching", stage.received, expected)
        summary = await stage.finish()
        if kind == "full" and summary.fetched == 0 and expected:
            raise SyncRefused(
                f"PEMS returned no records for {org.code} on a full sync; refusing to delete"
                f" the {expected} mirrored records (check the organization code and PEMS)"
            )
        return summary

    async def _apply(self, run_id: int, kind: Kind, summary: StageSummary) -> SyncResult:
        org, conn = self.org, self.conn
        self._report("applying", summary.fetched, None)
        full = kind == "full"
        async with conn.transaction():
            counts = await apply_stage(
                conn,
                org.id,
                distinct=summary.distinct,
                full=full,
                started_at=self.db_started_at,
                run_id=run_id,
            )
            if counts.changed:
                await refresh_views(conn)
            finished_at = self.clock.now()
            cur = await conn.execute(
                repo.q("finish_organization"),
                {
                    "org_id": org.id,
                    "changed": counts.changed,
                    "full": full,
                    "now": finished_at,
                    "watermark": summary.max_modified,
                },
            )
            row = await cur.fetchone()
            mirror_version = int(row["mirror_version"]) if row else None
            duration_ms = self._elapsed_ms()
            await repo.finish_run(
                conn,
                run_id,
                status="succeeded",
                now=finished_at,
                duration_ms=duration_ms,
                counts=_counts(summary.fetched, counts),
                error=None,
            )
            if counts.changed:  # delivered at commit, after the views are refreshed
                await conn.execute(repo.q("notify_mirror_changed"), {"code": org.code})
        result = SyncResult(
            org=org.code,
            status="succeeded",
            kind=kind,
            run_id=run_id,
            fetched=summary.fetched,
            inserted=counts.inserted,
            updated=counts.updated,
            unchanged=counts.unchanged,
            deleted=counts.deleted,
            conflicts=counts.conflicts,
            orphaned=counts.orphaned,
            duration_ms=duration_ms,
            mirror_version=mirror_version,
            views_refreshed=counts.changed,
            fetch_ms=round((self.fetched_at - self.started) * 1000),
            apply_ms=round((time.monotonic() - self.fetched_at) * 1000),
        )
        metrics.observe(
            org.code,
            kind=kind,
            status="succeeded",
            seconds=duration_ms / 1000,
            counts=result.counts(),
            finished_at=finished_at.timestamp(),
        )
        self._report("done", summary.fetched, None)
        _log.info(
            "synced %s (%s, run %s): %s in %d ms",
            org.code, kind, run_id, result.counts(), duration_ms,
        )  # fmt: skip
        return result

    async def _fail(
        self, run_id: int, kind: Kind, stage: Stage, error: str, exc: Exception | None = None
    ) -> SyncResult:
        if exc is not None and not isinstance(exc, PfaError | psycopg.OperationalError):
            _log.exception("sync of %s failed unexpectedly", self.org.code)
        else:
            _log.error("sync of %s failed: %s", self.org.code, error)
        duration_ms = self._elapsed_ms()
        counts = {"fetched": stage.received}
        await _quietly(
            repo.finish_run(
                self.conn,
                run_id,
                status="failed",
                now=self.clock.now(),
                duration_ms=duration_ms,
                counts=counts,
                error=error,
            ),
            self.conn,
        )
        metrics.observe(
            self.org.code,
            kind=kind,
            status="failed",
            seconds=duration_ms / 1000,
            counts=counts,
            finished_at=None,
        )
        return SyncResult(
            org=self.org.code,
            status="failed",
            kind=kind,
            run_id=run_id,
            fetched=stage.received,
            duration_ms=duration_ms,
            error=error,
        )

    async def _release(self) -> None:
        """Release the lock; a connection that cannot is closed so the lock dies with it
        (a pooled connection must never go back holding it)."""
        if self.conn.closed:
            return
        try:
            await repo.unlock(self.conn, self.org.id)
        except Exception:
            _log.warning("could not release the sync lock of %s; closing", self.org.code)
            await self.conn.close()

    def _report(self, phase: Any, fetched: int, expected: int | None) -> None:
        if self.progress is not None:
            self.progress(SyncProgress(self.org.code, phase, fetched, expected))

    def _elapsed_ms(self) -> int:
        return round((time.monotonic() - self.started) * 1000)


def _counts(fetched: int, counts: ApplyCounts) -> dict[str, int]:
    return {
        "fetched": fetched,
        "inserted": counts.inserted,
        "updated": counts.updated,
        "unchanged": counts.unchanged,
        "deleted": counts.deleted,
    }


def _describe(exc: Exception) -> str:
    if isinstance(exc, PfaError):
        return exc.detail
    if isinstance(exc, psycopg.Error):
        return f"database error: {exc}".strip()
    return f"{type(exc).__name__}: {exc}"


async def _quietly(step: Any, conn: Conn) -> None:
    """Best-effort bookkeeping after a failure: the connection may be gone (database restart)."""
    if conn.closed:
        step.close()
        return
    try:
        await step
    except Exception as exc:
        _log.warning("sync bookkeeping failed (%s); the run will be marked abandoned later", exc)
