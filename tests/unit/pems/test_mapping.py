from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from pfa_vanguard.domain.fields import FIELDS, FieldType
from pfa_vanguard.pems.mapping import (
    RowError,
    load_mapping,
    map_row,
    normalize_value,
    screen_value,
)

BASE = {"pfs_id": "PFA-000001", "pfs_a_org": "RIO", "recordid": "7"}


def mapped(**values: str | None) -> tuple[dict[str, object], tuple[str, ...]]:
    record = map_row({**BASE, **values})
    return record.data, record.problems


def test_shipped_mapping_covers_every_pems_field_of_the_domain() -> None:
    mapping = load_mapping()
    assert {spec.field for spec in mapping.fields} == {f.name for f in FIELDS}
    for spec in mapping.fields:
        domain_type = next(f.type for f in FIELDS if f.name == spec.field)
        assert spec.type is domain_type, spec
    screens = {spec.field: spec.screen for spec in mapping.fields}
    assert screens["isDiscontinued"] == "PFA_DIS"
    assert screens["isFundsTransferable"] == "PFS_FT"
    assert screens["equipment"] == "PFS_EQUIPMENT"
    assert screens["forecastStart"] == "PFS_F_STARTDATE"


@pytest.mark.parametrize("raw", ["-1", "true", "TRUE", "+", "Yes", "yes", "Y", "1", " -1 "])
def test_chkboolean_true_forms(raw: str) -> None:
    data, problems = mapped(pfs_f_actualized=raw)
    assert data["isActualized"] is True
    assert problems == ()


@pytest.mark.parametrize("raw", ["0", "false", "False", "-", "No", "no", "N", "", None])
def test_chkboolean_false_forms(raw: str | None) -> None:
    data, problems = mapped(pfs_f_discontinued=raw)
    assert data["isDiscontinued"] is False
    assert problems == ()


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("12500.00", 12500),
        ("12500", 12500),
        ("12500.5", 12500.5),
        ("0.75", 0.75),
        (".5", 0.5),
        ("-3.25", -3.25),
        ("+40", 40),
        (" 980.10 ", 980.1),
        ("0", 0),
        ("", None),
        (None, None),
    ],
)
def test_number_forms(raw: str | None, value: object) -> None:
    data, problems = mapped(pfs_f_rental=raw)
    assert data["monthlyRate"] == value
    assert type(data["monthlyRate"]) is type(value)
    assert problems == ()


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("2025-03-15", "2025-03-15"),
        ("2025-03-15T00:00:00", "2025-03-15"),
        ("2025-03-15 00:00:00.0", "2025-03-15"),
        ("2025-03-15T00:00:00Z", "2025-03-15"),
        ("15-MAR-2025", "2025-03-15"),
        ("1-jan-2026", "2026-01-01"),
        ("", None),
        (None, None),
    ],
)
def test_date_forms(raw: str | None, value: str | None) -> None:
    data, problems = mapped(pfs_f_startdate=raw)
    assert data["forecastStart"] == value
    assert problems == ()


def test_malformed_values_are_kept_raw_and_reported() -> None:
    data, problems = mapped(
        pfs_f_rental="n/a",
        pfs_f_purchase="1,250.00",
        pfs_p_startdate="2025-02-30",
        pfs_f_enddate="next week",
        pfs_f_actualized="maybe",
    )
    assert data["monthlyRate"] == "n/a"
    assert data["purchasePrice"] == "1,250.00"
    assert data["originalStart"] == "2025-02-30"
    assert data["forecastEnd"] == "next week"
    assert data["isActualized"] == "maybe"
    assert problems == (
        "monthlyRate: 'n/a' is not a number",
        "purchasePrice: '1,250.00' is not a number",
        "originalStart: '2025-02-30' is not a date (YYYY-MM-DD)",
        "forecastEnd: 'next week' is not a date (YYYY-MM-DD)",
        "isActualized: 'maybe' is not a CHKBOOLEAN value (-1/true/+/Yes or 0/false/-/No)",
    )


def test_unknown_columns_are_kept_under_their_alias_as_sent() -> None:
    data, problems = mapped(pfs_new_column="X-1", pfs_other="")
    assert data["pfs_new_column"] == "X-1"
    assert data["pfs_other"] == ""
    assert problems == ()


def test_text_empty_is_none_and_version_is_not_data() -> None:
    record = map_row({**BASE, "pfs_equipment_tag": "", "pfs_lastmodified": "2025-11-25T10:00:00Z"})
    assert record.data == {"pfaId": "PFA-000001", "organization": "RIO", "equipment": None}
    assert record.pfa_id == "PFA-000001"
    assert record.version == 7
    assert record.modified_at == datetime(2025, 11, 25, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-11-25T10:00:00.123Z", datetime(2025, 11, 25, 10, 0, 0, 123000, tzinfo=UTC)),
        ("2025-11-25 10:00:00", datetime(2025, 11, 25, 10, 0, tzinfo=UTC)),
        ("2025-11-25T12:00:00+02:00", datetime(2025, 11, 25, 10, 0, tzinfo=UTC)),
    ],
)
def test_modified_timestamp_forms(raw: str, expected: datetime) -> None:
    record = map_row({**BASE, "pfs_lastmodified": raw})
    assert record.modified_at == expected
    assert record.modified_at.tzinfo is UTC


def test_bad_timestamp_is_reported_not_fatal() -> None:
    record = map_row({**BASE, "pfs_lastmodified": "yesterday"})
    assert record.modified_at is None
    assert record.problems == ("pfs_lastmodified: 'yesterday' is not an ISO timestamp",)


