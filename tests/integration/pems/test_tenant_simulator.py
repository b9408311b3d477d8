"""The simulator against the contract fixtures (tests/fixtures/pems/), over HTTP with raw
requests: every request fixture is accepted or refused as the fixture says, and the answer
has the fixture's shape and values. Then hostile bodies: always a 400 with an ErrorAlert."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pfa_vanguard.pems.simulator import RunningSimulator, start_simulator

FIXTURES = Path(__file__).parents[2] / "fixtures" / "pems"
NAMES = sorted(path.stem for path in FIXTURES.glob("*.json"))


def load(name: str) -> dict[str, Any]:
    fixture: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    return fixture


@pytest.fixture(scope="module")
def sim() -> Iterator[RunningSimulator]:
    """This module's own simulator in its tenant-default options (reset before every test)."""
    with start_simulator(("RIO", "HOLNG"), records=60, seed=11) as running:
        yield running


@pytest.fixture
def http(sim: RunningSimulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sim.control_url, timeout=10) as client:
        yield client


def post(http: httpx.Client, service: str, body: object, organization: str = "*",
         raw: bytes | None = None) -> httpx.Response:  # fmt: skip
    content = raw if raw is not None else json.dumps(body).encode()
    headers = {"organization": organization, "tenant": "T1", "content-type": "application/json"}
    return http.post(f"/axis/restservices/{service}", content=content, headers=headers)


def same_shape(expected: Any, actual: Any, path: str, vary: set[str]) -> None:
    """`actual` equals `expected`, except at the `vary` paths where only keys and types must
    match (values that depend on the moment, or messages worded by the simulator)."""
    if path in vary:
        assert type(actual) is type(expected), f"{path}: {actual!r} vs {expected!r}"
        if isinstance(expected, dict):
            assert list(actual) == list(expected), path
            for key, value in expected.items():
                assert type(actual[key]) is type(value), f"{path}.{key}"
        return
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{path}: {actual!r}"
        assert list(actual) == list(expected), f"{path}: keys {list(actual)}"
        for key, value in expected.items():
            same_shape(value, actual[key], f"{path}.{key}".lstrip("."), vary)
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{path}: {actual!r}"
        assert len(actual) == len(expected), f"{path}: {len(actual)} items"
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            same_shape(want, got, f"{path}.{index}".lstrip("."), vary)
    else:
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"
        assert type(actual) is type(expected), f"{path}: type"


@pytest.mark.parametrize("name", NAMES)
def test_the_simulator_answers_every_fixture_as_the_tenant(
    sim: RunningSimulator, http: httpx.Client, name: str
) -> None:
    fixture = load(name)
    assert isinstance(fixture["rule"], str)
    assert fixture["rule"]
    if "options" in fixture:
        assert http.post("/_sim/options", json=fixture["options"]).status_code == 200
    if "setup" in fixture:
        assert http.post("/_sim/put", json=fixture["setup"]).status_code == 200
    before = len(sim.state.writes_for())
    headers = fixture.get("headers", {})
    answer = post(http, fixture["service"], fixture["request"], headers.get("organization", "*"))
    assert answer.status_code == fixture["status"], answer.text
    same_shape(fixture["answer"], answer.json(), "", set(fixture.get("vary", [])))
    if "messageContains" in fixture:
        assert fixture["messageContains"] in answer.json()["ErrorAlert"][0]["Message"]
    if fixture["status"] != 200:
        assert len(sim.state.writes_for()) == before, "a refused request changed nothing"
    request = fixture["request"]
    if "stored" in fixture:
        pairs = request["USERDEFINEDSCREENFIELDVALUELIST"]["USERDEFINEDSCREENFIELDVALUEPAIR"]
        keys = {p["USERDEFINEDSCREENFIELDNAME"]: p["USERDEFINEDSCREENFIELDVALUE"] for p in pairs}
        stored = sim.state.stored(keys["PFS_A_ORG"]["TEXTDATA"], keys["PFS_ID"]["TEXTDATA"])
        assert stored is not None
        assert {alias: stored[alias] for alias in fixture["stored"]} == fixture["stored"]


