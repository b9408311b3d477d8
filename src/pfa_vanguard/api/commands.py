"""`pfa serve` (the API and web UI under uvicorn) and `pfa openapi` (the OpenAPI document)."""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path
from typing import Annotated, Any

import typer

from pfa_vanguard.api.observability import MULTIPROC_ENV
from pfa_vanguard.settings import Settings


def serve_command(
    host: Annotated[
        str, typer.Option(help="interface to bind (0.0.0.0 for every one)")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="API processes sharing the port (one per core is a good start); each holds"
            " its own caches (PFA_CACHE_MB) and database pool (PFA_DB_POOL_MAX)",
        ),
    ] = 1,
) -> None:
    """The API and the web UI (migrations are applied first)."""
    import uvicorn

    from pfa_vanguard.api.app import create_app
    from pfa_vanguard.api.auth import load_secret_key
    from pfa_vanguard.db.connection import prepare_database

    logging.getLogger("pfa_vanguard").setLevel(logging.INFO)
    settings = Settings()
    url = prepare_database(settings)
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "warning",
        "access_log": False,  # the API logs each request itself, with its request id
        "proxy_headers": False,
        "server_header": False,
        "timeout_graceful_shutdown": 10,
        # Idle keep-alive connections stay open longer than clients and load balancers keep
        # them (httpx 5 s, ALB 60 s): at uvicorn's default 5 s a client reusing a connection
        # just as the server closes it gets a reset, and a POST (draft save) is not retried.
        "timeout_keep_alive": 75,
    }
    typer.echo(f"PFA Vanguard on http://{host}:{port}/ (API docs at /docs)")
    if workers == 1:
        uvicorn.run(create_app(settings, database_url=url), **options)
        return
    # Several processes: each builds the app from the environment. They must agree on the
    # database (the embedded server's URL is resolved here, once) and on the token key (a
    # generated key file is created here, before any of them reads it).
    load_secret_key(settings)
    os.environ["PFA_DATABASE_URL"] = url
    # metrics summed over the processes (prometheus_client's multiprocess mode): a directory
    # of their own, emptied before they start, named before they import prometheus_client
    metrics_dir = Path(
        os.environ.get(MULTIPROC_ENV) or settings.resolved_data_dir / "metrics-multiproc"
    )
    shutil.rmtree(metrics_dir, ignore_errors=True)
    metrics_dir.mkdir(parents=True)
    os.environ[MULTIPROC_ENV] = str(metrics_dir)
    typer.echo(f"{workers} worker processes")
    uvicorn.run(
        "pfa_vanguard.api.app:app_from_environment", factory=True, workers=workers, **options
    )


def openapi_command() -> None:
    """Print the OpenAPI document (the web UI's TypeScript types are generated from it)."""
    from pfa_vanguard.api.app import create_app

    document = create_app(Settings()).openapi()
    typer.echo(json.dumps(document, indent=2, sort_keys=True))
