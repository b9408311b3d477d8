from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from pfa_vanguard.domain.fields import FIELDS, FieldType
from pfa_vanguard.pems.formats import TenantFormats
from pfa_vanguard.pems.mapping import (
    FieldMapping,
    RowError,
    from_screen_value,
    load_mapping,
    map_row,
    normalize_value,
    screen_value,
)

BASE = {"pfs_id": "PFA-000001", "pfs_a_org": "RIO"}
DEFAULT = TenantFormats()
EPOCH_2025 = 1735776000000  # 2025-01-02T00:00:00Z
JUNE_13 = datetime(2024, 6, 13, 15, 56, tzinfo=UTC)
APRIL_1 = {"YEAR": EPOCH_2025, "MONTH": 4, "DAY": 1}


def with_counter(mapping: FieldMapping | None = None) -> FieldMapping:
    """The mapping of a tenant whose grid has a `recordid` counter column."""
    import dataclasses

    return dataclasses.replace(mapping or load_mapping(), version_alias="recordid")


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
        ("12,500.00", 12500),
        ("1,234,567.5", 1234567.5),
        ("-1,250", -1250),
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
        ("3/15/2025", "2025-03-15"),
        ("12/1/2025", "2025-12-01"),
        ("06/13/2024 15:56", "2024-06-13"),
        ("", None),
        (None, None),
    ],
)
def test_date_forms(raw: str | None, value: str | None) -> None:
    data, problems = mapped(pfs_f_startdate=raw)
    assert data["forecastStart"] == value
    assert problems == ()


def test_date_order_is_the_users_profile() -> None:
    row = {**BASE, "pfs_f_startdate": "03/04/2025", "pfs_f_enddate": "2025-04-03"}
    mdy = map_row(row, load_mapping(formats=TenantFormats(date_order="MDY")))
    dmy = map_row(row, load_mapping(formats=TenantFormats(date_order="DMY")))
    assert (mdy.data["forecastStart"], mdy.data["forecastEnd"]) == ("2025-03-04", "2025-04-03")
    assert (dmy.data["forecastStart"], dmy.data["forecastEnd"]) == ("2025-04-03", "2025-04-03")


def test_codes_compare_case_insensitively() -> None:
    data, problems = mapped(pfs_f_source="RENTAL", pfs_f_dor="project")
    assert (data["source"], data["dor"]) == ("Rental", "PROJECT")
    data, _ = mapped(pfs_f_source="purchase", pfs_f_dor="Beo")
    assert (data["source"], data["dor"]) == ("Purchase", "BEO")
    assert problems == ()


def test_malformed_values_are_kept_raw_and_reported() -> None:
    data, problems = mapped(
        pfs_f_rental="n/a",
        pfs_f_purchase="1,25.00",
        pfs_p_startdate="2025-02-30",
        pfs_f_enddate="next week",
        pfs_f_actualized="maybe",
        pfs_a_startdate="２０３０-01-01",
    )
    assert data["monthlyRate"] == "n/a"
    assert data["purchasePrice"] == "1,25.00"
    assert data["originalStart"] == "2025-02-30"
    assert data["forecastEnd"] == "next week"
    assert data["isActualized"] == "maybe"
    assert data["actualStart"] == "２０３０-01-01"
    assert problems == (
        "monthlyRate: 'n/a' is not a number",
        "purchasePrice: '1,25.00' is not a number",
        "originalStart: '2025-02-30' is not a date (MDY or YYYY-MM-DD)",
        "forecastEnd: 'next week' is not a date (MDY or YYYY-MM-DD)",
        "isActualized: 'maybe' is not a CHKBOOLEAN value (-1/true/+/Yes or 0/false/-/No)",
        "actualStart: '２０３０-01-01' is not a date (MDY or YYYY-MM-DD)",
    )


def test_unknown_columns_are_kept_under_their_alias_as_sent() -> None:
    data, problems = mapped(pfs_new_column="X-1", pfs_other="")
    assert data["pfs_new_column"] == "X-1"
    assert data["pfs_other"] == ""
    assert problems == ()


def test_text_empty_is_none_and_version_is_not_data() -> None:
    row = {**BASE, "recordid": "7", "pfs_equipment_tag": "", "pfs_lastmodified": "11/25/2025 10:00"}
    record = map_row(row, with_counter())
    assert record.data == {"pfaId": "PFA-000001", "organization": "RIO", "equipment": None}
    assert record.pfa_id == "PFA-000001"
    assert record.version == 7
    assert record.modified_at == datetime(2025, 11, 25, 10, 0, tzinfo=UTC)


