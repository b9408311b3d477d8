"""A live PFA Vanguard for the browser tests: a database of its own, the PEMS simulator over
HTTP, real syncs, demo users, and the API + built UI served by uvicorn in a background thread.
Nothing is mocked; the browser talks to it over loopback like a person's browser would."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import psycopg
import uvicorn
from psycopg import sql
from psycopg.rows import dict_row

from pfa_vanguard.accounts import repository as accounts
from pfa_vanguard.api.app import create_app
from pfa_vanguard.pems.client import PemsClient
from pfa_vanguard.pems.config import PemsConfig
from pfa_vanguard.pems.simulator import RunningSimulator, generate_org, start_simulator
from pfa_vanguard.settings import Settings
from pfa_vanguard.sync.service import sync_org
from pfa_vanguard.sync.worker import run_worker

T = TypeVar("T")

PASSWORD = "demo"
# (user, role) in every organization of the stack; olivia is an editor of the first org only.
USERS: tuple[tuple[str, str], ...] = (
    ("alice", "editor"),
    ("bob", "editor"),
    ("victor", "viewer"),
    ("admin", "admin"),
)


class ServerThread:
    """uvicorn serving `app` on a free loopback port in a daemon thread, until `stop()`."""

    def __init__(self, app: Any) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._socket.getsockname()[1]
        config = uvicorn.Config(
            app, log_level="warning", access_log=False, lifespan="on", ws="none",
            timeout_graceful_shutdown=2,
        )  # fmt: skip
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True,
            name=f"pfa-api:{self.port}",
        )  # fmt: skip
        self._thread.start()
        deadline = time.monotonic() + 60
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the API server did not start")
            time.sleep(0.02)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=15)
        self._socket.close()


class WorkerThread:
    """The sync worker (`pfa worker`'s body) on an event loop of its own in a daemon thread:
    it serves the admin's "Refresh now" / "Run now" requests like in production."""

    def __init__(self, settings: Settings, db_url: str, pems_url: str) -> None:
        self._loop = asyncio.new_event_loop()
        self._stop = asyncio.Event()
        self._thread = threading.Thread(
            target=self._loop.run_until_complete,
            args=(run_worker(settings, database_url=db_url, pems_url=pems_url, stop=self._stop),),
            daemon=True,
            name="pfa-worker",
        )
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
            self._thread.join(timeout=30)
        if not self._thread.is_alive():
            self._loop.close()


@dataclass
class LiveStack:
    """Handles on everything the browser tests drive or check behind the UI's back."""

    db_url: str
    sim: RunningSimulator
    server: ServerThread
    worker: WorkerThread
    orgs: Sequence[str]
    records: int
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return self.server.url

    def sync(self, org: str, *, full: bool | None = None) -> dict[str, Any]:
        """A real sync of `org` from the simulator, as the worker would run it."""
        return run_async(_sync(self.db_url, self.sim.url, org, full))

    def sim_call(self, method: str, path: str, **body: Any) -> Any:
        """The simulator's control routes (`/_sim/...`)."""
        url = f"{self.sim.control_url}/_sim/{path}"
        if method == "GET":
            response = httpx.get(url, params=body, timeout=30)
        else:
            response = httpx.post(url, json=body, timeout=30)
        response.raise_for_status()
        return response.json()

    def api(self, user: str) -> httpx.Client:
        """An HTTP client logged in to the live API as `user`."""
        client = httpx.Client(base_url=self.base_url, timeout=60)
        answer = client.post("/api/auth/login", json={"username": user, "password": PASSWORD})
        answer.raise_for_status()
        client.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
        return client

    def stop(self) -> None:
        self.worker.stop()
        self.server.stop()
        self.sim.stop()


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro` to completion on a loop of its own in another thread (Playwright's sync API
    keeps an event loop running in the test's thread)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _sync(db_url: str, pems_url: str, org: str, full: bool | None) -> dict[str, Any]:
    conn = await psycopg.AsyncConnection.connect(db_url, autocommit=True)
    try:
        async with PemsClient(PemsConfig(base_url=pems_url)) as client:
            result = await sync_org(conn, client, org, full=full, trigger="test")
    finally:
        await conn.close()
    if result.status != "succeeded":
        raise RuntimeError(f"sync of {org} {result.status}: {result.error}")
    return {"status": result.status, **result.counts()}


async def _add_users(db_url: str, orgs: Sequence[str]) -> None:
    async with await psycopg.AsyncConnection.connect(db_url, row_factory=dict_row) as conn:
        for org in orgs:
            for user, role in USERS:
                await accounts.add_user(conn, user, PASSWORD, org, role)
        await accounts.add_user(conn, "olivia", PASSWORD, orgs[0], "editor")
        await conn.commit()


def create_database(admin_url: str, template: str, name: str) -> str:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
    return psycopg.conninfo.make_conninfo(admin_url, dbname=name)


def drop_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def start_stack(
    db_url: str,
    data_dir: Path,
    orgs: Sequence[str],
    records: int,
    small: int = 300,
    seed: int = 7,
) -> LiveStack:
    """Simulator with the first of `orgs` holding `records` records and the others `small`
    each (generated with `seed`: `pfa demo`'s is 42), users, a first full sync of each
    organization, then the API."""
    sim = start_simulator(orgs=(orgs[0],), records=records, seed=seed)
    try:
        for org in orgs[1:]:
            sim.state.put_rows(org, generate_org(org, small, seed))
        run_async(_add_users(db_url, orgs))
        timings: dict[str, float] = {}
        for org in orgs:
            started = time.perf_counter()
            run_async(_sync(db_url, sim.url, org, True))
            timings[f"sync_{org}_s"] = time.perf_counter() - started
        settings = Settings(
            database_url=db_url,
            data_dir=data_dir,
            pems_url=sim.url,
            secret_key="browser-tests-secret-key-0123456789abcdef",
            db_pool_min=1,
            db_pool_max=6,
            # Syncs run when a test (or an admin in the UI) asks, not on the clock.
            sync_schedule="0 0 1 1 *",
        )
        server = ServerThread(create_app(settings, database_url=db_url))
    except BaseException:
        sim.stop()
        raise
    worker = WorkerThread(settings, db_url, sim.url)
    return LiveStack(db_url, sim, server, worker, tuple(orgs), records, timings)
