from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest

from pfa_vanguard.pems.formats import TenantFormats
from pfa_vanguard.pems.mapping import load_mapping
from pfa_vanguard.pems.wire import (
    GridPage,
    GridRecord,
    WireError,
    decode_grid_page,
    error_alerts,
    grid_body,
    is_modified_by_another_user,
    is_record_missing,
    parse_grid_page,
    parse_screen_answer,
    screen_get_body,
    screen_update_body,
)


def envelope(data: object) -> dict[str, object]:
    return {"ErrorAlert": [], "Result": {"ResultData": data}}


def field(name: str, value: object) -> dict[str, object]:
    return {"FIELDNAME": name, "FIELDVALUE": value, "DATATYPE": "VARCHAR"}


def test_grid_body_is_the_documented_request() -> None:
    body = grid_body(load_mapping(), "RIO", 10_000, 10_000)
    assert body == {
        "GRID": {
            "GRID_NAME": "CUPFAG",
            "NUMBER_OF_ROWS_FIRST_RETURNED": 10000,
            "CURSOR_POSITION": 10000,
            "WSGRIDSZ_OVERRIDE": 10000,
        },
        "GRID_TYPE": {"TYPE": "LIST"},
        "ADDON_SORT": {"ALIAS_NAME": "pfs_id", "TYPE": "ASC"},
        "MULTIADDON_FILTERS": {
            "MADDON_FILTER": [
                {
                    "ALIAS_NAME": "pfs_a_org",
                    "OPERATOR": "=",
                    "VALUE": "RIO",
                    "SEQNUM": 1,
                    "JOINER": "AND",
                },
            ]
        },
        "REQUEST_TYPE": "LIST.HEAD_DATA.STORED",
    }


def test_grid_body_changed_since_and_single_record_filters() -> None:
    since = datetime(2025, 11, 25, 11, 0, 59, 123456, tzinfo=timezone(timedelta(hours=1)))
    body = grid_body(load_mapping(), "RIO", 0, 10, changed_since=since, pfa_id="PFA-000007")
    filters = body["MULTIADDON_FILTERS"]["MADDON_FILTER"]
    assert filters[1] == {
        "ALIAS_NAME": "pfs_lastmodified",
        "OPERATOR": ">=",
        "VALUE": "11/25/2025 10:00",  # the user's format, truncated to the minute: wider
        "SEQNUM": 2,
        "JOINER": "AND",
    }
    assert filters[2]["ALIAS_NAME"] == "pfs_id"
    assert filters[2]["VALUE"] == "PFA-000007"


@pytest.mark.parametrize(
    ("formats", "value"),
    [
        (TenantFormats(date_order="DMY"), "25/11/2025 04:05"),
        (TenantFormats(date_order="YMD"), "2025-11-25 04:05"),
        (TenantFormats(filter_format="iso"), "2025-11-25 04:05"),
        (TenantFormats(filter_format="oracle"), "25-NOV-2025"),
        (TenantFormats(timezone="-0500"), "11/24/2025 23:05"),
    ],
)
def test_date_filter_value_follows_the_configured_format(
    formats: TenantFormats, value: str
) -> None:
    since = datetime(2025, 11, 25, 4, 5, 30, tzinfo=UTC)
    body = grid_body(load_mapping(formats=formats), "RIO", 0, 10, changed_since=since)
    assert body["MULTIADDON_FILTERS"]["MADDON_FILTER"][1]["VALUE"] == value


def _decoded(payload: object) -> GridPage:
    return decode_grid_page(orjson.dumps(payload))


# Every grid answer is read both ways: parsed from JSON values, and decoded from the bytes.
PARSERS = pytest.mark.parametrize("parse", [parse_grid_page, _decoded], ids=["parse", "decode"])


@PARSERS
@pytest.mark.parametrize(
    ("sent", "expected"),
    [(10000, 10000), ("10000", 10000), (" 20000 ", 20000), (None, None), ("", None), (3.0, 3)],
)
def test_next_cursor_forms(
    parse: Callable[[object], GridPage], sent: object, expected: int | None
) -> None:
    page = parse(envelope({"NEXTCURSORPOSITION": sent, "DATARECORD": []}))
    assert page.next_cursor == expected


@PARSERS
def test_page_without_datarecord_and_rows(parse: Callable[[object], GridPage]) -> None:
    page = parse(envelope({"CURRENTCURSORPOSITION": 0, "NEXTCURSORPOSITION": 5}))
    assert page.records is None
    assert page.rows() == []
    page = parse(envelope({"DATARECORD": [{"DATAFIELD": [field("pfs_id", "A"), field("n", 5)]}]}))
    assert page.rows() == [{"pfs_id": "A", "n": "5"}]
    lone = parse(envelope({"DATARECORD": {"DATAFIELD": [field("pfs_id", "B")]}}))
    assert lone.rows() == [{"pfs_id": "B"}]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ([], "not a JSON object"),
        ({"ErrorAlert": []}, "no Result object"),
        ({"Result": {"ResultData": "x"}}, "no Result.ResultData"),
        (envelope({"NEXTCURSORPOSITION": "next"}), "NEXTCURSORPOSITION 'next' is not an integer"),
        (envelope({"NEXTCURSORPOSITION": True}), "is not an integer"),
        (envelope({"DATARECORD": "rows"}), "DATARECORD is not a list"),
        (envelope({"NEXTCURSORPOSITION": "١٢"}), "is not an integer"),
    ],
)
@PARSERS
def test_malformed_pages_say_what_is_wrong(
    parse: Callable[[object], GridPage], payload: object, message: str
) -> None:
    with pytest.raises(WireError, match=message):
        parse(payload)


