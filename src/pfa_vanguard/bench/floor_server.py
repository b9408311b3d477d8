"""The transport floor of `load_org` (docs/benchmarks.md): a bare Starlette app serving one
pre-encoded body from memory, so the benchmark can time what no server can beat on this
machine over loopback.

`python -m pfa_vanguard.bench.floor_server BODY_FILE CONTENT_ENCODING` serves the file's bytes
at `/` with that Content-Encoding ("identity" for none) on a free loopback port, prints one
JSON line `{"url"}` and serves until its standard input closes.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def make_app(body: bytes, encoding: str) -> Starlette:
    headers = {"Content-Type": "application/json"}
    if encoding != "identity":
        headers["Content-Encoding"] = encoding

    async def serve(_: Request) -> Response:
        return Response(body, headers=headers)

    return Starlette(routes=[Route("/", serve)])


def main(argv: list[str] | None = None) -> None:
    path, encoding = (argv if argv is not None else sys.argv[1:])[:2]
    app = make_app(Path(path).read_bytes(), encoding)
    sock = socket.create_server(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    print(json.dumps({"url": f"http://127.0.0.1:{port}/"}), flush=True)
    sys.stdin.read()
    server.should_exit = True
    thread.join(timeout=10)


if __name__ == "__main__":
    main()
