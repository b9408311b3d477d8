"""`pfa serve` (the API and web UI under uvicorn) and `pfa openapi` (the OpenAPI document)."""

from __future__ import annotations

import json
import logging
from typing import Annotated

import typer

from pfa_vanguard.settings import Settings


def serve_command(
    host: Annotated[
        str, typer.Option(help="interface to bind (0.0.0.0 for every one)")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
) -> None:
    """The API and the web UI (migrations are applied first)."""
    import uvicorn

    from pfa_vanguard.api.app import create_app
    from pfa_vanguard.db.connection import prepare_database

    logging.getLogger("pfa_vanguard").setLevel(logging.INFO)
    settings = Settings()
    url = prepare_database(settings)
    app = create_app(settings, database_url=url)
    typer.echo(f"PFA Vanguard on http://{host}:{port}/ (API docs at /docs)")
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,  # the API logs each request itself, with its request id
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=10,
        # Idle keep-alive connections stay open longer than clients and load balancers keep
        # them (httpx 5 s, ALB 60 s): at uvicorn's default 5 s a client reusing a connection
        # just as the server closes it gets a reset, and a POST (draft save) is not retried.
        timeout_keep_alive=75,
    )


def openapi_command() -> None:
    """Print the OpenAPI document (the web UI's TypeScript types are generated from it)."""
    from pfa_vanguard.api.app import create_app

    document = create_app(Settings()).openapi()
    typer.echo(json.dumps(document, indent=2, sort_keys=True))
