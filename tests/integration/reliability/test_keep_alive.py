"""An idle keep-alive connection to `pfa serve` outlives the clients' own keep-alive (httpx
keeps one 5 s): with uvicorn's default of 5 s the server closed connections just as clients
reused them, and the load run saw resets on draft saves (a POST, never retried)."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.integration.scaleout.processes import clean_env, serve


def get_health(sock: socket.socket, host: str) -> bytes:
    """One GET on the raw connection; its whole answer (b"" when the server had closed it)."""
    sock.sendall(f"GET /api/health HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    answer = b""
    while b"\r\n\r\n" not in answer:
        chunk = sock.recv(65536)
        if not chunk:
            return answer
        answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_an_idle_connection_is_still_open_after_the_clients_keep_alive(
    db_url: str, tmp_path: Path
) -> None:
    env = clean_env(database_url=db_url, data_dir=str(tmp_path))
    with serve(env, tmp_path) as api:
        parts = urlsplit(api.url)
        assert parts.hostname is not None
        assert parts.port is not None
        with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
            assert get_health(sock, parts.netloc).startswith(b"HTTP/1.1 ")
            time.sleep(7)  # idle longer than httpx's keep-alive (5 s)
            again = get_health(sock, parts.netloc)
    assert again.startswith(b"HTTP/1.1 "), "the server closed the idle connection"
