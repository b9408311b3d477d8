"""A real simulator on a loopback port (one per module, reset before every test) and clients
that talk to it over HTTP. Retry waits are shortened; nothing else is faked."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from pfa_vanguard.pems import PemsClient, PemsConfig, PemsRecord
from pfa_vanguard.pems.simulator import RunningSimulator, start_simulator

ORGS = ("RIO", "HOLNG")
RECORDS = 60


@pytest.fixture(scope="module")
def sim() -> Iterator[RunningSimulator]:
    with start_simulator(ORGS, records=RECORDS, seed=11) as running:
        yield running


@pytest.fixture(autouse=True)
def _fresh_simulator(sim: RunningSimulator) -> None:
    sim.state.reset()


def config(sim: RunningSimulator, **overrides: Any) -> PemsConfig:
    options: dict[str, Any] = {
        "max_retries": 3,
        "backoff_base_s": 0.01,
        "backoff_max_s": 0.05,
        "timeout_s": 5.0,
    }
    options.update(overrides)
    return PemsConfig(sim.url, **options)


@pytest.fixture
async def client(sim: RunningSimulator) -> AsyncIterator[PemsClient]:
    async with PemsClient(config(sim)) as pems:
        yield pems


async def control(sim: RunningSimulator, route: str, body: dict[str, Any] | None = None) -> Any:
    """Call a `/_sim` control route over HTTP; returns the JSON answer (asserting 200)."""
    async with httpx.AsyncClient(base_url=sim.control_url) as http:
        if body is None:
            response = await http.get(f"/_sim/{route}")
        else:
            response = await http.post(f"/_sim/{route}", json=body)
    assert response.status_code == 200, response.text
    return response.json()


async def read_all(client: PemsClient, org: str = "RIO", **kw: Any) -> list[list[PemsRecord]]:
    return [page async for page in client.iter_pages(org, **kw)]


def grid_calls(sim: RunningSimulator) -> int:
    return sim.state.stats["grids"]


def screen_calls(sim: RunningSimulator) -> int:
    return sim.state.stats["userdefinedscreenservices"]
