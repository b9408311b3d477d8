"""Tokens, the signing key file and the login limiter, without a server."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from pfa_vanguard.api.auth import TokenService, load_secret_key
from pfa_vanguard.errors import Unauthorized
from pfa_vanguard.settings import Settings


def test_a_token_names_its_user_and_expires() -> None:
    tokens = TokenService("k" * 40, ttl_minutes=5)
    claims = tokens.verify(tokens.issue(7, "alice"))
    assert (claims.user_id, claims.username) == (7, "alice")
    stale = tokens.issue(7, "alice", now=datetime.now(UTC) - timedelta(minutes=6))
    with pytest.raises(Unauthorized, match="expired"):
        tokens.verify(stale)
    with pytest.raises(Unauthorized, match="invalid"):
        tokens.verify(tokens.issue(7, "alice") + "x")
    with pytest.raises(Unauthorized):
        TokenService("other" * 10, 5).verify(tokens.issue(7, "alice"))


def test_a_verified_token_is_remembered_until_it_expires() -> None:
    tokens = TokenService("k" * 40, ttl_minutes=5, remembered=2)
    token = tokens.issue(7, "alice")
    assert tokens.verify(token) is tokens.verify(token)  # the second answer is the first's
    soon = tokens.issue(
        8, "bob", now=datetime.now(UTC) - timedelta(minutes=5) + timedelta(seconds=1)
    )
    assert tokens.verify(soon).user_id == 8
    time.sleep(1.1)  # `soon` expires while remembered: refused, as an expired token
    with pytest.raises(Unauthorized, match="expired"):
        tokens.verify(soon)
    for n in range(5):  # the memory is bounded
        tokens.verify(tokens.issue(n, f"u{n}"))
    assert len(tokens._verified) <= 2


def test_the_key_is_generated_once_with_owner_only_access(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, secret_key=None)
    first = load_secret_key(settings)
    assert load_secret_key(settings) == first
    assert len(first) >= 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    key = "from-env-" + "k" * 32
    configured = Settings(_env_file=None, data_dir=tmp_path, secret_key=SecretStr(key))
    assert load_secret_key(configured) == key


def test_a_token_carries_its_session_generation_and_one_without_it_is_refused() -> None:
    import jwt

    tokens = TokenService("k" * 40, ttl_minutes=5)
    assert tokens.verify(tokens.issue(7, "alice", generation=3)).generation == 3
    now = int(datetime.now(UTC).timestamp())
    legacy = jwt.encode({"sub": "7", "iat": now, "exp": now + 60}, "k" * 40, algorithm="HS256")
    with pytest.raises(Unauthorized, match="invalid"):
        tokens.verify(legacy)
