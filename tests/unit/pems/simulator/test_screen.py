"""The screen service: GET, the full UPDATE guarded by recordid, and what it refuses."""

from __future__ import annotations

from typing import Any

import pytest

from pfa_vanguard.pems.simulator.options import TenantOptions
from pfa_vanguard.pems.simulator.screen import Confirmation, answer_screen
from pfa_vanguard.pems.simulator.state import SimError, SimulatorState


@pytest.fixture
def state() -> SimulatorState:
    return SimulatorState.generate(["RIO"], 5, seed=3)


def body(action: str, pairs: list[dict[str, Any]], recordid: object = None) -> dict[str, Any]:
    sent: dict[str, Any] = {"USERDEFINEDSCREENNAME": "CUPFA2", "USERDEFINEDSERVICEACTION": action}
    if recordid is not None:
        sent["recordid"] = recordid
    sent["USERDEFINEDSCREENFIELDVALUELIST"] = {"USERDEFINEDSCREENFIELDVALUEPAIR": pairs}
    return sent


KEYS = [
    {"USERDEFINEDSCREENFIELDNAME": "PFS_ID",
     "USERDEFINEDSCREENFIELDVALUE": {"TEXTDATA": "PFA-000002"}},
    {"USERDEFINEDSCREENFIELDNAME": "PFS_A_ORG", "USERDEFINEDSCREENFIELDVALUE": {"TEXTDATA": "RIO"}},
]  # fmt: skip


def get(state: SimulatorState) -> dict[str, Any]:
    service: dict[str, Any] = answer_screen(state, body("GET", KEYS))["Result"]["ResultData"][
        "UserDefinedScreenService"
    ]
    return service


