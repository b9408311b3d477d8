from __future__ import annotations

import psycopg
import pytest
from typer.testing import CliRunner

from pfa_vanguard.cli import app


@pytest.fixture
def runner(db_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("PFA_DATABASE_URL", db_url)
    monkeypatch.setenv("COLUMNS", "200")
    return CliRunner()


def test_db_url_and_upgrade(runner: CliRunner, db_url: str) -> None:
    result = runner.invoke(app, ["db", "url"])
    assert result.exit_code == 0
    assert result.output.strip() == db_url
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0
    assert "none pending" in result.output


def test_users_add_creates_org_user_and_role(runner: CliRunner, db_url: str) -> None:
    result = runner.invoke(app, ["orgs", "add", "RIO"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app, ["users", "add", "alice", "--password", "s3cret", "--org", "RIO", "--role", "editor"]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app,
        ["users", "add", "alice", "--password", "s3cret", "--org", "HOLNG", "--role", "viewer",
         "--create-org"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "SELECT u.username, o.code, m.role, u.password_hash FROM memberships m"
            " JOIN users u ON u.id = m.user_id JOIN organizations o ON o.id = m.organization_id"
            " ORDER BY o.code"
        ).fetchall()
    assert [r[:3] for r in rows] == [("alice", "HOLNG", "viewer"), ("alice", "RIO", "editor")]
    assert all(r[3].startswith("$argon2id$") and "s3cret" not in r[3] for r in rows)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "boss", "--org", "RIO"], "roles are: viewer, editor, admin"),
        (["--role", "viewer", "--org", "R IO"], "invalid organization code"),
        (["--role", "viewer", "--org", "RI0"], "unknown organization 'RI0'"),  # a typo
    ],
)
def test_users_add_refuses_bad_input_clearly(
    runner: CliRunner, db_url: str, args: list[str], message: str
) -> None:
    assert runner.invoke(app, ["orgs", "add", "RIO"]).exit_code == 0
    result = runner.invoke(app, ["users", "add", "bob", "--password", "p", *args])
    assert result.exit_code == 2
    assert message in result.output
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone() == (0,)


def test_orgs_add_and_list(runner: CliRunner, db_url: str) -> None:
    result = runner.invoke(app, ["orgs", "add", "RIO", "--name", "Rio Tinto"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["orgs", "add", "HOLNG", "--schedule", "0 2 * * *"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["orgs", "add", "RIO"])
    assert result.exit_code == 2
    assert "organization 'RIO' exists already" in result.output
    result = runner.invoke(app, ["orgs", "add", "GORGON", "--schedule", "hourly"])
    assert result.exit_code == 2
    assert "invalid cron schedule" in result.output
    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "SELECT code, name, sync_schedule FROM organizations ORDER BY code"
        ).fetchall()
    assert rows == [("HOLNG", "HOLNG", "0 2 * * *"), ("RIO", "Rio Tinto", None)]
    result = runner.invoke(app, ["orgs", "list"], terminal_width=200)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "RIO" in line or "HOLNG" in line]
    assert "0 2 * * *" in lines[0]
    assert "never" in lines[0]
    assert "Rio Tinto" in lines[1]
    assert "*/15 * * * *" in lines[1]
    assert "(default)" in result.output
