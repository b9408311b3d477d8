"""The simulated tenant without HTTP: grid paging and its end signals, rows as served and as
stored, PEMS-side changes, drift, options and faults."""

from __future__ import annotations

import random
from typing import Any

import orjson
import pytest

from pfa_vanguard.pems.simulator.faults import Fault, FaultSpecError, parse_faults
from pfa_vanguard.pems.simulator.grid import answer_grid
from pfa_vanguard.pems.simulator.options import OptionsError, TenantOptions
from pfa_vanguard.pems.simulator.state import SimError, SimulatorState


@pytest.fixture
def state() -> SimulatorState:
    return SimulatorState.generate(["RIO", "HOLNG"], 25, seed=3)


def grid_body(cursor: int = 0, size: int = 10, *filters: dict[str, Any]) -> dict[str, Any]:
    org = {"SEQNUM": 0, "ALIAS_NAME": "pfs_a_org", "OPERATOR": "=", "VALUE": "RIO"}
    return {
        "GRID": {"GRID_NAME": "CUPFAG", "NUMBER_OF_ROWS_FIRST_RETURNED": size,
                 "CURSOR_POSITION": cursor},
        "MULTIADDON_FILTERS": {"MADDON_FILTER": [org, *filters]},
    }  # fmt: skip


def page(state: SimulatorState, cursor: int = 0, size: int = 10) -> dict[str, Any]:
    answer = orjson.loads(answer_grid(state, grid_body(cursor, size)))
    assert answer["ErrorAlert"] is None
    result: dict[str, Any] = answer["Result"]["ResultData"]
    return result


def ids(result: dict[str, Any]) -> list[str]:
    return [
        next(f["FIELDVALUE"] for f in r["DATAFIELD"] if f["FIELDNAME"] == "pfs_id")
        for r in result.get("DATARECORD") or []
    ]


def test_cursor_positions_are_one_based_and_every_end_signal(state: SimulatorState) -> None:
    first = page(state)
    assert (first["CURRENTCURSORPOSITION"], first["NEXTCURSORPOSITION"]) == (0, 11)
    assert first["METADATA"] == {"RECORDS": "10", "GRIDNAME": "CUPFAG", "CLIENTROWS": 10}
    assert ids(first) == [f"PFA-{n:06d}" for n in range(1, 11)]
    assert ids(page(state, 11)) == [f"PFA-{n:06d}" for n in range(11, 21)]
    last = page(state, 21)
    assert ids(last) == [f"PFA-{n:06d}" for n in range(21, 26)]
    assert last["NEXTCURSORPOSITION"] is None
    state.set_options(state.options.updated({"cursorEnd": "empty"}))
    assert page(state, 21)["NEXTCURSORPOSITION"] == ""
    state.set_options(state.options.updated({"cursorEnd": "same"}))
    assert page(state, 21)["NEXTCURSORPOSITION"] == 21
    state.set_options(state.options.updated({"cursorEnd": "nodata"}))
    assert page(state, 21)["NEXTCURSORPOSITION"] == 26
    beyond = page(state, 26)
    assert beyond["DATARECORD"] == []
    assert beyond["NEXTCURSORPOSITION"] == 36
    state.set_options(state.options.updated({"sendCount": False}))
    assert page(state)["METADATA"] == {"GRIDNAME": "CUPFAG", "CLIENTROWS": 10}


def test_the_page_cap_wins_over_the_size_asked(state: SimulatorState) -> None:
    state.set_options(TenantOptions(page_cap=4))
    capped = page(state, size=10_000)
    assert len(ids(capped)) == 4
    assert capped["NEXTCURSORPOSITION"] == 5
    assert ids(page(state, 5, 10_000)) == [f"PFA-{n:06d}" for n in range(5, 9)]


def test_rows_served_formatted_without_counter_and_stored_canonical(
    state: SimulatorState,
) -> None:
    state.put_rows("RIO", [{"pfs_id": "PFA-000001", "pfs_f_rental": "12500", "pfs_f_purchase": "",
                            "pfs_f_startdate": "2024-06-13", "pfs_f_source": "rental",
                            "pfs_lastmodified": "2024-06-13T15:56:59.123Z"}])  # fmt: skip
    served = state.row("RIO", "PFA-000001")
    assert served is not None
    assert "recordid" not in served
    assert (served["pfs_f_rental"], served["pfs_f_startdate"], served["pfs_f_source"]) == (
        "12,500.00", "6/13/2024", "RENTAL",
    )  # fmt: skip
    assert served["pfs_lastmodified"] == "6/13/2024 15:56"
    stored = state.stored("RIO", "PFA-000001")
    assert stored is not None
    assert (stored["pfs_f_rental"], stored["pfs_f_startdate"], stored["pfs_f_source"]) == (
        "12500.00", "2024-06-13", "RENTAL",
    )  # fmt: skip
    assert stored["recordid"].isdigit()
    state.set_options(state.options.updated({"dateOrder": "DMY", "gridCounter": True}))
    served = state.row("RIO", "PFA-000001")
    assert served is not None
    assert served["pfs_f_startdate"] == "13/06/2024"
    assert served["recordid"] == stored["recordid"]
    assert served == state.records("RIO")[0]


