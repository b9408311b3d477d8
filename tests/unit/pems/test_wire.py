from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from pfa_vanguard.pems.mapping import load_mapping
from pfa_vanguard.pems.wire import (
    WireError,
    error_alerts,
    format_timestamp,
    grid_body,
    is_modified_by_another_user,
    parse_grid_page,
    update_body,
    update_echo,
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
    since = datetime(2025, 11, 25, 11, 0, 0, 123456, tzinfo=timezone(timedelta(hours=1)))
    body = grid_body(load_mapping(), "RIO", 0, 10, changed_since=since, pfa_id="PFA-000007")
    filters = body["MULTIADDON_FILTERS"]["MADDON_FILTER"]
    assert filters[1] == {
        "ALIAS_NAME": "pfs_lastmodified",
        "OPERATOR": ">",
        "VALUE": "2025-11-25T10:00:00.123Z",
        "SEQNUM": 2,
        "JOINER": "AND",
    }
    assert filters[2]["ALIAS_NAME"] == "pfs_id"
    assert filters[2]["VALUE"] == "PFA-000007"


def test_format_timestamp_treats_naive_as_utc() -> None:
    assert format_timestamp(datetime(2025, 1, 2, 3, 4, 5)) == "2025-01-02T03:04:05.000Z"
    assert format_timestamp(datetime(2025, 1, 2, tzinfo=UTC)) == "2025-01-02T00:00:00.000Z"


@pytest.mark.parametrize(
    ("sent", "expected"),
    [(10000, 10000), ("10000", 10000), (" 20000 ", 20000), (None, None), ("", None), (3.0, 3)],
)
def test_next_cursor_forms(sent: object, expected: int | None) -> None:
    page = parse_grid_page(envelope({"NEXTCURSORPOSITION": sent, "DATARECORD": []}))
    assert page.next_cursor == expected


def test_page_without_datarecord_and_rows() -> None:
    page = parse_grid_page(envelope({"CURRENTCURSORPOSITION": 0, "NEXTCURSORPOSITION": 5}))
    assert page.records is None
    assert page.rows() == []
    page = parse_grid_page(
        envelope({"DATARECORD": [{"DATAFIELD": [field("pfs_id", "A"), field("n", 5)]}]})
    )
    assert page.rows() == [{"pfs_id": "A", "n": "5"}]
    lone = parse_grid_page(envelope({"DATARECORD": {"DATAFIELD": [field("pfs_id", "B")]}}))
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
    ],
)
def test_malformed_pages_say_what_is_wrong(payload: object, message: str) -> None:
    with pytest.raises(WireError, match=message):
        parse_grid_page(payload)


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ("x", r"DATARECORD\[0\] is not an object"),
        ({"DATAFIELD": "x"}, r"DATARECORD\[0\]: DATAFIELD is not a list"),
        ({"DATAFIELD": [{"FIELDVALUE": "1"}]}, "has no FIELDNAME"),
    ],
)
def test_malformed_records_say_which(record: object, message: str) -> None:
    page = parse_grid_page(envelope({"DATARECORD": [record]}))
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


def test_update_body_is_the_documented_request() -> None:
    body = update_body(
        load_mapping(),
        "RIO",
        "PFA-000123",
        17,
        {
            "PFS_F_STARTDATE": {"DATETIMEDATA": {"YEAR": 2025, "MONTH": 4, "DAY": 1}},
            "PFA_DIS": {"TEXTDATA": "true"},
        },
    )
    assert body == {
        "USERDEFINEDSCREENNAME": "CUPFA2",
        "USERDEFINEDSERVICEACTION": "UPDATE",
        "recordid": 17,
        "USERDEFINEDSCREENFIELDVALUELIST": {
            "USERDEFINEDSCREENFIELDVALUEPAIR": [
                {
                    "USERDEFINEDSCREENFIELDNAME": "PFS_ID",
                    "USERDEFINEDSCREENFIELDVALUE": {"TEXTDATA": "PFA-000123"},
                },
                {
                    "USERDEFINEDSCREENFIELDNAME": "PFS_A_ORG",
                    "USERDEFINEDSCREENFIELDVALUE": {"TEXTDATA": "RIO"},
                },
                {
                    "USERDEFINEDSCREENFIELDNAME": "PFS_F_STARTDATE",
                    "USERDEFINEDSCREENFIELDVALUE": {
                        "DATETIMEDATA": {"YEAR": 2025, "MONTH": 4, "DAY": 1}
                    },
                },
                {
                    "USERDEFINEDSCREENFIELDNAME": "PFA_DIS",
                    "USERDEFINEDSCREENFIELDVALUE": {"TEXTDATA": "true"},
                },
            ]
        },
    }


def test_update_echo() -> None:
    echo = envelope({"recordid": 18, "DATAFIELD": [field("pfs_id", "A"), field("recordid", "18")]})
    assert update_echo(echo) == {"pfs_id": "A", "recordid": "18"}
    assert update_echo(envelope({"recordid": 18})) is None
    assert update_echo({"nothing": 1}) is None
