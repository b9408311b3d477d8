"""Database access of the sync worker: organizations, the per-organization lock, sync runs.

Callers own the transaction. The lock is a session-level advisory lock: it must be taken and
released on the same connection, and it vanishes with that connection (a killed worker frees it).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pfa_vanguard.db.queries import Conn, NamedQueries

Kind = Literal["full", "incremental"]

# First key of the two-key advisory lock space: "pfa-sync" folded into a positive int4 (the
# one-key space used by migrations never collides with two-key locks).
LOCK_NAMESPACE = int.from_bytes(hashlib.sha256(b"pfa-sync").digest()[:4], "big") & 0x7FFFFFFF


q = NamedQueries("pfa_vanguard.sync")


@dataclass(frozen=True)
class Organization:
    id: int
    code: str
    active: bool
    paused: bool
    schedule: str | None
    last_synced_at: datetime | None
    last_full_sync_at: datetime | None
    watermark: datetime | None
    mirror_version: int
    created_at: datetime

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Organization:
        return cls(
            id=int(row["id"]),
            code=str(row["code"]),
            active=bool(row["active"]),
            paused=bool(row["sync_paused"]),
            schedule=row["sync_schedule"],
            last_synced_at=row["last_synced_at"],
            last_full_sync_at=row["last_full_sync_at"],
            watermark=row["sync_watermark"],
            mirror_version=int(row["mirror_version"]),
            created_at=row["created_at"],
        )


async def get_organization(conn: Conn, code: str) -> Organization | None:
    cur = await conn.execute(q("get_organization"), {"code": code})
    row = await cur.fetchone()
    return None if row is None else Organization.from_row(row)


async def active_organization_codes(conn: Conn) -> list[str]:
    cur = await conn.execute(q("active_organization_codes"))
    return [str(row["code"]) for row in await cur.fetchall()]


async def try_lock(conn: Conn, org_id: int) -> bool:
    """Take the organization's sync lock for this session if nobody holds it; never waits."""
    cur = await conn.execute(q("try_lock"), {"namespace": LOCK_NAMESPACE, "org_id": org_id})
    row = await cur.fetchone()
    return bool(row and row["locked"])


async def unlock(conn: Conn, org_id: int) -> None:
    await conn.execute(q("unlock"), {"namespace": LOCK_NAMESPACE, "org_id": org_id})


async def lock_held(conn: Conn, org_id: int) -> bool:
    """True while some session (any process) is syncing the organization."""
    cur = await conn.execute(q("lock_held"), {"namespace": LOCK_NAMESPACE, "org_id": org_id})
    row = await cur.fetchone()
    return bool(row and row["held"])


async def abandon_stale_runs(conn: Conn, org_id: int, now: datetime) -> list[int]:
    """Mark 'running' rows abandoned. Precondition: this session holds the org's lock."""
    cur = await conn.execute(q("abandon_stale_runs"), {"org_id": org_id, "now": now})
    return [int(row["id"]) for row in await cur.fetchall()]


async def slot_served(conn: Conn, org_id: int, slot: datetime) -> bool:
    cur = await conn.execute(q("slot_served"), {"org_id": org_id, "slot": slot})
    row = await cur.fetchone()
    return bool(row and row["served"])


async def start_run(
    conn: Conn,
    org_id: int,
    *,
    kind: Kind,
    trigger: str,
    now: datetime,
    worker: str,
    requested_by: str | None = None,
) -> int:
    cur = await conn.execute(
        q("start_run"),
        {
            "org_id": org_id,
            "kind": kind,
            "trigger": trigger,
            "now": now,
            "worker": worker,
            "requested_by": requested_by,
        },
    )
    row = await cur.fetchone()
    assert row is not None
    return int(row["id"])


async def claim_pending_run(
    conn: Conn, run_id: int, org_id: int, *, kind: Kind, now: datetime, worker: str
) -> bool:
    """Turn a pending request into this run; False when it is no longer pending."""
    cur = await conn.execute(
        q("claim_pending_run"),
        {"run_id": run_id, "org_id": org_id, "kind": kind, "now": now, "worker": worker},
    )
    return await cur.fetchone() is not None


async def skip_pending_run(conn: Conn, run_id: int, now: datetime, error: str) -> None:
    await conn.execute(q("skip_pending_run"), {"run_id": run_id, "now": now, "error": error})


async def finish_run(
    conn: Conn,
    run_id: int,
    *,
    status: Literal["succeeded", "failed"],
    now: datetime,
    duration_ms: int,
    counts: dict[str, int],
    error: str | None,
) -> None:
    await conn.execute(
        q("finish_run"),
        {
            "run_id": run_id,
            "status": status,
            "now": now,
            "duration_ms": duration_ms,
            "error": error,
            **{k: counts.get(k, 0) for k in _COUNTS},
        },
    )


_COUNTS = ("fetched", "inserted", "updated", "unchanged", "deleted")
