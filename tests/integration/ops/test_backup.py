"""The operations guide's backup and restore, exercised: a migrated database synced from the
PEMS simulator is dumped with pg_dump (custom format), restored with pg_restore into a fresh
database, and the restored copy passes the application's own checks (`pfa db check`, the same
schema, the same records served by the API)."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from typer.testing import CliRunner

from pfa_vanguard.cli import app
from pfa_vanguard.db.schema_dump import dump_schema, pg_dump_path
from pfa_vanguard.pems.simulator import start_simulator
from tests import pg_server


@pytest.fixture
def fresh_db(pg_admin_url: str) -> Iterator[str]:
    """An empty database (not from the migrated template): what a restore starts from."""
    name = f"pfa_restore_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield psycopg.conninfo.make_conninfo(pg_admin_url, dbname=name)
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def pfa(url: str, *args: str) -> str:
    result = CliRunner().invoke(app, list(args), env={"PFA_DATABASE_URL": url, "COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def figures(url: str) -> tuple[int, int, str | None]:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM pfa_mirror), (SELECT count(*) FROM sync_runs),"
            " (SELECT sum(total_forecast_cost)::text FROM pfa_kpi_summary)"
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1]), row[2]


def _is_superuser(url: str) -> bool:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()
    return bool(row and row[0])


def client_bin_dir(url: str) -> Path:
    """pg_dump and pg_restore of the server's own major version (a newer pg_restore writes
    settings an older server does not know)."""
    with psycopg.connect(url) as conn:
        major = conn.info.server_version // 10000
    embedded = Path(pg_dump_path()).parent
    debian = Path(f"/usr/lib/postgresql/{major}/bin")
    return debian if (debian / "pg_restore").exists() else embedded


def test_a_dump_restored_into_a_fresh_database_passes_the_checks(
    db_url: str, fresh_db: str, tmp_path: Path, debian_server: pg_server.DebianServer | None
) -> None:
    with start_simulator(("RIO", "HOLNG"), records=300, seed=5) as sim:
        pfa(db_url, "orgs", "add", "RIO")
        pfa(db_url, "orgs", "add", "HOLNG")
        pfa(db_url, "sync", "--all", "--pems-url", sim.url)
    before = figures(db_url)
    assert before[0] == 600

    # The guide's commands: pg_dump --format=custom, then pg_restore --no-owner into a new
    # database (the roles pfa_scoped and pfa_ai are cluster-wide and exist on this server).
    bin_dir = client_bin_dir(db_url)
    dump = tmp_path / "pfa.dump"
    subprocess.run(
        [str(bin_dir / "pg_dump"), "--format=custom", "--file", str(dump), "--dbname", db_url],
        check=True,
        capture_output=True,
    )
    contents = subprocess.run(
        [str(bin_dir / "pg_restore"), "--list", str(dump)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    listing = tmp_path / "pfa.list"
    superuser = _is_superuser(fresh_db)
    if not superuser:
        # The DBA step's privileges on pg_catalog functions cannot be restored by the owner;
        # the DBA runs the step again after the restore.
        contents = "\n".join(
            line for line in contents.splitlines() if " ACL pg_catalog " not in line
        )
    listing.write_text(contents)
    restore = subprocess.run(
        [str(bin_dir / "pg_restore"), "--no-owner", "--exit-on-error", "--use-list",
         str(listing), "--dbname", fresh_db, str(dump)],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert restore.returncode == 0, restore.stderr
    if debian_server is not None:
        pg_server.run_dba_step(
            debian_server, str(psycopg.conninfo.conninfo_to_dict(fresh_db)["dbname"])
        )

    assert "up to date" in pfa(fresh_db, "db", "check")
    assert figures(fresh_db) == before
    assert dump_schema(fresh_db) == dump_schema(db_url)
    # The restored copy serves and syncs again.
    assert "RIO" in pfa(fresh_db, "sync", "status")
    with start_simulator(("RIO", "HOLNG"), records=300, seed=5) as sim:
        pfa(fresh_db, "sync", "RIO", "--pems-url", sim.url)


def test_db_check_reports_pending_and_unknown_migrations(db_url: str, fresh_db: str) -> None:
    result = CliRunner().invoke(app, ["db", "check"], env={"PFA_DATABASE_URL": fresh_db})
    assert result.exit_code == 1
    assert "pending: 0001_core.sql" in result.output
    with psycopg.connect(db_url) as conn:
        conn.execute(
            "INSERT INTO schema_migrations (version, name, checksum)"
            " VALUES ('9999', '9999_from_a_newer_version.sql', 'x')"
        )
    result = CliRunner().invoke(app, ["db", "check"], env={"PFA_DATABASE_URL": db_url})
    assert result.exit_code == 1
    assert "unknown: 9999_from_a_newer_version.sql" in result.output
