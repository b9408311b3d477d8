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
import pytest

from pfa_vanguard.db import embedded

PFA = str(Path(sys.executable).with_name("pfa"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def demo(data_dir: Path, log: Path) -> Iterator[tuple[str, str, subprocess.Popen[bytes]]]:
    """`pfa demo` running: (API URL, simulator control URL, process)."""
    port, pems_port = free_port(), free_port()
    env = {**os.environ, "PFA_DATA_DIR": str(data_dir)}
    env.pop("PFA_DATABASE_URL", None)
    env.pop("PFA_PEMS_URL", None)
    args = [PFA, "demo", "--port", str(port), "--pems-port", str(pems_port),
            "--orgs", "2", "--records", "300"]  # fmt: skip
    with log.open("ab") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=data_dir)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, proc, log)
        yield url, f"http://127.0.0.1:{pems_port}", proc
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


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_pfa_demo_starts_stops_cleanly_and_keeps_drafts(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    log = tmp_path / "demo.log"
    try:
        with demo(data_dir, log) as (url, sim_url, proc):
            alice = auth(login(url, "alice"))
            me = httpx.get(f"{url}/api/me", headers=alice)
            assert {o["code"] for o in me.json()["orgs"]} == {"RIO", "PORTARTHUR"}
            login(url, "olivia")
            # X-Forwarded-For is not believed (no PFA_TRUSTED_PROXIES): a rotating header
            # does not escape the lockout of failed logins
            for n in range(5):
                failed = httpx.post(
                    f"{url}/api/auth/login",
                    json={"username": "bob", "password": "guess"},
                    headers={"X-Forwarded-For": f"203.0.113.{n}"},
                )
                assert failed.status_code == 401
            locked = httpx.post(
                f"{url}/api/auth/login",
                json={"username": "bob", "password": "demo"},
                headers={"X-Forwarded-For": "198.51.100.1"},
            )
            assert locked.status_code == 429, locked.text
            records = httpx.get(f"{url}/api/pfa/RIO", params={"limit": 2}, headers=alice)
            first, second = (r["id"] for r in records.json()["records"])
            for record_id in (first, second):
                saved = httpx.post(
                    f"{url}/api/pfa/RIO/draft",
                    json={"recordId": record_id, "changes": {"equipment": f"EQ-{record_id}"}},
                    headers=alice,
                )
                assert saved.status_code == 200, saved.text
            committed = httpx.post(
                f"{url}/api/pfa/RIO/commit", json={"recordIds": [first]}, headers=alice
            )
            assert committed.json()["committed"] == [first], committed.text
            stop(proc, log)
        output = log.read_text()
        assert "http://127.0.0.1:" in output
        assert "alice" in output
        assert "demo stopped" in output
        assert "first sync of RIO" in output
        assert not embedded.is_running(data_dir), "the demo stops the server it started"

        log.write_text("")
        with demo(data_dir, log) as (url, sim_url, proc):
            alice = auth(login(url, "alice"))
            drafts = httpx.get(f"{url}/api/pfa/RIO/drafts", headers=alice).json()
            assert [d["recordId"] for d in drafts] == [second], "drafts survive"
            writes = httpx.get(f"{sim_url}/_sim/writes", params={"org": "RIO"}).json()
            assert [w["pfaId"] for w in writes["writes"]] == [first], "PEMS kept its writes"
            again = httpx.post(f"{url}/api/pfa/RIO/commit", headers=alice)
            assert again.json()["committed"] == [second], again.text
            stop(proc, log)
        assert "first sync" not in log.read_text(), "the data directory is reused"
    finally:
        embedded.stop(data_dir)
