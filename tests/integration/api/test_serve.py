"""`pfa serve` runs the real server (uvicorn) over loopback; `pfa openapi` prints the document."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from typer.testing import CliRunner

from pfa_vanguard.cli import app
from tests.integration.api.conftest import PASSWORD, seed_world


def test_openapi_prints_the_document() -> None:
    result = CliRunner().invoke(app, ["openapi"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert "/api/pfa/{org}" in document["paths"]
    assert "MergedRecords" in document["components"]["schemas"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
async def seeded(db_url: str) -> str:
    await seed_world(db_url, alpha_records=300, beta_records=5)
    return db_url


def test_serve_answers_over_loopback_and_stops_on_sigint(seeded: str, tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "PFA_DATABASE_URL": seeded, "PFA_DATA_DIR": str(tmp_path)}
    pfa = str(Path(sys.executable).with_name("pfa"))
    argv = [pfa, "serve", "--port", str(port)]
    with subprocess.Popen(
        argv, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    ) as proc:
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
                deadline = time.monotonic() + 60
                while True:
                    try:
                        if client.get("/api/health").status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    assert proc.poll() is None, "pfa serve exited"
                    assert time.monotonic() < deadline, "pfa serve did not come up"
                    time.sleep(0.2)
                credentials = {"username": "victor", "password": PASSWORD}
                token = client.post("/api/auth/login", json=credentials).json()["access_token"]
                body = client.get("/api/pfa/ALPHA", headers={"Authorization": f"Bearer {token}"})
                assert body.json()["total"] == 300
                assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
        finally:
            proc.send_signal(signal.SIGINT)
            assert proc.wait(timeout=30) == 0
        output = proc.stdout.read().decode() if proc.stdout else ""
    assert token not in output
    assert "PFA Vanguard on http://127.0.0.1" in output


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _served(exposition: str, route: str) -> float:
    """Requests of `route` answered 200, from a Prometheus text exposition."""
    return sum(
        sample.value
        for family in text_string_to_metric_families(exposition)
        if family.name == "pfa_http_requests"
        for sample in family.samples
        if sample.name == "pfa_http_requests_total"
        and sample.labels.get("route") == route
        and sample.labels.get("status") == "200"
    )


def test_serve_with_two_worker_processes_shares_tokens_and_drafts(
    seeded: str, tmp_path: Path
) -> None:
    """`--workers 2`: two processes behind one port, agreeing on the token key (generated once,
    by the parent) and on the data: a draft saved through one is read through the other."""
    port = _free_port()
    env = {**os.environ, "PFA_DATABASE_URL": seeded, "PFA_DATA_DIR": str(tmp_path)}
    pfa = str(Path(sys.executable).with_name("pfa"))
    argv = [pfa, "serve", "--port", str(port), "--workers", "2"]
    with subprocess.Popen(
        argv, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    ) as proc:
        try:
            # a new connection per request: the kernel spreads them over both processes
            deadline = time.monotonic() + 90
            ready = 0
            while ready < 10:  # both workers up: ten health checks in a row answer
                try:
                    ok = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=30)
                    ready = ready + 1 if ok.status_code == 200 else 0
                except httpx.TransportError:
                    ready = 0
                    time.sleep(0.2)
                assert proc.poll() is None, "pfa serve exited"
                assert time.monotonic() < deadline, "pfa serve did not come up"
            workers = _children(proc.pid)
            assert len(workers) >= 2, workers
            base = f"http://127.0.0.1:{port}"
            credentials = {"username": "alice", "password": PASSWORD}
            token = httpx.post(f"{base}/api/auth/login", json=credentials, timeout=30).json()[
                "access_token"
            ]
            auth = {"Authorization": f"Bearer {token}"}
            record = httpx.get(f"{base}/api/pfa/ALPHA?limit=1", headers=auth, timeout=30).json()[
                "records"
            ][0]["id"]
            saved = httpx.post(
                f"{base}/api/pfa/ALPHA/draft",
                json={"recordId": record, "changes": {"equipment": "TWO-WORKERS"}},
                headers=auth,
                timeout=30,
            )
            assert saved.status_code == 200, saved.text
            for _ in range(20):  # whichever process answers: the token holds, the draft shows
                detail = httpx.get(
                    f"{base}/api/pfa/ALPHA/records/{record}", headers=auth, timeout=30
                )
                assert detail.status_code == 200, detail.text
                assert detail.json()["merged"]["equipment"] == "TWO-WORKERS"
            assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
            # /metrics sums over both processes, whichever answers the scrape
            for _ in range(4):
                scrape = httpx.get(f"{base}/metrics", timeout=30)
                assert scrape.status_code == 200
                assert _served(scrape.text, "/api/pfa/{org}/records/{record_id}") >= 20
        finally:
            proc.send_signal(signal.SIGINT)
            assert proc.wait(timeout=60) == 0
        output = proc.stdout.read().decode() if proc.stdout else ""
    assert "2 worker processes" in output
