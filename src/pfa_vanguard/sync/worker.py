"""`pfa worker`: the scheduler. Syncs each active organization on its own cron schedule and
runs "run now" requests as they arrive.

Several workers may run side by side: each sync takes the organization's advisory lock and
skips itself when another worker already served the slot, so a slot is synced once. The
schedule state lives in the database (last run per organization), so a restarted worker picks
up where things stand. `SyncWorker.tick` is one scheduling pass at the injected clock's time:
tests drive it directly instead of sleeping.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import psycopg
from psycopg import AsyncConnection, sql
from psycopg_pool import AsyncConnectionPool

from pfa_vanguard.db.connection import make_pool, prepare_database
from pfa_vanguard.ops.housekeeping import Housekeeping
from pfa_vanguard.ops.retention import RetentionDays
from pfa_vanguard.orgs.windows import Window, list_windows, open_until
from pfa_vanguard.settings import Settings
from pfa_vanguard.sync import metrics
from pfa_vanguard.sync import repository as repo
from pfa_vanguard.sync.clock import SYSTEM_CLOCK, Clock
from pfa_vanguard.sync.requests import REQUEST_CHANNEL
from pfa_vanguard.sync.results import SyncResult
from pfa_vanguard.sync.schedule import OrgSchedule, is_due, is_late, next_run_at
from pfa_vanguard.sync.service import sync_org
from pfa_vanguard.sync.source import RecordSource

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Job:
    code: str
    trigger: str
    full: bool | None = None
    run_id: int | None = None
    requested_by: str | None = None
    scheduled_for: Any = None


class SyncWorker:
    """Runs due and requested syncs, at most `concurrency` at once, one per organization."""

    def __init__(
        self,
        pool: AsyncConnectionPool[Any],
        client: RecordSource,
        *,
        default_schedule: str,
        full_every: timedelta = timedelta(hours=24),
        clock: Clock = SYSTEM_CLOCK,
        concurrency: int = 2,
        poll_s: float = 30.0,
        timezone: str = "UTC",
        housekeeping: Housekeeping | None = None,
    ) -> None:
        self.pool = pool
        self.timezone = timezone
        self.housekeeping = housekeeping
        self.client = client
        self.default_schedule = default_schedule
        self.full_every = full_every
        self.clock = clock
        self.poll_s = poll_s
        self._slots = asyncio.Semaphore(max(1, concurrency))
        self._tasks: dict[str, asyncio.Task[SyncResult | None]] = {}
        # set when one of this worker's syncs ran (not skipped): requests left pending while
        # it held the organization's lock are looked at again at once, not at the next poll
        self._ran = asyncio.Event()

    @property
    def running(self) -> set[str]:
        """Organizations with a sync started (or waiting for a slot) in this worker."""
        return set(self._tasks)

    async def tick(self, *, wait: bool = True) -> list[SyncResult]:
        """One pass at `clock.now()`: start pending requests, then every due organization.

        With `wait`, return the results of the syncs it started (tests); without, leave
        them running in the background (the loop). Organizations syncing in this worker
        are not started twice.
        """
        now = self.clock.now()
        async with self.pool.connection() as conn:
            cur = await conn.execute(repo.q("pending_requests"))
            requests = await cur.fetchall()
            cur = await conn.execute(repo.q("schedule_states"))
            states = await cur.fetchall()
            windows = await _windows_by_org(conn)
            await conn.rollback()
        jobs: list[_Job] = []
        for request in requests:
            jobs.append(
                _Job(
                    code=request["code"],
                    trigger="manual",
                    full=True if request["kind"] == "full" else None,
                    run_id=int(request["id"]),
                    requested_by=request["requested_by"],
                )
            )
        requested = {job.code for job in jobs}
        for state in states:
            if state["last_synced_at"] is not None:
                metrics.mirror_last_success(state["code"], state["last_synced_at"].timestamp())
            schedule = OrgSchedule.from_row(state, self.default_schedule, self.timezone)
            in_window = open_until(windows.get(schedule.code, ()), now, self.timezone) is not None
            metrics.late(schedule.code, is_late(schedule, now) and not in_window)
            if schedule.code in requested or not is_due(schedule, now):
                continue
            if in_window:
                continue  # in a maintenance window: due again as soon as it closes
            # The slot this run serves: a worker that finds it served by another skips.
            slot = next_run_at(schedule, now) if schedule.last_run_at else schedule.created_at
            jobs.append(_Job(code=schedule.code, trigger="schedule", scheduled_for=slot))
        started = [self._start(job) for job in jobs if job.code not in self._tasks]
        if not wait:
            return []
        results = await asyncio.gather(*started)
        return [r for r in results if r is not None]

    def _start(self, job: _Job) -> asyncio.Task[SyncResult | None]:
        task = asyncio.create_task(self._run(job), name=f"sync:{job.code}")
        self._tasks[job.code] = task
        task.add_done_callback(lambda done: self._finished(job.code, done))
        return task

    def _finished(self, code: str, task: asyncio.Task[SyncResult | None]) -> None:
        self._tasks.pop(code, None)
        if task.cancelled() or task.exception() is not None:
            return
        result = task.result()
        if result is not None and result.status != "skipped":
            self._ran.set()

    async def _run(self, job: _Job) -> SyncResult | None:
        async with self._slots:
            try:
                return await sync_org(
                    self.pool,
                    self.client,
                    job.code,
                    full=job.full,
                    trigger=job.trigger,
                    run_id=job.run_id,
                    requested_by=job.requested_by,
                    scheduled_for=job.scheduled_for,
                    full_every=self.full_every,
                    clock=self.clock,
                )
            except Exception:
                _log.exception("sync of %s could not run", job.code)
                return None

    async def run(self, stop: asyncio.Event, listen_url: str | None = None) -> None:
        """Schedule until `stop` is set (or the task is cancelled); then cancel running syncs
        (each is recorded as failed, the mirror untouched). Wakes at the earliest due time,
        on a "run now" NOTIFY when `listen_url` is given, and every `poll_s` at the latest."""
        listener: AsyncConnection[Any] | None = None
        try:
            while not stop.is_set():
                try:
                    if listener is None and listen_url is not None:
                        listener = await _listen(listen_url)
                    await self.tick(wait=False)
                    if self.housekeeping is not None:
                        await self.housekeeping.run_due(self.pool)
                    delay = await self._seconds_to_next_due()
                except (psycopg.Error, OSError) as exc:
                    _log.warning("sync worker: database unavailable (%s); retrying", exc)
                    if listener is not None:
                        await listener.close()
                        listener = None
                    delay = self.poll_s
                await _wait(stop, listener, delay, self._ran)
                self._ran.clear()
        finally:
            for task in list(self._tasks.values()):
                task.cancel()
            await asyncio.gather(*self._tasks.values(), return_exceptions=True)
            if listener is not None:
                await listener.close()

    async def _seconds_to_next_due(self) -> float:
        now = self.clock.now()
        async with self.pool.connection() as conn:
            cur = await conn.execute(repo.q("schedule_states"))
            states = await cur.fetchall()
            windows = await _windows_by_org(conn)
            await conn.rollback()
        delay = self.poll_s
        for state in states:
            if state["code"] in self._tasks:
                continue
            schedule = OrgSchedule.from_row(state, self.default_schedule, self.timezone)
            due = next_run_at(schedule, now)
            window_end = open_until(windows.get(schedule.code, ()), now, self.timezone)
            if due is not None and window_end is not None:
                due = max(due, window_end)
            if due is not None:
                delay = min(delay, (due - now).total_seconds())
        return max(delay, 0.5)


async def _windows_by_org(conn: AsyncConnection[Any]) -> dict[str, list[Window]]:
    by_org: dict[str, list[Window]] = {}
    for window in await list_windows(conn):
        by_org.setdefault(window.code, []).append(window)
    return by_org


async def _listen(url: str) -> AsyncConnection[Any]:
    conn = await AsyncConnection.connect(url, autocommit=True)
    await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(REQUEST_CHANNEL)))
    return conn


async def _wait(
    stop: asyncio.Event,
    listener: AsyncConnection[Any] | None,
    delay: float,
    ran: asyncio.Event | None = None,
) -> None:
    """Until `stop`, a notification on `listener`, a sync of this worker finished (`ran`), or
    `delay` seconds, whichever comes first."""
    waiters: list[asyncio.Task[Any]] = [asyncio.create_task(stop.wait())]
    if ran is not None:
        waiters.append(asyncio.create_task(ran.wait()))
    if listener is not None:
        waiters.append(asyncio.create_task(_next_notification(listener)))
    try:
        await asyncio.wait(waiters, timeout=delay, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
        await asyncio.gather(*waiters, return_exceptions=True)


async def _next_notification(listener: AsyncConnection[Any]) -> None:
    async for _ in listener.notifies(stop_after=1):
        return


async def run_worker(
    settings: Settings,
    *,
    database_url: str | None = None,
    pems_url: str | None = None,
    stop: asyncio.Event | None = None,
    concurrency: int = 2,
    clock: Clock = SYSTEM_CLOCK,
) -> None:
    """The `pfa worker` process body (also run inside `pfa demo`): until `stop` or cancelled."""
    from pfa_vanguard.pems import PemsClient, PemsConfig

    url = database_url
    if not url:
        url = await asyncio.to_thread(prepare_database, settings)
    config = PemsConfig.from_settings(settings, pems_url)
    pool = make_pool(url, min_size=1, max_size=concurrency + 2, name="pfa-worker",
                     application_name="pfa-worker")  # fmt: skip
    await pool.open()
    try:
        async with PemsClient(config) as client:
            worker = SyncWorker(
                pool,
                client,
                default_schedule=settings.sync_schedule,
                full_every=timedelta(hours=settings.full_sync_every_hours),
                clock=clock,
                concurrency=concurrency,
                timezone=settings.sync_timezone,
                housekeeping=Housekeeping(
                    RetentionDays.from_settings(settings),
                    settings.database_budget_bytes,
                    clock=clock,
                    archive_after_years=settings.archive_after_years,
                ),
            )
            _log.info(
                "sync worker started (default schedule %r, time zone %s)",
                settings.sync_schedule,
                settings.sync_timezone,
            )
            await worker.run(stop or asyncio.Event(), listen_url=url)
    finally:
        with contextlib.suppress(Exception):
            await pool.close()
