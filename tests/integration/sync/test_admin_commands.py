"""`pfa sync status | pause | resume | schedule | runs | window` on a real database, and
`pfa sync ORG` still syncing (against the PEMS simulator over HTTP)."""

from __future__ import annotations

import psycopg
import pytest
from typer.testing import CliRunner

from pfa_vanguard.cli import app


@pytest.fixture
def runner(db_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("PFA_DATABASE_URL", db_url)
    monkeypatch.setenv("PFA_SYNC_TIMEZONE", "Europe/Oslo")
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()
    for code in ("RIO", "HOLNG"):
        assert runner.invoke(app, ["orgs", "add", code]).exit_code == 0
    return runner


def invoke(runner: CliRunner, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args), terminal_width=200)
    assert result.exit_code == code, result.output
    return result.output


def org_state(db_url: str, code: str) -> tuple[bool, str | None]:
    with psycopg.connect(db_url) as conn:
        row = conn.execute(
            "SELECT sync_paused, sync_schedule FROM organizations WHERE code = %s", [code]
        ).fetchone()
    assert row is not None
    return bool(row[0]), row[1]


def test_pause_resume_and_schedule(runner: CliRunner, db_url: str) -> None:
    assert "RIO: scheduled syncs paused" in invoke(runner, "sync", "pause", "RIO")
    assert org_state(db_url, "RIO") == (True, None)
    assert org_state(db_url, "HOLNG") == (False, None)
    invoke(runner, "sync", "resume", "RIO")
    assert org_state(db_url, "RIO") == (False, None)

    out = invoke(runner, "sync", "schedule", "RIO", "0 2 * * *")
    assert "RIO: schedule 0 2 * * * in Europe/Oslo" in out
    assert org_state(db_url, "RIO") == (False, "0 2 * * *")
    assert "invalid cron schedule" in invoke(runner, "sync", "schedule", "RIO", "2am", code=2)
    invoke(runner, "sync", "schedule", "RIO", "default")
    assert org_state(db_url, "RIO") == (False, None)

    assert "unknown organization 'NOPE'" in invoke(runner, "sync", "pause", "NOPE", code=2)


def test_status_names_the_time_zone_and_the_open_window(runner: CliRunner) -> None:
    invoke(runner, "sync", "pause", "HOLNG")
    invoke(runner, "sync", "window", "add", "RIO", "* * * * *", "--hours", "1")
    out = invoke(runner, "sync", "status")
    assert "schedules are read in Europe/Oslo" in out
    rio = next(line for line in out.splitlines() if "RIO" in line)
    holng = next(line for line in out.splitlines() if "HOLNG" in line)
    assert "until 20" in rio
    assert "never" in rio
    assert " yes " in holng  # paused
    out = invoke(runner, "sync", "window", "list")
    assert "* * * * *" in out
    assert "60" in out
    assert "until" in out
    invoke(runner, "sync", "window", "remove", "RIO", "1")
    assert "no maintenance window 1" in invoke(
        runner, "sync", "window", "remove", "RIO", "1", code=2
    )


def test_runs_lists_the_history_of_one_organization(runner: CliRunner, db_url: str) -> None:
    with psycopg.connect(db_url) as conn:
        conn.execute(
            "INSERT INTO sync_runs (organization_id, kind, trigger, status, started_at,"
            " finished_at, fetched, error)"
            " SELECT id, 'full', 'manual', 'failed', now(), now(), 7, 'PEMS said no'"
            " FROM organizations WHERE code = 'RIO'"
        )
    out = invoke(runner, "sync", "runs", "--org", "RIO")
    assert "PEMS said no" in out
    assert "failed" in out
    assert "PEMS said no" not in invoke(runner, "sync", "runs", "--org", "HOLNG")


def test_sync_of_named_organizations_still_runs(runner: CliRunner) -> None:
    """`pfa sync ORG` (no subcommand) is `pfa sync now ORG`; an unknown one names `orgs add`."""
    out = invoke(runner, "sync", "NOPE", "--pems-url", "http://127.0.0.1:9", code=2)
    assert "pfa orgs add CODE" in out
    assert "name organizations, or use --all" in invoke(runner, "sync", code=2)
