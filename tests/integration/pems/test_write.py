"""The screen writer against the simulator over HTTP: typed values, the optimistic lock,
rejections, and the rule that a write which may have been applied is read back, never resent
blindly (so nothing is written twice)."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import pytest

from pfa_vanguard.pems import PemsClient, PemsRecord, PemsTransientError
from pfa_vanguard.pems.simulator import RunningSimulator
from tests.integration.pems.conftest import config, control, grid_calls, screen_calls

CHANGES: dict[str, Any] = {
    "forecastStart": "2026-04-01",
    "forecastEnd": date(2026, 9, 30),
    "forecastCategory": "Crane",
    "dor": "BEO",
    "isDiscontinued": True,
    "isFundsTransferable": False,
    "equipment": "CRN-12345",
    "actualEnd": None,
}


async def all_answered(sim: RunningSimulator) -> None:
    for _ in range(200):
        if sim.state.stats["userdefinedscreenservices:answered"] == screen_calls(sim):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the simulator is still answering a write")


async def current(client: PemsClient, pfa_id: str = "PFA-000001") -> PemsRecord:
    record = await client.read_record("RIO", pfa_id)
    assert record is not None
    return record


async def test_writes_land_with_the_right_typed_values(
    sim: RunningSimulator, client: PemsClient
) -> None:
    before = await current(client)
    result = await client.update_record("RIO", "PFA-000001", before.version, CHANGES)
    assert result.status == "accepted", result.message
    assert result.record is not None
    assert result.record.version == before.version + 1
    expected = {**CHANGES, "forecastEnd": "2026-09-30"}
    assert {k: result.record.data[k] for k in CHANGES} == expected
    assert await current(client) == result.record

    writes = (await control(sim, "writes?org=RIO"))["writes"]
    assert len(writes) == 1
    assert writes[0]["pfaId"] == "PFA-000001"
    assert writes[0]["recordid"] == before.version
    assert writes[0]["newRecordid"] == before.version + 1
    assert writes[0]["fields"] == {
        "PFS_ID": {"TEXTDATA": "PFA-000001"},
        "PFS_A_ORG": {"TEXTDATA": "RIO"},
        "PFS_F_STARTDATE": {"DATETIMEDATA": {"YEAR": 2026, "MONTH": 4, "DAY": 1}},
        "PFS_F_ENDDATE": {"DATETIMEDATA": {"YEAR": 2026, "MONTH": 9, "DAY": 30}},
        "PFS_F_CATDESC": {"TEXTDATA": "Crane"},
        "PFS_F_DOR": {"TEXTDATA": "BEO"},
        "PFA_DIS": {"TEXTDATA": "true"},
        "PFS_FT": {"TEXTDATA": "false"},
        "PFS_EQUIPMENT": {"TEXTDATA": "CRN-12345"},
        "PFS_A_ENDDATE": {"DATETIMEDATA": None},
    }
    assert (await control(sim, "writes?org=HOLNG"))["writes"] == []


async def test_numbers_are_sent_as_numericdata(sim: RunningSimulator, client: PemsClient) -> None:
    before = await current(client, "PFA-000002")
    result = await client.update_record(
        "RIO", "PFA-000002", before.version, {"monthlyRate": 1250.5}
    )
    assert result.status == "accepted"
    assert result.record is not None
    assert result.record.data["monthlyRate"] == 1250.5
    [write] = sim.state.writes_for("RIO")
    assert write["fields"]["PFS_F_RENTAL"] == {
        "NUMERICDATA": {"VALUE": 12505, "NUMOFDEC": 1, "SIGN": "+"}
    }


async def test_stale_recordid_is_a_conflict_with_what_pems_holds_now(
    sim: RunningSimulator, client: PemsClient
) -> None:
    base = await current(client)
    [changed] = sim.state.mutate("RIO", 0) or [base.pfa_id]
    await control(sim, "put", {"org": "RIO", "rows": [{"pfs_id": changed, "pfs_f_dor": "BEO"}]})
    result = await client.update_record("RIO", "PFA-000001", base.version, {"dor": "PROJECT"})
    assert result.status == "conflict"
    assert "modified by another user" in result.message
    assert result.record is not None
    assert result.record.version == base.version + 1
    assert result.record.data["dor"] == "BEO"
    assert sim.state.writes_for() == []


@pytest.mark.parametrize(
    ("changes", "message", "calls"),
    [
        ({"dor": "NOBODY"}, "PFS_F_DOR: 'NOBODY' is not one of BEO, PROJECT", 1),
        ({"forecastStart": "01/04/2026"}, "forecastStart: '01/04/2026' is not a date", 0),
        ({"isDiscontinued": "yes"}, "isDiscontinued: 'yes' is not a boolean", 0),
        ({"colour": "red"}, "colour: not a mapped PEMS field", 0),
        ({}, "no changes to send", 0),
    ],
)
async def test_refused_values_are_rejected_not_raised(
    sim: RunningSimulator, client: PemsClient, changes: dict[str, Any], message: str, calls: int
) -> None:
    result = await client.update_record("RIO", "PFA-000003", 1, changes)
    assert result.status == "rejected"
    assert result.record is None
    assert result.message.startswith("organization RIO, record PFA-000003: ")
    assert message in result.message
    assert screen_calls(sim) == calls
    assert sim.state.writes_for() == []


async def test_update_of_a_record_gone_from_pems_is_rejected(
    sim: RunningSimulator, client: PemsClient
) -> None:
    base = await current(client, "PFA-000009")
    await control(sim, "delete", {"org": "RIO", "pfaIds": ["PFA-000009"]})
    result = await client.update_record("RIO", "PFA-000009", base.version, {"dor": "BEO"})
    assert result.status == "rejected"
    assert "PFA-000009 does not exist in RIO" in result.message


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "drop", "afterApply": True},
        {"kind": "error", "status": 500, "afterApply": True},
        {"kind": "delay", "ms": 1500, "afterApply": True},
    ],
    ids=["dropped", "500", "timed-out"],
)
async def test_a_failed_write_that_pems_applied_is_not_written_twice(
    sim: RunningSimulator, fault: dict[str, Any]
) -> None:
    async with PemsClient(config(sim, timeout_s=0.5)) as client:
        base = await current(client, "PFA-000011")
        await control(sim, "faults", {"next": [{**fault, "route": "userdefinedscreenservices"}]})
        result = await client.update_record("RIO", "PFA-000011", base.version, {"dor": "BEO"})
        assert result.status == "accepted", result.message
        assert result.record is not None
        assert result.record.version == base.version + 1
        assert result.record.data["dor"] == "BEO"
        assert client.stats.read_backs == 1
    assert screen_calls(sim) == 1
    assert len(sim.state.writes_for()) == 1


async def test_a_write_dropped_before_pems_applied_it_is_sent_again_once(
    sim: RunningSimulator, client: PemsClient
) -> None:
    base = await current(client, "PFA-000012")
    await control(sim, "faults", {"next": [{"kind": "drop", "route": "userdefinedscreenservices"}]})
    result = await client.update_record("RIO", "PFA-000012", base.version, {"dor": "BEO"})
    assert result.status == "accepted"
    assert client.stats.read_backs == 1
    assert screen_calls(sim) == 2
    [write] = sim.state.writes_for()
    assert write["recordid"] == base.version


async def test_a_write_still_running_when_the_client_gave_up_is_not_written_twice(
    sim: RunningSimulator,
) -> None:
    """The first attempt is slow at PEMS; the client times out, reads back (unchanged yet) and
    sends again. Whichever attempt lands first, the optimistic lock refuses the other."""
    async with PemsClient(config(sim, timeout_s=0.3)) as client:
        base = await current(client, "PFA-000013")
        slow = {"kind": "delay", "ms": 1000, "route": "userdefinedscreenservices"}
        await control(sim, "faults", {"next": [slow]})
        result = await client.update_record("RIO", "PFA-000013", base.version, {"dor": "BEO"})
        assert result.status == "accepted", result.message
        assert result.record is not None
        assert result.record.data["dor"] == "BEO"
    await all_answered(sim)  # the slow first attempt has finished too, and was refused
    assert len(sim.state.writes_for()) == 1


async def test_throttled_write_waits_and_is_sent_again_without_read_back(
    sim: RunningSimulator, client: PemsClient
) -> None:
    base = await current(client, "PFA-000014")
    throttle = {"kind": "throttle", "retryAfter": 0, "route": "userdefinedscreenservices"}
    await control(sim, "faults", {"next": [throttle]})
    result = await client.update_record("RIO", "PFA-000014", base.version, {"dor": "BEO"})
    assert result.status == "accepted"
    assert client.stats.read_backs == 0
    assert screen_calls(sim) == 2
    assert len(sim.state.writes_for()) == 1


async def test_write_failing_past_the_bound_raises_a_clear_transient_error(
    sim: RunningSimulator, client: PemsClient
) -> None:
    base = await current(client, "PFA-000015")
    failures = [{"kind": "error", "status": 503, "route": "userdefinedscreenservices"}] * 4
    await control(sim, "faults", {"next": failures})
    with pytest.raises(PemsTransientError) as caught:
        await client.update_record("RIO", "PFA-000015", base.version, {"dor": "BEO"})
    assert str(caught.value) == (
        "organization RIO, record PFA-000015: PEMS still failing after 4 attempts: HTTP 503"
    )
    assert caught.value.status_code == 503
    assert screen_calls(sim) == 4
    assert grid_calls(sim) == 1 + 4  # the first read, then a read-back after each failure
    assert sim.state.writes_for() == []
