"""Secrets: the token signing key is generated with restricted permissions when none is
configured, passwords are stored only as salted Argon2 hashes, and neither passwords nor
tokens nor the key ever reach a log line (in-process and in a real `pfa serve`)."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from psycopg import AsyncConnection
from psycopg.rows import dict_row
from pydantic import SecretStr

from pfa_vanguard.accounts.passwords import hash_password, verify_password
from pfa_vanguard.accounts.repository import add_user
from pfa_vanguard.api.auth import load_secret_key
from pfa_vanguard.settings import Settings
from tests.integration.api.conftest import add_member, running_api, seed_world
from tests.integration.scaleout.processes import clean_env, serve

SECRET_PASSWORD = "Sup3r-S3cret-Passw0rd!"
WRONG_PASSWORD = "Wr0ng-But-Still-S3cret?"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_key_is_generated_once_with_mode_0600(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", secret_key=None)
    old_umask = os.umask(0o000)  # even a permissive umask must not widen the file's mode
    try:
        key = load_secret_key(settings)
    finally:
        os.umask(old_umask)
    path = tmp_path / "data" / "secret_key"
    assert _mode(path) == 0o600
    assert len(key) >= 43  # 48 random bytes, url-safe base64
    assert load_secret_key(settings) == key  # every process of the data directory agrees
    other = Settings(_env_file=None, data_dir=tmp_path / "other", secret_key=None)
    assert load_secret_key(other) != key


def test_a_configured_key_writes_no_file(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None, data_dir=tmp_path, secret_key=SecretStr("configured-key-" + "x" * 32)
    )
    assert load_secret_key(settings) == "configured-key-" + "x" * 32
    assert not (tmp_path / "secret_key").exists()


def test_a_short_key_is_refused_at_start_up_with_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="PFA_SECRET_KEY is 31 bytes; it must be at least 32"):
        Settings(_env_file=None, data_dir=tmp_path, secret_key=SecretStr("k" * 31))
    assert Settings(_env_file=None, data_dir=tmp_path, secret_key=SecretStr("k" * 32))
    env = {**clean_env(), "PFA_SECRET_KEY": "short", "PFA_DATA_DIR": str(tmp_path)}
    pfa = str(Path(sys.executable).with_name("pfa"))
    started = subprocess.run(
        [pfa, "serve", "--port", "1"], env=env, capture_output=True, text=True, timeout=60
    )
    assert started.returncode == 2
    assert "PFA_SECRET_KEY is 5 bytes; it must be at least 32" in started.stderr
    assert "Traceback" not in started.stderr


def test_a_short_key_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("too-short\n")
    with pytest.raises(RuntimeError, match="less than 32 bytes; delete it"):
        load_secret_key(Settings(_env_file=None, data_dir=tmp_path, secret_key=None))


async def test_the_app_generates_its_key_when_none_is_configured(
    db_url: str, tmp_path: Path
) -> None:
    settings = Settings(_env_file=None, database_url=db_url, data_dir=tmp_path, secret_key=None)
    async with running_api(settings, db_url) as api:
        assert (await api.client.get("/api/health")).status_code == 200
    assert _mode(tmp_path / "secret_key") == 0o600


async def test_passwords_are_salted_argon2_hashes(db_url: str) -> None:
    async with await AsyncConnection.connect(db_url, row_factory=dict_row) as conn:
        for name in ("sam", "kim"):
            await add_user(conn, name, SECRET_PASSWORD, "ALPHA", "viewer")
        await conn.commit()
        cur = await conn.execute("SELECT username, password_hash FROM users ORDER BY username")
        rows = {r["username"]: str(r["password_hash"]) for r in await cur.fetchall()}
    assert rows["sam"] != rows["kim"]  # salted: equal passwords, different hashes
    for stored in rows.values():
        assert stored.startswith("$argon2id$")
        assert SECRET_PASSWORD not in stored
        assert verify_password(stored, SECRET_PASSWORD)
        assert not verify_password(stored, WRONG_PASSWORD)


def _leaks(text: str, secrets: list[str]) -> list[str]:
    return [s for s in secrets if s in text]


async def test_no_secret_in_the_logs_in_process(
    db_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    world = await seed_world(db_url)
    settings = Settings(
        _env_file=None,
        database_url=db_url,
        data_dir=tmp_path,
        secret_key=None,
        db_pool_min=1,
        db_pool_max=4,
    )
    caplog.set_level(logging.DEBUG)  # everything, every logger
    async with running_api(settings, db_url) as api:
        async with await api.db() as conn:
            await add_member(conn, "sam", world.orgs["ALPHA"], "editor")
            await conn.execute(
                "UPDATE users SET password_hash = %s WHERE username = 'sam'",
                [hash_password(SECRET_PASSWORD)],
            )
            await conn.commit()
        token = await _exercise(api.client, "sam")
    key = (tmp_path / "secret_key").read_text().strip()
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert "/api/auth/login" in logged  # requests were logged at all
    assert not _leaks(logged, [SECRET_PASSWORD, WRONG_PASSWORD, token, key, "$argon2"])


async def _exercise(client: httpx.AsyncClient, username: str) -> str:
    """Log in (wrong, then right), use the token on several routes; returns the token."""
    for _ in range(2):
        bad = await client.post(
            "/api/auth/login", json={"username": username, "password": WRONG_PASSWORD}
        )
        assert bad.status_code == 401
    good = await client.post(
        "/api/auth/login", json={"username": username, "password": SECRET_PASSWORD}
    )
    assert good.status_code == 200, good.text
    token = str(good.json()["access_token"])
    headers = {"Authorization": f"Bearer {token}", "X-Request-ID": "leak-check-1"}
    assert (await client.get("/api/me", headers=headers)).status_code == 200
    assert (await client.get("/api/pfa/ALPHA?limit=3", headers=headers)).status_code == 200
    saved = await client.post(
        "/api/pfa/ALPHA/draft",
        json={"recordId": "PFA-000001", "changes": {"equipment": "EQ-LOGS"}},
        headers=headers,
    )
    assert saved.status_code == 200, saved.text
    forged = {"Authorization": f"Bearer {token}x"}
    assert (await client.get("/api/me", headers=forged)).status_code == 401
    return token


async def test_no_secret_in_the_logs_of_pfa_serve(db_url: str, tmp_path: Path) -> None:
    world = await seed_world(db_url)
    async with await AsyncConnection.connect(db_url, row_factory=dict_row) as conn:
        result = await add_user(conn, "sam", SECRET_PASSWORD, "ALPHA", "editor")
        await conn.commit()
    assert result["user"] == "sam"
    assert world.orgs["ALPHA"]
    env = clean_env(database_url=db_url, data_dir=str(tmp_path / "data"))
    with serve(env, tmp_path) as api:
        async with httpx.AsyncClient(base_url=api.url, timeout=30) as client:
            token = await _exercise(client, "sam")
    key_file = tmp_path / "data" / "secret_key"
    assert _mode(key_file) == 0o600
    logged = api.output()
    assert "leak-check-1" in logged  # the access log has the request id
    assert not _leaks(
        logged, [SECRET_PASSWORD, WRONG_PASSWORD, token, key_file.read_text().strip()]
    )
    async with await AsyncConnection.connect(db_url, row_factory=dict_row) as conn:
        cur = await conn.execute("SELECT password_hash FROM users WHERE username = 'sam'")
        row = await cur.fetchone()
    assert row is not None
    stored = str(row["password_hash"])
    assert stored.startswith("$argon2id$")
    assert SECRET_PASSWORD not in stored
    assert verify_password(stored, SECRET_PASSWORD)
