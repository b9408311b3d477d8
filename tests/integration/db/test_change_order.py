"""Writers of an organization's mirror hold its row lock from their first mirror write to their
commit (migrations 0020, 0095): the trigger locks once per organization and transaction, and a
savepoint rolled back releases the lock and the trigger's note of it together."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

Conn = psycopg.Connection[Any]


def _org(conn: Conn, code: str) -> int:
    row = conn.execute(
        "INSERT INTO organizations (code, name) VALUES (%s, %s) RETURNING id", [code, code]
    ).fetchone()
    assert row is not None
    return int(row[0])


def _write(conn: Conn, org_id: int, record_id: str) -> None:
    conn.execute(
        "INSERT INTO pfa_mirror (organization_id, id, doc, pems_version)"
        ' VALUES (%s, %s, \'{"description": "x"}\'::jsonb, 1)',
        [org_id, record_id],
    )


def _locked(url: str, org_id: int) -> bool:
    """True when another transaction holds organization `org_id`'s row lock."""
    with psycopg.connect(url) as other:
        try:
            other.execute(
                "SELECT 1 FROM organizations WHERE id = %s FOR NO KEY UPDATE NOWAIT", [org_id]
            )
        except psycopg.errors.LockNotAvailable:
            return True
        return False


def test_each_organization_written_is_locked_until_commit(db_url: str) -> None:
    with psycopg.connect(db_url, autocommit=True) as setup:
        alpha, beta = _org(setup, "ALPHA"), _org(setup, "BETA")
    with psycopg.connect(db_url) as writer:
        _write(writer, alpha, "A-1")
        _write(writer, alpha, "A-2")
        assert _locked(db_url, alpha)
        assert not _locked(db_url, beta)
        _write(writer, beta, "B-1")  # another organization: locked too
        _write(writer, alpha, "A-3")
        assert _locked(db_url, alpha)
        assert _locked(db_url, beta)
        writer.commit()
        assert not _locked(db_url, alpha)
        assert not _locked(db_url, beta)
        seqs = [r[0] for r in writer.execute("SELECT change_seq FROM pfa_mirror ORDER BY id")]
        assert len(set(seqs)) == 4


def test_a_savepoint_rolled_back_takes_the_lock_again(db_url: str) -> None:
    with psycopg.connect(db_url, autocommit=True) as setup:
        alpha = _org(setup, "ALPHA")
    with psycopg.connect(db_url) as writer, psycopg.connect(db_url) as rival:
        writer.execute("SAVEPOINT s")
        _write(writer, alpha, "A-1")
        writer.execute("ROLLBACK TO SAVEPOINT s")
        # the lock went with the savepoint: a rival takes it ...
        rival.execute("SELECT 1 FROM organizations WHERE id = %s FOR NO KEY UPDATE", [alpha])
        # ... and the writer's next row waits for it instead of going ahead unlocked
        writer.execute("SET LOCAL lock_timeout = '200ms'")
        with pytest.raises(psycopg.errors.LockNotAvailable):
            _write(writer, alpha, "A-2")
