"""The grid reader against the simulator over HTTP: full and incremental reads, every cursor
stop condition, value forms, unknown columns, malformed values and terminal errors."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest

from pfa_vanguard.pems import PemsClient, PemsTerminalError, map_row
from pfa_vanguard.pems.simulator import RunningSimulator, start_simulator
from tests.integration.pems.conftest import RECORDS, config, control, grid_calls, read_all


@pytest.mark.slow
async def test_full_read_of_50000_records_in_capped_pages_equals_the_generated_data() -> None:
    with start_simulator(("RIO",), records=50_000, seed=5) as sim:
        rows = sim.state.records("RIO")  # as the grid serves them
        stored = sim.state.stored_records("RIO")  # as the tenant holds them (ISO, plain)
        async with PemsClient(config(sim, timeout_s=60)) as client:
            pages = await read_all(client)
        assert [len(page) for page in pages] == [5_000] * 10  # the tenant caps pages at 5,000
        assert grid_calls(sim) == 10
    records = [record for page in pages for record in page]
    assert [r.pfa_id for r in records] == [row["pfs_id"] for row in rows]
    assert records == [map_row(row) for row in rows]
    for record, row in zip(records, stored, strict=True):  # independent of map_row
        data = record.data
        assert record.modified_at is not None
        assert record.problems == ()
        assert data["organization"] == "RIO"
        assert data["category"] == row["pfs_f_category"]
        assert data["forecastStart"] == date.fromisoformat(row["pfs_f_startdate"]).isoformat()
        assert data["actualEnd"] == (row["pfs_a_enddate"] or None)
        assert data["isActualized"] is (row["pfs_f_actualized"] == "-1")
        assert data["monthlyRate"] == (float(row["pfs_f_rental"]) if row["pfs_f_rental"] else None)


async def test_incremental_read_returns_only_changed_rows(
    sim: RunningSimulator, client: PemsClient
) -> None:
    everything = [r for page in await read_all(client) for r in page]
    assert len(everything) == RECORDS
    watermark = max(r.modified_at for r in everything if r.modified_at is not None)
    versions = {r.pfa_id: r.version for r in everything}

    changed = (await control(sim, "mutate", {"org": "RIO", "count": 7}))["changed"]
    await control(sim, "put", {"org": "RIO", "rows": [{"pfs_id": "PFA-000999"}]})
    await control(sim, "mutate", {"org": "HOLNG", "count": 3})  # another organization

    since = [r for page in await read_all(client, changed_since=watermark) for r in page]
    # ">=" the watermark's minute: the changed rows, and at most the rows stamped in that
    # minute again (harmless: the sync writes only rows whose version moved).
    again = {r.pfa_id for r in everything if r.modified_at == watermark}
    assert {*changed, "PFA-000999"} <= {r.pfa_id for r in since} <= {*changed, "PFA-000999", *again}
    for record in since:
        if record.pfa_id in changed:
            assert record.version != versions[record.pfa_id]
        elif record.pfa_id in again:
            assert record.version == versions[record.pfa_id]
    newest = max(r.modified_at for r in since if r.modified_at is not None)
    calls = grid_calls(sim)
    latest = [r for page in await read_all(client, changed_since=newest) for r in page]
    assert {r.pfa_id for r in latest} <= {*changed, "PFA-000999"}
    assert grid_calls(sim) == calls + 1


@pytest.mark.parametrize(
    ("cursor_end", "send_count", "calls"),
    [("null", True, 3), ("empty", False, 3), ("same", True, 3), ("nodata", False, 4)],
)
async def test_every_cursor_stop_condition(
    sim: RunningSimulator, client: PemsClient, cursor_end: str, send_count: bool, calls: int
) -> None:
    await control(
        sim, "config", {"cursorEnd": cursor_end, "sendCount": send_count, "maxPageSize": 25}
    )
    pages = await read_all(client)
    assert [len(page) for page in pages] == [25, 25, 10]
    assert [r.pfa_id for page in pages for r in page] == [
        f"PFA-{n:06d}" for n in range(1, RECORDS + 1)
    ]
    assert grid_calls(sim) == calls


async def test_empty_organization_reads_as_no_pages(
    sim: RunningSimulator, client: PemsClient
) -> None:
    await control(sim, "delete", {"org": "HOLNG", "pfaIds": [f"PFA-{n:06d}" for n in range(1, 61)]})
    assert await read_all(client, "HOLNG") == []
    assert grid_calls(sim) == 1


FORMS = {  # pfs_id -> (actualized, discontinued, fundstrans, rental, forecast start)
    "PFA-900001": ("-1", "0", "true", "12500.00", "2025-03-15"),
    "PFA-900002": ("+", "false", "Yes", "980", "2025-03-15 00:00:00.0"),
    "PFA-900003": ("", "-", "No", ".5", "15-MAR-2025"),
    "PFA-900004": ("TRUE", "no", "", "", ""),
}
COLUMNS = (
    "pfs_f_actualized",
    "pfs_f_discontinued",
    "pfs_f_fundstrans",
    "pfs_f_rental",
    "pfs_f_startdate",
)
EXPECTED = {
    "PFA-900001": (True, False, True, 12500, "2025-03-15"),
    "PFA-900002": (True, False, True, 980, "2025-03-15"),
    "PFA-900003": (False, False, False, 0.5, "2025-03-15"),
    "PFA-900004": (True, False, False, None, None),
}


async def test_every_chkboolean_number_and_date_form(
    sim: RunningSimulator, client: PemsClient
) -> None:
    rows = [
        {"pfs_id": pfa_id, **dict(zip(COLUMNS, values, strict=True))}
        for pfa_id, values in FORMS.items()
    ]
    await control(sim, "put", {"org": "RIO", "rows": rows})
    records = {r.pfa_id: r for page in await read_all(client) for r in page}
    for pfa_id, expected in EXPECTED.items():
        data = records[pfa_id].data
        got = (data["isActualized"], data["isDiscontinued"], data["isFundsTransferable"],
               data["monthlyRate"], data["forecastStart"])  # fmt: skip
        assert got == expected, pfa_id
        assert records[pfa_id].problems == ()


async def test_unknown_columns_are_kept_under_their_alias(
    sim: RunningSimulator, client: PemsClient
) -> None:
    assert await control(sim, "drift", {"alias": "pfs_new_column", "value": "N1"}) == {
        "drift": {"pfs_new_column": "N1"}
    }
    records = [r for page in await read_all(client) for r in page]
    assert len(records) == RECORDS
    assert all(r.data["pfs_new_column"] == "N1" for r in records)
    assert all(r.problems == () for r in records)


async def test_malformed_values_are_reported_and_never_fatal(
    sim: RunningSimulator, client: PemsClient
) -> None:
    bad = {"pfs_id": "PFA-000005", "pfs_f_rental": "n/a", "pfs_f_enddate": "2025-13-45"}
    await control(sim, "put", {"org": "RIO", "rows": [bad]})
    served = sim.state.row("RIO", "PFA-000005")
    assert served is not None
    records = {r.pfa_id: r for page in await read_all(client) for r in page}
    assert len(records) == RECORDS
    broken = records["PFA-000005"]
    assert broken.data["monthlyRate"] == "n/a"
    assert broken.data["forecastEnd"] == served["pfs_f_enddate"]
    assert broken.problems == (
        "monthlyRate: 'n/a' is not a number",
        f"forecastEnd: {served['pfs_f_enddate']!r} is not a date (MDY or YYYY-MM-DD)",
    )
    assert sum(1 for r in records.values() if r.problems) == 1


async def test_bad_credentials_stop_at_once_with_a_clear_message() -> None:
    with start_simulator(("RIO",), records=5, api_key="s3cret", user="svc", password="pw") as sim:
        async with PemsClient(config(sim, api_key="wrong")) as client:
            with pytest.raises(PemsTerminalError) as caught:
                await read_all(client)
        assert caught.value.status_code == 502
        assert str(caught.value) == (
            "organization RIO, page at cursor 0: PEMS refused the credentials (HTTP 401): "
            "WSR-UNAUTHORIZED: Invalid API key"
        )
        assert grid_calls(sim) == 1
        for good in (config(sim, api_key="s3cret"), config(sim, user="svc", password="pw")):
            async with PemsClient(good) as client:
                assert len((await read_all(client))[0]) == 5


async def test_unparsable_page_is_terminal_and_names_the_page(
    sim: RunningSimulator, client: PemsClient
) -> None:
    await control(sim, "config", {"maxPageSize": 25})
    await control(sim, "faults", {"next": [{"kind": "none"}, {"kind": "garbage"}]})
    with pytest.raises(PemsTerminalError, match=r"^organization RIO, page at cursor 26: "
                       r"unparsable grid answer: the answer is not JSON"):  # fmt: skip
        await read_all(client)
    assert grid_calls(sim) == 2


async def test_unknown_organization_reads_no_records(
    sim: RunningSimulator, client: PemsClient
) -> None:
    """The PFA organization is a filter: a code the tenant does not know matches no rows."""
    assert await read_all(client, "NOPE") == []


async def test_a_reader_may_stop_after_any_page(sim: RunningSimulator, client: PemsClient) -> None:
    await control(sim, "config", {"maxPageSize": 10})
    async with contextlib.aclosing(client.iter_pages("RIO")) as pages:
        async for page in pages:
            assert len(page) == 10
            break
    assert grid_calls(sim) <= 2  # the next page may have been prefetched, no more
    assert len((await read_all(client))[-1]) == 10


async def test_read_record_finds_one_record_or_none(client: PemsClient) -> None:
    record = await client.read_record("RIO", "PFA-000042")
    assert record is not None
    assert record.pfa_id == "PFA-000042"
    assert await client.read_record("RIO", "PFA-424242") is None