def test_put_takes_user_formats_and_keeps_unknown_forms(state: SimulatorState) -> None:
    state.put_rows("RIO", [{"pfs_id": "PFA-000001", "recordid": "9", "pfs_f_enddate": "7/4/2026",
                            "pfs_f_rental": "1,250.5", "pfs_f_discontinued": "Yes",
                            "pfs_lastmodified": "11/25/2025 10:00"}])  # fmt: skip
    row = state.stored("RIO", "PFA-000001")
    assert row is not None
    assert (row["recordid"], row["pfs_lastmodified"]) == ("9", "2025-11-25T10:00:00.000Z")
    assert (row["pfs_f_enddate"], row["pfs_f_rental"], row["pfs_f_discontinued"]) == (
        "2026-07-04", "1250.50", "-1",
    )  # fmt: skip
    state.put_rows("RIO", [{"pfs_id": "PFA-000002", "pfs_lastmodified": "garbled",
                            "pfs_f_rental": "n/a"}])  # fmt: skip
    served = state.records("RIO")[1]
    assert (served["pfs_lastmodified"], served["pfs_f_rental"]) == ("garbled", "n/a")
    fresh = state.stamp()
    assert fresh > "2025-11-25T10:00:00.000Z"
    assert state.stamp() > fresh


def test_mutate_delete_drift_put_and_reset(state: SimulatorState) -> None:
    before = {r["pfs_id"]: r for r in state.stored_records("RIO")}
    served_before = state.records("RIO")
    changed = state.mutate("RIO", 5)
    assert len(changed) == 5
    for pfa_id in changed:
        after = state.stored("RIO", pfa_id)
        assert after is not None
        assert int(after["recordid"]) == int(before[pfa_id]["recordid"]) + 1
        assert after != before[pfa_id]
    assert state.delete("RIO", ["PFA-000003", "PFA-999999"]) == ["PFA-000003"]
    assert state.row("RIO", "PFA-000003") is None
    state.add_drift("pfs_new_column", "N")
    assert all(r["pfs_new_column"] == "N" for r in state.records("RIO"))
    assert state.put_rows("RIO", [{"pfs_id": "PFA-000000", "pfs_new_column": "Y"}]) == [
        "PFA-000000"
    ]
    assert state.records("RIO")[0]["pfs_new_column"] == "Y"
    state.set_options(TenantOptions(date_order="YMD"))
    state.reset()
    assert state.records("RIO") == served_before
    assert state.options == state.initial_options


def test_generate_splits_credentials_from_options() -> None:
    made = SimulatorState.generate(["RIO"], 1, 1, api_key="k", year_format="calendar")
    assert made.api_key == "k"
    assert made.options.year_format == "calendar"
    with pytest.raises(OptionsError, match="date_order must be one of"):
        TenantOptions(date_order="MYD")  # type: ignore[arg-type]
    with pytest.raises(OptionsError, match="unknown options"):
        TenantOptions().updated({"page_cap": 3})


def test_grid_refuses_what_a_tenant_refuses(state: SimulatorState) -> None:
    body = grid_body()
    body["GRID"]["GRID_NAME"] = "OTHER"
    with pytest.raises(SimError, match="Grid 'OTHER' does not exist"):
        answer_grid(state, body)
    with pytest.raises(SimError, match="not a column of the grid"):
        answer_grid(state, grid_body(0, 10, {"ALIAS_NAME": "recordid", "VALUE": "1"}))
    unknown = grid_body()
    unknown["MULTIADDON_FILTERS"]["MADDON_FILTER"][0]["VALUE"] = "NOPE"
    assert ids(orjson.loads(answer_grid(state, unknown))["Result"]["ResultData"]) == []


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


def test_organizations_by_begins_or_all_and_descending_order(state: SimulatorState) -> None:
    body: dict[str, Any] = {"GRID": {"GRID_NAME": "CUPFAG", "NUMBER_OF_ROWS_FIRST_RETURNED": 4}}

    def served(answer: bytes) -> list[tuple[str, str]]:
        records = orjson.loads(answer)["Result"]["ResultData"]["DATARECORD"]
        return [(r["DATAFIELD"][0]["FIELDVALUE"], r["DATAFIELD"][1]["FIELDVALUE"])
                for r in records]  # fmt: skip

    assert served(answer_grid(state, body)) == [
        ("PFA-000001", "HOLNG"), ("PFA-000001", "RIO"), ("PFA-000002", "HOLNG"),
        ("PFA-000002", "RIO"),
    ]  # fmt: skip
    begins = {**body, "ADDON_FILTER": {"ALIAS_NAME": "pfs_a_org", "OPERATOR": "BEGINS",
                                       "VALUE": "ri"}}  # fmt: skip
    assert served(answer_grid(state, begins)) == [(f"PFA-00000{n}", "RIO") for n in range(1, 5)]
    descending = {**begins, "ADDON_SORT": {"ALIAS_NAME": "pfs_id", "TYPE": "DESC"}}
    assert [i for i, _ in served(answer_grid(state, descending))] == [
        "PFA-000025", "PFA-000024", "PFA-000023", "PFA-000022",
    ]  # fmt: skip
    descending["GRID"] = {**body["GRID"], "CURSOR_POSITION": 25}
    assert served(answer_grid(state, descending)) == [("PFA-000001", "RIO")]


@pytest.mark.parametrize("lookalike", ["١٠", "１０", "1０"])
def test_grid_refuses_lookalike_digits_in_a_cursor(state: SimulatorState, lookalike: str) -> None:
    body = grid_body()
    body["GRID"]["CURSOR_POSITION"] = lookalike
    with pytest.raises(SimError, match="CURSOR_POSITION must be an integer"):
        answer_grid(state, body)
    body["GRID"]["CURSOR_POSITION"] = "10"
    assert answer_grid(state, body)
