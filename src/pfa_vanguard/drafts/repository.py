"""Database access for saving, listing, deleting and discarding drafts. Callers own the
transaction (the request: committed when the route returns, rolled back when it raises)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from psycopg import AsyncCursor
from psycopg.types.json import Jsonb

from pfa_vanguard.db.queries import Conn, NamedQueries

_q = NamedQueries("pfa_vanguard.drafts")


async def fingerprints(conn: Conn, user_id: int, org_id: int) -> list[dict[str, Any]]:
    """(record_id, rev, change_seq) of each of the caller's drafts in the organization."""
    cur = await conn.execute(_q("fingerprints"), {"user_id": user_id, "org_id": org_id})
    return await cur.fetchall()


async def drafts_stamp(conn: Conn, user_id: int, org_id: int) -> tuple[Any, ...]:
    """What changes whenever the caller's drafts in the organization, or its mirror, change."""
    cur = await conn.execute(_q("drafts_stamp"), {"user_id": user_id, "org_id": org_id})
    row = await cur.fetchone()
    return tuple(row.values()) if row is not None else ()


async def drafts_with_baseline(
    conn: Conn, user_id: int, org_id: int, ids: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    cur = await conn.execute(
        _q("drafts_with_baseline"),
        {"user_id": user_id, "org_id": org_id, "ids": list(ids) if ids is not None else None},
    )
    return await cur.fetchall()


async def start_drafts_changed_since(
    conn: Conn, user_id: int, org_id: int, since: int, limit: int
) -> AsyncCursor[dict[str, Any]]:
    """Send the read of the caller's drafts whose mirror row changed after `since` (among the
    first `limit` + 1 changes; rows as `drafts_with_baseline`); fetch from the cursor (in a
    pipeline, with the others' answers)."""
    return await conn.execute(
        _q("drafts_changed_since"),
        {"user_id": user_id, "org_id": org_id, "since": since, "limit": limit},
    )


async def lock_draft(
    conn: Conn, user_id: int, org_id: int, record_id: str
) -> dict[str, Any] | None:
    """The draft row, locked until the end of the transaction (None when there is none)."""
    cur = await conn.execute(
        _q("lock_draft"), {"user_id": user_id, "org_id": org_id, "record_id": record_id}
    )
    return await cur.fetchone()


async def mirror_record_and_locked_draft(
    conn: Conn, user_id: int, org_id: int, record_id: str
) -> dict[str, Any] | None:
    """The mirror's record (data, pems_version, change_seq) and the caller's draft of it
    (draft_id None when there is none), the draft locked; None when the record is not in the
    mirror (the draft, if any, is then not locked)."""
    cur = await conn.execute(
        _q("mirror_record_and_locked_draft"),
        {"user_id": user_id, "org_id": org_id, "record_id": record_id},
    )
    return await cur.fetchone()


async def insert_draft(
    conn: Conn,
    user_id: int,
    org_id: int,
    record_id: str,
    changes: Mapping[str, Any],
    base_version: int,
    base_values: Mapping[str, Any],
    base_record: Mapping[str, Any],
) -> dict[str, Any] | None:
    """The new row's (rev, created_at, modified_at); None when a concurrent save created the
    draft first. `base_record`: the record as the draft begins from it."""
    cur = await conn.execute(
        _q("insert_draft"),
        {
            "user_id": user_id,
            "org_id": org_id,
            "record_id": record_id,
            "changes": Jsonb(dict(changes)),
            "base_version": base_version,
            "base_values": Jsonb(dict(base_values)),
            "base_record": Jsonb(dict(base_record)),
        },
    )
    return await cur.fetchone()


async def update_draft(
    conn: Conn,
    user_id: int,
    org_id: int,
    record_id: str,
    changes: Mapping[str, Any],
    base_version: int,
    base_values: Mapping[str, Any],
    conflict: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """Replace the (locked) draft's changes, base values and stored conflict; the row's
    (rev, created_at, modified_at) after it."""
    cur = await conn.execute(
        _q("update_draft"),
        {
            "user_id": user_id,
            "org_id": org_id,
            "record_id": record_id,
            "changes": Jsonb(dict(changes)),
            "base_version": base_version,
            "base_values": Jsonb(dict(base_values)),
            "conflict": Jsonb(dict(conflict)) if conflict else None,
        },
    )
    row = await cur.fetchone()
    assert row is not None
    return row


async def delete_draft(conn: Conn, user_id: int, org_id: int, record_id: str) -> bool:
    cur = await conn.execute(
        _q("delete_draft"), {"user_id": user_id, "org_id": org_id, "record_id": record_id}
    )
    return await cur.fetchone() is not None


async def discard_drafts(conn: Conn, user_id: int, org_id: int) -> list[str]:
    """Delete all the caller's drafts in the organization; the record ids they were on."""
    cur = await conn.execute(_q("discard_drafts"), {"user_id": user_id, "org_id": org_id})
    return sorted(str(r["record_id"]) for r in await cur.fetchall())
