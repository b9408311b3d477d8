"""The connector against the tenant's contract fixtures (tests/fixtures/pems/, also replayed
against the simulator): it builds the same requests and understands the same answers, so the
client and the simulator cannot drift apart."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pfa_vanguard.pems.formats import TenantFormats, datetimedata, numericdata
from pfa_vanguard.pems.mapping import FieldMapping, load_mapping, map_pairs
from pfa_vanguard.pems.screen import screen_record
from pfa_vanguard.pems.wire import (
    decode_grid_page,
    error_alerts,
    is_modified_by_another_user,
    is_record_missing,
    parse_grid_page,
    parse_screen_answer,
    screen_get_body,
    screen_update_body,
)

FIXTURES = Path(__file__).parents[2] / "fixtures" / "pems"
ALL = sorted(FIXTURES.glob("*.json"))
# PFA-000001 of RIO as the fixtures' setup holds it, in the product's terms.
RECORD_1 = {
    "pfaId": "PFA-000001",
    "organization": "RIO",
    "category": "Crane",
    "source": "Rental",
    "dor": "PROJECT",
    "isActualized": True,
    "isDiscontinued": False,
    "monthlyRate": 12500,
    "purchasePrice": None,
    "originalStart": "2025-03-01",
    "forecastStart": "2025-03-15",
    "forecastEnd": "2025-10-31",
    "actualEnd": None,
    "equipment": "CRN-48213",
}


def fixture(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))
    return document


def tenant(options: dict[str, Any] | None) -> FieldMapping:
    options = options or {}
    formats = TenantFormats(
        date_order=options.get("dateOrder", "MDY"),
        year_format=options.get("yearFormat", "epoch-ms"),
        filter_format=options.get("filterFormat", "user"),
    )
    mapping = load_mapping(formats=formats)
    if options.get("gridCounter"):
        mapping = dataclasses.replace(mapping, version_alias="recordid")
    return mapping


def pairs_of(body: dict[str, Any]) -> list[tuple[str, Any]]:
    items = body["USERDEFINEDSCREENFIELDVALUELIST"]["USERDEFINEDSCREENFIELDVALUEPAIR"]
    return [(i["USERDEFINEDSCREENFIELDNAME"], i["USERDEFINEDSCREENFIELDVALUE"]) for i in items]


def test_every_fixture_names_its_rule_and_service() -> None:
    assert len(ALL) >= 20
    for path in ALL:
        document = json.loads(path.read_text("utf-8"))
        assert document["rule"], path.name
        assert document["service"] in ("grids", "userdefinedscreenservices"), path.name


@pytest.mark.parametrize(
    "name", [p.stem for p in ALL if p.stem.startswith("grid-answer")] + ["grid-request-incremental"]
)
def test_every_grid_answer_is_understood(name: str) -> None:
    document = fixture(name)
    mapping = tenant(document.get("options"))
    page = parse_grid_page(document["answer"])
    assert page.records, name
    decoded = decode_grid_page(json.dumps(document["answer"]).encode())
    assert decoded.rows() == page.rows(), name
    assert (decoded.next_cursor, decoded.current_cursor) == (page.next_cursor, page.current_cursor)
    for row in page.rows():
        record = map_pairs(list(row.items()), mapping)
        assert record.problems == (), (name, record.problems)
        assert record.modified_at is not None
        if record.pfa_id == "PFA-000001":
            assert {k: record.data.get(k) for k in RECORD_1} == RECORD_1, name
            if mapping.version_alias:
                assert record.version == 17


def test_the_grid_answers_next_cursor_is_followed() -> None:
    first = parse_grid_page(fixture("grid-answer-page-cap")["answer"])
    last = parse_grid_page(fixture("grid-answer-page-cap-last")["answer"])
    assert first.next_cursor is not None
    assert len(first.records or ()) == 2
    assert (
        last.next_cursor is None
        or last.next_cursor <= (last.current_cursor or 0)
        or not (last.records)
    )


def test_the_screen_get_request_is_ours_and_its_answer_is_understood() -> None:
    mapping = load_mapping()
    assert screen_get_body(mapping, "RIO", "PFA-000001") == fixture("screen-get-request")["request"]
    answer = parse_screen_answer(fixture("screen-get-answer")["answer"])
    record = screen_record(answer, mapping, "PFA-000002")
    assert record.recordid == 3
    assert record.record.problems == ()
    assert record.record.data["organization"] == "RIO"
    assert {name for name, _ in record.pairs} >= {spec.screen for spec in mapping.fields}


def test_the_full_row_update_is_what_we_send() -> None:
    """The fixture's UPDATE carries the whole row with the forecast window and the rental rate
    changed: the connector's typed values for those changes are the fixture's, and the body it
    builds around the row is the fixture's body."""
    mapping = load_mapping()
    wanted = fixture("screen-update-request-full-row")
    sent = pairs_of(wanted["request"])
    assert {spec.screen for spec in mapping.fields} <= {name for name, _ in sent}
    formats = mapping.formats
    ours = {
        "PFS_F_STARTDATE": {"DATETIMEDATA": datetimedata(date(2025, 4, 1), formats)},
        "PFS_F_ENDDATE": {"DATETIMEDATA": datetimedata(date(2025, 11, 15), formats)},
        "PFS_F_RENTAL": {"NUMERICDATA": numericdata(numericdata_value(13000), formats)},
    }
    assert {name: value for name, value in sent if name in ours} == ours
    assert screen_update_body(mapping, 17, sent) == wanted["request"]
    echoed = fixture("screen-update-answer-echo")
    answer = parse_screen_answer(echoed["answer"])
    pfa_id = dict(answer.pairs)["PFS_ID"]["TEXTDATA"]
    echo = screen_record(answer, mapping, pfa_id)
    assert echo.recordid == echoed["request"]["recordid"] + 1
    assert echo.record.problems == ()


