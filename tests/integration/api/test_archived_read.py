"""Archiving (mirror/archive.py): long-ended records leave the grid, the KPI figures and open
screens; `?archived=true` reads them back; a drafted record stays."""

from __future__ import annotations

from datetime import date
from typing import Any

from psycopg.rows import dict_row

from pfa_vanguard.mirror.archive import archive_cutoff, archive_organization
from tests.integration.api.conftest import Api, World


async def get(api: Api, user: str, path: str, **params: Any) -> Any:
    resp = await api.client.get(path, params=params, headers=await api.login(user))
    assert resp.status_code == 200, resp.text
    return resp.json()


async def ended_before(api: Api, org_id: int, cutoff: date) -> set[str]:
    async with await api.db() as conn:
        cur = await conn.execute(
            "SELECT id FROM pfa_mirror WHERE organization_id = %s AND forecast_end < %s"
            " AND (actual_end < %s OR (actual_start IS NULL AND actual_end IS NULL))",
            [org_id, cutoff, cutoff],
        )
        return {r["id"] for r in await cur.fetchall()}


async def archive(api: Api, org_id: int, cutoff: date) -> int:
    async with await api.db() as conn:
        moved = await archive_organization(conn, org_id, "ALPHA", cutoff)
        await conn.commit()
        return moved


async def test_archived_records_leave_grid_kpi_and_screens_and_come_back_on_request(
    api: Api, world: World
) -> None:
    org = world.orgs["ALPHA"]
    cutoff = date(2025, 9, 1)
    ended = await ended_before(api, org, cutoff)
    assert 10 < len(ended) < len(world.records["ALPHA"]) - 10  # some, not all
    drafted = min(ended)
    resp = await api.client.post(
        "/api/pfa/ALPHA/draft",
        json={"recordId": drafted, "changes": {"equipment": "MINE"}},
        headers=await api.login("alice"),
    )
    assert resp.status_code == 200, resp.text
    before = await get(api, "victor", "/api/pfa/ALPHA")
    kpi_before = await get(api, "victor", "/api/pfa/ALPHA/kpi")
    mark = (await get(api, "victor", "/api/pfa/ALPHA/changes"))["version"]

    assert await archive(api, org, cutoff) == len(ended) - 1

    grid = await get(api, "victor", "/api/pfa/ALPHA")
    ids = {r["id"] for r in grid["records"]}
    assert ids == {r["id"] for r in before["records"]} - (ended - {drafted})
    assert drafted in ids
    kpi = await get(api, "victor", "/api/pfa/ALPHA/kpi")
    assert kpi["current"]["totals"]["recordCount"] < kpi_before["current"]["totals"]["recordCount"]
    changes = await get(api, "victor", "/api/pfa/ALPHA/changes", since=mark)
    assert set(changes["removed"]) == ended - {drafted}

    everything = await get(api, "victor", "/api/pfa/ALPHA", archived="true")
    assert everything["records"] == sorted(everything["records"], key=lambda r: r["id"])
    by_id = {r["id"]: r for r in everything["records"]}
    assert by_id.keys() == {r["id"] for r in before["records"]}
    old = {r["id"]: r for r in before["records"]}
    for record_id in ended - {drafted}:
        assert by_id[record_id] == {**old[record_id], "archived": True}
    assert all("archived" not in by_id[i] for i in ids)
    # filters and sorting apply to archived records alike
    category = old[min(ended - {drafted})]["data"]["category"]
    filtered = await get(
        api, "victor", "/api/pfa/ALPHA", archived="true", category=category, sort="-forecastEnd"
    )
    expected = [r for r in before["records"] if r["data"]["category"] == category]
    assert {r["id"] for r in filtered["records"]} == {r["id"] for r in expected}
    ends = [r["data"]["forecastEnd"] for r in filtered["records"]]
    assert ends == sorted(ends, reverse=True)
    assert not any(
        r["id"] in ended
        for r in (await get(api, "victor", "/api/pfa/ALPHA", category=category))["records"]
        if r["id"] != drafted
    )


async def test_the_cutoff_counts_whole_years() -> None:
    from datetime import UTC, datetime

    assert archive_cutoff(datetime(2026, 12, 4, tzinfo=UTC), 2) == date(2024, 12, 4)
    assert archive_cutoff(datetime(2028, 2, 29, tzinfo=UTC), 1) == date(2027, 2, 28)


async def test_archive_rows_keep_the_record_whole(api: Api, world: World) -> None:
    org = world.orgs["ALPHA"]
    await archive(api, org, date(2100, 1, 1))
    async with await api.db() as conn, conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            "SELECT id, a.data FROM pfa_mirror_archive a WHERE organization_id = %s", [org]
        )
        archived = {r["id"]: r["data"] for r in await cur.fetchall()}
    records = {r["pfaId"]: r for r in world.records["ALPHA"]}
    assert archived
    for record_id, data in archived.items():
        assert data == records[record_id]
