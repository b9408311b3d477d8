"""A running commit seen from outside it: its progress, and a cancel that stops it before its
next record.

Guarantees:
- Progress is read from the database (the run's `total` and the audit row each answered record
  leaves in the same transaction as its outcome), so any API process answers it, and a record
  counts as accepted only once its outcome is committed.
- A cancel marks the caller's running commit in the organization (commits of one user and
  organization are serialised: there is at most one). The run sees the mark within
  `WATCH_EVERY_S` and sends no further record; records already sent finish and are recorded as
  usual (each in one transaction: nothing is half-written); the drafts of records not sent stay
  drafts, listed in the answer's `cancelled`.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pfa_vanguard.db.queries import Conn, NamedQueries, Pool
from pfa_vanguard.errors import NotFound

_q = NamedQueries("pfa_vanguard.drafts", "commit_queries.sql")
_log = logging.getLogger(__name__)

WATCH_EVERY_S = 0.2


@dataclass(frozen=True)
class Progress:
    commit_id: int
    status: str  # running | done | conflict
    total: int | None  # None until the run has loaded its drafts
    answered: int  # records PEMS answered (or that were refused before sending)
    accepted: int
    conflicts: int
    failed: int
    cancel_requested: bool
    started_at: datetime
    finished_at: datetime | None

    def as_json(self) -> dict[str, Any]:
        return {
            "commitId": self.commit_id,
            "status": self.status,
            "total": self.total,
            "answered": self.answered,
            "accepted": self.accepted,
            "conflicts": self.conflicts,
            "failed": self.failed,
            "cancelRequested": self.cancel_requested,
            "startedAt": self.started_at,
            "finishedAt": self.finished_at,
        }


async def latest_progress(conn: Conn, organization_id: int, user_id: int) -> Progress:
    """The progress of the caller's latest commit in the organization; NotFound without one."""
    cur = await conn.execute(
        _q("latest_run_progress"), {"organization_id": organization_id, "user_id": user_id}
    )
    row = await cur.fetchone()
    if row is None:
        raise NotFound("you have not committed anything in this organization yet")
    return Progress(
        commit_id=int(row["id"]),
        status=str(row["status"]),
        total=row["total"],
        answered=int(row["answered"]),
        accepted=int(row["accepted"]),
        conflicts=int(row["conflicts"]),
        failed=int(row["failed"]),
        cancel_requested=bool(row["cancel_requested"]),
        started_at=row["started_at"],
        finished_at=row["finished_at"],
    )


async def request_cancel(conn: Conn, organization_id: int, user_id: int) -> int:
    """Mark the caller's running commit to stop before its next record; its id. NotFound when
    none is running (it may just have finished: read its answer or progress)."""
    cur = await conn.execute(
        _q("request_cancel"), {"organization_id": organization_id, "user_id": user_id}
    )
    row = await cur.fetchone()
    if row is None:
        raise NotFound("no commit of yours is running in this organization: nothing to cancel")
    return int(row["id"])


async def watch_cancel(pool: Pool, run_id: int, stop: asyncio.Event) -> None:
    """Set `stop` once run `run_id` is asked to cancel; runs until cancelled itself. A failed
    look is logged and tried again (the commit goes on meanwhile)."""
    while not stop.is_set():
        await asyncio.sleep(WATCH_EVERY_S)
        try:
            async with pool.connection() as conn:
                cur = await conn.execute(_q("cancel_requested"), {"id": run_id})
                row = await cur.fetchone()
        except Exception:
            _log.warning("could not read whether commit %s was cancelled", run_id, exc_info=True)
            continue
        if row is not None and row["requested"]:
            stop.set()
