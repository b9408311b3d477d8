"""Databases as they were deployed before some migration: to test that migration on them."""

from __future__ import annotations

import psycopg

from pfa_vanguard.db import migrate


def migrate_through(url: str, version: str) -> None:
    """Apply the shipped migrations up to `version` (included), as `migrate.upgrade` would have
    on a database deployed back then; a later `migrate.upgrade` applies the rest."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE schema_migrations (version text PRIMARY KEY, name text NOT NULL,"
            " checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        for migration in migrate.available_migrations():
            if migration.version > version:
                break
            with conn.transaction():
                conn.execute(migration.sql.encode())
                conn.execute(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
                    [migration.version, migration.name, migration.checksum],
                )
