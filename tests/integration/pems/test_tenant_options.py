"""The connector against the simulator in every combination of the points a tenant decides:
year format, date order, capped pages, a grid with or without a counter column, and the format
of date filters. Each combination must read every value right and write a date that lands."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from pfa_vanguard.pems import PemsClient, load_mapping, map_row
from pfa_vanguard.pems.formats import TenantFormats
from pfa_vanguard.pems.simulator import RunningSimulator
from tests.integration.pems.conftest import RECORDS, config, control, read_all

COMBINATIONS = list(
    itertools.product(("epoch-ms", "calendar"), ("MDY", "DMY"), (5000, 7), (False, True))
)


def canonical(sim: RunningSimulator, org: str = "RIO") -> dict[str, dict[str, Any]]:
    """What each record holds, from the tenant's own canonical rows (ISO dates, plain
    numbers), independent of how the grid formats them."""
    with sim.state.lock:
        rows = [dict(row) for row in sim.state.org(org).rows.values()]
    expected = {}
    for row in rows:
        row.pop("recordid", None)
        row.pop("pfs_lastmodified", None)
        expected[row["pfs_id"]] = map_row(row).data
    return expected


@pytest.mark.parametrize(
    ("year_format", "date_order", "page_cap", "grid_counter"),
    COMBINATIONS,
    ids=["-".join(map(str, combination)) for combination in COMBINATIONS],
)
async def test_reads_and_writes_in_every_tenant_option_combination(
    sim: RunningSimulator, year_format: str, date_order: str, page_cap: int, grid_counter: bool
) -> None:
    await control(sim, "options", {"yearFormat": year_format, "dateOrder": date_order,
                                   "pageCap": page_cap, "gridCounter": grid_counter})  # fmt: skip
    formats = TenantFormats(date_order=date_order, year_format=year_format)  # type: ignore[arg-type]
    mapping = load_mapping()
    if grid_counter:
        mapping = dataclasses.replace(mapping, version_alias="recordid")
    async with PemsClient(config(sim, formats=formats), mapping=mapping) as client:
        pages = await read_all(client)
        assert max(len(page) for page in pages) <= page_cap
        records = [record for page in pages for record in page]
        assert len(records) == RECORDS
        assert all(record.problems == () for record in records), records[0].problems
        assert {r.pfa_id: r.data for r in records} == canonical(sim)
        assert all(record.modified_at is not None for record in records)
        if grid_counter:
            with sim.state.lock:
                counters = {i: int(r["recordid"]) for i, r in sim.state.org("RIO").rows.items()}
            assert {r.pfa_id: r.version for r in records} == counters

        target = records[3]
        changes = {"forecastEnd": "2027-12-31", "monthlyRate": 12500}
        base = {name: target.data.get(name) for name in changes}
        result = await client.update_record("RIO", target.pfa_id, changes, base)
        assert result.status == "accepted", result.message
        with sim.state.lock:
            row = dict(sim.state.org("RIO").rows[target.pfa_id])
        assert row["pfs_f_enddate"] == "2027-12-31"
        assert float(row["pfs_f_rental"]) == 12500

        again = await client.read_record("RIO", target.pfa_id)
        assert again is not None
        assert again.data["forecastEnd"] == "2027-12-31"
        assert again.data["monthlyRate"] == 12500
        assert again.version != target.version


@pytest.mark.parametrize("numeric_value", ["unscaled", "plain"])
async def test_numbers_land_as_written_in_either_numericdata_reading(
    sim: RunningSimulator, numeric_value: str
) -> None:
    await control(sim, "options", {"numericValue": numeric_value})
    formats = TenantFormats(numeric_value=numeric_value)  # type: ignore[arg-type]
    async with PemsClient(config(sim, formats=formats)) as client:
        target = (await read_all(client))[0][5]
        changes = {"monthlyRate": 12500.5, "purchasePrice": 1999}
        base = {name: target.data.get(name) for name in changes}
        result = await client.update_record("RIO", target.pfa_id, changes, base)
        assert result.status == "accepted", result.message
        with sim.state.lock:
            row = dict(sim.state.org("RIO").rows[target.pfa_id])
        assert (row["pfs_f_rental"], row["pfs_f_purchase"]) == ("12500.50", "1999.00")
        again = await client.read_record("RIO", target.pfa_id)
        assert again is not None
        assert (again.data["monthlyRate"], again.data["purchasePrice"]) == (12500.5, 1999)
        assert again.data == {**target.data, **changes}


async def test_a_connector_reading_numbers_wrongly_is_refused_before_it_writes(
    sim: RunningSimulator,
) -> None:
    """Unscaled digits sent to a plain tenant would write 100 times the amount; the GET that
    precedes every write reads the tenant's numbers differently from the grid, so the user's
    base no longer matches and nothing is written."""
    await control(sim, "options", {"numericValue": "plain"})
    async with PemsClient(config(sim)) as client:
        target = (await read_all(client))[0][5]
        changes = {"monthlyRate": 12500.5}
        base = {"monthlyRate": target.data.get("monthlyRate")}
        result = await client.update_record("RIO", target.pfa_id, changes, base)
        assert result.status == "conflict", result
        assert result.record is not None
        assert result.record.data["monthlyRate"] * 100 == target.data["monthlyRate"]
    assert sim.state.writes_for() == []


@pytest.mark.parametrize("filter_format", ["user", "iso", "oracle"])
@pytest.mark.parametrize("date_order", ["MDY", "DMY"])
async def test_incremental_reads_in_each_date_filter_format(
    sim: RunningSimulator, filter_format: str, date_order: str
) -> None:
    await control(sim, "options", {"filterFormat": filter_format, "dateOrder": date_order})
    formats = TenantFormats(date_order=date_order, filter_format=filter_format)  # type: ignore[arg-type]
    async with PemsClient(config(sim, formats=formats)) as client:
        everything = [r for page in await read_all(client) for r in page]
        newest = max(r.modified_at for r in everything if r.modified_at is not None)
        changed = sim.state.mutate("RIO", 3)
        since = datetime.now(UTC) - timedelta(minutes=1)
        recent = [r for page in await read_all(client, changed_since=since) for r in page]
        assert set(changed) <= {r.pfa_id for r in recent}
        # Nothing older than the filter's own precision comes back.
        floor = since.replace(second=0, microsecond=0)
        if filter_format == "oracle":
            floor = floor.replace(hour=0, minute=0)
        assert all(r.modified_at is not None and r.modified_at >= floor for r in recent)
        assert newest < datetime.now(UTC)


async def test_an_unchanged_row_keeps_its_version_and_any_edit_changes_it(
    sim: RunningSimulator,
) -> None:
    """Without a counter column: the same row read twice has the same version (a sync with no
    change writes nothing); an edit in the same minute that leaves the stamp alone still
    changes it."""
    async with PemsClient(config(sim)) as client:
        first = {r.pfa_id: r.version for page in await read_all(client) for r in page}
        second = {r.pfa_id: r.version for page in await read_all(client) for r in page}
        assert first == second
        with sim.state.lock:
            stamp = sim.state.org("RIO").rows["PFA-000020"]["pfs_lastmodified"]
        sim.state.put_rows(
            "RIO", [{"pfs_id": "PFA-000020", "pfs_f_catdesc": "Pump", "pfs_lastmodified": stamp}]
        )
        edited = await client.read_record("RIO", "PFA-000020")
        assert edited is not None
        assert edited.version != first["PFA-000020"]
