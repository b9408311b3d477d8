"""The `/_sim` control routes over HTTP, and `pfa pems-sim` as a process (raw HTTP calls, so
these tests don't depend on the connector)."""

from __future__ import annotations

import asyncio
import socket
import sys
from pathlib import Path
from typing import Any

import httpx

from pfa_vanguard.pems.simulator import RunningSimulator, start_simulator


async def control(sim: RunningSimulator, route: str, body: dict[str, Any] | None = None) -> Any:
    """Call a `/_sim` control route; returns the JSON answer (asserting 200)."""
    async with httpx.AsyncClient(base_url=sim.control_url) as http:
        if body is None:
            response = await http.get(f"/_sim/{route}")
        else:
            response = await http.post(f"/_sim/{route}", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def _keys(org: str, pfa_id: str) -> list[dict[str, Any]]:
    return [
        {"USERDEFINEDSCREENFIELDNAME": name, "USERDEFINEDSCREENFIELDVALUE": {"TEXTDATA": value}}
        for name, value in (("PFS_ID", pfa_id), ("PFS_A_ORG", org))
    ]


async def get_then_update(http: httpx.AsyncClient, org: str, pfa_id: str, *, header: str = "*",
                          **changes: dict[str, Any]) -> httpx.Response:  # fmt: skip
    """The tenant's write: GET the record, then UPDATE with its recordid and the whole row."""
    screen = {"USERDEFINEDSCREENNAME": "CUPFA2", "USERDEFINEDSERVICEACTION": "GET",
              "USERDEFINEDSCREENFIELDVALUELIST": {"USERDEFINEDSCREENFIELDVALUEPAIR":
                                                  _keys(org, pfa_id)}}  # fmt: skip
    url, headers = "/axis/restservices/userdefinedscreenservices", {"organization": header}
    got = await http.post(url, json=screen, headers=headers)
    assert got.status_code == 200, got.text
    service = got.json()["Result"]["ResultData"]["UserDefinedScreenService"]
    pairs = service["USERDEFINEDSCREENFIELDVALUELIST"]["USERDEFINEDSCREENFIELDVALUEPAIR"]
    for pair in pairs:
        pair["USERDEFINEDSCREENFIELDVALUE"] = changes.get(
            pair["USERDEFINEDSCREENFIELDNAME"], pair["USERDEFINEDSCREENFIELDVALUE"]
        )
    update = {
        **screen,
        "USERDEFINEDSERVICEACTION": "UPDATE",
        "recordid": service["recordid"],
        "USERDEFINEDSCREENFIELDVALUELIST": {"USERDEFINEDSCREENFIELDVALUEPAIR": pairs},
    }
    return await http.post(url, json=update, headers=headers)


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
    async with httpx.AsyncClient(base_url=sim.control_url) as http:
        for pfa_id in ("PFA-000020", "PFA-000010"):
            answer = await get_then_update(http, "HOLNG", pfa_id,
                                           PFS_F_DOR={"TEXTDATA": "BEO"})  # fmt: skip
            assert answer.status_code == 200, answer.text
    writes = (await control(sim, "writes"))["writes"]
    assert [(w["seq"], w["org"], w["pfaId"]) for w in writes] == [
        (1, "HOLNG", "PFA-000020"),
        (2, "HOLNG", "PFA-000010"),
    ]
    assert writes[0]["values"]["pfs_f_dor"] == "BEO"
    assert set(writes[0]) == {"seq", "org", "pfaId", "recordid", "newRecordid", "receivedAt",
                              "fields", "values", "changed"}  # fmt: skip
    assert (await control(sim, "writes?org=RIO"))["writes"] == []


async def test_options_and_config_routes_change_the_tenant(sim: RunningSimulator) -> None:
    options = await control(sim, "options", {})
    assert options == {
        "yearFormat": "epoch-ms",
        "dateOrder": "MDY",
        "pageCap": 5000,
        "gridCounter": False,
        "filterFormat": "user",
        "apiOrganization": "*",
        "confirmationAlert": None,
        "cursorEnd": "null",
        "sendCount": True,
        "numericValue": "unscaled",
    }
    changed = await control(sim, "options", {"apiOrganization": "EAM1", "gridCounter": True})
    assert (changed["apiOrganization"], changed["gridCounter"]) == ("EAM1", True)
    assert await control(sim, "config", {"maxPageSize": 7, "cursorEnd": "same"}) == {
        "cursorEnd": "same", "sendCount": True, "maxPageSize": 7}  # fmt: skip
    assert (await control(sim, "options", {}))["pageCap"] == 7
    async with httpx.AsyncClient(base_url=sim.control_url) as http:
        refused = await get_then_update(http, "RIO", "PFA-000001", header="EAM1",
                                        PFS_F_SOURCE={"TEXTDATA": "Lease"})  # fmt: skip
        assert refused.status_code == 400
        assert "not one of RENTAL, PURCHASE" in refused.json()["ErrorAlert"][0]["Message"]
        body = {"GRID": {"GRID_NAME": "CUPFAG"}}
        wrong = await http.post("/axis/restservices/grids", json=body,
                                headers={"organization": "*"})  # fmt: skip
        assert wrong.status_code == 400
        assert wrong.json()["ErrorAlert"][0]["Name"] == "WSR-INVALID-ORGANIZATION"
        bad = await http.post("/_sim/options", json={"yearFormat": "julian"})
        assert bad.status_code == 400
        assert "year_format must be one of epoch-ms, calendar" in bad.json()["error"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def test_pfa_pems_sim_serves_grid_and_write_calls_with_its_options() -> None:
    port = _free_port()
    pfa = Path(sys.executable).with_name("pfa")
    process = await asyncio.create_subprocess_exec(
        str(pfa), "pems-sim", "--port", str(port), "--orgs", "2", "--records", "300",
        "--date-order", "DMY", "--grid-counter", "--page-cap", "120",
        "--api-organization", "EAM1",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    grid = {
        "GRID": {"GRID_NAME": "CUPFAG", "NUMBER_OF_ROWS_FIRST_RETURNED": 10000},
        "MULTIADDON_FILTERS": {
            "MADDON_FILTER": [
                {"SEQNUM": 1, "ALIAS_NAME": "pfs_a_org", "OPERATOR": "=", "VALUE": "PORTARTHUR"}
            ]
        },
    }
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            for _ in range(300):
                try:
                    page = await http.post("/axis/restservices/grids", json=grid,
                                           headers={"organization": "EAM1"})  # fmt: skip
                    break
                except httpx.TransportError:
                    assert process.returncode is None, "pfa pems-sim exited"
                    await asyncio.sleep(0.1)
            else:
                raise AssertionError("pfa pems-sim did not answer")
            assert page.status_code == 200, page.text
            result = page.json()["Result"]["ResultData"]
            assert result["NEXTCURSORPOSITION"] == 121
            first = {f["FIELDNAME"]: f["FIELDVALUE"] for f in result["DATARECORD"][0]["DATAFIELD"]}
            assert first["recordid"].isdigit()
            assert first["pfs_p_startdate"][2] == "/"  # DD/MM/YYYY
            written = await get_then_update(http, "PORTARTHUR", first["pfs_id"], header="EAM1",
                                            PFS_FT={"TEXTDATA": "true"})  # fmt: skip
            assert written.status_code == 200, written.text
    finally:
        process.terminate()
        raw, _ = await asyncio.wait_for(process.communicate(), 20)
    output = raw.decode()
    assert "generated 2 x 300 records (RIO, PORTARTHUR)" in output
    assert f"http://127.0.0.1:{port}/axis/restservices" in output
    assert "dates DMY, page cap 120, recordid column yes" in output


def _version_sum(sim: RunningSimulator) -> int:
    return sum(int(row["recordid"]) for row in sim.state.stored_records("HOLNG"))


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


def test_start_simulator_takes_tenant_options_and_credentials() -> None:
    with start_simulator(("RIO",), records=3, api_key="k", year_format="calendar",
                         date_order="DMY") as running:  # fmt: skip
        assert running.state.api_key == "k"
        assert (running.state.options.year_format, running.state.options.date_order) == (
            "calendar", "DMY",
        )  # fmt: skip
        headers = {"organization": "*", "x-api-key": "k"}
        answer = httpx.post(f"{running.url}/grids", json={"GRID": {"GRID_NAME": "CUPFAG"}},
                            headers=headers)  # fmt: skip
        assert answer.status_code == 200
        fields = answer.json()["Result"]["ResultData"]["DATARECORD"][0]["DATAFIELD"]
        assert (
            next(f for f in fields if f["FIELDNAME"] == "pfs_p_startdate")["FIELDVALUE"][2] == "/"
        )
