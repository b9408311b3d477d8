"""Conflict resolution on the database: each strategy rebases the draft on the mirror's
current version, clears the conflict mark, and deletes a draft left empty."""

from __future__ import annotations

import random
from typing import Any

import pytest
from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from pfa_vanguard.accounts.repository import save_user
from pfa_vanguard.drafts.conflicts import Strategy, resolve
from pfa_vanguard.errors import BadRequest, Conflict, NotFound
from tests.factories import insert_records, make_org, make_record

Conn = AsyncConnection[dict[str, Any]]


async def _setup(conn: Conn) -> tuple[int, int, dict[str, Any]]:
    org_id = await make_org(conn, "ALPHA")
    record = make_record(random.Random(3), "ALPHA", 1)
    record.update(
        forecastStart="2025-03-01", forecastEnd="2025-06-30", dor="BEO", isDiscontinued=False
    )
    await insert_records(conn, org_id, [record], version=10)
    user = await save_user(conn, "alice", "pw")
    # alice drafted forecastEnd and dor at version 10 ...
    await conn.execute(
        "INSERT INTO pfa_modification (user_id, organization_id, record_id, changes,"
        " base_version, base_values) VALUES (%s, %s, %s, %s, 10, %s)",
        [
            user["id"],
            org_id,
            record["pfaId"],
            Jsonb({"forecastEnd": "2025-07-31", "dor": "PROJECT"}),
            Jsonb({"forecastEnd": "2025-06-30", "dor": "BEO"}),
        ],
    )
    # ... then PEMS moved forecastEnd and forecastStart (version 12)
    theirs = {**record, "forecastEnd": "2025-09-30", "forecastStart": "2025-04-01"}
    await conn.execute(
        "UPDATE pfa_mirror SET doc = %s, pems_version = 12 WHERE id = %s",
        [Jsonb(theirs), record["pfaId"]],
    )
    await conn.commit()
    return org_id, int(user["id"]), record


async def _draft(conn: Conn) -> dict[str, Any] | None:
    cur = await conn.execute(
        "SELECT changes, base_version, base_values, conflict FROM pfa_modification"
    )
    return await cur.fetchone()


async def test_keep_mine_rebases_on_pems_current_version(conn: Conn) -> None:
    org_id, user_id, record = await _setup(conn)
    result = await resolve(
        conn,
        organization_id=org_id,
        user_id=user_id,
        record_id=record["pfaId"],
        strategy=Strategy.KEEP_MINE,
    )
    assert result.resolved == {
        "forecastEnd": {"base": "2025-06-30", "theirs": "2025-09-30", "mine": "2025-07-31"}
    }
    draft = await _draft(conn)
    assert draft is not None
    assert draft["changes"] == {"forecastEnd": "2025-07-31", "dor": "PROJECT"}
    assert draft["base_version"] == 12
    assert draft["base_values"] == {"forecastEnd": "2025-09-30", "dor": "BEO"}
    assert draft["conflict"] is None


async def test_use_theirs_drops_the_conflicting_fields(conn: Conn) -> None:
    org_id, user_id, record = await _setup(conn)
    await resolve(
        conn,
        organization_id=org_id,
        user_id=user_id,
        record_id=record["pfaId"],
        strategy=Strategy.USE_THEIRS,
    )
    draft = await _draft(conn)
    assert draft is not None
    assert draft["changes"] == {"dor": "PROJECT"}  # only-mine field kept
    assert draft["base_version"] == 12


async def test_use_theirs_deletes_a_draft_left_empty(conn: Conn) -> None:
    org_id, user_id, record = await _setup(conn)
    await conn.execute("UPDATE pfa_modification SET changes = changes - 'dor'")
    await conn.commit()
    result = await resolve(
        conn,
        organization_id=org_id,
        user_id=user_id,
        record_id=record["pfaId"],
        strategy=Strategy.USE_THEIRS,
    )
    assert result.changes is None
    assert await _draft(conn) is None


async def test_merge_takes_a_choice_per_conflicting_field(conn: Conn) -> None:
    org_id, user_id, record = await _setup(conn)
    with pytest.raises(BadRequest, match="forecastEnd"):
        await resolve(
            conn,
            organization_id=org_id,
            user_id=user_id,
            record_id=record["pfaId"],
            strategy=Strategy.MERGE,
            choices={},
        )
    await conn.rollback()
    await resolve(
        conn,
        organization_id=org_id,
        user_id=user_id,
        record_id=record["pfaId"],
        strategy=Strategy.MERGE,
        choices={"forecastEnd": "theirs"},
    )
    draft = await _draft(conn)
    assert draft is not None
    assert draft["changes"] == {"dor": "PROJECT"}


async def test_unknown_and_orphaned_drafts_are_refused(conn: Conn) -> None:
    org_id, user_id, record = await _setup(conn)
    with pytest.raises(NotFound):
        await resolve(
            conn,
            organization_id=org_id,
            user_id=user_id,
            record_id="PFA-999999",
            strategy=Strategy.KEEP_MINE,
        )
    await conn.rollback()
    await conn.execute("UPDATE pfa_modification SET orphaned_at = now()")
    with pytest.raises(Conflict, match="orphaned"):
        await resolve(
            conn,
            organization_id=org_id,
            user_id=user_id,
            record_id=record["pfaId"],
            strategy=Strategy.KEEP_MINE,
        )