def test_the_echo_of_an_update_is_what_get_returns_next(http: httpx.Client) -> None:
    fixture = load("screen-update-request-full-row")
    http.post("/_sim/put", json=fixture["setup"])
    echo = post(http, "userdefinedscreenservices", fixture["request"]).json()
    get = post(http, "userdefinedscreenservices", load("screen-get-request")["request"]).json()
    service = get["Result"]["ResultData"]["UserDefinedScreenService"]
    service["USERDEFINEDSERVICEACTION"] = "UPDATE"
    assert echo["Result"]["ResultData"]["UserDefinedScreenService"] == service
    again = post(http, "userdefinedscreenservices", fixture["request"])  # the old recordid
    assert again.status_code == 400
    assert "modified by another user" in again.json()["ErrorAlert"][0]["Message"]


def test_the_write_log_keeps_received_containers_canonical_values_and_changes(
    sim: RunningSimulator, http: httpx.Client
) -> None:
    fixture = load("screen-update-request-full-row")
    http.post("/_sim/put", json=fixture["setup"])
    assert post(http, "userdefinedscreenservices", fixture["request"]).status_code == 200
    [logged] = http.get("/_sim/writes", params={"org": "RIO"}).json()["writes"]
    assert (logged["org"], logged["pfaId"], logged["recordid"], logged["newRecordid"]) == (
        "RIO", "PFA-000001", 17, 18,
    )  # fmt: skip
    assert logged["fields"]["PFS_F_RENTAL"] == {"NUMERICDATA": {
        "VALUE": 1300000, "NUMOFDEC": 2, "SIGN": "+", "CURRENCY": "USD", "DRCR": "D",
        "qualifier": "OTHER"}}  # fmt: skip
    assert logged["values"]["pfs_f_rental"] == "13000.00"
    assert logged["values"]["pfs_f_startdate"] == "2025-04-01"
    assert len(logged["values"]) == 24
    assert sorted(logged["changed"]) == ["pfs_f_enddate", "pfs_f_rental", "pfs_f_startdate"]


def test_options_route_sets_and_reset_restores_the_tenant(http: httpx.Client) -> None:
    answer = http.post("/_sim/options", json={"dateOrder": "YMD", "pageCap": 7})
    assert answer.status_code == 200
    assert answer.json()["dateOrder"] == "YMD"
    assert answer.json()["pageCap"] == 7
    for bad in ({"dateOrder": "XYZ"}, {"pageCap": 0}, {"pageCap": "7"}, {"nope": 1},
                {"gridCounter": "yes"}, {"apiOrganization": ""}):  # fmt: skip
        refused = http.post("/_sim/options", json=bad)
        assert refused.status_code == 400, bad
        assert "error" in refused.json()
    grid = load("grid-answer-mdy")
    http.post("/_sim/put", json=grid["setup"])
    row = post(http, "grids", grid["request"]).json()["Result"]["ResultData"]["DATARECORD"][0]
    values = {f["FIELDNAME"]: f["FIELDVALUE"] for f in row["DATAFIELD"]}
    assert values["pfs_f_startdate"] == "2025-03-15"
    assert values["pfs_lastmodified"] == "2025-11-25 10:04"
    assert http.post("/_sim/reset").json() == {"reset": True}
    assert http.post("/_sim/options", json={}).json()["dateOrder"] == "MDY"


def _pair(name: object, value: object) -> dict[str, object]:
    return {"USERDEFINEDSCREENFIELDNAME": name, "USERDEFINEDSCREENFIELDVALUE": value}


KEYS = [_pair("PFS_ID", {"TEXTDATA": "PFA-000001"}), _pair("PFS_A_ORG", {"TEXTDATA": "RIO"})]


def _screen(action: object = "UPDATE", pairs: object = None, **extra: object) -> dict[str, Any]:
    body: dict[str, Any] = {"USERDEFINEDSCREENNAME": "CUPFA2", "USERDEFINEDSERVICEACTION": action,
                            "recordid": 1}  # fmt: skip
    body["USERDEFINEDSCREENFIELDVALUELIST"] = {"USERDEFINEDSCREENFIELDVALUEPAIR": pairs or KEYS}
    body.update(extra)
    return body


