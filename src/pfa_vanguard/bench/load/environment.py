"""The world a load run needs: a migrated database (the configured one, or the embedded
server of the data directory), one organization synced from an in-process PEMS simulator,
`users` editors with a known password, and a real `pfa serve` on a loopback port.

Everything started here is stopped when the context exits (the API with SIGTERM, killed if it
lingers; the simulator thread). The organization is synced only when its mirror is empty, so
a second run on the same database reuses it; the load users' drafts are discarded first.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
from psycopg.rows import dict_row

from pfa_vanguard.accounts.passwords import hash_password
from pfa_vanguard.db import migrate
from pfa_vanguard.db.connection import database_url
from pfa_vanguard.db.queries import NamedQueries
from pfa_vanguard.pems.client import PemsClient
from pfa_vanguard.pems.config import PemsConfig
from pfa_vanguard.pems.simulator import start_simulator
from pfa_vanguard.settings import Settings
from pfa_vanguard.sync.service import sync_org

PASSWORD = "load-password"  # noqa: S105 - throwaway accounts of a load run
SEED = 42


_q = NamedQueries("pfa_vanguard.bench.load")


def user_names(count: int) -> list[str]:
    return [f"load{n:02d}" for n in range(1, count + 1)]


@dataclass(frozen=True)
class LoadEnvironment:
    api_url: str
    org: str
    records: int
    users: list[tuple[str, str]]
    log: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _prepare(url: str, org: str, records: int, names: list[str]) -> int:
    """Migrate, sync the organization if its mirror is empty, create the users (editors),
    discard their drafts; returns the mirror's record count."""
    migrate.upgrade(url)
    with psycopg.connect(url, row_factory=dict_row, autocommit=True) as conn:
        conn.execute(_q("ensure_org"), {"code": org})
        row = conn.execute(_q("count_records"), {"code": org}).fetchone()
        count = 0 if row is None else int(row["count"])
    if count == 0:
        with start_simulator(orgs=(org,), records=records, seed=SEED) as sim:
            config = PemsConfig(base_url=sim.url, page_size=10_000)

            async def first_sync() -> None:
                async with PemsClient(config) as client:
                    conn = await psycopg.AsyncConnection.connect(url, autocommit=True)
                    async with conn:
                        result = await sync_org(conn, client, org, full=True, trigger="loadtest")
                if result.status != "succeeded":
                    raise RuntimeError(f"first sync of {org} failed: {result.error}")

            asyncio.run(first_sync())
    digest = hash_password(PASSWORD)
    with psycopg.connect(url, row_factory=dict_row) as conn:
        for name in names:
            conn.execute(_q("ensure_editor"), {"username": name, "hash": digest, "code": org})
        conn.execute(_q("discard_drafts"), {"usernames": names, "code": org})
        row = conn.execute(_q("count_records"), {"code": org}).fetchone()
        conn.commit()
    return 0 if row is None else int(row["count"])


def _wait_healthy(proc: subprocess.Popen[bytes], url: str, log: Path, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text()[-3000:]
            raise RuntimeError(f"pfa serve exited with {proc.returncode}:\n{tail}")
        try:
            if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"pfa serve did not become healthy:\n{log.read_text()[-3000:]}")


@contextmanager
def load_environment(
    settings: Settings,
    workdir: Path,
    *,
    org: str,
    records: int,
    users: int,
    workers: int = 1,
    server_env: dict[str, str] | None = None,
) -> Iterator[LoadEnvironment]:
    """The database prepared and `pfa serve` running against it (see the module docstring);
    `server_env` adds to the server's environment (which has no other PFA_ variable)."""
    url = database_url(settings)
    names = user_names(users)
    count = _prepare(url, org, records, names)
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / "loadtest-serve.log"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PFA_")}
    env.update(server_env or {})
    env.update(PFA_DATABASE_URL=url, PFA_DATA_DIR=str(settings.resolved_data_dir))
    pfa = str(Path(sys.executable).with_name("pfa"))
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [pfa, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    api_url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(proc, api_url, log, timeout_s=180)
        yield LoadEnvironment(api_url, org, count, [(n, PASSWORD) for n in names], log)
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
