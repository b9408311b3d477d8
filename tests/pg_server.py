"""A Debian PostgreSQL server (default: 15, the oldest the application supports) for the test
session, reached as a NON-superuser owner role, the way a managed PostgreSQL service hands out
its databases.

The cluster lives in a temporary directory owned by the `postgres` system user and listens on a
Unix socket in that directory only. The owner role `pfa_owner` gets LOGIN, CREATEDB and
CREATEROLE (what a managed service's main role has) plus the two predefined roles the README asks
a DBA to grant where the service does not: `pg_read_all_stats` (the AI role's organization scope
is keyed by its session's start, which the owner's SECURITY DEFINER functions read from
pg_stat_activity) and `pg_signal_backend` (dropping a test database ends the AI role's sessions in
it). Everything else the migrations do, they do as that owner.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import psycopg

OWNER_ROLE = "pfa_owner"
_PORT = 5432  # only names the socket file: the socket sits in the cluster's own directory


@dataclass(frozen=True)
class DebianServer:
    root: Path  # temporary directory: data/, the socket, the log
    bin_dir: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, user: str, dbname: str = "postgres") -> str:
        return psycopg.conninfo.make_conninfo(
            "", host=str(self.root), port=str(_PORT), user=user, dbname=dbname
        )


class NotInstalled(RuntimeError):
    """The server binaries are missing and cannot be installed here."""


def bin_dir(major: int) -> Path:
    return Path(f"/usr/lib/postgresql/{major}/bin")


def ensure_installed(major: int) -> Path | None:
    """The server binaries of `major`, or None when they are not installed (the tests never
    install system packages: `make system-deps` does, on request)."""
    path = bin_dir(major)
    return path if (path / "initdb").exists() else None


def _as_postgres(*args: str) -> None:
    command = list(args)
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True, text=True)


def start(major: int) -> DebianServer:
    """initdb and start a throwaway cluster; create the owner role. Raises NotInstalled when the
    binaries are missing."""
    binaries = ensure_installed(major)
    if binaries is None:
        raise NotInstalled(
            f"PostgreSQL {major} is not installed at {bin_dir(major)}: `make system-deps` (as "
            f"root) or `apt-get install postgresql-{major}` installs it"
        )
    root = Path(tempfile.mkdtemp(prefix=f"pfa-pg{major}-"))
    if os.geteuid() == 0:
        shutil.chown(root, user="postgres", group="postgres")
    server = DebianServer(root=root, bin_dir=binaries)
    _as_postgres(
        str(binaries / "initdb"),
        "-D",
        str(server.data),
        "-U",
        "postgres",
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
        "--no-sync",
    )
    options = (
        f"-p {_PORT} -k {root} -c listen_addresses='' -c max_connections=200 "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
        "-c shared_buffers=256MB -c jit=off"
    )
    try:
        _as_postgres(
            str(binaries / "pg_ctl"),
            "-D",
            str(server.data),
            "-l",
            str(root / "server.log"),
            "-o",
            options,
            "-w",
            "start",
        )
    except subprocess.CalledProcessError as exc:
        log = (root / "server.log").read_text() if (root / "server.log").exists() else ""
        raise RuntimeError(f"PostgreSQL {major} did not start: {exc.stderr}\n{log}") from exc
    with psycopg.connect(server.url("postgres"), autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {OWNER_ROLE} LOGIN CREATEDB CREATEROLE")
        conn.execute(f"GRANT pg_read_all_stats, pg_signal_backend TO {OWNER_ROLE}")
    return server


def stop(server: DebianServer) -> None:
    """Stop the cluster (immediately: it is thrown away) and delete its directory."""
    try:
        _as_postgres(
            str(server.bin_dir / "pg_ctl"), "-D", str(server.data), "-m", "immediate", "stop"
        )
    finally:
        shutil.rmtree(server.root, ignore_errors=True)


def run_dba_step(server: DebianServer, dbname: str) -> None:
    """What the README asks a DBA to run once per database after migrating it, as a superuser."""
    step = resources.files("pfa_vanguard.db") / "dba" / "harden_ai_role.sql"
    with psycopg.connect(server.url("postgres", dbname), autocommit=True) as conn:
        conn.execute(step.read_text().encode())
