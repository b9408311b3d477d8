"""Login, tokens and their expiry, /api/me, /api/orgs, and the brute-force limiter."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import psycopg

from pfa_vanguard.api.auth import LoginLimiter, TokenService
from pfa_vanguard.api.state import app_state
from tests.integration.api.conftest import PASSWORD, Api, World, running_api


async def test_login_returns_a_bearer_token_that_opens_me(api: Api, world: World) -> None:
    resp = await api.client.post("/api/auth/login", json={"username": "alice", "password": "pw"})
    assert resp.status_code == 200
    body = resp.json()
    assert body["token_type"] == "bearer"
    me = await api.client.get(
        "/api/me", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert me.status_code == 200
    assert me.json()["username"] == "alice"
    assert [(o["code"], o["role"]) for o in me.json()["orgs"]] == [("ALPHA", "editor")]


async def test_wrong_password_and_unknown_user_look_the_same(api: Api, world: World) -> None:
    wrong = await api.client.post("/api/auth/login", json={"username": "alice", "password": "x"})
    unknown = await api.client.post("/api/auth/login", json={"username": "nobody", "password": "x"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["error"] == "Unauthorized"


async def test_repeated_failures_are_rate_limited(api: Api, world: World) -> None:
    for _ in range(5):
        resp = await api.client.post("/api/auth/login", json={"username": "bob", "password": "no"})
        assert resp.status_code == 401
    locked = await api.client.post("/api/auth/login", json={"username": "bob", "password": "pw"})
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) >= 1
    assert locked.json()["error"] == "TooManyRequests"
    # another user is not affected
    assert (await api.login("alice"))["Authorization"].startswith("Bearer ")


async def test_the_lockout_is_shared_by_every_api_process_and_ends_with_its_window(
    api: Api, world: World
) -> None:
    """Failures are counted in PostgreSQL: a second app on the same database (another process
    or machine) sees them; the lock is per (user, client); a success clears the count."""
    window = LoginLimiter(max_failures=3, window_s=3)
    app_state(api.app).login_limiter = window

    async def login(client: httpx.AsyncClient, password: str) -> httpx.Response:
        return await client.post("/api/auth/login", json={"username": "bob", "password": password})

    async with running_api(api.settings, api.db_url) as other:
        app_state(other.app).login_limiter = window
        assert (await login(api.client, "no")).status_code == 401
        assert (await login(api.client, PASSWORD)).status_code == 200  # clears the count
        for _ in range(3):
            assert (await login(api.client, "no")).status_code == 401
        locked = await login(other.client, PASSWORD)  # the other process
        assert locked.status_code == 429, locked.text
        assert 1 <= int(locked.headers["Retry-After"]) <= 3
        assert (await other.login("alice"))["Authorization"].startswith("Bearer ")
    async with await psycopg.AsyncConnection.connect(api.db_url) as conn:
        cur = await conn.execute("SELECT count(*) FROM login_failures WHERE username = 'bob'")
        assert await cur.fetchone() == (3,)
    await asyncio.sleep(3.2)  # the window passes
    assert (await login(api.client, PASSWORD)).status_code == 200
    # the next failure removes the ones that left the window: the table does not grow
    assert (await login(api.client, "no")).status_code == 401
    async with await psycopg.AsyncConnection.connect(api.db_url) as conn:
        cur = await conn.execute("SELECT count(*) FROM login_failures WHERE username = 'bob'")
        assert await cur.fetchone() == (1,)


async def test_missing_forged_and_expired_tokens_are_401(api: Api, world: World) -> None:
    assert (await api.client.get("/api/me")).status_code == 401
    forged = TokenService("another-key-another-key-another-key!", 60).issue(1, "alice")
    resp = await api.client.get("/api/me", headers={"Authorization": f"Bearer {forged}"})
    assert resp.status_code == 401
    tokens: TokenService = app_state(api.app).tokens
    old = tokens.issue(1, "alice", now=datetime.now(UTC) - timedelta(days=2))
    resp = await api.client.get("/api/me", headers={"Authorization": f"Bearer {old}"})
    assert resp.status_code == 401
    assert "expired" in resp.json()["detail"]
    assert resp.headers["WWW-Authenticate"] == "Bearer"


async def test_orgs_lists_the_callers_memberships(api: Api, world: World) -> None:
    resp = await api.client.get("/api/orgs", headers=await api.login("olivia"))
    assert resp.status_code == 200
    [org] = resp.json()
    assert org["code"] == "BETA"
    assert org["role"] == "editor"
    assert org["stale"] is False
    assert org["lastSyncedAt"] is not None


async def test_request_id_is_echoed_or_generated(api: Api) -> None:
    resp = await api.client.get("/api/health", headers={"X-Request-ID": "abc-123"})
    assert resp.headers["X-Request-ID"] == "abc-123"
    other = await api.client.get("/api/health")
    assert len(other.headers["X-Request-ID"]) == 32


async def test_validation_errors_name_the_fields(api: Api) -> None:
    resp = await api.client.post("/api/auth/login", json={"username": "alice"})
    assert resp.status_code == 422
    assert resp.json()["error"] == "ValidationError"
    assert "password" in resp.json()["fields"]
