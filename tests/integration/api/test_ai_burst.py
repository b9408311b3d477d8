"""A burst of assistant questions from one user against a real `pfa serve` (loopback): the
burst user gets answers and 429s, never 503; every other user's reads and `/api/health` keep
answering 200 within seconds while it lasts."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.api.conftest import PASSWORD, seed_world

pytestmark = pytest.mark.timeout(300)

BURST = 20
QUESTIONS = [
    "the 50 earliest starting cranes",
    "total forecast cost by category",
    "how many records are over plan",
    "records starting in 2026 by area",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def server(db_url: str, tmp_path: Path) -> Iterator[str]:
    asyncio.run(seed_world(db_url, alpha_records=2000, beta_records=5))
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PFA_")}
    env.update(PFA_DATABASE_URL=db_url, PFA_DATA_DIR=str(tmp_path))
    pfa = str(Path(sys.executable).with_name("pfa"))
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [pfa, "serve", "--port", str(port)], env=env, cwd=tmp_path, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, "pfa serve exited"
            assert time.monotonic() < deadline, "pfa serve did not come up"
            time.sleep(0.2)
        yield url
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


async def _token(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    resp = await client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


async def _burst(url: str, seconds: float) -> tuple[Counter[int], list[str], Counter[int]]:
    """victor fires BURST parallel questions, again and again for `seconds`, while bob reads
    records and a load balancer polls health; returns the burst's statuses, the other
    requests' failures and their statuses."""
    limits = httpx.Limits(max_connections=BURST + 10)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        victor, bob = await _token(client, "victor"), await _token(client, "bob")
        burst: Counter[int] = Counter()
        others: Counter[int] = Counter()
        failures: list[str] = []
        stop = time.monotonic() + seconds

        async def ask(n: int) -> None:
            body = {"org": "ALPHA", "question": QUESTIONS[n % len(QUESTIONS)]}
            resp = await client.post("/api/ai/query", json=body, headers=victor)
            burst[resp.status_code] += 1
            if resp.status_code == 429:
                assert int(resp.headers["Retry-After"]) >= 1
                assert resp.json()["error"] == "TooManyRequests"

        async def asker() -> None:
            while time.monotonic() < stop:
                await asyncio.gather(*(ask(n) for n in range(BURST)))

        async def other(path: str, headers: dict[str, str]) -> None:
            while time.monotonic() < stop:
                started = time.monotonic()
                resp = await client.get(path, headers=headers)
                took = time.monotonic() - started
                others[resp.status_code] += 1
                if resp.status_code != 200 or took > 5.0:
                    failures.append(f"{path}: {resp.status_code} in {took:.2f} s {resp.text[:200]}")
                await asyncio.sleep(0.05)

        await asyncio.gather(
            asker(),
            other("/api/pfa/ALPHA?limit=50", bob),
            other("/api/orgs", bob),
            other("/api/health", {}),
        )
    return burst, failures, others


def test_one_users_ai_burst_leaves_everyone_else_alone(server: str) -> None:
    burst, failures, others = asyncio.run(_burst(server, seconds=8.0))
    assert set(burst) <= {200, 429}, burst
    assert burst[429] > 0, burst
    assert burst[200] > 0, burst
    assert failures == [], failures[:10]
    assert others[200] > 20, others
