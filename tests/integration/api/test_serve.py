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
