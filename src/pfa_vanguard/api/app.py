"""The application factory. Nothing happens at import time: `create_app` builds the app and
its lifespan opens the pool and the shared services, attached as one typed `AppState`
(api/state.py: settings, pool, tokens, login limits, the mirror's caches of mirror/merged_read.py
shared by every request of this process, and what the `LIFESPANS` of `api/routes/__init__.py`
add).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware

from pfa_vanguard import __version__
from pfa_vanguard.api.auth import LoginLimiter, TokenService, load_secret_key
from pfa_vanguard.api.errors import install_error_handlers
from pfa_vanguard.api.limits import BodyLimitMiddleware, NulCharacterMiddleware
from pfa_vanguard.api.login_guard import HashGate, parse_networks
from pfa_vanguard.api.observability import ObservabilityMiddleware, metrics_endpoint
from pfa_vanguard.api.openapi_doc import install_openapi, operation_id
from pfa_vanguard.api.security_headers import SecurityHeadersMiddleware
from pfa_vanguard.api.state import AppState, attach_state
from pfa_vanguard.api.web import install_web_ui
from pfa_vanguard.db.connection import make_pool, prepare_database
from pfa_vanguard.drafts.overlay import OverlayCache
from pfa_vanguard.mirror.merged_read import BodyCache, Caches, SegmentCache
from pfa_vanguard.mirror.prewarm import prewarm_snapshots
from pfa_vanguard.mirror.snapshots import SnapshotCache
from pfa_vanguard.settings import Settings

# Larger request bodies get 413 before they are read whole (5,000 drafts fit in far less).
MAX_BODY_BYTES = 1024 * 1024


def create_app(settings: Settings, *, database_url: str | None = None) -> FastAPI:
    """The API + web UI. Without `database_url`, the settings' database (embedded when unset)
    is resolved and migrated at start-up."""
    from pfa_vanguard.api.routes import LIFESPANS, ROUTERS

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        url: str = (
            database_url
            if database_url is not None
            else await asyncio.to_thread(prepare_database, settings)
        )
        pool = make_pool(
            url,
            min_size=settings.db_pool_min,
            max_size=settings.db_pool_max,
            timeout_s=settings.db_pool_timeout_s,
        )
        await pool.open(wait=False)
        budget = settings.cache_mb * 1024 * 1024
        state = AppState(
            settings=settings,
            database_url=url,
            pool=pool,
            tokens=TokenService(load_secret_key(settings), settings.token_ttl_minutes),
            login_limiter=LoginLimiter(),
            hash_gate=HashGate(settings.login_hash_concurrency, settings.login_hash_queue),
            trusted_proxies=parse_networks(settings.trusted_proxies),
            caches=Caches(
                snapshots=SnapshotCache(budget_bytes=budget * 7 // 10),
                overlays=OverlayCache(),
                segments=SegmentCache(budget_bytes=budget // 10),
                bodies=BodyCache(budget_bytes=budget * 2 // 10),
            ),
        )
        attach_state(app, state)
        try:
            async with AsyncExitStack() as stack:
                await stack.enter_async_context(prewarm_snapshots(pool, state.caches, url))
                for extra in LIFESPANS:
                    await stack.enter_async_context(extra(app))
                yield
        finally:
            await pool.close()

    app = FastAPI(
        title="PFA Vanguard",
        version=__version__,
        description="A fast mirror of PEMS PFA records with private drafts.",
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
    )
    install_error_handlers(app)
    install_openapi(app)
    for router in ROUTERS:
        app.include_router(router)
    app.add_route("/metrics", metrics_endpoint, methods=["GET"], include_in_schema=False)
    install_web_ui(app)
    app.add_middleware(NulCharacterMiddleware)  # inside the size limit: reads at most that
    app.add_middleware(BodyLimitMiddleware, max_bytes=MAX_BODY_BYTES)
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=5)
    app.add_middleware(ObservabilityMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    return app


def app_from_environment() -> FastAPI:
    """The app of one worker process of `pfa serve --workers N` (a uvicorn factory): settings
    from the environment, where the parent put the resolved PFA_DATABASE_URL. The parent
    applied the migrations already; running them again here is a no-op."""
    logging.getLogger("pfa_vanguard").setLevel(logging.INFO)
    return create_app(Settings())