GRID = {"GRID": {"GRID_NAME": "CUPFAG"}}
HOSTILE_VALUES: list[object] = [
    None,
    True,
    0,
    -1,
    2**63 - 1,
    2**64 - 1,
    10**30,
    -(10**25),
    1.5,
    "",
    "x" * 5000,
    [],
    [1, [2]],
    {},
    {"a": None},
    "NaN",
]
HOSTILE: list[tuple[str, object]] = [
    ("grids", []), ("grids", "text"), ("grids", None), ("grids", {}),
    ("userdefinedscreenservices", []), ("userdefinedscreenservices", {}),
    ("userdefinedscreenservices", _screen(pairs={"USERDEFINEDSCREENFIELDNAME": None})),
    ("userdefinedscreenservices", _screen(action="DELETE")),
    ("userdefinedscreenservices", _screen(USERDEFINEDSCREENFIELDVALUELIST=[])),
    ("userdefinedscreenservices", _screen(recordid="1.5")),
    ("userdefinedscreenservices", _screen(recordid="9" * 40)),
    ("userdefinedscreenservices", _screen(pairs=[*KEYS, *KEYS])),
    ("userdefinedscreenservices", _screen(pairs=[*KEYS, _pair("NOPE", {"TEXTDATA": ""})])),
    ("userdefinedscreenservices", _screen(pairs=[*KEYS, _pair("PFS_F_DOR", {"TEXTDATA": "X"})])),
    ("userdefinedscreenservices", _screen(pairs=[*KEYS, _pair("PFS_F_RENTAL", {"TEXTDATA": "1"})])),
    ("userdefinedscreenservices", _screen(pairs=[*KEYS, _pair("PFS_F_RENTAL", {"NUMERICDATA": {
        "VALUE": 10**30, "NUMOFDEC": 2, "SIGN": "+", "CURRENCY": "USD", "DRCR": "D"}})])),
    ("userdefinedscreenservices", _screen(pairs=[*KEYS, _pair("PFS_F_STARTDATE", {"DATETIMEDATA": {
        "YEAR": 10**18, "MONTH": 2, "DAY": 30, "HOUR": 0, "MINUTE": 0, "SECOND": 0,
        "SUBSECOND": 0, "TIMEZONE": "+0000"}})])),
    ("userdefinedscreenservices", _screen(pairs=[*KEYS, _pair("PFS_F_STARTDATE", {"DATETIMEDATA": {
        "YEAR": 1735776000000, "MONTH": 2, "DAY": 30, "HOUR": 0, "MINUTE": 0, "SECOND": 0,
        "SUBSECOND": 0, "TIMEZONE": "+0000"}})])),
    ("userdefinedscreenservices", _screen(pairs=[*KEYS, _pair("PFS_F_STARTDATE", {"DATETIMEDATA": {
        "YEAR": 1735776000000, "MONTH": 2, "DAY": 3, "HOUR": 0, "MINUTE": 0, "SECOND": 0,
        "SUBSECOND": 0, "TIMEZONE": "Europe/Paris"}})])),
    ("grids", {"GRID": {"GRID_NAME": "CUPFAG", "NUMBER_OF_ROWS_FIRST_RETURNED": "9" * 5000}}),
    ("grids", {**GRID, "MULTIADDON_FILTERS": {"MADDON_FILTER": [
        {"ALIAS_NAME": "pfs_id", "OPERATOR": "=", "VALUE": "A", "LPAREN": True}] * 99}}),
    ("grids", {**GRID, "MULTIADDON_FILTERS": {"MADDON_FILTER": [
        {"ALIAS_NAME": "pfs_id", "OPERATOR": "=", "VALUE": "A", "RPAREN": True}]}}),
    ("grids", {**GRID, "MULTIADDON_FILTERS": {"MADDON_FILTER": [
        {"ALIAS_NAME": "pfs_f_rental", "OPERATOR": ">", "VALUE": "lots"}]}}),
    ("grids", {**GRID, "MULTIADDON_FILTERS": {"MADDON_FILTER": [
        {"ALIAS_NAME": "pfs_f_startdate", "OPERATOR": "IN", "VALUE": ",,"}]}}),
    ("grids", {**GRID, "ADDON_FILTER": {"ALIAS_NAME": "pfs_id", "OPERATOR": "LIKE", "VALUE": "A"}}),
    ("grids", {**GRID, "ADDON_FILTER": {"ALIAS_NAME": "pfs_id", "OPERATOR": "=", "VALUE": "A",
                                        "JOINER": "XOR", "SEQNUM": 1}, "MULTIADDON_FILTERS": {}}),
]  # fmt: skip


