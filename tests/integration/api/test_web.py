"""The web UI's static route refuses odd paths with a 404 (never a 500), and every answer
carries the security headers (a strict Content-Security-Policy on the UI's HTML)."""

from __future__ import annotations

import pytest

from pfa_vanguard.api.security_headers import NOTHING_POLICY, UI_POLICY
from tests.integration.api.conftest import Api


@pytest.mark.parametrize(
    "path",
    [
        "/index.html%00.js",
        "/%00",
        "/assets/%00x.js",
        "/orgs/%01/grid",
        "/" + "a" * 5000,
        "/" + "/".join(["b" * 255] * 3) + "c" * 300,
        "/assets/missing-file.js",
    ],
)
async def test_odd_paths_are_404_not_500(api: Api, path: str) -> None:
    resp = await api.client.get(path)
    assert resp.status_code == 404, (path, resp.status_code, resp.text[:200])
    assert resp.json()["error"] == "NotFound"
    assert "root:" not in resp.text


@pytest.mark.parametrize(
    "path",
    [
        "/assets/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fpyproject.toml",
    ],
)
async def test_paths_out_of_the_ui_never_serve_another_file(api: Api, path: str) -> None:
    resp = await api.client.get(path)
    assert resp.status_code in (200, 404), (path, resp.status_code)
    assert "root:" not in resp.text
    assert "[project]" not in resp.text
    if resp.status_code == 200:
        assert resp.text == (await api.client.get("/")).text  # the UI's index, nothing else


async def test_client_routes_still_fall_back_to_the_ui(api: Api) -> None:
    resp = await api.client.get("/orgs/ALPHA/grid")
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/html")


async def test_every_answer_carries_the_security_headers(api: Api) -> None:
    ui = await api.client.get("/")
    assert ui.headers["Content-Security-Policy"] == UI_POLICY
    assert "frame-ancestors 'none'" in UI_POLICY
    for path in ("/", "/api/health", "/api/me", "/metrics", "/index.html%00.js", "/docs"):
        resp = await api.client.get(path)
        assert resp.headers["X-Content-Type-Options"] == "nosniff", path
        assert resp.headers["X-Frame-Options"] == "DENY", path
        assert resp.headers["Referrer-Policy"] == "no-referrer", path
    for path in ("/api/health", "/api/me", "/metrics"):
        assert (await api.client.get(path)).headers["Content-Security-Policy"] == NOTHING_POLICY
    # the API docs page loads its bundle from a CDN: no policy that would blank it
    assert "Content-Security-Policy" not in (await api.client.get("/docs")).headers
