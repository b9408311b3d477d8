""" "Run now": the API records a request that the worker picks up at once; it never syncs itself
(a sync takes 5-30 s, a request must not)."""

from __future__ import annotations

from pfa_vanguard.db.queries import Conn
from pfa_vanguard.errors import BadRequest, NotFound
from pfa_vanguard.sync import repository as repo
from pfa_vanguard.sync.results import SyncAlreadyRunning

REQUEST_CHANNEL = "pfa_sync_requested"


async def request_sync(
    conn: Conn, org_code: str, requested_by: str | None, *, full: bool = False
) -> int:
    """Queue a manual sync of `org_code` and return its run id (a 'pending' sync run).

    The caller owns the transaction: the request (and the NOTIFY that wakes the workers) takes
    effect at its commit. A request while one is already pending returns that one's id (never
    queued twice). Raises SyncAlreadyRunning (409) while a sync of the organization runs,
    NotFound for an unknown organization, BadRequest for an inactive one. A paused organization
    may still be synced on request: pausing stops the schedule only.
    """
    cur = await conn.execute(repo.q("request_organization"), {"code": org_code})
    org = await cur.fetchone()
    if org is None:
        raise NotFound(f"unknown organization {org_code!r}")
    if not org["active"]:
        raise BadRequest(f"organization {org_code} is not active: it is not synced")
    org_id = int(org["id"])
    params = {"org_id": org_id, "kind": "full" if full else "incremental",
              "requested_by": requested_by}  # fmt: skip
    for _ in range(3):  # the waiting request may be claimed between the two statements
        cur = await conn.execute(repo.q("insert_pending_run"), params)
        row = await cur.fetchone()
        if row is None:
            cur = await conn.execute(repo.q("pending_run"), {"org_id": org_id})
            row = await cur.fetchone()
        if row is None:
            continue
        # Checked after the request is written, not before: a worker that took the lock and
        # claimed a waiting request in between would otherwise get a second request queued
        # behind the sync it runs. On the refusal the caller rolls our insert back.
        await _refuse_while_running(conn, org_code, org_id)
        await conn.execute(repo.q("notify_sync_requested"), {"code": org_code})
        return int(row["id"])
    raise SyncAlreadyRunning(f"a sync of {org_code} has just started")


async def _refuse_while_running(conn: Conn, org_code: str, org_id: int) -> None:
    if not await repo.lock_held(conn, org_id):
        return
    cur = await conn.execute(repo.q("running_run"), {"org_id": org_id})
    running = await cur.fetchone()
    run_id = int(running["id"]) if running else None
    raise SyncAlreadyRunning(
        f"a sync of {org_code} is already running"
        + (f" (run {run_id})" if run_id is not None else ""),
        run_id=run_id,
    )
