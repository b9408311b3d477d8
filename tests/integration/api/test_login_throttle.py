"""The login throttle: per user name, per client address and per both; proxy headers believed
only from PFA_TRUSTED_PROXIES; a bound on the Argon2 work a spray of logins can cause."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from pfa_vanguard.api.auth import LoginLimiter
from pfa_vanguard.api.login_guard import HashGate
from pfa_vanguard.api.state import app_state
from pfa_vanguard.settings import Settings
from tests.integration.api.conftest import PASSWORD, Api, World, api_settings, running_api


async def _login(
    api: Api, username: str, password: str, forwarded_for: str | None = None
) -> httpx.Response:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return await api.client.post(
        "/api/auth/login", json={"username": username, "password": password}, headers=headers
    )


async def test_a_rotating_forwarded_for_header_does_not_escape_the_lockout(
    api: Api, world: World
) -> None:
    """No trusted proxies (the default): X-Forwarded-For is ignored, so a locked-out guesser
    stays locked out whatever the header says."""
    for n in range(5):
        assert (await _login(api, "bob", "no", f"203.0.113.{n}")).status_code == 401
    locked = await _login(api, "bob", PASSWORD, "198.51.100.77")
    assert locked.status_code == 429, locked.text
    assert int(locked.headers["Retry-After"]) >= 1


async def test_behind_a_trusted_proxy_each_client_has_its_own_count(
    db_url: str, tmp_path: Path, world: World
) -> None:
    """With the proxy trusted, a guesser at one address does not lock the user out at
    another; the per-user count still stops guessing from many addresses."""
    settings = api_settings(tmp_path, db_url, trusted_proxies="127.0.0.0/8, 10.0.0.0/8")
    async with running_api(settings, db_url) as api:
        app_state(api.app).login_limiter = LoginLimiter(max_failures=3, max_per_user=6)
        for _ in range(3):
            assert (await _login(api, "bob", "no", "203.0.113.9")).status_code == 401
        assert (await _login(api, "bob", PASSWORD, "203.0.113.9")).status_code == 429
        # the real bob, elsewhere (through two proxies: the rightmost untrusted hop counts)
        bob = await _login(api, "bob", PASSWORD, "198.51.100.7, 10.1.2.3")
        assert bob.status_code == 200, bob.text
        for n in range(3):  # a guesser rotating addresses meets the per-user bound
            assert (await _login(api, "bob", "no", f"192.0.2.{n}")).status_code == 401
        spread = await _login(api, "bob", PASSWORD, "192.0.2.200")
        assert spread.status_code == 429
        assert "for this user" in spread.json()["detail"]


async def test_one_address_spraying_over_many_users_is_stopped(api: Api, world: World) -> None:
    app_state(api.app).login_limiter = LoginLimiter(max_per_client=4)
    for name in ("alice", "bob", "victor", "ada"):
        assert (await _login(api, name, "Summer2026!")).status_code == 401
    sprayed = await _login(api, "olivia", "Summer2026!")
    assert sprayed.status_code == 429
    assert "from this address" in sprayed.json()["detail"]


async def test_password_hashing_beyond_the_bound_is_refused_at_once(api: Api, world: World) -> None:
    """At most `concurrency` checks hash at once and `queue` wait; the rest get 429 with
    Retry-After without costing a hash, and nobody else's login is blocked for long."""
    app_state(api.app).hash_gate = HashGate(concurrency=1, queue=1)
    app_state(api.app).login_limiter = LoginLimiter(max_per_client=1000)
    answers = await asyncio.gather(*(_login(api, f"nobody{n}", "x") for n in range(8)))
    statuses = sorted(a.status_code for a in answers)
    assert 429 in statuses, statuses
    assert 401 in statuses, statuses
    busy = next(a for a in answers if a.status_code == 429)
    assert busy.headers["Retry-After"] == "1"
    assert "being checked right now" in busy.json()["detail"]
    assert (await _login(api, "alice", PASSWORD)).status_code == 200  # free again


def test_trusted_proxies_must_be_addresses_or_networks(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not an IP address or network"):
        Settings(_env_file=None, data_dir=tmp_path, trusted_proxies="10.0.0.1, proxy.local")
