"""`pfa demo` as a user runs it: a subprocess on a temporary data directory comes up (health,
login as alice), stops cleanly on SIGINT (embedded database included), and a second run
reuses the data directory: no first sync again, drafts still there."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psycopg
import pytest

from pfa_vanguard.db import embedded

PFA = str(Path(sys.executable).with_name("pfa"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def demo(data_dir: Path, log: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    env = {**os.environ, "PFA_DATA_DIR": str(data_dir)}
    env.pop("PFA_DATABASE_URL", None)
    env.pop("PFA_PEMS_URL", None)
    args = [PFA, "demo", "--port", str(port), "--pems-port", str(free_port()),
            "--orgs", "2", "--records", "300"]  # fmt: skip
    with log.open("ab") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=data_dir)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, proc, log)
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"pfa demo exited with {proc.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    pytest.fail(f"pfa demo did not become healthy:\n{log.read_text()}")


def stop(proc: subprocess.Popen[bytes], log: Path) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        code = proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail(f"pfa demo did not stop on SIGINT:\n{log.read_text()}")
    assert code == 0, log.read_text()


def login(url: str, username: str) -> str:
    resp = httpx.post(
        f"{url}/api/auth/login", json={"username": username, "password": "demo"}, timeout=10
    )
    assert resp.status_code == 200, resp.text
    return str(resp.json()["access_token"])


def test_pfa_demo_starts_stops_cleanly_and_keeps_drafts(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    log = tmp_path / "demo.log"
    try:
        with demo(data_dir, log) as (url, proc):
            token = login(url, "alice")
            me = httpx.get(f"{url}/api/me", headers={"Authorization": f"Bearer {token}"})
            assert {o["code"] for o in me.json()["orgs"]} == {"RIO", "PORTARTHUR"}
            login(url, "olivia")
            # a draft of alice's, saved while the demo runs
            with psycopg.connect(embedded.ensure_running(data_dir)) as conn:
                conn.execute(
                    "INSERT INTO pfa_modification (user_id, organization_id, record_id,"
                    " changes, base_version, base_values)"
                    ' SELECT u.id, m.organization_id, m.id, \'{"dor": "PROJECT"}\','
                    " m.pems_version, jsonb_build_object('dor', m.data -> 'dor')"
                    " FROM users u, pfa_mirror m JOIN organizations o"
                    " ON o.id = m.organization_id"
                    " WHERE u.username = 'alice' AND o.code = 'RIO' ORDER BY m.id LIMIT 1"
                )
            stop(proc, log)
        first = log.read_text()
        assert "http://127.0.0.1:" in first
        assert "alice" in first
        assert "demo stopped" in first
        assert "first sync of RIO" in first
        assert not embedded.is_running(data_dir), "the demo stops the server it started"

        log.write_text("")
        with demo(data_dir, log) as (url, proc):
            login(url, "alice")
            with psycopg.connect(embedded.ensure_running(data_dir)) as conn:
                row = conn.execute("SELECT count(*) FROM pfa_modification").fetchone()
            assert row is not None
            assert row[0] == 1, "drafts survive a restart"
            stop(proc, log)
        assert "first sync" not in log.read_text(), "the data directory is reused"
    finally:
        embedded.stop(data_dir)