def numericdata_value(value: int) -> Any:
    from decimal import Decimal

    return Decimal(value).quantize(Decimal("0.01"))


@pytest.mark.parametrize(
    ("name", "field", "day"),
    [
        ("datetimedata-epoch-ms", "PFS_F_STARTDATE", None),
        ("datetimedata-calendar", "PFS_F_STARTDATE", None),
    ],
)
def test_our_datetimedata_is_the_fixtures(name: str, field: str, day: date | None) -> None:
    document = fixture(name)
    mapping = tenant(document.get("options"))
    sent = dict(pairs_of(document["request"]))[field]["DATETIMEDATA"]
    stored = document["stored"]["pfs_f_startdate"]
    formats = dataclasses.replace(mapping.formats, timezone=sent["TIMEZONE"])
    assert datetimedata(date.fromisoformat(stored), formats) == sent


def test_our_numericdata_is_the_fixtures() -> None:
    document = fixture("numericdata")
    mapping = load_mapping()
    for name, value in pairs_of(document["request"]):
        if "NUMERICDATA" in value and value["NUMERICDATA"] is not None:
            alias = mapping.by_screen[name].alias
            from decimal import Decimal

            number = Decimal(document["stored"][alias])
            sent = value["NUMERICDATA"]
            ours = numericdata(number.scaleb(0), mapping.formats)
            assert (
                ours["VALUE"] * 10 ** -ours["NUMOFDEC"] == sent["VALUE"] * 10 ** -sent["NUMOFDEC"]
            )
            assert {k: ours[k] for k in ("SIGN", "CURRENCY", "DRCR")} == {
                k: sent[k] for k in ("SIGN", "CURRENCY", "DRCR")
            }


@pytest.mark.parametrize(
    ("name", "stale", "missing"),
    [
        ("screen-update-stale-recordid", True, False),
        ("screen-update-missing-record", False, True),
        ("screen-update-confirmation-alert", False, False),
        ("screen-update-protected-field", False, False),
    ],
)
def test_refusals_are_told_apart(name: str, stale: bool, missing: bool) -> None:
    document = fixture(name)
    assert document["status"] == 400
    messages = error_alerts(document["answer"])
    assert messages, name
    assert is_modified_by_another_user(messages) is stale
    assert is_record_missing(messages) is missing
    if name == "screen-update-confirmation-alert":
        assert messages[0].startswith("confirmation needed: ")
