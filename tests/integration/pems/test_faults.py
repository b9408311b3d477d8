"""Transient failures of the grid reader: retried with backoff (honouring Retry-After) and then
successful, or a clear PemsTransientError once the bound is reached."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from pfa_vanguard.pems import PemsClient, PemsTransientError
from pfa_vanguard.pems.simulator import RunningSimulator
from tests.integration.pems.conftest import RECORDS, config, control, grid_calls, read_all


def ids(pages: list[list[Any]]) -> list[str]:
    return [record.pfa_id for page in pages for record in page]


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "error", "status": 500},
        {"kind": "error", "status": 503},
        {"kind": "throttle", "retryAfter": 0},
        {"kind": "drop"},
    ],
    ids=["500", "503", "429", "dropped"],
)
async def test_each_transient_failure_is_retried_then_succeeds(
    sim: RunningSimulator, client: PemsClient, fault: dict[str, Any]
) -> None:
    await control(sim, "config", {"maxPageSize": 25})
    await control(sim, "faults", {"next": [{"kind": "none"}, fault, fault]})
    pages = await read_all(client)
    assert ids(pages) == [f"PFA-{n:06d}" for n in range(1, RECORDS + 1)]
    assert client.stats.retries == 2
    assert grid_calls(sim) == 3 + 2


async def test_retry_after_is_honoured(
    sim: RunningSimulator, client: PemsClient, caplog: pytest.LogCaptureFixture
) -> None:
    await control(sim, "faults", {"next": [{"kind": "throttle", "retryAfter": 1}]})
    with caplog.at_level(logging.WARNING, logger="pfa_vanguard.pems.client"):
        pages = await read_all(client)
    assert len(ids(pages)) == RECORDS
    assert [r.getMessage() for r in caplog.records] == [
        "organization RIO, page at cursor 0: throttled (HTTP 429); retry 1 in 1.00s"
    ]


async def test_a_timed_out_page_is_retried(sim: RunningSimulator) -> None:
    await control(sim, "faults", {"next": [{"kind": "delay", "ms": 800}]})
    async with PemsClient(config(sim, timeout_s=0.3)) as client:
        assert len(ids(await read_all(client))) == RECORDS
        assert client.stats.retries == 1


async def test_failures_past_the_bound_raise_a_clear_error_naming_the_page(
    sim: RunningSimulator, client: PemsClient
) -> None:
    await control(sim, "config", {"maxPageSize": 25})
    await control(sim, "faults", {"next": [{"kind": "none"}] + [{"kind": "error"}] * 4})
    with pytest.raises(PemsTransientError) as caught:
        await read_all(client)
    assert str(caught.value) == (
        "organization RIO, page at cursor 26: PEMS still failing after 4 attempts: HTTP 503"
    )
    assert (caught.value.org, caught.value.cursor) == ("RIO", 26)
    assert caught.value.status_code == 503
    assert grid_calls(sim) == 1 + 4


async def test_dropped_connections_past_the_bound(sim: RunningSimulator) -> None:
    await control(sim, "faults", {"dropRate": 1})
    async with PemsClient(config(sim, max_retries=1)) as client:
        with pytest.raises(PemsTransientError, match="after 2 attempts: connection failed"):
            await read_all(client)
    assert grid_calls(sim) == 2


async def test_a_flaky_pems_still_gives_the_whole_organization(sim: RunningSimulator) -> None:
    await control(sim, "config", {"maxPageSize": 5})
    async with PemsClient(config(sim)) as client:
        clean = await read_all(client)
        clean_calls = grid_calls(sim)
    await control(
        sim,
        "faults",
        {"failRate": 0.3, "throttleRate": 0.15, "dropRate": 0.15, "retryAfter": 0, "latencyMs": 5},
    )
    async with PemsClient(config(sim, max_retries=10)) as client:
        flaky = await read_all(client)
        retries = client.stats.retries
    assert retries > 3
    assert flaky == clean
    assert grid_calls(sim) == 2 * clean_calls + retries
