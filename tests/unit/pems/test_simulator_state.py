"""The simulated PEMS without HTTP: grid paging and filters, the optimistic lock, typed
writes, PEMS-side changes, drift and faults."""

from __future__ import annotations

import random
from typing import Any

import orjson
import pytest

from pfa_vanguard.pems.mapping import load_mapping, screen_value
from pfa_vanguard.pems.simulator.faults import Fault, FaultSpecError, parse_faults
from pfa_vanguard.pems.simulator.service import answer_grid, answer_update
from pfa_vanguard.pems.simulator.state import SimError, SimulatorState
from pfa_vanguard.pems.wire import grid_body, update_body

MAPPING = load_mapping()


@pytest.fixture
def state() -> SimulatorState:
    return SimulatorState.generate(["RIO", "HOLNG"], 25, seed=3)


def page(state: SimulatorState, cursor: int = 0, size: int = 10, **kw: Any) -> dict[str, Any]:
    body = grid_body(MAPPING, "RIO", cursor, size, **kw)
    result: dict[str, Any] = orjson.loads(answer_grid(state, "RIO", body))["Result"]["ResultData"]
    return result


def ids(result: dict[str, Any]) -> list[str]:
    return [
        next(f["FIELDVALUE"] for f in r["DATAFIELD"] if f["FIELDNAME"] == "pfs_id")
        for r in result.get("DATARECORD", [])
    ]


def write(state: SimulatorState, pfa_id: str, version: int, **changes: Any) -> dict[str, Any]:
    values = {
        MAPPING.by_field[k].screen: screen_value(MAPPING.by_field[k], v) for k, v in changes.items()
    }
    return answer_update(state, "RIO", update_body(MAPPING, "RIO", pfa_id, version, values))


def test_cursor_pages_and_every_end_signal(state: SimulatorState) -> None:
    first = page(state)
    assert first["CURRENTCURSORPOSITION"] == 0
    assert first["NEXTCURSORPOSITION"] == 10
    assert first["RECORDS"] == 10
    assert ids(first) == [f"PFA-{n:06d}" for n in range(1, 11)]
    last = page(state, 20)
    assert ids(last) == [f"PFA-{n:06d}" for n in range(21, 26)]
    assert last["NEXTCURSORPOSITION"] is None
    state.options.cursor_end = "empty"
    assert page(state, 20)["NEXTCURSORPOSITION"] == ""
    state.options.cursor_end = "same"
    assert page(state, 20)["NEXTCURSORPOSITION"] == 20
    state.options.cursor_end = "nodata"
    assert page(state, 20)["NEXTCURSORPOSITION"] == 25
    beyond = page(state, 25)
    assert "DATARECORD" not in beyond
    assert beyond["NEXTCURSORPOSITION"] == 35
    state.options.send_count = False
    assert "RECORDS" not in page(state)
    state.options.max_page_size = 4
    assert len(ids(page(state, size=10))) == 4


def test_grid_filters_changed_since_and_single_record(state: SimulatorState) -> None:
    rows = state.records("RIO")
    middle = sorted(r["pfs_lastmodified"] for r in rows)[12]
    from datetime import datetime

    changed = page(state, size=100, changed_since=datetime.fromisoformat(middle))
    assert sorted(ids(changed)) == sorted(
        r["pfs_id"] for r in rows if r["pfs_lastmodified"] > middle
    )
    assert ids(page(state, pfa_id="PFA-000007")) == ["PFA-000007"]
    assert ids(page(state, pfa_id="PFA-999999")) == []


def test_grid_refuses_what_pems_refuses(state: SimulatorState) -> None:
    body = grid_body(MAPPING, "NOPE", 0, 10)
    with pytest.raises(SimError, match="'NOPE' is not valid"):
        answer_grid(state, "NOPE", body)
    with pytest.raises(SimError, match="does not match"):
        answer_grid(state, "HOLNG", grid_body(MAPPING, "RIO", 0, 10))
    body = grid_body(MAPPING, "RIO", 0, 10)
    body["GRID"]["GRID_NAME"] = "OTHER"
    with pytest.raises(SimError, match="Grid 'OTHER' does not exist"):
        answer_grid(state, "RIO", body)
    assert ids(
        orjson.loads(answer_grid(state, "*", grid_body(MAPPING, "RIO", 0, 1)))["Result"][
            "ResultData"
        ]
    ) == ["PFA-000001"]


def test_update_applies_typed_values_and_raises_the_version(state: SimulatorState) -> None:
    before = state.row("RIO", "PFA-000004")
    assert before is not None
    version = int(before["recordid"])
    answer = write(
        state,
        "PFA-000004",
        version,
        forecastStart="2026-02-01",
        dor="BEO",
        isDiscontinued=True,
        monthlyRate=1250.5,
        equipment="EQ-1",
    )
    after = state.row("RIO", "PFA-000004")
    assert after is not None
    assert int(after["recordid"]) == version + 1
    assert after["pfs_lastmodified"] > before["pfs_lastmodified"]
    assert (
        after["pfs_f_startdate"],
        after["pfs_f_dor"],
        after["pfs_f_discontinued"],
        after["pfs_f_rental"],
        after["pfs_equipment_tag"],
    ) == ("2026-02-01", "BEO", "-1", "1250.5", "EQ-1")
    result = answer["Result"]["ResultData"]
    assert result["recordid"] == version + 1
    assert result["DATEUPDATED"] == after["pfs_lastmodified"]
    [logged] = state.writes_for("RIO")
    assert logged["recordid"] == version
    assert logged["newRecordid"] == version + 1
    assert logged["fields"]["PFS_F_STARTDATE"] == {
        "DATETIMEDATA": {"YEAR": 2026, "MONTH": 2, "DAY": 1}
    }
    assert logged["values"]["pfs_f_rental"] == "1250.5"


