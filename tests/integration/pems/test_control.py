"""The `/_sim` control routes over HTTP (pems-api.md), and `pfa pems-sim` as a process."""

from __future__ import annotations

import asyncio
import socket
import sys
from pathlib import Path

import httpx

from pfa_vanguard.pems import PemsClient, PemsConfig
from pfa_vanguard.pems.simulator import RunningSimulator
from tests.integration.pems.conftest import control, read_all


async def test_faults_route_answers_the_current_settings_and_refuses_nonsense(
    sim: RunningSimulator,
) -> None:
    answer = await control(sim, "faults", {"failRate": 0.2, "throttleRate": 0.1,
                                           "dropRate": 0.05, "latencyMs": 300})  # fmt: skip
    assert answer == {"failRate": 0.2, "throttleRate": 0.1, "dropRate": 0.05, "latencyMs": 300,
                      "retryAfter": 1, "next": []}  # fmt: skip
    async with httpx.AsyncClient(base_url=sim.control_url) as http:
        refused = await http.post("/_sim/faults", json={"failRate": 3})
        assert refused.status_code == 400
        assert refused.json() == {"error": "failRate must be a number in [0, 1], got 3"}
        refused = await http.post("/_sim/mutate", json={"org": "NOPE", "count": 1})
        assert refused.status_code == 400
        assert "'NOPE' is not valid" in refused.json()["error"]


async def test_mutate_delete_reset_and_stats(sim: RunningSimulator) -> None:
    changed = (await control(sim, "mutate", {"org": "RIO", "count": 4}))["changed"]
    assert len(changed) == 4
    assert (await control(sim, "delete", {"org": "RIO", "pfaIds": [changed[0], "X"]})) == {
        "deleted": [changed[0]]
    }
    stats = await control(sim, "stats")
    assert stats["orgs"] == {"RIO": 59, "HOLNG": 60}
    await control(sim, "faults", {"failRate": 1})
    assert await control(sim, "reset", {}) == {"reset": True}
    assert (await control(sim, "stats"))["orgs"] == {"RIO": 60, "HOLNG": 60}
    assert (await control(sim, "faults", {}))["failRate"] == 0


async def test_writes_route_lists_accepted_writes_in_order(sim: RunningSimulator) -> None:
    async with PemsClient(PemsConfig(sim.url)) as client:
        for pfa_id in ("PFA-000020", "PFA-000010"):
            record = await client.read_record("HOLNG", pfa_id)
            assert record is not None
            result = await client.update_record("HOLNG", pfa_id, record.version, {"dor": "BEO"})
            assert result.status == "accepted"
    writes = (await control(sim, "writes"))["writes"]
    assert [(w["seq"], w["org"], w["pfaId"]) for w in writes] == [
        (1, "HOLNG", "PFA-000020"),
        (2, "HOLNG", "PFA-000010"),
    ]
    assert (await control(sim, "writes?org=RIO"))["writes"] == []


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def test_pfa_pems_sim_serves_grid_and_write_calls() -> None:
    port = _free_port()
    pfa = Path(sys.executable).with_name("pfa")
    process = await asyncio.create_subprocess_exec(
        str(pfa), "pems-sim", "--port", str(port), "--orgs", "2", "--records", "300",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/axis/restservices"
        async with PemsClient(PemsConfig(url, max_retries=0)) as client:
            for _ in range(300):
                try:
                    pages = await read_all(client, "PORTARTHUR")
                    break
                except Exception:
                    assert process.returncode is None, "pfa pems-sim exited"
                    await asyncio.sleep(0.1)
            else:
                raise AssertionError("pfa pems-sim did not answer")
            assert len(pages[0]) == 300
            first = pages[0][0]
            result = await client.update_record("PORTARTHUR", first.pfa_id, first.version,
                                                {"isFundsTransferable": True})  # fmt: skip
            assert result.status == "accepted"
    finally:
        process.terminate()
        raw, _ = await asyncio.wait_for(process.communicate(), 20)
    output = raw.decode()
    assert "generated 2 x 300 records (RIO, PORTARTHUR)" in output
    assert f"http://127.0.0.1:{port}/axis/restservices" in output


def _version_sum(sim: RunningSimulator) -> int:
    return sum(int(row["recordid"]) for row in sim.state.records("HOLNG"))


async def test_pems_users_change_records_over_time_when_asked(sim: RunningSimulator) -> None:
    before = _version_sum(sim)
    answer = await control(sim, "mutate", {"org": "HOLNG", "count": 2, "everySeconds": 0.1})
    assert len(answer["changed"]) == 2
    assert answer["everySeconds"] == 0.1
    assert _version_sum(sim) == before + 2
    for _ in range(200):
        if _version_sum(sim) >= before + 6:  # two more rounds by itself
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the simulator did not change records by itself")
    await control(sim, "mutate", {"org": "HOLNG", "count": 0, "everySeconds": 0})
    stopped = _version_sum(sim)
    await asyncio.sleep(0.4)
    assert _version_sum(sim) == stopped
