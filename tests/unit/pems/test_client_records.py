"""How the reader turns a parsed page into records, including malformed records (the HTTP
behaviour is covered against the simulator in tests/integration/pems)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from pfa_vanguard.pems import PemsClient, PemsConfig, PemsTerminalError, load_mapping
from pfa_vanguard.pems.wire import parse_grid_page


def page_of(*records: Any) -> Any:
    return parse_grid_page({"Result": {"ResultData": {"DATARECORD": list(records)}}})


def fields(**values: Any) -> dict[str, Any]:
    return {"DATAFIELD": [{"FIELDNAME": k, "FIELDVALUE": v} for k, v in values.items()]}


CLIENT = PemsClient(PemsConfig("http://pems.invalid/axis/restservices"))
COUNTED = PemsClient(
    PemsConfig("http://pems.invalid/axis/restservices"),
    mapping=dataclasses.replace(load_mapping(), version_alias="recordid"),
)


def test_values_of_any_json_type_are_kept_as_strings() -> None:
    [record] = COUNTED._records(
        page_of(fields(pfs_id="A", recordid=4, pfs_f_rental=12.5, pfs_x={"a": 1}, pfs_y=None)),
        "RIO",
        0,
    )
    assert record.version == 4
    assert record.data == {"pfaId": "A", "monthlyRate": 12.5, "pfs_x": '{"a":1}', "pfs_y": ""}


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (fields(pfs_a_org="RIO", recordid="1"), "a row has no pfs_id"),
        (fields(pfs_id="A", recordid="v2"), "row A: recordid 'v2' is not an integer"),
        ("junk", r"DATARECORD\[1\] is not an object"),
        ({"DATAFIELD": [{"FIELDVALUE": "x"}]}, r"DATARECORD\[1\]: a DATAFIELD entry has no"),
    ],
)
def test_unusable_records_stop_the_read_naming_the_page(record: Any, message: str) -> None:
    good = fields(pfs_id="A", recordid="1")
    with pytest.raises(PemsTerminalError, match=rf"^organization RIO, page at cursor 20000: .*"
                       rf"{message}"):  # fmt: skip
        COUNTED._records(page_of(good, record), "RIO", 20000)
