"""The routers `create_app` includes, and the lifespans it enters, in order.

Other packages plug in by appending to these lists from `register()` of their route module
(see `ROUTERS` below): keep one line per router here so concurrent edits stay trivial.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from fastapi import APIRouter, FastAPI

from pfa_vanguard.api import read_replica
from pfa_vanguard.api.routes import admin, auth, drafts, freshness, health, kpi, orgs, records
from pfa_vanguard.api.routes import ai as ai_routes
from pfa_vanguard.api.routes import commit as commit_routes
from pfa_vanguard.api.routes import history as history_routes
from pfa_vanguard.api.routes import reports as report_routes
from pfa_vanguard.api.routes import views as view_routes

# Routers included by create_app, in this order (the web UI's catch-all comes after them all).
ROUTERS: list[APIRouter] = [
    auth.router,
    orgs.router,
    records.router,
    freshness.router,
    drafts.router,
    kpi.router,
    admin.router,
    health.router,
    commit_routes.router,
    ai_routes.router,
    report_routes.router,
    history_routes.router,
    view_routes.router,
]

# Extra async context managers entered in the app's lifespan after the pool is open (e.g. a
# PEMS client, an AI executor pool); each gets the app and may put services on `app.state`.
LIFESPANS: list[Callable[[FastAPI], AbstractAsyncContextManager[None]]] = [
    commit_routes.commit_lifespan,
    ai_routes.ai_lifespan,
    read_replica.replica_lifespan,
]
