"""The built web UI (`src/pfa_vanguard/web_dist/`) served at `/`, with `index.html` as the
fallback for client-side routes. `/api/...` paths, missing `assets/...` files and paths no
file can have (control characters such as NUL, over-long names) never fall back: they are
JSON 404s, or 405s for an API path asked with a method it does not declare."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from pfa_vanguard.api.errors import declared_methods, error_response, method_not_allowed

_IMMUTABLE = "public, max-age=31536000, immutable"
_MAX_PATH = 1024


def _impossible(path: str) -> bool:
    """True for a path no file of the UI can have (and the OS may refuse to look up)."""
    return len(path) > _MAX_PATH or any(ord(ch) < 32 or ord(ch) == 127 for ch in path)


def web_dist_dir() -> Path:
    return Path(str(resources.files("pfa_vanguard"))) / "web_dist"


def install_web_ui(app: FastAPI, root: Path | None = None) -> None:
    """Serve the UI's files; call after every API router is included (it is a catch-all)."""
    base = (root or web_dist_dir()).resolve()

    async def serve(request: Request) -> Response:
        path = request.path_params.get("path", "")
        if path == "api" or path.startswith(("api/", "metrics")):
            # this catch-all answers every GET and HEAD: a GET of a POST-only route lands here
            if declared_methods(request.app, request.url.path):
                return method_not_allowed(request)
            return error_response(404, "NotFound", f"no route {request.url.path}")
        if _impossible(path):
            return error_response(404, "NotFound", "no such file")
        try:
            candidate = (base / path).resolve()
            found = bool(path) and candidate.is_file() and candidate.is_relative_to(base)
        except (OSError, ValueError):  # a name the file system refuses: no such file
            return error_response(404, "NotFound", "no such file")
        if found:
            cache = _IMMUTABLE if path.startswith("assets/") else "no-cache"
            return FileResponse(candidate, headers={"Cache-Control": cache})
        if path.startswith("assets/"):  # a missing asset is not a client-side route
            return error_response(404, "NotFound", f"no file {request.url.path}")
        index = base / "index.html"
        if index.is_file():
            return FileResponse(index, headers={"Cache-Control": "no-cache"})
        return error_response(404, "NotFound", "the web UI is not built: run `make install`")

    app.add_api_route(
        "/{path:path}", serve, methods=["GET", "HEAD"], include_in_schema=False, name="web_ui"
    )