def test_rows_without_identity_or_version_are_refused() -> None:
    with pytest.raises(RowError, match="no pfs_id"):
        map_row({"pfs_a_org": "RIO", "recordid": "1"})
    with pytest.raises(RowError, match="recordid 'x' is not an integer"):
        map_row({**BASE, "recordid": "x"})
    with pytest.raises(RowError, match="recordid None"):
        map_row({"pfs_id": "PFA-1"})


def test_aliases_match_case_insensitively_and_values_may_be_json_scalars() -> None:
    record = map_row({"PFS_ID": "PFA-9", "recordid": 3, "PFS_F_RENTAL": 1200, "pfs_f_dor": "BEO"})
    assert record.data == {"pfaId": "PFA-9", "monthlyRate": 1200, "dor": "BEO"}
    assert record.version == 3


def test_screen_values_are_typed() -> None:
    mapping = load_mapping()
    spec = mapping.by_field
    assert screen_value(spec["forecastStart"], "2025-04-01") == {
        "DATETIMEDATA": {"YEAR": 2025, "MONTH": 4, "DAY": 1}
    }
    assert screen_value(spec["forecastEnd"], date(2026, 12, 31)) == {
        "DATETIMEDATA": {"YEAR": 2026, "MONTH": 12, "DAY": 31}
    }
    assert screen_value(spec["actualEnd"], None) == {"DATETIMEDATA": None}
    assert screen_value(spec["isDiscontinued"], True) == {"TEXTDATA": "true"}
    assert screen_value(spec["isFundsTransferable"], False) == {"TEXTDATA": "false"}
    assert screen_value(spec["dor"], "BEO") == {"TEXTDATA": "BEO"}
    assert screen_value(spec["equipment"], None) == {"TEXTDATA": ""}
    assert screen_value(spec["monthlyRate"], 1250.5) == {
        "NUMERICDATA": {"VALUE": 12505, "NUMOFDEC": 1, "SIGN": "+"}
    }
    assert screen_value(spec["monthlyRate"], Decimal("-12.30")) == {
        "NUMERICDATA": {"VALUE": 1230, "NUMOFDEC": 2, "SIGN": "-"}
    }
    assert screen_value(spec["purchasePrice"], 4000) == {
        "NUMERICDATA": {"VALUE": 4000, "NUMOFDEC": 0, "SIGN": "+"}
    }
    assert screen_value(spec["purchasePrice"], Decimal("4E+3")) == {
        "NUMERICDATA": {"VALUE": 4000, "NUMOFDEC": 0, "SIGN": "+"}
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("forecastStart", "01/04/2025", "is not a date"),
        ("forecastStart", "2025-02-30", "is not a date"),
        ("isDiscontinued", "true", "is not a boolean"),
        ("monthlyRate", "lots", "is not a number"),
        ("monthlyRate", True, "is not a number"),
        ("monthlyRate", float("nan"), "is not a finite number"),
        ("dor", 3, "is not text"),
    ],
)
def test_screen_value_refuses_wrong_types(field: str, value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        screen_value(load_mapping().by_field[field], value)


def test_normalize_value_matches_what_map_row_gives() -> None:
    spec = load_mapping().by_field
    assert normalize_value(spec["forecastStart"], date(2025, 4, 1)) == "2025-04-01"
    assert normalize_value(spec["monthlyRate"], Decimal("1250.00")) == 1250
    assert normalize_value(spec["monthlyRate"], "99.5") == 99.5
    assert normalize_value(spec["isDiscontinued"], None) is False
    assert normalize_value(spec["equipment"], "") is None
    assert spec["forecastStart"].type is FieldType.DATE


def test_mapping_file_overrides_the_shipped_one(tmp_path: Path) -> None:
    path = tmp_path / "tenant.json"
    path.write_text(
        json.dumps(
            {
                "grid": "XXPFAG",
                "screen": "XXPFA2",
                "fields": [
                    {"alias": "pfs_id", "field": "pfaId"},
                    {"alias": "pfs_a_org", "field": "organization"},
                    {"alias": "u_rate", "field": "monthlyRate", "type": "number"},
                ],
            }
        )
    )
    mapping = load_mapping(path)
    assert (mapping.grid_name, mapping.screen_name) == ("XXPFAG", "XXPFA2")
    assert mapping.by_field["monthlyRate"].screen == "U_RATE"
    record = map_row(
        {"pfs_id": "A", "pfs_a_org": "RIO", "u_rate": "5", "pfs_f_rental": "9", "recordid": "1"},
        mapping,
    )
    assert record.data == {
        "pfaId": "A",
        "organization": "RIO",
        "monthlyRate": 5,
        "pfs_f_rental": "9",
    }


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"fields": [{"alias": "pfs_a_org", "field": "organization"}]}, "'pfs_id' is not mapped"),
        ({"fields": [{"alias": "pfs_id", "field": "pfaId", "type": "money"}]}, "money"),
        ({"nofields": []}, "fields"),
        (
            {"fields": [{"alias": "pfs_id", "field": "pfaId"}, {"alias": "PFS_ID", "field": "x"}]},
            "once",
        ),
    ],
)
def test_invalid_mapping_files_are_refused_with_a_reason(
    tmp_path: Path, document: dict[str, object], message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    with pytest.raises(ValueError, match=message):
        load_mapping(path)
    with pytest.raises(ValueError, match="cannot read field map"):
        load_mapping(tmp_path / "missing.json")
