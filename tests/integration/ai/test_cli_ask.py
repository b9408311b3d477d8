"""`pfa ask`: prints the SQL and a table (or the API's JSON), as a member of the organization."""

from __future__ import annotations

import asyncio
import json
import random

import pytest
from psycopg import AsyncConnection
from psycopg.rows import dict_row
from typer.testing import CliRunner

from pfa_vanguard.accounts.repository import add_user
from pfa_vanguard.cli import app
from tests.factories import insert_records, make_record


async def _seed(db_url: str) -> None:
    async with await AsyncConnection.connect(db_url, row_factory=dict_row) as conn:
        await add_user(conn, "alice", "pw", "RIO", "viewer")
        await add_user(conn, "olivia", "pw", "HOLNG", "editor")
        org = await conn.execute("SELECT id FROM organizations WHERE code = 'RIO'")
        row = await org.fetchone()
        assert row is not None
        rng = random.Random(3)
        await insert_records(conn, row["id"], [make_record(rng, "RIO", n) for n in range(40)])
        await conn.commit()


@pytest.fixture
def runner(db_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    asyncio.run(_seed(db_url))
    monkeypatch.setenv("PFA_DATABASE_URL", db_url)
    monkeypatch.delenv("PFA_AI_DATABASE_URL", raising=False)
    monkeypatch.setenv("PFA_AI_PROVIDER", "offline")
    return CliRunner()


def test_ask_prints_sql_and_table(runner: CliRunner) -> None:
    result = runner.invoke(app, ["ask", "--org", "RIO", "--user", "alice", "how many records"])
    assert result.exit_code == 0, result.output
    assert "SELECT count(*) AS records" in result.output
    assert "40" in result.output
    assert "1 row(s)" in result.output
    assert "provider offline" in result.output


def test_ask_json(runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["ask", "--org", "RIO", "--user", "alice", "--json", "how many records by source"]
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["columns"] == ["source", "records"]
    assert sum(row[1] for row in body["rows"]) == 40


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "RIO", "--user", "alice", "how many unicorns"], "did not understand"),
        (["--org", "RIO", "--user", "olivia", "how many records"], "not a member of RIO"),
        (["--org", "RIO", "--user", "nobody", "how many records"], "unknown user"),
        (["--org", "NOPE", "--user", "alice", "how many records"], "unknown organization"),
    ],
)
def test_ask_refusals_exit_2(runner: CliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["ask", *args])
    assert result.exit_code == 2
    assert message in result.output
