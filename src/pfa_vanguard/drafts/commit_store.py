"""Database side of a commit: runs and their stored answers, drafts to push, the outcome of each
record (draft kept or removed, mirror written through, audit row), and the KPI view refresh.

Every outcome is recorded in ONE transaction: the draft is deleted only together with the
mirror write-through and the audit row of PEMS's acceptance, so a crash never loses a draft.
Callers pass a connection in autocommit mode; each function here owns its short transaction.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from pfa_vanguard.db.queries import load

Conn = AsyncConnection[dict[str, Any]]


def _q(name: str) -> Any:
    return load("pfa_vanguard.drafts", "commit_queries.sql")[name]


def lock_key(organization_id: int, user_id: int) -> int:
    """The advisory-lock key serialising one user's commits in one organization."""
    digest = hashlib.sha256(f"pfa-commit:{organization_id}:{user_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


async def acquire_commit_lock(conn: Conn, key: int) -> None:
    """Wait for (then hold, on this session) the lock of `lock_key`; committed at once."""
    async with conn.transaction():
        await conn.execute(_q("lock_commits"), {"key": key})


async def release_commit_lock(conn: Conn, key: int) -> None:
    async with conn.transaction():
        await conn.execute(_q("unlock_commits"), {"key": key})


@dataclass(frozen=True)
class DraftRow:
    id: int
    record_id: str
    changes: dict[str, Any]
    base_version: int
    base_values: dict[str, Any]
    conflict: dict[str, Any] | None
    orphaned: bool
    mirror_data: dict[str, Any] | None
    mirror_version: int | None

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> DraftRow:
        return cls(
            id=int(row["id"]),
            record_id=str(row["record_id"]),
            changes=dict(row["changes"]),
            base_version=int(row["base_version"]),
            base_values=dict(row["base_values"] or {}),
            conflict=row["conflict"],
            orphaned=row["orphaned_at"] is not None or row["mirror_data"] is None,
            mirror_data=row["mirror_data"],
            mirror_version=None if row["mirror_version"] is None else int(row["mirror_version"]),
        )


@dataclass(frozen=True)
class StoredRun:
    id: int
    request_hash: str
    status: str
    http_status: int | None
    response: dict[str, Any] | None


async def find_run(conn: Conn, organization_id: int, user_id: int, key: str) -> StoredRun | None:
    cur = await conn.execute(
        _q("find_run"),
        {"organization_id": organization_id, "user_id": user_id, "idempotency_key": key},
    )
    row = await cur.fetchone()
    if row is None:
        return None
    return StoredRun(
        int(row["id"]), row["request_hash"], row["status"], row["http_status"], row["response"]
    )


async def start_run(
    conn: Conn, organization_id: int, user_id: int, key: str | None, request_hash: str
) -> int:
    cur = await conn.execute(
        _q("start_run"),
        {
            "organization_id": organization_id,
            "user_id": user_id,
            "idempotency_key": key,
            "request_hash": request_hash,
        },
    )
    row = await cur.fetchone()
    assert row is not None
    return int(row["id"])


async def finish_run(
    conn: Conn,
    run_id: int,
    *,
    status: str,
    http_status: int,
    response: dict[str, Any],
    release_key: bool,
) -> None:
    await conn.execute(
        _q("finish_run"),
        {
            "id": run_id,
            "status": status,
            "http_status": http_status,
            "response": Jsonb(response),
            "release_key": release_key,
        },
    )


async def load_drafts(
    conn: Conn, organization_id: int, user_id: int, record_ids: Sequence[str] | None
) -> list[DraftRow]:
    cur = await conn.execute(
        _q("user_drafts"),
        {
            "organization_id": organization_id,
            "user_id": user_id,
            "record_ids": None if record_ids is None else list(record_ids),
        },
    )
    return [DraftRow.of(row) for row in await cur.fetchall()]


@dataclass(frozen=True)
class AuditEntry:
    record_id: str
    outcome: str  # accepted | already_applied | conflict | rejected | orphaned | error
    changes: dict[str, dict[str, Any]]  # {field: {"before", "after"}}
    base_version: int | None
    new_version: int | None = None
    message: str | None = None


async def audit(
    conn: Conn, run_id: int, organization_id: int, user_id: int, entry: AuditEntry
) -> None:
    await conn.execute(
        _q("insert_audit"),
        {
            "run_id": run_id,
            "user_id": user_id,
            "organization_id": organization_id,
            "record_id": entry.record_id,
            "outcome": entry.outcome,
            "changes": Jsonb(entry.changes),
            "base_version": entry.base_version,
            "new_version": entry.new_version,
            "pems_message": entry.message,
        },
    )


async def mark_conflict(conn: Conn, draft_id: int, theirs: Mapping[str, Any]) -> None:
    """Merge {field: PEMS's value} into the draft's conflict mark."""
    await conn.execute(_q("set_conflict"), {"id": draft_id, "conflict": Jsonb(dict(theirs))})


async def write_through(
    conn: Conn,
    *,
    organization_id: int,
    user_id: int,
    record_id: str,
    data: Mapping[str, Any],
    version: int,
    modified_at: Any,
) -> bool:
    """Store PEMS's record in the mirror at once (unless the mirror already holds a newer one),
    raise the organization's mirror_version and mark other users' drafts on the record that
    PEMS's change now conflicts with. Must run inside the caller's transaction."""
    await conn.execute(_q("lock_organization"), {"organization_id": organization_id})
    cur = await conn.execute(
        _q("mirror_row_for_update"), {"organization_id": organization_id, "record_id": record_id}
    )
    old = await cur.fetchone()
    if old is None or int(old["pems_version"]) >= version:
        return False
    merged = {**old["data"], **data}
    cur = await conn.execute(
        _q("write_through"),
        {
            "organization_id": organization_id,
            "record_id": record_id,
            "data": Jsonb(merged),
            "pems_version": version,
            "pems_modified_at": modified_at,
        },
    )
    if await cur.fetchone() is None:
        return False
    await conn.execute(_q("bump_mirror_version"), {"organization_id": organization_id})
    before: dict[str, Any] = old["data"]
    cur = await conn.execute(
        _q("other_drafts_on_record"),
        {"organization_id": organization_id, "record_id": record_id, "user_id": user_id},
    )
    for other in await cur.fetchall():
        theirs = {
            name: merged.get(name)
            for name, value in other["changes"].items()
            if before.get(name) != merged.get(name) and value != merged.get(name)
        }
        if theirs:
            await mark_conflict(conn, int(other["id"]), theirs)
    return True


async def settle_draft(
    conn: Conn,
    *,
    organization_id: int,
    user_id: int,
    record_id: str,
    baseline: Mapping[str, Any],
    version: int,
) -> None:
    """After PEMS accepted: drop every drafted field PEMS now holds; delete the draft when none
    is left, else rebase what the user changed meanwhile on the new version. In the caller's
    transaction, together with the write-through and the audit row."""
    cur = await conn.execute(
        _q("lock_draft"),
        {"organization_id": organization_id, "user_id": user_id, "record_id": record_id},
    )
    row = await cur.fetchone()
    if row is None:
        return
    remaining = {k: v for k, v in row["changes"].items() if baseline.get(k) != v}
    if not remaining:
        await conn.execute(_q("delete_draft"), {"id": row["id"]})
        return
    await conn.execute(
        _q("rebase_draft"),
        {
            "id": row["id"],
            "changes": Jsonb(remaining),
            "base_version": version,
            "base_values": Jsonb({k: baseline.get(k) for k in remaining}),
            "conflict": None,
        },
    )


async def list_audit(
    conn: Conn,
    organization_id: int,
    *,
    user_id: int | None,
    record_id: str | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Audit rows of an organization, newest first (one user's when `user_id` is given)."""
    cur = await conn.execute(
        _q("list_audit"),
        {
            "organization_id": organization_id,
            "user_id": user_id,
            "record_id": record_id,
            "before_id": before_id,
            "limit": limit,
        },
    )
    return [
        {
            "id": row["id"],
            "commitId": row["run_id"],
            "user": row["username"],
            "recordId": row["record_id"],
            "outcome": row["outcome"],
            "changes": row["changes"],
            "baseVersion": row["base_version"],
            "newVersion": row["new_version"],
            "pemsMessage": row["pems_message"],
            "at": row["created_at"].isoformat(),
        }
        for row in await cur.fetchall()
    ]


class ViewRefresher:
    """Refreshes the KPI materialized views (CONCURRENTLY) after commits wrote through to the
    mirror. Requests that arrive while a refresh runs are coalesced into one more refresh."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._requested = 0
        self._done = 0

    async def refresh(self, conn: Conn) -> None:
        self._requested += 1
        wanted = self._requested
        async with self._lock:
            if self._done >= wanted:
                return
            target = self._requested
            await refresh_views(conn)
            self._done = target


async def refresh_views(conn: Conn) -> None:
    """REFRESH ... CONCURRENTLY both views, each in its own transaction (readers never block)."""
    for name in ("refresh_kpi_summary", "refresh_timeline_bounds"):
        async with conn.transaction():
            await conn.execute(_q(name))