def test_the_usual_answer_takes_the_typed_decoder_and_anything_else_is_checked() -> None:
    fields = [dict(field("pfs_id", "A"), FIELDLABEL="PFA ID", DATATYPE="VARCHAR",
                   ISKEYFIELD=True), field("n", {"odd": 1})]  # fmt: skip
    page = _decoded(envelope({"DATARECORD": [{"DATAFIELD": fields}], "NEXTCURSORPOSITION": 2}))
    assert page.records is not None
    assert isinstance(page.records[0], GridRecord)
    assert page.rows() == [{"pfs_id": "A", "n": '{"odd":1}'}]
    assert page.next_cursor == 2
    for wrong in (b"", b"<html>busy</html>", b'{"Result": {"ResultData": ', b"\xff"):
        with pytest.raises(WireError, match="not JSON"):
            decode_grid_page(wrong)


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ("x", r"DATARECORD\[0\] is not an object"),
        ({"DATAFIELD": "x"}, r"DATARECORD\[0\]: DATAFIELD is not a list"),
        ({"DATAFIELD": [{"FIELDVALUE": "1"}]}, "has no FIELDNAME"),
    ],
)
@PARSERS
def test_malformed_records_say_which(
    parse: Callable[[object], GridPage], record: object, message: str
) -> None:
    page = parse(envelope({"DATARECORD": [record]}))
    with pytest.raises(WireError, match=message):
        page.rows()


def test_error_alerts_and_conflict_detection() -> None:
    payload = {
        "ErrorAlert": [
            {"Name": "WSR-RECORD-MODIFIED", "Message": "Record has been Modified by another user."}
        ]
    }
    messages = error_alerts(payload)
    assert messages == ["WSR-RECORD-MODIFIED: Record has been Modified by another user."]
    assert is_modified_by_another_user(messages)
    assert not is_modified_by_another_user(["WSR-INVALID: bad value"])
    assert error_alerts({"ErrorAlert": {"Message": "single"}}) == ["single"]
    assert error_alerts(None) == []
    assert error_alerts({"ErrorAlert": []}) == []


def test_confirmation_alert_is_kept_and_missing_records_are_told_apart() -> None:
    payload = {
        "Result": None,
        "ErrorAlert": None,
        "ConfirmationAlert": {"Name": "WSR-CONFIRM", "Message": "Dates overlap; continue?"},
    }
    assert error_alerts(payload) == ["confirmation needed: WSR-CONFIRM: Dates overlap; continue?"]
    assert is_record_missing(["WSR-NOTFOUND: Record PFA-9 does not exist in RIO"])
    assert not is_record_missing(["This record has been modified by another user."])


def test_screen_get_and_update_bodies() -> None:
    mapping = load_mapping()
    get = screen_get_body(mapping, "RIO", "78497")
    assert get == {
        "USERDEFINEDSCREENNAME": "CUPFA2",
        "USERDEFINEDSERVICEACTION": "GET",
        "USERDEFINEDSCREENFIELDVALUELIST": {
            "USERDEFINEDSCREENFIELDVALUEPAIR": [
                {"USERDEFINEDSCREENFIELDNAME": "PFS_ID",
                 "USERDEFINEDSCREENFIELDVALUE": {"TEXTDATA": "78497"}},
                {"USERDEFINEDSCREENFIELDNAME": "PFS_A_ORG",
                 "USERDEFINEDSCREENFIELDVALUE": {"TEXTDATA": "RIO"}},
            ]
        },
    }  # fmt: skip
    pairs = [("PFS_ID", {"TEXTDATA": "78497"}), ("PFA_DIS", {"TEXTDATA": "false"})]
    update = screen_update_body(mapping, 17, pairs)
    assert update["USERDEFINEDSERVICEACTION"] == "UPDATE"
    assert update["recordid"] == 17
    assert [p["USERDEFINEDSCREENFIELDNAME"] for p in
            update["USERDEFINEDSCREENFIELDVALUELIST"]["USERDEFINEDSCREENFIELDVALUEPAIR"]] == [
        "PFS_ID", "PFA_DIS"
    ]  # fmt: skip


def test_parse_screen_answer() -> None:
    payload = {
        "Result": {
            "ResultData": {
                "UserDefinedScreenService": {
                    "USERDEFINEDSCREENNAME": "CUPFA2",
                    "recordid": "18",
                    "USERDEFINEDSCREENFIELDVALUELIST": {
                        "USERDEFINEDSCREENFIELDVALUEPAIR": [
                            {"USERDEFINEDSCREENFIELDNAME": "pfs_id",
                             "USERDEFINEDSCREENFIELDVALUE": {"TEXTDATA": "78497"}},
                        ]
                    },
                }
            },
            "InfoAlert": None,
        },
        "ErrorAlert": None,
        "ConfirmationAlert": None,
    }  # fmt: skip
    answer = parse_screen_answer(payload)
    assert answer.recordid == 18
    assert answer.pairs == [("PFS_ID", {"TEXTDATA": "78497"})]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "no Result.ResultData.UserDefinedScreenService"),
        ({"UserDefinedScreenService": {"recordid": None}}, "has no recordid"),
        ({"UserDefinedScreenService": {"recordid": 1}}, "no USERDEFINEDSCREENFIELDVALUEPAIR"),
        (
            {"UserDefinedScreenService": {"recordid": 1, "USERDEFINEDSCREENFIELDVALUELIST": {
                "USERDEFINEDSCREENFIELDVALUEPAIR": [{"USERDEFINEDSCREENFIELDVALUE": {}}]}}},
            "has no USERDEFINEDSCREENFIELDNAME",
        ),
    ],
)  # fmt: skip
def test_malformed_screen_answers_say_what_is_wrong(data: object, message: str) -> None:
    with pytest.raises(WireError, match=message):
        parse_screen_answer(envelope(data))
