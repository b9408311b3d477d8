"""Test harness: one real PostgreSQL per test session, a migrated template, a fresh database
per test. `PFA_TEST_DATABASE_URL` (a server where we may create databases) replaces the
embedded server. Nothing is mocked."""

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
def pg_admin_url(pg_data_dir: Path) -> Iterator[str]:
    """URL of a database on a server where tests may create and drop databases."""
    external = os.environ.get("PFA_TEST_DATABASE_URL")
    if external:
        yield external
        return
    url = embedded.ensure_running(pg_data_dir, database="postgres")
    yield url
    embedded.stop(pg_data_dir)


@pytest.fixture(scope="session")
def template_db(pg_admin_url: str) -> Iterator[str]:
    """A database migrated once per session; every test database is copied from it."""
    name = f"pfa_tpl_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    migrate.upgrade(_with_db(pg_admin_url, name))
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
