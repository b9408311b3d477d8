"""`pfa demo`: the whole system on a laptop, in one process tree.

Embedded PostgreSQL (in the data directory, reused next time) + the PEMS simulator in-process
(same seed every run, so PEMS versions agree with the mirror kept from earlier runs; the writes
commits made are saved in the data directory and replayed at the next start) + the demo users
of `demo_users` + a first sync of every demo organization never synced + the API and web UI
(uvicorn) + the sync worker. Ctrl-C (or SIGTERM) stops all of it, including the embedded
database server when this run started it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import signal
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
import uvicorn
from psycopg import AsyncConnection
from psycopg.rows import dict_row
from rich.console import Console

from pfa_vanguard.accounts import repository as accounts
from pfa_vanguard.db import embedded
from pfa_vanguard.db.connection import prepare_database
from pfa_vanguard.db.queries import Conn
from pfa_vanguard.errors import PfaError
from pfa_vanguard.settings import Settings

_log = logging.getLogger(__name__)

DEMO_PASSWORD = "demo"  # noqa: S105 - the documented demo password (README.md)
WRITES_FILE = "demo-pems.json"


class DemoError(PfaError):
    kind = "DemoError"


@dataclass(frozen=True)
class DemoOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    pems_port: int = 8900
    orgs: int = 3
    records: int = 20_000
    seed: int = 42


def demo_users(orgs: Sequence[str]) -> list[tuple[str, str, str]]:
    """(user, org, role) of the demo: alice and bob edit every demo organization, victor
    views them, admin administers them, olivia edits RIO only."""
    grants = [
        (user, org, role)
        for org in orgs
        for user, role in (("alice", "editor"), ("bob", "editor"), ("victor", "viewer"),
                           ("admin", "admin"))
    ]  # fmt: skip
    if "RIO" in orgs:
        grants.append(("olivia", "RIO", "editor"))
    return grants


def demo_orgs(count: int) -> list[str]:
    from pfa_vanguard.pems.commands import parse_orgs

    return parse_orgs(str(count))


# --- simulator writes kept across runs --------------------------------------------------------


def data_fingerprint(state: Any) -> str:
    """A digest of the generated data (first rows of each organization): tells whether the
    simulator serves the same records as when the mirror was synced (seed, size, generator)."""
    digest = hashlib.sha256()
    for code in sorted(state.orgs):
        digest.update(orjson.dumps(state.records(code)[:50], option=orjson.OPT_SORT_KEYS))
    return digest.hexdigest()


def restore_writes(state: Any, path: Path, fingerprint: str) -> bool:
    """Replay the writes saved by an earlier run on the same generated data into the simulator.
    Returns False when the saved run served other data: the mirror then needs a full sync."""
    if not path.exists():
        return True
    try:
        saved = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        _log.warning("ignoring unreadable %s", path)
        return False
    if saved.get("fingerprint") != fingerprint:
        return False
    for write in saved.get("writes", []):
        if write.get("org") not in state.orgs:
            continue
        state.put_rows(
            write["org"],
            [
                {
                    "pfs_id": write["pfaId"],
                    **write.get("values", {}),
                    "recordid": write["newRecordid"],
                    "pfs_lastmodified": write["receivedAt"],
                }
            ],
        )
        state.record_write(dict(write))
    return True


def save_writes(state: Any, path: Path, fingerprint: str) -> int:
    """Save every write the simulator accepted (atomically); returns how many."""
    writes = state.writes_for()
    body = {"fingerprint": fingerprint, "writes": writes}
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(orjson.dumps(body, default=str))
    tmp.replace(path)
    return len(writes)


# --- the run ---------------------------------------------------------------------------------


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: the demo stops it (and everything else)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def run_demo(settings: Settings, options: DemoOptions, console: Console) -> None:
    """Run the demo until Ctrl-C / SIGTERM; everything started here is stopped on the way out."""
    from pfa_vanguard.pems.simulator import start_simulator

    data_dir = settings.resolved_data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    own_db = not settings.database_url and not embedded.is_running(data_dir)
    codes = demo_orgs(options.orgs)
    started = time.perf_counter()
    sim = None
    fingerprint = ""
    writes_file = data_dir / WRITES_FILE
    try:
        url = prepare_database(settings)
        try:
            sim = start_simulator(
                codes, records=options.records, seed=options.seed, port=options.pems_port
            )
        except OSError as exc:
            raise DemoError(
                f"the PEMS simulator cannot listen on port {options.pems_port}: {exc}"
            ) from None
        fingerprint = data_fingerprint(sim.state)
        same_data = restore_writes(sim.state, writes_file, fingerprint)
        demo_settings = settings.model_copy(update={"database_url": url, "pems_url": sim.url})
        asyncio.run(
            _serve(demo_settings, url, sim, codes, options, console,
                   full_sync=not same_data, started=started, fingerprint=fingerprint)
        )  # fmt: skip
    finally:
        if sim is not None:
            with contextlib.suppress(OSError):
                save_writes(sim.state, writes_file, fingerprint)
            sim.stop()
        if own_db:
            with contextlib.suppress(Exception):  # e.g. interrupted while it was created
                embedded.stop(data_dir)
        console.print("demo stopped")


async def ensure_demo_users(conn: Conn, codes: Sequence[str]) -> None:
    """The demo organizations and users with their roles. A user who exists keeps their
    password (hashing is deliberately slow, and a second run should start fast)."""
    orgs = {code: (await accounts.ensure_organization(conn, code))["id"] for code in codes}
    grants = demo_users(codes)
    ids: dict[str, int] = {}
    for name in dict.fromkeys(user for user, _, _ in grants):
        found = await accounts.get_user(conn, name)
        if found is None:
            found = await accounts.save_user(conn, name, DEMO_PASSWORD)
        ids[name] = int(found["id"])
    for name, org, role in grants:
        await accounts.grant_role(conn, ids[name], orgs[org], accounts.Role(role))


async def _prepare(
    settings: Settings, url: str, codes: Sequence[str], full_sync: bool, console: Console
) -> None:
    """Demo users, then a first sync of each organization never synced (all of them, full,
    when the simulator's data changed since the last run)."""
    from pfa_vanguard.pems.client import PemsClient
    from pfa_vanguard.pems.config import PemsConfig
    from pfa_vanguard.sync.service import sync_org

    async with await AsyncConnection.connect(url, row_factory=dict_row) as conn:
        await ensure_demo_users(conn, codes)
        await conn.commit()
        cur = await conn.execute(
            "SELECT code FROM organizations WHERE code = ANY(%s) AND last_synced_at IS NULL",
            [list(codes)],
        )
        never = {row["code"] for row in await cur.fetchall()}
        await conn.commit()
        todo = [c for c in codes if full_sync or c in never]
        if not todo:
            return
        async with PemsClient(PemsConfig.from_settings(settings)) as client:
            for code in todo:
                began = time.perf_counter()
                with console.status(f"first sync of {code} from the PEMS simulator..."):
                    result = await sync_org(conn, client, code, full=True, trigger="demo")
                console.print(
                    f"first sync of {code}: {result.status}, {result.fetched:,} records "
                    f"in {time.perf_counter() - began:.1f}s"
                    + (f" ({result.error})" if result.error else "")
                )


async def _serve(
    settings: Settings,
    url: str,
    sim: Any,
    codes: Sequence[str],
    options: DemoOptions,
    console: Console,
    *,
    full_sync: bool,
    started: float,
    fingerprint: str,
) -> None:
    from pfa_vanguard.api.app import create_app
    from pfa_vanguard.sync.worker import run_worker

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        preparing = asyncio.create_task(_prepare(settings, url, codes, full_sync, console))
        await _until(stop, preparing)
        if not preparing.done():  # Ctrl-C during the first sync: leave at once
            preparing.cancel()
            await asyncio.gather(preparing, return_exceptions=True)
            return
        await preparing
        app = create_app(settings, database_url=url)
        server = _Server(
            uvicorn.Config(
                app, host=options.host, port=options.port, log_level="warning",
                access_log=False, timeout_graceful_shutdown=3, lifespan="on",
                proxy_headers=False,  # X-Forwarded-For only from PFA_TRUSTED_PROXIES
            )
        )  # fmt: skip
        serving = asyncio.create_task(server.serve(), name="demo-api")
        while not server.started and not serving.done():  # noqa: ASYNC110 - uvicorn has no event
            await asyncio.sleep(0.05)
        if serving.done():
            with contextlib.suppress(SystemExit):
                await serving
            raise DemoError(f"the API could not start on {options.host}:{options.port}")
        worker_stop = asyncio.Event()
        worker = asyncio.create_task(
            run_worker(settings, database_url=url, pems_url=sim.url, stop=worker_stop),
            name="demo-worker",
        )
        worker.add_done_callback(_report_failure)
        saver = asyncio.create_task(
            _save_writes_often(sim, settings, fingerprint), name="demo-writes"
        )
        _banner(console, options, codes, sim.url, time.perf_counter() - started)
        await _until(stop, serving)
        server.should_exit = True
        worker_stop.set()
        saver.cancel()
        await asyncio.gather(serving, saver, return_exceptions=True)
        _, late = await asyncio.wait({worker}, timeout=15)
        for task in late:
            _log.warning("the sync worker did not stop in time; cancelled")
            task.cancel()
        await asyncio.gather(worker, return_exceptions=True)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


async def _until(stop: asyncio.Event, task: asyncio.Task[None]) -> None:
    """Until Ctrl-C / SIGTERM, or until `task` ends on its own."""
    waiter = asyncio.create_task(stop.wait())
    await asyncio.wait({waiter, task}, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()


def _report_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and (exc := task.exception()) is not None:
        _log.error("%s stopped: %s", task.get_name(), exc, exc_info=exc)


async def _save_writes_often(sim: Any, settings: Settings, fingerprint: str) -> None:
    """Save the simulator's writes every few seconds, so a killed demo keeps them too."""
    path = settings.resolved_data_dir / WRITES_FILE
    saved = len(sim.state.writes)
    while True:
        await asyncio.sleep(5)
        if len(sim.state.writes) != saved:
            saved = await asyncio.to_thread(save_writes, sim.state, path, fingerprint)


def _banner(
    console: Console, options: DemoOptions, codes: Sequence[str], pems_url: str, took: float
) -> None:
    url = f"http://{options.host}:{options.port}"
    console.print(f"\n[bold]PFA Vanguard demo[/bold] is running at [link={url}]{url}[/link]")
    console.print(f"  organizations: {', '.join(codes)} ({options.records:,} records each)")
    console.print(f"  PEMS simulator: {pems_url}")
    console.print(f'  logins (password "{DEMO_PASSWORD}"):')
    console.print("    alice, bob   editors of every demo organization")
    console.print("    victor       viewer of every demo organization")
    console.print("    admin        admin of every demo organization")
    if "RIO" in codes:
        console.print("    olivia       editor of RIO only")
    console.print(f"  ready in {took:.1f}s; press Ctrl-C to stop everything\n")


def demo_command(
    host: Annotated[str, typer.Option(help="interface of the API and web UI")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port of the API and web UI")] = 8000,
    pems_port: Annotated[int, typer.Option(help="port of the PEMS simulator")] = 8900,
    orgs: Annotated[int, typer.Option(min=1, help="how many demo organizations")] = 3,
    records: Annotated[int, typer.Option(min=1, help="records per organization")] = 20_000,
) -> None:
    """Embedded DB + PEMS simulator + demo users + first sync + API + web UI + worker, in one
    command. Ctrl-C stops everything; run again to find your drafts where you left them."""
    console = Console()
    options = DemoOptions(host=host, port=port, pems_port=pems_port, orgs=orgs, records=records)
    try:
        run_demo(Settings(), options, console)
    except KeyboardInterrupt:  # Ctrl-C before the demo's own handlers were in place
        raise typer.Exit(130) from None
    except PfaError as exc:
        Console(stderr=True).print(f"[red]error:[/red] {exc.detail}")
        raise typer.Exit(1) from exc
