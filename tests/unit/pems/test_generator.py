from __future__ import annotations

from collections import Counter

from pfa_vanguard.pems.mapping import map_row
from pfa_vanguard.pems.simulator.generator import COLUMNS, DEMO_ORGS, generate_org


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
    records = [map_row(row).data for row in generate_org("RIO", 12_000, 42)]
    assert all(map_row(row).problems == () for row in generate_org("RIO", 200, 42))
    n = len(records)
    categories = Counter(r["category"] for r in records)
    assert len(categories) == 12
    assert all(0.05 < count / n < 0.12 for count in categories.values())
    share = {
        "rental": sum(r["source"] == "Rental" for r in records) / n,
        "beo": sum(r["dor"] == "BEO" for r in records) / n,
        "actualized": sum(r["isActualized"] for r in records) / n,
        "discontinued": sum(r["isDiscontinued"] for r in records) / n,
        "funds": sum(r["isFundsTransferable"] for r in records) / n,
    }
    assert 0.65 < share["rental"] < 0.85
    assert 0.15 < share["beo"] < 0.25
    assert 0.2 < share["actualized"] < 0.4
    assert 0.02 < share["discontinued"] < 0.07
    assert 0.03 < share["funds"] < 0.09
    assert len({r["areaSilo"] for r in records}) >= 8
    assert len({r["class"] for r in records}) >= 30
    for r in records:
        assert r["originalStart"] <= r["originalEnd"]
        assert r["forecastStart"] <= r["forecastEnd"]
        assert "2025-01-01" <= r["originalStart"] <= "2027-01-01"
        if r["source"] == "Rental":
            assert r["monthlyRate"] > 0
            assert r["purchasePrice"] is None
        else:
            assert r["purchasePrice"] > 0
            assert r["monthlyRate"] is None
        if r["isActualized"]:
            assert r["actualStart"] is not None
            assert r["equipment"] is not None
            assert not r["isDiscontinued"]
        else:
            assert r["actualStart"] is None
            assert r["actualEnd"] is None
