"""Grid filters: every operator, joiners and parentheses, typed comparisons."""

from __future__ import annotations

from typing import Any

import pytest

from pfa_vanguard.pems.simulator.filters import compile_filter
from pfa_vanguard.pems.simulator.options import TenantOptions
from pfa_vanguard.pems.simulator.state import SimError

COLUMNS = {"pfs_id": "VARCHAR", "pfs_f_dor": "VARCHAR", "pfs_f_rental": "DECIMAL",
           "pfs_f_startdate": "DATE", "pfs_lastmodified": "DATETIME",
           "pfs_f_actualized": "CHKBOOLEAN"}  # fmt: skip
ROWS = [
    {"pfs_id": "PFA-000001", "pfs_f_dor": "BEO", "pfs_f_rental": "12500.00",
     "pfs_f_startdate": "2025-03-15", "pfs_lastmodified": "2025-11-25T10:00:30.000Z",
     "pfs_f_actualized": "-1"},
    {"pfs_id": "PFA-000002", "pfs_f_dor": "PROJECT", "pfs_f_rental": "950.00",
     "pfs_f_startdate": "2025-12-01", "pfs_lastmodified": "2025-11-25T09:59:59.999Z",
     "pfs_f_actualized": "0"},
    {"pfs_id": "PFA-000010", "pfs_f_dor": "PROJECT", "pfs_f_rental": "",
     "pfs_f_startdate": "", "pfs_lastmodified": "2024-01-01T00:00:00.000Z",
     "pfs_f_actualized": "0"},
]  # fmt: skip


def entry(alias: str, operator: str, value: object = "", **extra: Any) -> dict[str, Any]:
    return {"ALIAS_NAME": alias, "OPERATOR": operator, "VALUE": value, **extra}


def matching(*entries: dict[str, Any], options: TenantOptions | None = None) -> list[str]:
    items = [dict(e, SEQNUM=n) for n, e in enumerate(entries, 1)]
    body = {"MULTIADDON_FILTERS": {"MADDON_FILTER": items}}
    flt = compile_filter(body, COLUMNS, options or TenantOptions())
    return [row["pfs_id"][-2:] for row in ROWS if flt.test(row)]


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        ([entry("pfs_f_dor", "=", "beo")], ["01"]),
        ([entry("pfs_f_dor", "!=", "BEO")], ["02", "10"]),
        ([entry("pfs_f_rental", ">", "1,000")], ["01"]),
        ([entry("pfs_f_rental", "<=", "950")], ["02"]),
        ([entry("pfs_f_startdate", "<", "12/1/2025")], ["01"]),
        ([entry("pfs_f_startdate", ">=", "12/1/2025")], ["02"]),
        ([entry("pfs_lastmodified", ">", "11/25/2025 10:00")], ["01"]),
        ([entry("pfs_lastmodified", ">=", "11/25/2025")], ["01", "02"]),
        ([entry("pfs_id", "BEGINS", "pfa-00001")], ["10"]),
        ([entry("pfs_id", "CONTAINS", "00000")], ["01", "02"]),
        ([entry("pfs_id", "IN", "PFA-000001, PFA-000010")], ["01", "10"]),
        ([entry("pfs_f_startdate", "IN", "3/15/2025,12/1/2025")], ["01", "02"]),
        ([entry("pfs_f_rental", "EMPTY")], ["10"]),
        ([entry("pfs_f_rental", "NOT EMPTY")], ["01", "02"]),
        ([entry("pfs_f_actualized", "=", "true")], ["01"]),
        ([entry("pfs_f_dor", "=", "BEO", JOINER="OR"), entry("pfs_f_rental", "EMPTY")],
         ["01", "10"]),
        # AND binds first: BEO OR (PROJECT AND blank rental)
        ([entry("pfs_f_dor", "=", "BEO", JOINER="OR"), entry("pfs_f_dor", "=", "PROJECT"),
          entry("pfs_f_rental", "EMPTY")], ["01", "10"]),
        # parentheses: (BEO OR PROJECT) AND blank rental
        ([entry("pfs_f_dor", "=", "BEO", JOINER="OR", LPAREN=True),
          entry("pfs_f_dor", "=", "PROJECT", RPAREN="true"), entry("pfs_f_rental", "EMPTY")],
         ["10"]),
    ],
)  # fmt: skip
def test_operators_joiners_and_parentheses(entries: list[dict[str, Any]], expected: list[str]
                                           ) -> None:  # fmt: skip
    assert matching(*entries) == expected


def test_single_addon_filter_and_seqnum_order() -> None:
    single = {"ADDON_FILTER": entry("pfs_f_dor", "=", "PROJECT")}
    flt = compile_filter(single, COLUMNS, TenantOptions())
    assert [r["pfs_id"] for r in ROWS if flt.test(r)] == ["PFA-000002", "PFA-000010"]
    # SEQNUM orders the entries (and so where each JOINER applies)
    items = [dict(entry("pfs_f_rental", "EMPTY"), SEQNUM=3),
             dict(entry("pfs_f_dor", "=", "BEO", JOINER="OR"), SEQNUM=1),
             dict(entry("pfs_f_dor", "=", "PROJECT", JOINER="AND"), SEQNUM=2)]  # fmt: skip
    flt = compile_filter({"MULTIADDON_FILTERS": {"MADDON_FILTER": items}}, COLUMNS,
                         TenantOptions())  # fmt: skip
    assert [r["pfs_id"][-2:] for r in ROWS if flt.test(r)] == ["01", "10"]


def test_date_filters_in_each_configured_format() -> None:
    iso = TenantOptions(filter_format="iso")
    oracle = TenantOptions(filter_format="oracle")
    dmy = TenantOptions(date_order="DMY")
    assert matching(entry("pfs_f_startdate", "<", "2025-12-01"), options=iso) == ["01"]
    assert matching(entry("pfs_f_startdate", "<", "01-DEC-2025"), options=oracle) == ["01"]
    assert matching(entry("pfs_f_startdate", "<", "01/12/2025"), options=dmy) == ["01"]
    with pytest.raises(SimError, match="is not a date in the format 2025-11-25 10:00"):
        matching(entry("pfs_f_startdate", "<", "12/1/2025"), options=iso)


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([entry("nope", "=", "x")], "not a column of the grid"),
        ([entry("pfs_id", "LIKE", "x")], "not one of"),
        ([entry("pfs_id", "=")], "needs a VALUE"),
        ([entry("pfs_f_rental", ">", "many")], "not a number"),
        ([entry("pfs_f_actualized", "=", "perhaps")], "not a checkbox value"),
        ([entry("pfs_id", "=", "x", JOINER="XOR"), entry("pfs_id", "=", "y")], "JOINER must"),
        ([entry("pfs_id", "=", "x", LPAREN=True)], "parentheses do not match"),
        ([entry("pfs_id", "=", "x", RPAREN=True)], "parentheses do not match"),
        ([entry("pfs_id", "=", "x", LPAREN="maybe")], "LPAREN must be true or false"),
        ([entry("pfs_id", "=", ["x"])], "must be a string"),
    ],
)
def test_filters_a_tenant_refuses(entries: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(SimError, match=message):
        matching(*entries)
