"""Sessions end when they should: a logout, a new password (`pfa users passwd`), a revoked
role (`pfa users remove`) and `pfa users logout` refuse every token issued before, at once and
on every API process (the check reads the database on each request)."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from typer.testing import CliRunner

from pfa_vanguard.cli import app as cli
from tests.integration.api.conftest import PASSWORD, Api, World, running_api

# One route of each kind of session check: no organization (`User`), an organization in
# the path (`ViewerOrg`), and the merged read (its own connection).
ROUTES = ("/api/me", "/api/orgs", "/api/pfa/ALPHA/kpi", "/api/pfa/ALPHA?limit=1")


async def _token(
    client: httpx.AsyncClient, username: str, password: str = PASSWORD
) -> dict[str, str]:
    resp = await client.post("/api/auth/login", json={"username": username, "password": password})
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


async def _statuses(client: httpx.AsyncClient, headers: dict[str, str]) -> list[int]:
    return [(await client.get(route, headers=headers)).status_code for route in ROUTES]


async def _ended(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    for route in ROUTES:
        resp = await client.get(route, headers=headers)
        assert resp.status_code == 401, (route, resp.text)
        assert "session has ended" in resp.json()["detail"]


async def test_logout_ends_every_session_of_the_caller_on_every_process(
    api: Api, world: World
) -> None:
    async with running_api(api.settings, api.db_url) as other:
        first = await _token(api.client, "victor")
        second = await _token(other.client, "victor")  # another device, another process
        bob = await _token(api.client, "bob")
        assert await _statuses(other.client, first) == [200] * len(ROUTES)
        resp = await api.client.post("/api/auth/logout", headers=first)
        assert resp.status_code == 204
        for client in (api.client, other.client):
            await _ended(client, first)
            await _ended(client, second)
        assert await _statuses(api.client, bob) == [200] * len(ROUTES)  # others go on
        again = await _token(other.client, "victor")  # logging in again works
        assert await _statuses(api.client, again) == [200] * len(ROUTES)
        assert (await api.client.post("/api/auth/logout", headers=first)).status_code == 401


@pytest.fixture
def runner(db_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("PFA_DATABASE_URL", db_url)
    return CliRunner()


async def _cli(runner: CliRunner, *args: str, stdin: str | None = None) -> str:
    result = await asyncio.to_thread(runner.invoke, cli, ["users", *args], input=stdin)
    assert result.exit_code == 0, result.output
    return result.output


async def test_a_new_password_ends_the_sessions_and_the_old_password(
    api: Api, world: World, runner: CliRunner
) -> None:
    before = await _token(api.client, "alice")
    out = await _cli(runner, "passwd", "alice", stdin="n3w-secret\n")
    assert "sessions have ended" in out
    await _ended(api.client, before)
    wrong = await api.client.post(
        "/api/auth/login", json={"username": "alice", "password": PASSWORD}
    )
    assert wrong.status_code == 401
    after = await _token(api.client, "alice", "n3w-secret")
    assert await _statuses(api.client, after) == [200] * len(ROUTES)


async def test_a_revoked_role_and_users_logout_end_the_sessions(
    api: Api, world: World, runner: CliRunner
) -> None:
    victor = await _token(api.client, "victor")
    bob = await _token(api.client, "bob")
    await _cli(runner, "remove", "victor", "--org", "ALPHA")
    await _ended(api.client, victor)
    await _cli(runner, "logout", "bob")
    await _ended(api.client, bob)
    listing = await _cli(runner, "list", "--org", "ALPHA")
    assert "bob\teditor of ALPHA" in listing
    assert "victor" not in listing


async def test_account_commands_refuse_unknown_users_clearly(runner: CliRunner) -> None:
    for args in (["passwd", "ghost", "--password", "x"], ["logout", "ghost"]):
        result = await asyncio.to_thread(runner.invoke, cli, ["users", *args])
        assert result.exit_code == 2
        assert "no user 'ghost'" in result.output