def test_without_a_counter_column_the_version_is_the_stamp_and_a_hash_of_the_values() -> None:
    row = {**BASE, "pfs_f_dor": "BEO", "pfs_lastmodified": "11/25/2025 10:00"}
    record = map_row(row)
    assert record.version == map_row(dict(row)).version  # the same row, the same version
    # An edit in the same minute, or one that leaves the stamp alone, is still a change...
    assert map_row({**row, "pfs_f_dor": "PROJECT"}).version != record.version
    # ...and versions still order by the stamp.
    later = map_row({**row, "pfs_f_dor": "PROJECT", "pfs_lastmodified": "11/25/2025 10:01"})
    assert later.version > record.version
    assert map_row({**row, "pfs_lastmodified": "11/24/2025 23:59"}).version < record.version
    assert 0 < record.version < 2**63


@pytest.mark.parametrize(
    ("raw", "formats", "expected"),
    [
        ("6/13/2024 15:56", DEFAULT, JUNE_13),
        ("13/06/2024 15:56", TenantFormats(date_order="DMY"), JUNE_13),
        ("6/13/2024 3:56 PM", DEFAULT, JUNE_13),
        ("13-JUN-2024 15:56", DEFAULT, JUNE_13),
        ("6/13/2024 10:56", TenantFormats(timezone="-0500"), JUNE_13),
        ("6/13/2024", DEFAULT, datetime(2024, 6, 13, tzinfo=UTC)),
    ],
)  # fmt: skip
def test_user_format_timestamps(raw: str, formats: TenantFormats, expected: datetime) -> None:
    record = map_row({**BASE, "pfs_lastmodified": raw}, load_mapping(formats=formats))
    assert record.modified_at == expected
    assert record.problems == ()


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
    assert record.problems == ("pfs_lastmodified: 'yesterday' is not a timestamp",)


def test_rows_without_identity_or_counter_are_refused() -> None:
    with pytest.raises(RowError, match="no pfs_id"):
        map_row({"pfs_a_org": "RIO"})
    with pytest.raises(RowError, match="recordid 'x' is not an integer"):
        map_row({**BASE, "recordid": "x"}, with_counter())
    with pytest.raises(RowError, match="recordid None"):
        map_row({"pfs_id": "PFA-1"}, with_counter())
    # Without a counter column, a recordid column is just another column.
    assert map_row({**BASE, "recordid": "x"}).data["recordid"] == "x"


def test_aliases_match_case_insensitively_and_values_may_be_json_scalars() -> None:
    row = {"PFS_ID": "PFA-9", "recordid": 3, "PFS_F_RENTAL": 1200, "pfs_f_dor": "BEO"}
    record = map_row(row, with_counter())
    assert record.data == {"pfaId": "PFA-9", "monthlyRate": 1200, "dor": "BEO"}
    assert record.version == 3


def test_screen_values_are_typed_and_complete() -> None:
    spec = load_mapping().by_field
    day = {"HOUR": 0, "MINUTE": 0, "SECOND": 0, "SUBSECOND": 0, "TIMEZONE": "+0000",
           "qualifier": "OTHER"}  # fmt: skip
    money = {"CURRENCY": "USD", "DRCR": "D", "qualifier": "OTHER"}
    assert screen_value(spec["forecastStart"], "2025-04-01", DEFAULT) == {
        "DATETIMEDATA": {"YEAR": EPOCH_2025, "MONTH": 4, "DAY": 1, **day}
    }
    calendar = TenantFormats(year_format="calendar")
    assert screen_value(spec["forecastEnd"], date(2026, 12, 31), calendar) == {
        "DATETIMEDATA": {"YEAR": 2026, "MONTH": 12, "DAY": 31, **day}
    }
    assert screen_value(spec["actualEnd"], None, DEFAULT) == {"DATETIMEDATA": None}
    assert screen_value(spec["isDiscontinued"], True, DEFAULT) == {"TEXTDATA": "true"}
    assert screen_value(spec["isFundsTransferable"], False, DEFAULT) == {"TEXTDATA": "false"}
    assert screen_value(spec["dor"], "BEO", DEFAULT) == {"TEXTDATA": "BEO"}
    assert screen_value(spec["source"], "Rental", DEFAULT) == {"TEXTDATA": "RENTAL"}
    assert screen_value(spec["equipment"], None, DEFAULT) == {"TEXTDATA": ""}
    assert screen_value(spec["monthlyRate"], 1250.5, DEFAULT) == {
        "NUMERICDATA": {"VALUE": 12505, "NUMOFDEC": 1, "SIGN": "+", **money}
    }
    assert screen_value(spec["monthlyRate"], Decimal("-12.30"), DEFAULT) == {
        "NUMERICDATA": {"VALUE": 1230, "NUMOFDEC": 2, "SIGN": "-", **money}
    }
    assert screen_value(spec["purchasePrice"], Decimal("4E+3"), TenantFormats(currency="EUR")) == {
        "NUMERICDATA": {"VALUE": 4000, "NUMOFDEC": 0, "SIGN": "+", **money, "CURRENCY": "EUR"}
    }


