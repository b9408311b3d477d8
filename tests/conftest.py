"""Test harness: one real PostgreSQL per test session, a migrated template, a fresh database
per test. `PFA_TEST_DATABASE_URL` (a server where we may create databases) replaces the
embedded server; `--pg15` (or `PFA_TEST_PG15=1`) starts Debian's PostgreSQL 15 in a temporary
directory instead and connects as a non-superuser owner (tests/pg_server.py). Nothing is
mocked."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import AsyncConnection, sql
from psycopg.rows import dict_row

from pfa_vanguard.db import embedded, migrate
from tests import pg_server


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--pg15",
        action="store_true",
        help="run against Debian's PostgreSQL 15 as a non-superuser owner (also PFA_TEST_PG15=1)",
    )


def oldest_server_wanted(config: pytest.Config) -> bool:
    """True when the session runs against the oldest supported server (PostgreSQL 15)."""
    return bool(config.getoption("--pg15")) or os.environ.get("PFA_TEST_PG15") == "1"


def _with_db(url: str, name: str) -> str:
    return psycopg.conninfo.make_conninfo(url, dbname=name)


@pytest.fixture(scope="session")
def pg_data_dir() -> Iterator[Path]:
    """The data directory of the session's embedded server (short path: sockets have limits).

    Outside pytest's numbered basetemp folders on purpose: pytest deletes all but the newest
    three of those, which kills the server of a test session still running beside newer ones.
    """
    path = Path(tempfile.mkdtemp(prefix="pfa-test-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def debian_server(pytestconfig: pytest.Config) -> Iterator[pg_server.DebianServer | None]:
    """Debian's PostgreSQL 15 when the session asks for it (`--pg15`), else None."""
    if not oldest_server_wanted(pytestconfig) or os.environ.get("PFA_TEST_DATABASE_URL"):
        yield None
        return
    try:
        server = pg_server.start(15)
    except pg_server.NotInstalled as exc:
        pytest.skip(f"NOT TESTED ON POSTGRESQL 15: {exc}")
    try:
        yield server
    finally:
        pg_server.stop(server)


@pytest.fixture(scope="session")
def pg_admin_url(pg_data_dir: Path, debian_server: pg_server.DebianServer | None) -> Iterator[str]:
    """URL of a database on a server where tests may create and drop databases."""
    external = os.environ.get("PFA_TEST_DATABASE_URL")
    if external:
        yield external
        return
    if debian_server is not None:
        yield debian_server.url(pg_server.OWNER_ROLE)
        return
    url = embedded.ensure_running(pg_data_dir, database="postgres")
    yield url
    embedded.stop(pg_data_dir)


@pytest.fixture(scope="session")
def template_db(pg_admin_url: str, debian_server: pg_server.DebianServer | None) -> Iterator[str]:
    """A database migrated once per session; every test database is copied from it. On a
    server reached as a non-superuser owner, the DBA's step follows the migrations."""
    name = f"pfa_tpl_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    migrate.upgrade(_with_db(pg_admin_url, name))
    if debian_server is not None:
        pg_server.run_dba_step(debian_server, name)
    yield name
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture
def db_url(pg_admin_url: str, template_db: str) -> Iterator[str]:
    """A fresh, migrated database of its own for one test."""
    name = f"pfa_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template_db)
            )
        )
    yield _with_db(pg_admin_url, name)
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture
async def conn(db_url: str) -> AsyncIterator[AsyncConnection[dict[str, Any]]]:
    """An async dict-row connection to the test's database (the test owns the transaction)."""
    connection = await AsyncConnection.connect(db_url, row_factory=dict_row)
    try:
        yield connection
    finally:
        await connection.close()
