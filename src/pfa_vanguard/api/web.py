"""The built web UI (`src/pfa_vanguard/web_dist/`) served at `/`, with `index.html` as the
fallback for client-side routes. `/api/...` paths never fall back: they are JSON 404s."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from pfa_vanguard.api.errors import error_response

_IMMUTABLE = "public, max-age=31536000, immutable"


def web_dist_dir() -> Path:
    return Path(str(resources.files("pfa_vanguard"))) / "web_dist"


def install_web_ui(app: FastAPI, root: Path | None = None) -> None:
    """Serve the UI's files; call after every API router is included (it is a catch-all)."""
    base = (root or web_dist_dir()).resolve()

    async def serve(request: Request) -> Response:
        path = request.path_params.get("path", "")
        if path == "api" or path.startswith(("api/", "metrics")):
            return error_response(404, "NotFound", f"no route {request.url.path}")
        candidate = (base / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(base):
            cache = _IMMUTABLE if path.startswith("assets/") else "no-cache"
            return FileResponse(candidate, headers={"Cache-Control": cache})
        index = base / "index.html"
        if index.is_file():
            return FileResponse(index, headers={"Cache-Control": "no-cache"})
        return error_response(404, "NotFound", "the web UI is not built: run `make install`")

    app.add_api_route(
        "/{path:path}", serve, methods=["GET", "HEAD"], include_in_schema=False, name="web_ui"
    )
