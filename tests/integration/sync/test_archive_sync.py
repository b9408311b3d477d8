"""The sync and the archive (mirror/archive.py): an archived record PEMS still sends is neither
inserted again nor lost; one PEMS changed comes back to the mirror as its new version; one PEMS
stops sending stays archived."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from psycopg import AsyncConnection, sql

from pfa_vanguard.mirror.archive import archive_organization
from pfa_vanguard.sync.service import sync_org
from tests.integration.sync.conftest import (
    BASE_TIME,
    changed,
    create_org,
    mirror_writes,
    static_records,
)
from tests.integration.sync.static_source import StaticSource

Conn = AsyncConnection[dict[str, Any]]
CUTOFF = date(2025, 9, 1)


async def ids(conn: Conn, table: str, org_id: int) -> set[str]:
    query = sql.SQL("SELECT id FROM {} WHERE organization_id = %s").format(sql.Identifier(table))
    cur = await conn.execute(query, [org_id])
    found = {r["id"] for r in await cur.fetchall()}
    await conn.commit()
    return found


async def test_archived_records_are_not_resurrected_nor_lost(
    conn: Conn, source: StaticSource
) -> None:
    org_id = await create_org(conn, "RIO")
    records = static_records("RIO", 300)
    source.put("RIO", records)
    await sync_org(conn, source, "RIO")
    moved = await archive_organization(conn, org_id, "RIO", CUTOFF)
    await conn.commit()
    archived = await ids(conn, "pfa_mirror_archive", org_id)
    assert moved == len(archived) > 20
    kept = await ids(conn, "pfa_mirror", org_id)
    assert kept.isdisjoint(archived)
    assert len(kept) + len(archived) == 300

    # PEMS unchanged: the archived records stay archived, nothing is written
    before = await mirror_writes(conn)
    for full in (True, False):
        result = await sync_org(conn, source, "RIO", full=full)
        assert result.status == "succeeded", result.error
        assert (result.inserted, result.updated, result.deleted) == (0, 0, 0)
    assert await mirror_writes(conn) == before
    assert await ids(conn, "pfa_mirror", org_id) == kept
    assert await ids(conn, "pfa_mirror_archive", org_id) == archived

    # PEMS changes one archived record (its dates move on) and stops sending another
    back, gone = sorted(archived)[:2]
    later = BASE_TIME + timedelta(days=30)
    by_id = {r.pfa_id: r for r in records}
    source.put(
        "RIO",
        [
            changed(r, later, forecastEnd="2031-06-30") if r.pfa_id == back else r
            for r in records
            if r.pfa_id != gone
        ],
    )
    result = await sync_org(conn, source, "RIO", full=True)
    assert result.status == "succeeded", result.error
    assert (result.inserted, result.updated, result.deleted) == (1, 0, 0)
    assert await ids(conn, "pfa_mirror", org_id) == kept | {back}
    assert await ids(conn, "pfa_mirror_archive", org_id) == archived - {back}
    cur = await conn.execute(
        "SELECT m.data, pems_version FROM pfa_mirror m WHERE organization_id = %s AND id = %s",
        [org_id, back],
    )
    row = await cur.fetchone()
    await conn.commit()
    assert row == {"data": {**by_id[back].data, "forecastEnd": "2031-06-30"}, "pems_version": 2}
