"""A screen service record: PFA values of the mapped fields, the whole row to send back, and a
version that orders after the grid's."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from pfa_vanguard.pems.mapping import load_mapping, map_row
from pfa_vanguard.pems.screen import screen_record
from pfa_vanguard.pems.wire import ScreenAnswer, WireError

PAIRS = [
    ("PFS_ID", {"TEXTDATA": "78497"}),
    ("PFS_A_ORG", {"TEXTDATA": "RIO"}),
    ("PFS_F_SOURCE", {"TEXTDATA": "RENTAL"}),
    ("PFS_F_RENTAL", {"NUMERICDATA": {"VALUE": 1250000, "NUMOFDEC": 2, "SIGN": "+",
                                      "CURRENCY": "USD", "DRCR": "D"}}),
    ("PFS_F_ENDDATE", {"DATETIMEDATA": {"YEAR": 1735776000000, "MONTH": 6, "DAY": 30, "HOUR": 0,
                                        "MINUTE": 0, "SECOND": 0, "SUBSECOND": 0,
                                        "TIMEZONE": "+0000"}}),
    ("PFA_DIS", {"TEXTDATA": "false"}),
    ("PFS_A_CORPORATE", {"TEXTDATA": "INFRA"}),  # a screen field the map does not know
]  # fmt: skip


def test_screen_record_values_and_whole_row() -> None:
    record = screen_record(ScreenAnswer(17, PAIRS), load_mapping(), "78497")
    assert record.recordid == 17
    assert record.record.data == {
        "pfaId": "78497",
        "organization": "RIO",
        "source": "Rental",
        "monthlyRate": 12500,
        "forecastEnd": "2025-06-30",
        "isDiscontinued": False,
    }
    assert record.record.problems == ()
    row = record.full_row({"PFA_DIS": {"TEXTDATA": "true"}, "PFS_F_DOR": {"TEXTDATA": "BEO"}})
    assert [name for name, _ in row] == [name for name, _ in PAIRS] + ["PFS_F_DOR"]
    assert dict(row)["PFA_DIS"] == {"TEXTDATA": "true"}
    assert dict(row)["PFS_A_CORPORATE"] == {"TEXTDATA": "INFRA"}  # sent back as received


def test_screen_versions_order_after_grid_rows_read_before() -> None:
    grid = map_row({"pfs_id": "78497", "pfs_a_org": "RIO", "pfs_lastmodified": "12/4/2026 9:00"})
    record = screen_record(ScreenAnswer(17, PAIRS), load_mapping(), "78497")
    assert grid.modified_at is not None
    assert grid.modified_at < datetime.now(UTC)
    assert record.record.version > grid.version
    counted = dataclasses.replace(load_mapping(), version_alias="recordid")
    assert screen_record(ScreenAnswer(17, PAIRS), counted, "78497").record.version == 17


def test_unconvertible_screen_values_are_problems_and_another_record_is_refused() -> None:
    broken = [*PAIRS[:3], ("PFS_F_RENTAL", {"NUMERICDATA": {"VALUE": "lots"}})]
    record = screen_record(ScreenAnswer(1, broken), load_mapping(), "78497")
    assert record.record.problems == ("monthlyRate: NUMERICDATA VALUE 'lots' is not a number",)
    with pytest.raises(WireError, match="for record '78497', not '1'"):
        screen_record(ScreenAnswer(1, PAIRS), load_mapping(), "1")