def _grid_variants() -> Iterator[object]:
    """Grid bodies with each place that takes an object or a value given each hostile value."""
    for value in HOSTILE_VALUES:
        yield {"GRID": value}
        yield {"GRID": {"GRID_NAME": "CUPFAG", "NUMBER_OF_ROWS_FIRST_RETURNED": value}}
        yield {"GRID": {"GRID_NAME": "CUPFAG", "CURSOR_POSITION": value, "WSGRIDSZ_OVERRIDE": 1}}
        yield {**GRID, "ADDON_SORT": value}
        yield {**GRID, "ADDON_SORT": {"ALIAS_NAME": "pfs_id", "TYPE": value}}
        yield {**GRID, "GRID_TYPE": value, "REQUEST_TYPE": value}
        yield {**GRID, "MULTIADDON_FILTERS": value}
        yield {**GRID, "MULTIADDON_FILTERS": {"MADDON_FILTER": value}}
        yield {**GRID, "MULTIADDON_FILTERS": {"MADDON_FILTER": [value]}}
        yield {**GRID, "ADDON_FILTER": value}
        for key in ("SEQNUM", "ALIAS_NAME", "OPERATOR", "VALUE", "JOINER", "LPAREN", "RPAREN"):
            entry = {"SEQNUM": 1, "ALIAS_NAME": "pfs_f_startdate", "OPERATOR": ">", "VALUE": "x"}
            yield {**GRID, "ADDON_FILTER": {**entry, key: value}}


def _screen_variants() -> Iterator[object]:
    for value in HOSTILE_VALUES:
        yield _screen(action=value)
        yield {**_screen(), "USERDEFINEDSCREENNAME": value}
        yield _screen(recordid=value)
        yield _screen(USERDEFINEDSCREENFIELDVALUELIST=value)
        yield _screen(pairs=[value])
        yield _screen(pairs=[*KEYS, _pair(value, {"TEXTDATA": "x"})])
        yield _screen(pairs=[_pair("PFS_ID", value), KEYS[1]])
        for name in ("PFS_F_DOR", "PFA_DIS", "PFS_F_RENTAL", "PFS_F_STARTDATE", "PFS_P_ENDDATE"):
            yield _screen(pairs=[*KEYS, _pair(name, value)])
            for container in ("TEXTDATA", "NUMERICDATA", "DATETIMEDATA"):
                yield _screen(pairs=[*KEYS, _pair(name, {container: value})])
        for part in ("YEAR", "MONTH", "DAY", "HOUR", "SUBSECOND", "TIMEZONE"):
            date = {"YEAR": 1735776000000, "MONTH": 2, "DAY": 3, "HOUR": 0, "MINUTE": 0,
                    "SECOND": 0, "SUBSECOND": 0, "TIMEZONE": "+0000", part: value}  # fmt: skip
            yield _screen(pairs=[*KEYS, _pair("PFS_F_STARTDATE", {"DATETIMEDATA": date})])
        for part in ("VALUE", "NUMOFDEC", "SIGN", "CURRENCY", "DRCR"):
            number = {"VALUE": 1, "NUMOFDEC": 2, "SIGN": "+", "CURRENCY": "USD", "DRCR": "D",
                      part: value}  # fmt: skip
            yield _screen(pairs=[*KEYS, _pair("PFS_F_RENTAL", {"NUMERICDATA": number})])


def test_hostile_bodies_get_a_400_with_an_error_alert_never_a_500(
    sim: RunningSimulator, http: httpx.Client
) -> None:
    cases = [*HOSTILE, *(("grids", b) for b in _grid_variants()),
             *(("userdefinedscreenservices", b) for b in _screen_variants())]  # fmt: skip
    raw = [b"", b"{", b"\xff\xfe", b"[" * 5000, b'{"GRID": 1e999}', b'{"recordid": 1' + b"0" * 40]
    accepted = 0
    for service in ("grids", "userdefinedscreenservices"):
        for text in raw:
            answer = post(http, service, None, raw=text)
            assert answer.status_code == 400, (service, text[:40], answer.text)
            assert answer.json()["ErrorAlert"][0]["Message"]
    for service, body in cases:
        answer = post(http, service, body)
        assert answer.status_code in (200, 400), (service, body, answer.text)
        if answer.status_code == 200:
            accepted += 1  # a hostile value in a place the tenant ignores is no error
            continue
        alert = answer.json()["ErrorAlert"]
        assert isinstance(alert, list), body
        assert isinstance(alert[0]["Message"], str), body
    assert sim.state.writes_for() == []
    assert accepted < len(cases) / 4