def test_stale_version_is_modified_by_another_user(state: SimulatorState) -> None:
    row = state.row("RIO", "PFA-000002")
    assert row is not None
    version = int(row["recordid"])
    write(state, "PFA-000002", version, dor="BEO")
    with pytest.raises(SimError, match="modified by another user") as caught:
        write(state, "PFA-000002", version, dor="PROJECT")
    assert caught.value.name == "WSR-RECORD-MODIFIED"
    assert len(state.writes_for()) == 1


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ({"PFS_F_STARTDATE": {"TEXTDATA": "2025-01-01"}}, "expects DATETIMEDATA"),
        ({"PFS_F_RENTAL": {"TEXTDATA": "12"}}, "expects NUMERICDATA"),
        ({"PFA_DIS": {"TEXTDATA": "-1"}}, "takes 'true' or 'false'"),
        ({"PFS_F_DOR": {"TEXTDATA": "NOBODY"}}, "not one of BEO, PROJECT"),
        ({"PFS_P_STARTDATE": {"DATETIMEDATA": {"YEAR": 2025, "MONTH": 1, "DAY": 1}}}, "protected"),
        ({"PFS_NOPE": {"TEXTDATA": "x"}}, "not on screen CUPFA2"),
        ({"PFS_F_ENDDATE": {"DATETIMEDATA": {"YEAR": 2025, "MONTH": 2, "DAY": 30}}}, "invalid"),
    ],
)
def test_update_refuses_wrong_types_and_values(
    state: SimulatorState, pairs: dict[str, Any], message: str
) -> None:
    row = state.row("RIO", "PFA-000001")
    assert row is not None
    with pytest.raises(SimError, match=message):
        answer_update(
            state, "RIO", update_body(MAPPING, "RIO", "PFA-000001", int(row["recordid"]), pairs)
        )
    assert state.writes_for() == []


def test_update_of_a_missing_record(state: SimulatorState) -> None:
    with pytest.raises(SimError, match="PFA-999999 does not exist"):
        write(state, "PFA-999999", 1, dor="BEO")


def test_mutate_delete_drift_put_and_reset(state: SimulatorState) -> None:
    before = {r["pfs_id"]: r for r in state.records("RIO")}
    changed = state.mutate("RIO", 5)
    assert len(changed) == 5
    for pfa_id in changed:
        after = state.row("RIO", pfa_id)
        assert after is not None
        assert int(after["recordid"]) == int(before[pfa_id]["recordid"]) + 1
        assert after != before[pfa_id]
    assert state.delete("RIO", ["PFA-000003", "PFA-999999"]) == ["PFA-000003"]
    assert state.row("RIO", "PFA-000003") is None
    state.add_drift("pfs_new_column", "N")
    assert all(r["pfs_new_column"] == "N" for r in state.records("RIO"))
    assert state.put_rows("RIO", [{"pfs_id": "PFA-000000", "pfs_f_rental": "n/a"}]) == [
        "PFA-000000"
    ]
    assert state.records("RIO")[0]["pfs_f_rental"] == "n/a"
    state.reset()
    assert state.records("RIO") == list(before.values())


def test_faults_parse_script_and_rates() -> None:
    faults = parse_faults(
        {
            "failRate": 0.5,
            "latencyMs": 10,
            "next": [
                {"kind": "drop", "route": "userdefinedscreenservices", "afterApply": True},
                {"kind": "throttle", "retryAfter": 2},
            ],
        }
    )
    rng = random.Random(1)
    assert faults.next_fault("grids", rng) == Fault("throttle", retry_after_s=2)
    assert faults.next_fault("userdefinedscreenservices", rng) == Fault(
        "drop", "userdefinedscreenservices", after_apply=True
    )
    drawn = [faults.next_fault("grids", rng) for _ in range(400)]
    failures = [f for f in drawn if f is not None]
    assert all(f.kind == "error" and f.status in (500, 503) for f in failures)
    assert 150 < len(failures) < 250
    always = parse_faults({"dropRate": 1})
    assert always.next_fault("grids", rng) == Fault("drop")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"failRate": 2}, "failRate must be a number in"),
        ({"failRate": 0.6, "dropRate": 0.6}, "must not exceed 1"),
        ({"oops": 1}, "unknown keys"),
        ({"next": [{"kind": "explode"}]}, "kind must be one of"),
        ({"next": [{"kind": "error", "status": 404}]}, "5xx"),
        ({"next": [{"kind": "drop", "route": "x"}]}, "route must be"),
    ],
)
def test_bad_fault_specs_are_refused(body: dict[str, Any], message: str) -> None:
    with pytest.raises(FaultSpecError, match=message):
        parse_faults(body)


def test_put_rows_keeps_versions_given_in_canonical_form(state: SimulatorState) -> None:
    state.put_rows("RIO", [{"pfs_id": "PFA-000001", "recordid": "9",
                            "pfs_lastmodified": "2025-11-25 10:00:00"}])  # fmt: skip
    row = state.row("RIO", "PFA-000001")
    assert row is not None
    assert (row["recordid"], row["pfs_lastmodified"]) == ("9", "2025-11-25T10:00:00.000Z")
    state.put_rows("RIO", [{"pfs_id": "PFA-000002", "pfs_lastmodified": "garbled"}])
    assert state.records("RIO")[1]["pfs_lastmodified"] == "garbled"
    fresh = state.stamp()
    assert fresh > "2025-11-25T10:00:00.000Z"
    assert state.stamp() > fresh
