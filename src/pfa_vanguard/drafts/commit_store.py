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
from datetime import datetime
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from pfa_vanguard.db.queries import Conn, NamedQueries
from pfa_vanguard.errors import Conflict

_q = NamedQueries("pfa_vanguard.drafts", "commit_queries.sql")


def lock_key(organization_id: int, user_id: int) -> int:
    """The advisory-lock key serialising one user's commits in one organization."""
    digest = hashlib.sha256(f"pfa-commit:{organization_id}:{user_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


async def acquire_commit_lock(conn: Conn, key: int, wait_s: float = 60.0) -> None:
    """Wait (at most `wait_s`) for, then hold on this session, the lock of `lock_key`.
    Raises `Conflict` when another commit of the same user and organization keeps it."""
    try:
        async with conn.transaction():
            await conn.execute(_q("lock_wait"), {"timeout": f"{int(wait_s * 1000)}ms"})
            await conn.execute(_q("lock_commits"), {"key": key})
    except psycopg.errors.LockNotAvailable:
        raise Conflict(
            "another commit of yours in this organization is still running; "
            "retry when it has finished (with the same Idempotency-Key to get its answer)"
        ) from None


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
    base_record: dict[str, Any] | None  # the record the draft began from (None: not kept)
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
            base_record=row["base_record"],
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
    response: dict[str, Any] | None  # the commit's summary (drafts/commit.py CommitOutcome)


async def find_run(conn: Conn, organization_id: int, user_id: int, key: str) -> StoredRun | None:
    cur = await conn.execute(
        _q("find_run"),
        {"organization_id": organization_id, "user_id": user_id, "idempotency_key": key},
    )
    row = await cur.fetchone()
    if row is None:
        return None
    return StoredRun(int(row["id"]), row["request_hash"], row["status"], row["response"])


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
    response: dict[str, Any],
    release_key: bool,
) -> None:
    # The column keeps the status the API answers this run with (409 while records are in
    # conflict), for whoever reads the table.
    http_status = 409 if response.get("conflicts") else 200
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


async def set_total(conn: Conn, run_id: int, total: int) -> None:
    """How many drafts run `run_id` handles (its progress reads against it)."""
    await conn.execute(_q("set_total"), {"id": run_id, "total": total})


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
    outcome: str  # accepted already_applied rebased conflict rejected orphaned error
    changes: dict[str, dict[str, Any]]  # {field: {"before", "after"}}
    base_version: int | None
    new_version: int | None = None
    message: str | None = None


@dataclass(frozen=True)
class PemsRow:
    """A record as PEMS holds it, to be written through to the mirror."""

    data: dict[str, Any]
    version: int
    modified_at: datetime | None


@dataclass(frozen=True)
class Outcome:
    """What one record's commit attempt changes in the database, all in one transaction:
    PEMS's record written through to the mirror, the caller's draft settled (fields PEMS now
    holds leave it) or marked in conflict, and always an audit row."""

    audit: AuditEntry
    mirror: PemsRow | None = None
    settle: PemsRow | None = None  # the baseline the draft is settled against
    conflict: tuple[int, dict[str, Any]] | None = None  # (draft id, {field: PEMS's value})


async def record_outcomes(
    conn: Conn, run_id: int, organization_id: int, user_id: int, outcomes: Sequence[Outcome]
) -> bool:
    """Apply `outcomes` set-based, in the caller's transaction, in one round trip (pipeline);
    True when the mirror changed. The organization's mirror_version is raised whenever PEMS
    records are written through. At most one outcome per record."""
    params = {"organization_id": organization_id, "user_id": user_id, "run_id": run_id}
    mirror = [(o.audit.record_id, o.mirror) for o in outcomes if o.mirror is not None]
    marks = [{"id": o.conflict[0], "fields": o.conflict[1]} for o in outcomes if o.conflict]
    settle = [
        {"record_id": o.audit.record_id, "baseline": o.settle.data, "version": o.settle.version}
        for o in outcomes
        if o.settle is not None
    ]
    audits = [
        {"record_id": a.record_id, "outcome": a.outcome, "changes": a.changes,
         "base_version": a.base_version, "new_version": a.new_version, "message": a.message}
        for a in (o.audit for o in outcomes)
    ]  # fmt: skip
    written_cur = None
    async with conn.pipeline():
        if mirror:
            rows = [
                {"id": rid, "data": m.data, "version": m.version,
                 "modified_at": None if m.modified_at is None else m.modified_at.isoformat()}
                for rid, m in mirror
            ]  # fmt: skip
            ids = [rid for rid, _ in mirror]
            await conn.execute(_q("lock_organization"), params)
            written_cur = await conn.execute(
                _q("write_through_many"), {**params, "rows": Jsonb(rows), "ids": ids}
            )
            await conn.execute(_q("bump_mirror_version"), params)
        if marks:
            await conn.execute(_q("mark_conflicts_many"), {**params, "rows": Jsonb(marks)})
        if settle:
            ids = [o.audit.record_id for o in outcomes if o.settle is not None]
            await conn.execute(_q("settle_many"), {**params, "rows": Jsonb(settle), "ids": ids})
        if audits:
            await conn.execute(_q("insert_audit_many"), {**params, "rows": Jsonb(audits)})
            await conn.execute(_q("history_of_commits"), {**params, "rows": Jsonb(audits)})
    if written_cur is None:
        return False
    row = await written_cur.fetchone()
    return row is not None and int(row["written"]) > 0


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
            "at": row["created_at"],
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