def test_a_plain_tenant_reads_and_writes_the_number_itself() -> None:
    spec = load_mapping().by_field["monthlyRate"]
    plain = TenantFormats(numeric_value="plain")
    money = {"CURRENCY": "USD", "DRCR": "D", "qualifier": "OTHER"}
    assert screen_value(spec, Decimal("12500.00"), plain) == {
        "NUMERICDATA": {"VALUE": 12500, "NUMOFDEC": 2, "SIGN": "+", **money}
    }
    assert screen_value(spec, Decimal("-1250.5"), plain) == {
        "NUMERICDATA": {"VALUE": 1250.5, "NUMOFDEC": 1, "SIGN": "-", **money}
    }
    assert screen_value(spec, 4000, plain)["NUMERICDATA"]["VALUE"] == 4000
    held = {"NUMERICDATA": {"VALUE": 12500, "NUMOFDEC": 2, "SIGN": "+", **money}}
    assert from_screen_value(spec, held, plain) == 12500
    assert from_screen_value(spec, held, DEFAULT) == 125
    with pytest.raises(ValueError, match="more digits"):
        screen_value(spec, Decimal("12345678901234567.25"), plain)
    with pytest.raises(ValueError, match="numeric value must be one of"):
        TenantFormats(numeric_value="scaled")  # type: ignore[arg-type]


def test_epoch_ms_year_is_a_moment_inside_the_year_in_the_tenants_zone() -> None:
    spec = load_mapping().by_field["forecastStart"]
    for zone in ("+0000", "-0500", "+1400", "-1100"):
        formats = TenantFormats(timezone=zone)
        for day in (date(2025, 1, 1), date(2025, 12, 31), date(1999, 6, 30)):
            value = screen_value(spec, day, formats)
            assert value["DATETIMEDATA"]["YEAR"] > 100_000
            assert from_screen_value(spec, value, formats) == day.isoformat()


@pytest.mark.parametrize(
    ("field", "container", "value"),
    [
        ("forecastStart", {"DATETIMEDATA": APRIL_1}, "2025-04-01"),
        ("forecastStart", {"DATETIMEDATA": {"YEAR": 2025, "MONTH": 4, "DAY": 1}}, "2025-04-01"),
        ("forecastStart", {"DATETIMEDATA": None}, None),
        ("monthlyRate", {"NUMERICDATA": {"VALUE": 1250000, "NUMOFDEC": 2, "SIGN": "+"}}, 12500),
        ("monthlyRate", {"NUMERICDATA": {"VALUE": 12505, "NUMOFDEC": 1, "SIGN": "-"}}, -1250.5),
        ("monthlyRate", {"NUMERICDATA": None}, None),
        ("isDiscontinued", {"TEXTDATA": "-1"}, True),
        ("isDiscontinued", {"TEXTDATA": "false"}, False),
        ("source", {"TEXTDATA": "PURCHASE"}, "Purchase"),
        ("equipment", {"TEXTDATA": ""}, None),
    ],
)  # fmt: skip
def test_screen_values_read_back(field: str, container: object, value: object) -> None:
    assert from_screen_value(load_mapping().by_field[field], container, DEFAULT) == value


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("forecastStart", "01/04/2025", "is not a date"),
        ("forecastStart", "2025-02-30", "is not a date"),
        ("forecastStart", "２０３０-01-01", "is not a date"),
        ("isDiscontinued", "true", "is not a boolean"),
        ("monthlyRate", "lots", "is not a number"),
        ("monthlyRate", "1,250", "is not a number"),
        ("monthlyRate", True, "is not a number"),
        ("monthlyRate", float("nan"), "is not a finite number"),
        ("monthlyRate", "Infinity", "is not a number"),
        ("dor", 3, "is not text"),
    ],
)
def test_screen_value_refuses_wrong_types(field: str, value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        screen_value(load_mapping().by_field[field], value, DEFAULT)


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
        {"pfs_id": "A", "pfs_a_org": "RIO", "u_rate": "5", "pfs_f_rental": "9"}, mapping
    )
    assert mapping.version_alias is None
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
