from __future__ import annotations

from collections import Counter

from pfa_vanguard.pems.simulator.generator import CODES, COLUMNS, DEMO_ORGS, generate_org


def test_demo_orgs_start_with_the_contract_three_and_reach_twenty() -> None:
    assert DEMO_ORGS[:3] == ("RIO", "PORTARTHUR", "HOLNG")
    assert len(set(DEMO_ORGS)) == 20


def test_same_seed_same_rows_other_seed_or_org_other_rows() -> None:
    rows = generate_org("RIO", 300, 42)
    assert rows == generate_org("RIO", 300, 42)
    assert rows != generate_org("RIO", 300, 43)
    other = generate_org("HOLNG", 300, 42)
    assert [r["description"] for r in rows] != [r["description"] for r in other]
    assert generate_org("RIO", 100, 42) == rows[:100]  # a prefix is stable too


def test_rows_are_alias_level_strings_sorted_on_pfs_id() -> None:
    rows = generate_org("HOLNG", 500, 7)
    ids = [r["pfs_id"] for r in rows]
    assert ids == sorted(ids)
    assert ids[0] == "PFA-000001"
    assert ids[122] == "PFA-000123"
    for row in rows:
        assert list(row) == list(COLUMNS)
        assert all(isinstance(value, str) for value in row.values())
        assert row["pfs_a_org"] == "HOLNG"
        assert int(row["recordid"]) >= 1
        assert row["pfs_lastmodified"].endswith("Z")


def test_records_follow_the_domain_rules_in_plausible_shares() -> None:
    rows = generate_org("RIO", 12_000, 42)
    n = len(rows)
    categories = Counter(r["pfs_f_category"] for r in rows)
    assert len(categories) == 12
    assert all(0.05 < count / n < 0.12 for count in categories.values())
    share = {
        "rental": sum(r["pfs_f_source"] == "RENTAL" for r in rows) / n,
        "beo": sum(r["pfs_f_dor"] == "BEO" for r in rows) / n,
        "actualized": sum(r["pfs_f_actualized"] == "-1" for r in rows) / n,
        "discontinued": sum(r["pfs_f_discontinued"] == "-1" for r in rows) / n,
        "funds": sum(r["pfs_f_fundstrans"] == "-1" for r in rows) / n,
    }
    assert 0.65 < share["rental"] < 0.85
    assert 0.15 < share["beo"] < 0.25
    assert 0.2 < share["actualized"] < 0.4
    assert 0.02 < share["discontinued"] < 0.07
    assert 0.03 < share["funds"] < 0.09
    assert len({r["pfs_f_area"] for r in rows}) >= 8
    assert len({r["pfs_f_class"] for r in rows}) >= 30
    for r in rows:
        for alias, codes in CODES.items():  # codes upper case, as the tenant stores them
            assert r[alias] in codes
        for flag in ("pfs_f_actualized", "pfs_f_discontinued", "pfs_f_fundstrans"):
            assert r[flag] in ("-1", "0")
        assert r["pfs_p_startdate"] <= r["pfs_p_enddate"]
        assert r["pfs_f_startdate"] <= r["pfs_f_enddate"]
        assert "2025-01-01" <= r["pfs_p_startdate"] <= "2027-01-01"
        if r["pfs_f_source"] == "RENTAL":
            assert float(r["pfs_f_rental"]) > 0
            assert r["pfs_f_purchase"] == ""
        else:
            assert float(r["pfs_f_purchase"]) > 0
            assert r["pfs_f_rental"] == ""
        assert r["pfs_f_rental"] == "" or r["pfs_f_rental"].endswith(".00")
        if r["pfs_f_actualized"] == "-1":
            assert r["pfs_a_startdate"] != ""
            assert r["pfs_equipment_tag"] != ""
            assert r["pfs_f_discontinued"] == "0"
        else:
            assert r["pfs_a_startdate"] == ""
            assert r["pfs_a_enddate"] == ""
