"""The API's use of a read replica (`PFA_DATABASE_REPLICA_URL`, see db/replica.py).

`replica_lifespan` opens the replica's pool when one is configured, puts the `ReadReplica` in
the app's state (`AppState.replica`) and hands its pool to the snapshot cache (the merged
read's baseline).
`baseline_connection` gives a route the replica when it has caught up with the organization's
mirror version, else the request's own (primary) connection.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request

from pfa_vanguard.api.deps import OrgContext
from pfa_vanguard.api.state import app_state, request_state
from pfa_vanguard.db.queries import Conn
from pfa_vanguard.db.replica import ReadReplica


@asynccontextmanager
async def replica_lifespan(app: FastAPI) -> AsyncIterator[None]:
    state = app_state(app)
    url = state.settings.database_replica_url
    if not url:
        state.replica = None
        yield
        return
    replica = ReadReplica.from_url(url, max_size=state.settings.db_pool_max)
    await replica.open()
    state.replica = replica
    state.caches.snapshots.replica = replica.pool
    try:
        yield
    finally:
        state.caches.snapshots.replica = None
        await replica.close()


@asynccontextmanager
async def baseline_connection(request: Request, ctx: OrgContext, conn: Conn) -> AsyncIterator[Conn]:
    """For reading the organization's baseline (mirror, KPI views): the replica if it has
    replayed `ctx.mirror_version`, else `conn`. Never for drafts: they are read on `conn`."""
    replica = request_state(request).replica
    if replica is None:
        yield conn
        return
    async with replica.connection(ctx.org_id, ctx.mirror_version) as replica_conn:
        yield replica_conn if replica_conn is not None else conn
