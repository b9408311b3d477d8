"""Every route checks the token and the caller's membership and role in `{org}`."""

from __future__ import annotations

import re

import pytest

from tests.integration.api.conftest import Api, World

_PUBLIC = {"/api/auth/login", "/api/health"}


def _api_routes(api: Api) -> list[tuple[str, str]]:
    """(method, path) of every documented API route but login and health."""
    paths = api.app.openapi()["paths"]
    return [
        (method.upper(), path)
        for path, operations in paths.items()
        if path.startswith("/api") and path not in _PUBLIC
        for method in operations
    ]


def _fill(path: str, org: str) -> str:
    path = path.replace("{org}", org)
    return re.sub(r"\{[^}]+\}", "PFA-000001", path)


async def test_every_api_route_needs_a_token(api: Api, world: World) -> None:
    routes = _api_routes(api)
    assert len(routes) >= 15
    for method, path in routes:
        resp = await api.client.request(method, _fill(path, "ALPHA"), json={})
        assert resp.status_code == 401, (method, path, resp.status_code)
        assert resp.json()["error"] == "Unauthorized"


async def test_every_org_route_is_forbidden_to_non_members(api: Api, world: World) -> None:
    headers = await api.login("olivia")  # BETA only, as editor
    admin = await api.login("ada")  # ALPHA admin
    routes = [(m, p) for m, p in _api_routes(api) if "{org}" in p]
    assert len(routes) >= 12
    for method, path in routes:
        for who, org in ((headers, "ALPHA"), (admin, "BETA"), (admin, "NO-SUCH-ORG")):
            resp = await api.client.request(method, _fill(path, org), json={}, headers=who)
            assert resp.status_code == 403, (method, path, org, resp.status_code, resp.text)


WRITES = [
    ("POST", "/api/pfa/ALPHA/draft", {"recordId": "PFA-000001", "changes": {"equipment": "X"}}),
    ("DELETE", "/api/pfa/ALPHA/drafts/PFA-000001", None),
    ("POST", "/api/pfa/ALPHA/discard", None),
    ("POST", "/api/pfa/ALPHA/commit", {}),
    ("POST", "/api/pfa/ALPHA/conflicts/PFA-000001/resolve", {"strategy": "keep_mine"}),
]
ADMIN = [
    ("GET", "/api/admin/sync", None),
    ("GET", "/api/admin/sync/runs", None),
    ("POST", "/api/admin/sync/ALPHA", None),
    ("POST", "/api/admin/sync/ALPHA/pause", None),
    ("POST", "/api/admin/sync/ALPHA/resume", None),
    ("PUT", "/api/admin/sync/ALPHA/schedule", {"cron": "0 * * * *"}),
]


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
async def test_a_viewer_cannot_write(
    api: Api, world: World, method: str, path: str, body: object
) -> None:
    resp = await api.client.request(method, path, json=body, headers=await api.login("victor"))
    assert resp.status_code == 403, resp.text
    assert "editor" in resp.json()["detail"]


@pytest.mark.parametrize(("method", "path", "body"), ADMIN)
async def test_an_editor_cannot_administer(
    api: Api, world: World, method: str, path: str, body: object
) -> None:
    resp = await api.client.request(method, path, json=body, headers=await api.login("alice"))
    assert resp.status_code == 403, resp.text


async def test_viewers_read(api: Api, world: World) -> None:
    headers = await api.login("victor")
    for path in [
        "/api/pfa/ALPHA",
        "/api/pfa/ALPHA/records/PFA-000001",
        "/api/pfa/ALPHA/drafts",
        "/api/pfa/ALPHA/kpi",
        "/api/pfa/ALPHA/timeline-bounds",
    ]:
        assert (await api.client.get(path, headers=headers)).status_code == 200, path