def pairs_of(service: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = service["USERDEFINEDSCREENFIELDVALUELIST"][
        "USERDEFINEDSCREENFIELDVALUEPAIR"
    ]
    return found


def replaced(pairs: list[dict[str, Any]], **values: Any) -> list[dict[str, Any]]:
    return [
        {**p, "USERDEFINEDSCREENFIELDVALUE": values[p["USERDEFINEDSCREENFIELDNAME"]]}
        if p["USERDEFINEDSCREENFIELDNAME"] in values
        else p
        for p in pairs
    ]


def test_get_then_full_update_with_the_whole_row_changes_only_what_changed(
    state: SimulatorState,
) -> None:
    before = state.stored("RIO", "PFA-000002")
    assert before is not None
    service = get(state)
    assert service["recordid"] == int(before["recordid"])
    assert len(pairs_of(service)) == 24
    sent = replaced(pairs_of(service), PFS_F_DOR={"TEXTDATA": "beo"}, PFS_FT={"TEXTDATA": "TRUE"})
    echo = answer_screen(state, body("UPDATE", sent, service["recordid"]))
    echoed = echo["Result"]["ResultData"]["UserDefinedScreenService"]
    after = state.stored("RIO", "PFA-000002")
    assert after is not None
    assert (after["pfs_f_dor"], after["pfs_f_fundstrans"]) == ("BEO", "-1")
    assert {k: v for k, v in after.items() if k not in ("pfs_f_dor", "pfs_f_fundstrans",
            "recordid", "pfs_lastmodified")} == {k: v for k, v in before.items() if k not in (
            "pfs_f_dor", "pfs_f_fundstrans", "recordid", "pfs_lastmodified")}  # fmt: skip
    assert int(after["recordid"]) == int(before["recordid"]) + 1
    assert after["pfs_lastmodified"] > before["pfs_lastmodified"]
    assert echoed == {**get(state), "USERDEFINEDSERVICEACTION": "UPDATE"}
    [logged] = state.writes_for()
    assert sorted(logged["changed"]) == (
        ["pfs_f_fundstrans"] if before["pfs_f_dor"] == "BEO" else ["pfs_f_dor", "pfs_f_fundstrans"]
    )


def test_an_update_without_changes_still_raises_the_counter(state: SimulatorState) -> None:
    service = get(state)
    answer_screen(state, body("UPDATE", pairs_of(service), str(service["recordid"])))
    assert get(state)["recordid"] == service["recordid"] + 1
    assert state.writes_for()[0]["changed"] == []


def test_stale_recordid_and_missing_record(state: SimulatorState) -> None:
    service = get(state)
    answer_screen(state, body("UPDATE", pairs_of(service), service["recordid"]))
    with pytest.raises(SimError, match=r"modified by another user\. Reload the record"):
        answer_screen(state, body("UPDATE", pairs_of(service), service["recordid"]))
    missing = replaced(KEYS, PFS_ID={"TEXTDATA": "PFA-999999"})
    with pytest.raises(SimError, match="does not exist"):
        answer_screen(state, body("GET", missing))
    with pytest.raises(SimError, match="does not exist"):
        answer_screen(state, body("UPDATE", missing, 1))
    assert len(state.writes_for()) == 1


def test_confirmation_alert_changes_nothing(state: SimulatorState) -> None:
    state.set_options(TenantOptions(confirmation_alert="Continue?"))
    service = get(state)
    with pytest.raises(Confirmation, match="Continue"):
        answer_screen(state, body("UPDATE", pairs_of(service), service["recordid"]))
    assert get(state)["recordid"] == service["recordid"]
    assert state.writes_for() == []


def test_protected_plan_dates_accepted_unchanged_refused_changed(state: SimulatorState) -> None:
    service = get(state)
    pairs = pairs_of(service)
    moved = replaced(pairs, PFS_P_ENDDATE={"DATETIMEDATA": None})
    with pytest.raises(SimError, match="PFS_P_ENDDATE is protected"):
        answer_screen(state, body("UPDATE", moved, service["recordid"]))
    without = [p for p in pairs if not p["USERDEFINEDSCREENFIELDNAME"].startswith("PFS_P_")
               or p["USERDEFINEDSCREENFIELDNAME"] == "PFS_P_PROJCODE"]  # fmt: skip
    answer_screen(state, body("UPDATE", without, service["recordid"]))
    after = state.stored("RIO", "PFA-000002")
    assert after is not None
    assert after["pfs_p_startdate"] != ""


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PFS_F_STARTDATE", {"TEXTDATA": "2025-01-01"}, "expects DATETIMEDATA"),
        ("PFS_F_RENTAL", {"TEXTDATA": "12"}, "expects NUMERICDATA"),
        ("PFS_F_RENTAL", {"NUMERICDATA": {"VALUE": 1, "NUMOFDEC": 0}}, "lacks SIGN"),
        ("PFA_DIS", {"TEXTDATA": "-1"}, "takes 'true' or 'false'"),
        ("PFS_F_DOR", {"TEXTDATA": "NOBODY"}, "not one of BEO, PROJECT"),
        ("PFS_F_SOURCE", {"TEXTDATA": "Lease"}, "not one of RENTAL, PURCHASE"),
        ("PFS_NOPE", {"TEXTDATA": "x"}, "not on screen CUPFA2"),
        ("PFS_ID", {"TEXTDATA": "PFA-000002"}, "sent twice"),
        ("DESCRIPTION", {"TEXTDATA": "x", "NUMERICDATA": None}, "expects TEXTDATA"),
    ],
)
def test_update_refuses_wrong_fields_and_values(
    state: SimulatorState, name: str, value: dict[str, Any], message: str
) -> None:
    pair = {"USERDEFINEDSCREENFIELDNAME": name, "USERDEFINEDSCREENFIELDVALUE": value}
    with pytest.raises(SimError, match=message):
        answer_screen(state, body("UPDATE", [*KEYS, pair], get(state)["recordid"]))
    assert state.writes_for() == []


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        (body("DELETE", KEYS), "not allowed on CUPFA2"),
        (body("UPDATE", KEYS, 1.5), "recordid must be a non-negative integer"),
        (body("UPDATE", KEYS, True), "recordid must be"),
        (body("UPDATE", KEYS[:1], 1), "PFS_ID and PFS_A_ORG"),
        ({**body("GET", KEYS), "USERDEFINEDSCREENNAME": "OTHER"}, "Screen 'OTHER' does not exist"),
    ],
)
def test_requests_a_tenant_refuses(state: SimulatorState, sent: dict[str, Any], message: str
                                   ) -> None:  # fmt: skip
    with pytest.raises(SimError, match=message):
        answer_screen(state, sent)
