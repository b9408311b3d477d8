"""Numbered SQL migrations, applied in order, each once, safe from several processes at once."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from functools import cache
from importlib import resources

import psycopg

_log = logging.getLogger(__name__)

# pg_advisory_lock key: "pfa-migrations" folded into a bigint. Advisory locks are per database.
_LOCK_KEY = int.from_bytes(hashlib.sha256(b"pfa-migrations").digest()[:8], "big", signed=True)


@dataclass(frozen=True)
class Migration:
    version: str  # "0001"
    name: str  # "0001_core.sql"
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()

    def matches(self, recorded: str) -> bool:
        """Whether a database that recorded `recorded` applied this migration: its checksum, or
        that of an earlier text differing only in comments (`earlier_checksums.json`)."""
        return recorded == self.checksum or recorded in _earlier_checksums().get(self.version, ())


@cache
def _earlier_checksums() -> dict[str, tuple[str, ...]]:
    folder = resources.files("pfa_vanguard.db") / "migrations"
    document = json.loads((folder / "earlier_checksums.json").read_text("utf-8"))
    return {k: tuple(v) for k, v in document.items() if not k.startswith("_")}


def available_migrations() -> list[Migration]:
    """The migrations shipped with the package, in order."""
    folder = resources.files("pfa_vanguard.db") / "migrations"
    found = [
        Migration(version=entry.name.split("_", 1)[0], name=entry.name, sql=entry.read_text())
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    ]
    found.sort(key=lambda m: m.name)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a number: {versions}")
    return found


def upgrade(url: str) -> list[str]:
    """Apply every pending migration to the database at `url`; return the names applied.

    Holds a session advisory lock for the whole run, so a second process waits and then finds
    nothing left to do. Each migration runs in its own transaction with its bookkeeping row.
    """
    applied_now: list[str] = []
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", [_LOCK_KEY])
        try:
            conn.execute(
                """CREATE TABLE IF NOT EXISTS schema_migrations (
                       version text PRIMARY KEY,
                       name text NOT NULL,
                       checksum text NOT NULL,
                       applied_at timestamptz NOT NULL DEFAULT now())"""
            )
            done = {
                row[0]: row[1]
                for row in conn.execute("SELECT version, checksum FROM schema_migrations")
            }
            for migration in available_migrations():
                if migration.version in done:
                    if not migration.matches(done[migration.version]):
                        _log.warning("migration %s changed after it was applied", migration.name)
                    continue
                with conn.transaction():
                    conn.execute(migration.sql.encode())
                    conn.execute(
                        "INSERT INTO schema_migrations (version, name, checksum)"
                        " VALUES (%s, %s, %s)",
                        [migration.version, migration.name, migration.checksum],
                    )
                _log.info("applied migration %s", migration.name)
                applied_now.append(migration.name)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", [_LOCK_KEY])
    return applied_now


def check(url: str) -> dict[str, list[str]]:
    """What `pfa db check` reports, changing nothing: migrations `pending` (shipped, not
    applied), `changed` (applied with another checksum) and `unknown` (applied, not shipped:
    the database is newer than this code, e.g. after a rollback of the application)."""
    shipped = {m.version: m for m in available_migrations()}
    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").fetchone()
        rows = (
            conn.execute("SELECT version, name, checksum FROM schema_migrations").fetchall()
            if exists and exists[0]
            else []
        )
    applied = {row[0]: (row[1], row[2]) for row in rows}
    return {
        "pending": [m.name for v, m in sorted(shipped.items()) if v not in applied],
        "changed": [
            m.name
            for v, m in sorted(shipped.items())
            if v in applied and not m.matches(applied[v][1])
        ],
        "unknown": [name for v, (name, _) in sorted(applied.items()) if v not in shipped],
    }
