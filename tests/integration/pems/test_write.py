"""The screen writer against the simulator over HTTP, as the tenant wants writes: GET the record,
check the fields the user changed against what they saw, UPDATE the whole row with the GET's
recordid. Typed values complete, nothing blanked, conflicts reported, rejections with the
tenant's message, and a write that may have been applied read again, never resent blindly."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Any

import pytest

from pfa_vanguard.pems import PemsClient, PemsRecord, PemsTerminalError, PemsTransientError
from pfa_vanguard.pems.formats import TenantFormats
from pfa_vanguard.pems.simulator import RunningSimulator
from tests.integration.pems.conftest import config, control, screen_calls

SCREEN = "userdefinedscreenservices"
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
STORED = {  # what the tenant stores for CHANGES (canonical text)
    "pfs_f_startdate": "2026-04-01",
    "pfs_f_enddate": "2026-09-30",
    "pfs_f_catdesc": "Crane",
    "pfs_f_dor": "BEO",
    "pfs_f_discontinued": "-1",
    "pfs_f_fundstrans": "0",
    "pfs_equipment_tag": "CRN-12345",
    "pfs_a_enddate": "",
}


def stored(sim: RunningSimulator, pfa_id: str, org: str = "RIO") -> dict[str, str]:
    """The tenant's own row (canonical text, with its counter), not the grid's view."""
    with sim.state.lock:
        return dict(sim.state.org(org).rows[pfa_id])


async def answered(sim: RunningSimulator, calls: int) -> None:
    for _ in range(500):
        if sim.state.stats[f"{SCREEN}:answered"] >= calls:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"the simulator has not answered {calls} screen call(s)")


async def all_answered(sim: RunningSimulator) -> None:
    for _ in range(200):
        if sim.state.stats[f"{SCREEN}:answered"] == screen_calls(sim):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the simulator is still answering a write")


async def current(client: PemsClient, pfa_id: str = "PFA-000001") -> PemsRecord:
    record = await client.read_record("RIO", pfa_id)
    assert record is not None
    return record


async def pems_edit(sim: RunningSimulator, pfa_id: str, **values: str) -> None:
    """A PEMS user's edit of `pfa_id` in RIO, through the simulator's control route."""
    await control(sim, "put", {"org": "RIO", "rows": [{"pfs_id": pfa_id, **values}]})


def seen(record: PemsRecord, changes: dict[str, Any]) -> dict[str, Any]:
    return {name: record.data.get(name) for name in changes}


async def test_a_write_sends_the_whole_row_and_blanks_nothing(
    sim: RunningSimulator, client: PemsClient
) -> None:
    before_row = stored(sim, "PFA-000001")
    before = await current(client)
    result = await client.update_record("RIO", "PFA-000001", CHANGES, seen(before, CHANGES))
    assert result.status == "accepted", result.message
    assert result.record is not None
    assert {k: result.record.data[k] for k in CHANGES} == {**CHANGES, "forecastEnd": "2026-09-30"}

    after_row = stored(sim, "PFA-000001")
    assert {alias: after_row[alias] for alias in STORED} == STORED
    untouched = set(before_row) - set(STORED) - {"recordid", "pfs_lastmodified"}
    assert {a: after_row[a] for a in untouched} == {a: before_row[a] for a in untouched}
    assert int(after_row["recordid"]) == int(before_row["recordid"]) + 1

    [write] = sim.state.writes_for("RIO")
    assert write["recordid"] == int(before_row["recordid"])  # the GET's counter
    fields = write["fields"]
    assert len(fields) >= 24  # the whole screen row, not the changed fields only
    assert fields["PFS_F_STARTDATE"] == {
        "DATETIMEDATA": {"YEAR": 1767312000000, "MONTH": 4, "DAY": 1, "HOUR": 0, "MINUTE": 0,
                         "SECOND": 0, "SUBSECOND": 0, "TIMEZONE": "+0000", "qualifier": "OTHER"}
    }  # fmt: skip
    assert fields["PFS_A_ENDDATE"] == {"DATETIMEDATA": None}
    assert fields["PFA_DIS"] == {"TEXTDATA": "true"}
    assert (await control(sim, "writes?org=HOLNG"))["writes"] == []


async def test_numbers_are_complete_numericdata(sim: RunningSimulator, client: PemsClient) -> None:
    result = await client.update_record("RIO", "PFA-000002", {"monthlyRate": 1250.5})
    assert result.status == "accepted", result.message
    assert result.record is not None
    assert result.record.data["monthlyRate"] == 1250.5
    assert float(stored(sim, "PFA-000002")["pfs_f_rental"]) == 1250.5
    [write] = sim.state.writes_for("RIO")
    assert write["fields"]["PFS_F_RENTAL"] == {
        "NUMERICDATA": {"VALUE": 12505, "NUMOFDEC": 1, "SIGN": "+", "CURRENCY": "USD",
                        "DRCR": "D", "qualifier": "OTHER"}
    }  # fmt: skip


async def test_the_year_format_decides_whether_dates_land_in_the_right_year(
    sim: RunningSimulator,
) -> None:
    """A calendar year sent to a default (epoch-ms) tenant is stored as 1970: the setting
    matters, and the default matches the default tenant."""
    wrong = TenantFormats(year_format="calendar")
    async with PemsClient(config(sim, formats=wrong)) as client:
        result = await client.update_record("RIO", "PFA-000004", {"forecastEnd": "2027-05-31"})
    assert result.status == "accepted"
    assert stored(sim, "PFA-000004")["pfs_f_enddate"] == "1970-05-31"

    await control(sim, "options", {"yearFormat": "calendar"})
    async with PemsClient(config(sim, formats=wrong)) as client:
        result = await client.update_record("RIO", "PFA-000005", {"forecastEnd": "2027-05-31"})
    assert result.status == "accepted"
    assert stored(sim, "PFA-000005")["pfs_f_enddate"] == "2027-05-31"


async def test_a_field_changed_in_pems_since_the_user_saw_it_is_a_conflict(
    sim: RunningSimulator, client: PemsClient
) -> None:
    before = await current(client, "PFA-000003")
    await pems_edit(sim, "PFA-000003", pfs_f_enddate="2029-06-30")
    changes = {"forecastEnd": "2027-01-15"}
    result = await client.update_record("RIO", "PFA-000003", changes, seen(before, changes))
    assert result.status == "conflict"
    assert "forecastEnd" in result.message
    assert result.record is not None
    assert result.record.data["forecastEnd"] == "2029-06-30"
    assert sim.state.writes_for() == []
    assert stored(sim, "PFA-000003")["pfs_f_enddate"] == "2029-06-30"


async def test_a_stale_edit_of_another_field_merges_and_keeps_pems_change(
    sim: RunningSimulator, client: PemsClient
) -> None:
    before = await current(client, "PFA-000006")
    await pems_edit(sim, "PFA-000006", pfs_f_enddate="2029-06-30")
    changes = {"dor": "BEO" if before.data["dor"] != "BEO" else "PROJECT"}
    result = await client.update_record("RIO", "PFA-000006", changes, seen(before, changes))
    assert result.status == "accepted", result.message
    row = stored(sim, "PFA-000006")
    assert row["pfs_f_enddate"] == "2029-06-30"
    assert row["pfs_f_dor"] == changes["dor"]


async def test_pems_already_holding_the_users_value_writes_nothing(
    sim: RunningSimulator, client: PemsClient
) -> None:
    await pems_edit(sim, "PFA-000007", pfs_f_dor="BEO")
    result = await client.update_record("RIO", "PFA-000007", {"dor": "BEO"}, {"dor": "PROJECT"})
    assert result.status == "accepted"
    assert sim.state.writes_for() == []


async def test_someone_writing_between_get_and_update_is_caught_by_the_recordid(
    sim: RunningSimulator,
) -> None:
    """PEMS is slow (300 ms a call); while our UPDATE is on its way, a PEMS user changes the
    record. The tenant refuses our stale recordid; the client starts over from a new GET, finds
    that the other user changed another field, and writes on top of it."""
    async with PemsClient(config(sim)) as client:
        before = await current(client, "PFA-000008")
        await control(sim, "faults", {"latencyMs": 300})
        changes = {"equipment": "EXC-77777"}
        task = asyncio.create_task(
            client.update_record("RIO", "PFA-000008", changes, seen(before, changes))
        )
        await answered(sim, 1)  # our GET has been answered
        sim.state.put_rows("RIO", [{"pfs_id": "PFA-000008", "pfs_f_catdesc": "Pump"}])
        result = await task
    assert result.status == "accepted", result.message
    row = stored(sim, "PFA-000008")
    assert (row["pfs_equipment_tag"], row["pfs_f_catdesc"]) == ("EXC-77777", "Pump")
    assert screen_calls(sim) == 4  # GET, refused UPDATE, GET, UPDATE
    assert len(sim.state.writes_for()) == 1


@pytest.mark.parametrize(
    ("changes", "message", "calls"),
    [
        ({"dor": "NOBODY"}, "NOBODY", 2),
        ({"forecastStart": "01/04/2026"}, "forecastStart: '01/04/2026' is not a date", 0),
        ({"forecastStart": "２０２６-01-04"}, "is not a date", 0),
        ({"isDiscontinued": "yes"}, "isDiscontinued: 'yes' is not a boolean", 0),
        ({"colour": "red"}, "colour: not a mapped PEMS field", 0),
        ({}, "no changes to send", 0),
    ],
)
async def test_refused_values_are_rejected_not_raised(
    sim: RunningSimulator, client: PemsClient, changes: dict[str, Any], message: str, calls: int
) -> None:
    result = await client.update_record("RIO", "PFA-000003", changes)
    assert result.status == "rejected"
    assert result.record is None
    assert result.message.startswith("organization RIO, record PFA-000003: ")
    assert message in result.message
    assert screen_calls(sim) == calls
    assert sim.state.writes_for() == []


async def test_a_confirmation_alert_is_a_refusal_with_its_message(
    sim: RunningSimulator, client: PemsClient
) -> None:
    await control(sim, "options", {"confirmationAlert": "Forecast exceeds plan. Continue?"})
    before = stored(sim, "PFA-000010")
    result = await client.update_record("RIO", "PFA-000010", {"dor": "BEO"})
    assert result.status == "rejected"
    assert "Forecast exceeds plan. Continue?" in result.message
    assert stored(sim, "PFA-000010") == before


async def test_update_of_a_record_gone_from_pems_is_rejected(
    sim: RunningSimulator, client: PemsClient
) -> None:
    await control(sim, "delete", {"org": "RIO", "pfaIds": ["PFA-000009"]})
    result = await client.update_record("RIO", "PFA-000009", {"dor": "BEO"})
    assert result.status == "rejected"
    assert "no longer in PEMS" in result.message
    assert await client.get_screen_record("RIO", "PFA-000009") is None


async def test_the_organization_header_is_the_api_users_eam_organization(
    sim: RunningSimulator,
) -> None:
    await control(sim, "options", {"apiOrganization": "ENTERPRISE"})
    async with PemsClient(config(sim, organization="ENTERPRISE")) as client:
        assert (await client.update_record("RIO", "PFA-000016", {"dor": "BEO"})).status == (
            "accepted"
        )
    async with PemsClient(config(sim)) as client:  # "*": not this tenant's API user
        with pytest.raises(PemsTerminalError, match="HTTP 400"):
            await client.get_screen_record("RIO", "PFA-000016")


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
        let_get_through = {"kind": "none", "route": SCREEN}
        await control(sim, "faults", {"next": [let_get_through, {**fault, "route": SCREEN}]})
        result = await client.update_record("RIO", "PFA-000011", {"dor": "BEO"})
        assert result.status == "accepted", result.message
        assert result.record is not None
        assert result.record.data["dor"] == "BEO"
        assert "applied despite" in result.message
    await all_answered(sim)
    assert screen_calls(sim) == 3  # GET, UPDATE (applied, answer lost), GET
    assert len(sim.state.writes_for()) == 1


async def test_a_write_dropped_before_pems_applied_it_is_sent_again_once(
    sim: RunningSimulator, client: PemsClient
) -> None:
    counter = int(stored(sim, "PFA-000012")["recordid"])
    await control(sim, "faults", {"next": [{"kind": "none", "route": SCREEN},
                                           {"kind": "drop", "route": SCREEN}]})  # fmt: skip
    result = await client.update_record("RIO", "PFA-000012", {"dor": "BEO"})
    assert result.status == "accepted"
    assert screen_calls(sim) == 4  # GET, UPDATE (dropped unapplied), GET, UPDATE
    [write] = sim.state.writes_for()
    assert write["recordid"] == counter


async def test_a_write_still_running_when_the_client_gave_up_is_not_written_twice(
    sim: RunningSimulator,
) -> None:
    """The first UPDATE is slow at PEMS; the client times out, reads again (unchanged yet) and
    sends again. Whichever attempt lands first, the recordid refuses the other."""
    async with PemsClient(config(sim, timeout_s=0.3)) as client:
        slow = {"kind": "delay", "ms": 1000, "route": SCREEN}
        await control(sim, "faults", {"next": [{"kind": "none", "route": SCREEN}, slow]})
        result = await client.update_record("RIO", "PFA-000013", {"dor": "BEO"})
        assert result.status == "accepted", result.message
        assert result.record is not None
        assert result.record.data["dor"] == "BEO"
    await all_answered(sim)
    assert len(sim.state.writes_for()) == 1


async def test_write_failing_past_the_bound_raises_a_clear_transient_error(
    sim: RunningSimulator, client: PemsClient
) -> None:
    failures = [{"kind": "error", "status": 503, "route": SCREEN}] * 4
    await control(sim, "faults", {"next": failures})
    with pytest.raises(PemsTransientError) as caught:
        await client.update_record("RIO", "PFA-000015", {"dor": "BEO"})
    assert str(caught.value) == (
        "organization RIO, record PFA-000015: PEMS still failing after 4 attempts: HTTP 503"
    )
    assert caught.value.status_code == 503
    assert sim.state.writes_for() == []


async def test_the_echo_is_the_record_and_orders_after_the_grids_version(
    sim: RunningSimulator, client: PemsClient
) -> None:
    before = await current(client, "PFA-000017")
    result = await client.update_record("RIO", "PFA-000017", {"dor": "BEO"})
    assert result.status == "accepted"
    assert result.record is not None
    assert result.record.version > before.version  # write-through never loses to the old row
    after = await current(client, "PFA-000017")
    assert after.data["dor"] == "BEO"
    assert after.modified_at is not None
    assert abs((datetime.now(UTC) - after.modified_at).total_seconds()) < 120
