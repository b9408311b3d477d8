"""Found by the benchmark: a first full sync of an organization in a populated mirror looked
for rows missing from the stage with a nested loop that scanned the whole stage once per
mirror row (statistics said the new organization had no rows): minutes for 50K records. The
stage is indexed on id, so every plan of that anti-join probes instead."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import dict_row

from pfa_vanguard.sync.stage import Stage


async def test_the_stage_is_indexed_on_id(conn: AsyncConnection[dict[str, Any]]) -> None:
    await conn.set_autocommit(True)
    conn.row_factory = dict_row
    stage = Stage(conn)
    await stage.open()
    await stage.open()  # a second sync on the same session reuses table and index
    cur = await conn.execute(
        "SELECT indexdef FROM pg_indexes WHERE tablename = 'pfa_sync_stage'"
        " AND schemaname LIKE 'pg_temp%%'"
    )
    definitions = [row["indexdef"] for row in await cur.fetchall()]
    assert any(d.endswith("(id)") for d in definitions), definitions
