"""The client's Prometheus metrics, read from the process's registry (the one `/metrics` and
the worker's metrics port expose) around real calls to the simulator with faults injected."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import REGISTRY, generate_latest

from pfa_vanguard.pems import PemsClient
from pfa_vanguard.pems.metrics import pems_metrics
from pfa_vanguard.pems.simulator import RunningSimulator
from tests.integration.pems.conftest import RECORDS, control, grid_calls, read_all, screen_calls


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def counts() -> Callable[[], dict[str, float]]:
    """A function giving how much each figure grew since this call."""

    def now() -> dict[str, float]:
        figures = {
            f"{op}:{status}": sample("pfa_pems_requests_total", operation=op, status=status)
            for op in ("grid", "screen_get", "update")
            for status in ("200", "400", "503", "error")
        }
        for op in ("grid", "screen_get", "update"):
            figures[f"{op}:retries"] = sample("pfa_pems_retries_total", operation=op)
            figures[f"{op}:timed"] = sample("pfa_pems_request_duration_seconds_count", operation=op)
        return figures

    pems_metrics()  # registered, so that every sample exists from the start
    before = now()
    return lambda: {
        key: value - before[key] for key, value in now().items() if value != before[key]
    }


async def test_grid_requests_are_counted_by_status_and_retries_by_operation(
    sim: RunningSimulator, client: PemsClient
) -> None:
    await control(sim, "config", {"maxPageSize": 25})
    fault = [{"kind": "none"}, {"kind": "error", "status": 503}, {"kind": "drop"}]
    await control(sim, "faults", {"next": fault})
    grown = counts()
    pages = await read_all(client)
    assert sum(len(page) for page in pages) == RECORDS
    assert grid_calls(sim) == 5  # pages of 25, 25 and 10 records; the second one twice more
    assert grown() == {
        "grid:200": 3,
        "grid:503": 1,
        "grid:error": 1,
        "grid:retries": 2,
        "grid:timed": 5,
    }
    exposed = generate_latest(REGISTRY).decode()
    assert 'pfa_pems_requests_total{operation="grid",status="503"}' in exposed
    assert "pfa_pems_request_duration_seconds_bucket" in exposed


async def test_writes_count_gets_updates_refusals_and_retries(
    sim: RunningSimulator, client: PemsClient
) -> None:
    drop = {"kind": "drop", "route": "userdefinedscreenservices"}
    await control(sim, "faults", {"next": [{"kind": "none", "route": "userdefinedscreenservices"},
                                           drop]})  # fmt: skip
    held = sim.state.stored("RIO", "PFA-000021")
    assert held is not None
    grown = counts()
    other = "PROJECT" if held["pfs_f_dor"] == "BEO" else "BEO"
    accepted = await client.update_record("RIO", "PFA-000021", {"dor": other})
    refused = await client.update_record("RIO", "PFA-000021", {"dor": "NOBODY"})
    assert (accepted.status, refused.status) == ("accepted", "rejected")
    assert screen_calls(sim) == 6
    assert grown() == {
        "screen_get:200": 3,  # before the first UPDATE, after its drop, before the refused one
        "screen_get:timed": 3,
        "update:error": 1,  # dropped before PEMS applied it: read again, then sent again
        "update:200": 1,
        "update:400": 1,
        "update:retries": 1,
        "update:timed": 3,
    }
