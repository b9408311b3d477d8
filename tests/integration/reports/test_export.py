"""Exports of the current view through the real app: the grid's filters and sort, the caller's
drafts applied, typed cells in a real .xlsx, the filter written above the rows, a totals row;
bad input refused; 50,000 rows streamed in seconds."""

from __future__ import annotations

import csv
import io
import random
import re
import time
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from psycopg import AsyncConnection
from psycopg.rows import dict_row

from pfa_vanguard.kpi.board import board, cells_from_records
from tests.factories import make_record
from tests.integration.api.conftest import Api, World, add_member, api_settings, running_api


async def _get(api: Api, user: str, path: str, status: int = 200, **params: Any) -> Any:
    resp = await api.client.get(path, params=params, headers=await api.login(user))
    assert resp.status_code == status, resp.text[:300]
    return resp


def _rows(body: str) -> tuple[list[list[str]], list[str], list[list[str]], list[str]]:
    lines = list(csv.reader(io.StringIO(body)))
    return lines[:2], lines[2], lines[3:-1], lines[-1]


def _sheet(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        assert "xl/workbook.xml" in book.namelist()
        return book.read("xl/worksheets/sheet1.xml").decode()


async def test_csv_holds_the_filtered_sorted_view_with_drafts_and_totals(
    api: Api, world: World
) -> None:
    records = {r["pfaId"]: r for r in world.records["ALPHA"]}
    crane = next(i for i, r in records.items() if r["category"] == "Crane")
    resp = await api.client.post(
        "/api/pfa/ALPHA/draft",
        json={"recordId": crane, "changes": {"forecastEnd": "2029-12-31"}},
        headers=await api.login("alice"),
    )
    assert resp.status_code == 200, resp.text
    body = (await _get(api, "alice", "/api/pfa/ALPHA/export.csv", category="Crane",
                       sort="-forecastEnd")).text  # fmt: skip
    top, header, rows, totals = _rows(body)
    assert top[0][0] == "# ALPHA: amounts in USD"
    assert top[1][0] == "# Filter: category in Crane. Sorted by -forecastEnd."
    ids = [r[0] for r in rows]
    cranes = [i for i, r in records.items() if r["category"] == "Crane"]
    assert sorted(ids) == sorted(cranes)
    assert ids[0] == crane  # its drafted end is the latest
    end = header.index("forecastEnd")
    assert rows[0][end] == "2029-12-31"
    assert rows[0][header.index("hasDraft")] == "true"
    ends = [r[end] for r in rows if r[end]]
    assert ends == sorted(ends, reverse=True)
    merged = [{**records[i], **({"forecastEnd": "2029-12-31"} if i == crane else {})}
              for i in cranes]  # fmt: skip
    want = board(cells_from_records(merged))["totals"]
    assert float(totals[header.index("forecastCost")]) == want["forecast"]["total"]
    assert totals[0].startswith(f"Total ({want['recordCount']} records; excludes ")


async def test_xlsx_cells_are_typed_and_the_filter_is_written(api: Api, world: World) -> None:
    resp = await _get(api, "victor", "/api/pfa/ALPHA/export.xlsx", source="Rental")
    assert resp.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="ALPHA-view.xlsx"' in resp.headers["content-disposition"]
    sheet = _sheet(resp.content)
    assert "Filter: source in Rental. Sorted by id." in sheet
    rental = [r for r in world.records["ALPHA"] if r["source"] == "Rental"]
    rows = re.findall(r'<row r="(\d+)"', sheet)
    assert len(rows) == 3 + len(rental) + 1  # title, filter, header, records, totals
    # row 5 is the first record: its monthly rate a number, its dates date serials, its
    # booleans booleans
    first = re.search(r'<row r="5"[^>]*>(.*?)</row>', sheet)
    assert first is not None
    cells = dict(re.findall(r'<c r="([A-Z]+)5"([^>]*>.*?)</c>', first[1]))
    numbers = [c for c in cells.values() if 't="' not in c.split(">")[0]]
    booleans = [c for c in cells.values() if 't="b"' in c]
    assert booleans
    assert any(re.search(r"<v>4\d{4}(\.\d+)?</v>", c) for c in numbers)  # a 2009..2036 date
    assert any(re.search(r"<v>\d+\.\d+</v>", c) for c in numbers)  # an amount


@pytest.mark.parametrize(
    "params",
    [{"sort": "nope"}, {"from": "2026-02-01", "to": "2026-01-01"}, {"from": "soon"}],
)
async def test_bad_input_is_refused(api: Api, world: World, params: dict[str, str]) -> None:
    for path in ("/api/pfa/ALPHA/export.csv", "/api/pfa/ALPHA/export.xlsx"):
        resp = await api.client.get(path, params=params, headers=await api.login("victor"))
        assert resp.status_code in (400, 422), resp.text
        assert resp.json()["detail"]


async def test_kpi_workbook_has_the_boards(api: Api, world: World) -> None:
    content = (await _get(api, "alice", "/api/pfa/ALPHA/kpi.xlsx", drafts="true")).content
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        names = book.read("xl/workbook.xml").decode()
        shared = book.read("xl/sharedStrings.xml").decode()
    assert 'name="Committed"' in names
    assert 'name="With my drafts"' in names
    assert "excludes" in shared
    assert "amounts in USD" in shared


@pytest.fixture
async def big(db_url: str, tmp_path: Path) -> AsyncIterator[Api]:
    rng = random.Random(3)
    async with await AsyncConnection.connect(db_url, row_factory=dict_row) as conn:
        cur = await conn.execute(
            "INSERT INTO organizations (code, name) VALUES ('BIG', 'BIG') RETURNING id"
        )
        row = await cur.fetchone()
        assert row is not None
        await add_member(conn, "victor", int(row["id"]), "viewer")
        async with (
            conn.cursor() as copy_cur,
            copy_cur.copy(
                "COPY pfa_mirror (organization_id, id, doc, pems_version) FROM STDIN"
            ) as copy,
        ):
            for n in range(1, 50_001):
                record = make_record(rng, "BIG", n)
                await copy.write_row((row["id"], record["pfaId"], orjson.dumps(record).decode(), 1))
        await conn.commit()
    async with running_api(api_settings(tmp_path, db_url), db_url) as running:
        yield running


@pytest.mark.slow
async def test_fifty_thousand_rows_stream_in_seconds(big: Api) -> None:
    for fmt, bound in (("csv", 20.0), ("xlsx", 40.0)):
        started = time.perf_counter()
        resp = await _get(big, "victor", f"/api/pfa/BIG/export.{fmt}", sort="-forecastCost")
        elapsed = time.perf_counter() - started
        print(f"export.{fmt} of 50,000 rows: {elapsed:.1f} s, {len(resp.content) / 2**20:.1f} MiB")
        assert elapsed < bound
        if fmt == "csv":
            assert resp.text.count("\r\n") == 2 + 1 + 50_000 + 1


async def test_a_column_filtered_by_several_values_selects_the_same_records_everywhere(
    api: Api, world: World
) -> None:
    """category=Crane&category=Generator is category IN {Crane, Generator} for the grid's
    read, the view's totals and its exports alike (one declaration of the parameters)."""
    records = world.records["ALPHA"]
    wanted = {"Crane", "Generator"}
    want = sorted(r["pfaId"] for r in records if r["category"] in wanted)
    assert want
    assert len(want) < len(records)
    params = {"category": ["Crane", "Generator"], "sort": "pfaId"}
    headers = await api.login("alice")
    read = await api.client.get("/api/pfa/ALPHA", params=params, headers=headers)
    assert read.status_code == 200, read.text[:300]
    assert sorted(r["id"] for r in read.json()["records"]) == want
    totals = await api.client.get("/api/pfa/ALPHA/totals", params=params, headers=headers)
    assert totals.status_code == 200, totals.text[:300]
    assert totals.json()["records"] == len(want)
    merged = [r for r in records if r["category"] in wanted]
    figures = board(cells_from_records(merged))["totals"]
    assert totals.json()["forecast"]["total"] == pytest.approx(figures["forecast"]["total"])
    body = await api.client.get("/api/pfa/ALPHA/export.csv", params=params, headers=headers)
    assert body.status_code == 200
    top, _header, rows, _ = _rows(body.text)
    assert [r[0] for r in rows] == want
    assert top[1][0].startswith("# Filter: category in Crane, Generator")
    # a date range the wrong way round is refused by the same declaration, for each of them
    for path in ("/api/pfa/ALPHA", "/api/pfa/ALPHA/totals", "/api/pfa/ALPHA/export.csv"):
        bad = await api.client.get(
            path, params={"from": "2026-02-01", "to": "2026-01-01"}, headers=headers
        )
        assert bad.status_code == 400, (path, bad.text[:200])
        assert bad.json()["error"]
