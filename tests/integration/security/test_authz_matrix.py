"""Authorization matrix: every route of the app x every kind of caller -> the expected status.

The routes come from `app.routes`, so a route added later without a line in `POLICY` fails
`test_every_route_is_classified`: nobody can forget to decide who may call it. Every response
of the matrix is also searched for data the caller must never see (the other organization's
records, other users' drafts, password hashes, the signing key).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any

import httpx
import pytest

from pfa_vanguard.api.auth import TokenService
from tests.integration.api.conftest import Api
from tests.integration.security.conftest import (
    ALPHA_CANARY,
    BETA_CANARY,
    BOB_DRAFT_CANARY,
    OLIVIA_DRAFT_CANARY,
    RECORD,
    Planted,
)


class Access(Enum):
    PUBLIC = "anyone"
    USER = "any logged-in user"
    VIEWER = "viewer of the organization"
    EDITOR = "editor of the organization"
    ADMIN = "admin of the organization"
    ANY_ADMIN = "admin of at least one organization"


@dataclass(frozen=True)
class Call:
    """How to call a route, who may, and which statuses mean "let in"."""

    access: Access
    path: str
    ok: frozenset[int]
    body: Any = None
    params: dict[str, str] = field(default_factory=dict)


def _call(access: Access, path: str, *ok: int, body: Any = None, **params: str) -> Call:
    return Call(access, path, frozenset(ok), body, params)


ORG = "/api/pfa/ALPHA"
# (method, route template) -> the call made. HEAD is implied by GET and not listed.
POLICY: dict[tuple[str, str], Call] = {
    ("POST", "/api/auth/login"): _call(
        Access.PUBLIC, "/api/auth/login", 401, body={"username": "nobody", "password": "x"}
    ),
    ("POST", "/api/auth/logout"): _call(Access.USER, "/api/auth/logout", 204),
    ("GET", "/api/health"): _call(Access.PUBLIC, "/api/health", 200),
    ("GET", "/metrics"): _call(Access.PUBLIC, "/metrics", 200),
    ("GET", "/openapi.json"): _call(Access.PUBLIC, "/openapi.json", 200),
    ("GET", "/docs"): _call(Access.PUBLIC, "/docs", 200),
    ("GET", "/docs/oauth2-redirect"): _call(Access.PUBLIC, "/docs/oauth2-redirect", 200),
    ("GET", "/redoc"): _call(Access.PUBLIC, "/redoc", 200),
    ("GET", "/{path:path}"): _call(Access.PUBLIC, "/", 200, 404),
    ("GET", "/api/me"): _call(Access.USER, "/api/me", 200),
    ("GET", "/api/orgs"): _call(Access.USER, "/api/orgs", 200),
    ("GET", "/api/pfa/{org}"): _call(Access.VIEWER, ORG, 200),
    ("GET", "/api/pfa/{org}/records/{record_id}"): _call(
        Access.VIEWER, f"{ORG}/records/{RECORD}", 200
    ),
    ("GET", "/api/pfa/{org}/drafts"): _call(Access.VIEWER, f"{ORG}/drafts", 200),
    ("GET", "/api/pfa/{org}/kpi"): _call(Access.VIEWER, f"{ORG}/kpi", 200, drafts="true"),
    ("GET", "/api/pfa/{org}/timeline-bounds"): _call(
        Access.VIEWER, f"{ORG}/timeline-bounds", 200, drafts="true"
    ),
    ("GET", "/api/pfa/{org}/commits"): _call(Access.VIEWER, f"{ORG}/commits", 200),
    ("GET", "/api/pfa/{org}/export.csv"): _call(Access.VIEWER, f"{ORG}/export.csv", 200),
    ("GET", "/api/pfa/{org}/export.xlsx"): _call(Access.VIEWER, f"{ORG}/export.xlsx", 200),
    ("GET", "/api/pfa/{org}/kpi.xlsx"): _call(Access.VIEWER, f"{ORG}/kpi.xlsx", 200),
    ("GET", "/api/pfa/{org}/history"): _call(Access.VIEWER, f"{ORG}/history", 200),
    ("GET", "/api/pfa/{org}/totals"): _call(Access.VIEWER, f"{ORG}/totals", 200),
    ("GET", "/api/pfa/{org}/kpi/months"): _call(
        Access.VIEWER, f"{ORG}/kpi/months", 200, drafts="true", by="category"
    ),
    ("GET", "/api/pfa/{org}/views"): _call(Access.VIEWER, f"{ORG}/views", 200),
    ("POST", "/api/pfa/{org}/views"): _call(
        Access.VIEWER, f"{ORG}/views", 200, body={"name": "cranes", "query": "category=Crane"}
    ),
    ("DELETE", "/api/pfa/{org}/views/{view_id}"): _call(Access.VIEWER, f"{ORG}/views/999999", 404),
    ("GET", "/api/pfa/{org}/columns"): _call(Access.VIEWER, f"{ORG}/columns", 200),
    ("PUT", "/api/pfa/{org}/columns"): _call(
        Access.VIEWER, f"{ORG}/columns", 200, body={"query": "hide=dor&pin=2"}
    ),
    ("GET", "/api/pfa/{org}/changes"): _call(Access.VIEWER, f"{ORG}/changes", 200, since="0"),
    ("POST", "/api/pfa/{org}/refresh"): _call(Access.EDITOR, f"{ORG}/refresh", 202, 409),
    ("POST", "/api/pfa/{org}/draft"): _call(
        Access.EDITOR,
        f"{ORG}/draft",
        200,
        body={"recordId": RECORD, "changes": {"equipment": "EQ-MATRIX"}},
    ),
    ("DELETE", "/api/pfa/{org}/drafts/{record_id}"): _call(
        Access.EDITOR, f"{ORG}/drafts/{RECORD}", 200, 404
    ),
    ("POST", "/api/pfa/{org}/discard"): _call(Access.EDITOR, f"{ORG}/discard", 200),
    # no PEMS is configured in these tests: an authorized commit gets 503 PemsUnavailable
    ("POST", "/api/pfa/{org}/commit"): _call(Access.EDITOR, f"{ORG}/commit", 200, 503, body={}),
    ("GET", "/api/pfa/{org}/commit/progress"): _call(
        Access.EDITOR, f"{ORG}/commit/progress", 200, 404
    ),
    ("POST", "/api/pfa/{org}/commit/cancel"): _call(
        Access.EDITOR, f"{ORG}/commit/cancel", 200, 404
    ),
    ("POST", "/api/pfa/{org}/conflicts/{record_id}/resolve"): _call(
        Access.EDITOR,
        f"{ORG}/conflicts/{RECORD}/resolve",
        200,
        400,
        404,
        409,
        body={"strategy": "keep_mine"},
    ),
    ("GET", "/api/admin/sync"): _call(Access.ANY_ADMIN, "/api/admin/sync", 200),
    ("GET", "/api/admin/sync/runs"): _call(Access.ANY_ADMIN, "/api/admin/sync/runs", 200),
    ("POST", "/api/admin/sync/{org}"): _call(Access.ADMIN, "/api/admin/sync/ALPHA", 202, 409),
    ("POST", "/api/admin/sync/{org}/pause"): _call(
        Access.ADMIN, "/api/admin/sync/ALPHA/pause", 200
    ),
    ("POST", "/api/admin/sync/{org}/resume"): _call(
        Access.ADMIN, "/api/admin/sync/ALPHA/resume", 200
    ),
    ("PUT", "/api/admin/sync/{org}/schedule"): _call(
        Access.ADMIN, "/api/admin/sync/ALPHA/schedule", 200, body={"cron": "0 * * * *"}
    ),
    # routes of the AI assistant (the organization is in the body)
    ("POST", "/api/ai/query"): _call(
        Access.VIEWER,
        "/api/ai/query",
        200,
        400,
        422,
        body={"org": "ALPHA", "question": "how many records are there"},
    ),
    ("POST", "/api/ai/draft"): _call(
        Access.EDITOR,
        "/api/ai/draft",
        200,
        400,
        422,
        body={"org": "ALPHA", "instruction": "move PFA-000001 forecast start to 2025-03-01"},
    ),
}
# Routes of the API that may not be mounted yet; every other POLICY line must exist.
PLANNED = {("POST", "/api/ai/query"), ("POST", "/api/ai/draft")}

# Which accesses each kind of caller holds for organization ALPHA.
GRANTS: dict[str, set[Access]] = {
    "anonymous": {Access.PUBLIC},
    "expired": {Access.PUBLIC},
    "tampered": {Access.PUBLIC},
    "viewer": {Access.PUBLIC, Access.USER, Access.VIEWER},
    "editor": {Access.PUBLIC, Access.USER, Access.VIEWER, Access.EDITOR},
    "admin": set(Access),
    "outsider": {Access.PUBLIC, Access.USER},  # olivia: editor of BETA only
}
MEMBERS = {"viewer": "victor", "editor": "alice", "admin": "ada", "outsider": "olivia"}


def _flatten(routes: list[Any]) -> list[Any]:
    """Routes as served: included routers (FastAPI >= 0.16x keeps them as one entry each)
    expanded into their effective routes."""
    flat: list[Any] = []
    for route in routes:
        expand = getattr(route, "effective_route_contexts", None)
        flat.extend(expand() if expand is not None else [route])
    return flat


def app_routes(api: Api) -> set[tuple[str, str]]:
    """(method, path template) of every route the app serves."""
    found: set[tuple[str, str]] = set()
    for route in _flatten(list(api.app.routes)):
        path = getattr(route, "path", None)
        for method in getattr(route, "methods", None) or ():
            if method != "HEAD" and isinstance(path, str):
                found.add((method, path))
    assert len(found) >= 25, f"route enumeration broke: {sorted(found)}"
    return found


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def bad_tokens(api: Api, kind: str) -> list[str]:
    """Tokens that must all be refused: expired ones, or forged / altered ones."""
    key = api.settings.secret_key
    assert key is not None
    tokens = TokenService(key.get_secret_value(), api.settings.token_ttl_minutes)
    async with await api.db() as conn:
        cur = await conn.execute("SELECT id, username FROM users ORDER BY id")
        users = {r["username"]: int(r["id"]) for r in await cur.fetchall()}
    if kind == "expired":
        old = datetime.now(UTC) - timedelta(minutes=api.settings.token_ttl_minutes + 5)
        return [tokens.issue(users["ada"], "ada", now=old)]
    genuine = tokens.issue(users["victor"], "victor")
    header, payload, signature = genuine.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    as_admin = {**claims, "sub": str(users["ada"]), "name": "ada"}
    other_key = TokenService("another-key-that-this-server-never-used!!", 60)
    return [
        f"{header}.{_b64(as_admin)}.{signature}",  # payload altered, signature kept
        f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(as_admin)}.",  # unsigned
        other_key.issue(users["ada"], "ada"),  # signed with another key
        f"{header}.{payload}.{signature[:-4]}AAAA",  # signature altered
        "not-a-token",
    ]


def forbidden_strings(caller: str, api: Api) -> list[str]:
    """What must never appear in a response to this caller."""
    key = api.settings.secret_key
    assert key is not None
    never = [BETA_CANARY, BOB_DRAFT_CANARY, OLIVIA_DRAFT_CANARY, "$argon2", key.get_secret_value()]
    if Access.VIEWER not in GRANTS[caller]:
        never.append(ALPHA_CANARY)
    return never


# Public routes that read a token when one is sent (a bad one is refused, not ignored).
OPTIONAL_TOKEN = {"/api/health"}
# Called last: it ends the caller's session.
LOGOUT = ("POST", "/api/auth/logout")


def expected(call: Call, caller: str) -> frozenset[int]:
    if call.path in OPTIONAL_TOKEN and caller in ("expired", "tampered"):
        return frozenset({401})
    if call.access in GRANTS[caller]:
        return call.ok
    if Access.USER not in GRANTS[caller]:
        return frozenset({401})
    return frozenset({403})


async def _request(api: Api, method: str, call: Call, token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return await api.client.request(
        method,
        call.path,
        params=call.params,
        json=call.body if call.body is not None else None,
        headers=headers,
    )


async def test_every_route_is_classified(api: Api) -> None:
    routes = app_routes(api)
    unclassified = routes - POLICY.keys()
    assert not unclassified, f"add these routes to POLICY (who may call them?): {unclassified}"
    missing = POLICY.keys() - routes - PLANNED
    assert not missing, f"POLICY lists routes the app no longer has: {missing}"


@pytest.mark.parametrize("caller", list(GRANTS))
async def test_matrix(api: Api, planted: Planted, caller: str) -> None:
    if caller in MEMBERS:
        login = await api.login(MEMBERS[caller])
        tokens: list[str | None] = [login["Authorization"].removeprefix("Bearer ")]
    elif caller == "anonymous":
        tokens = [None]
    else:
        tokens = list(await bad_tokens(api, caller))
    never = forbidden_strings(caller, api)
    routes = sorted(app_routes(api), key=lambda r: (r == LOGOUT, r[1], r[0]))
    checked = 0
    for method, template in routes:
        call = POLICY[(method, template)]
        want = expected(call, caller)
        for token in tokens:
            resp = await _request(api, method, call, token)
            where = f"{caller} {method} {call.path} -> {resp.status_code}: {resp.text[:300]}"
            assert resp.status_code in want, where
            assert resp.status_code < 500 or resp.status_code in call.ok, where
            text = resp.text
            for secret in never:
                assert secret not in text, f"leak of {secret!r}: {where}"
            if resp.status_code in (401, 403) and template.startswith("/api"):
                body = resp.json()
                assert body["error"] == ("Unauthorized" if resp.status_code == 401 else "Forbidden")
                assert body["detail"]
            checked += 1
    assert checked >= len(routes)
    # nobody's calls touched the drafts of others
    async with await api.db() as conn:
        cur = await conn.execute(
            "SELECT count(*) AS n FROM pfa_modification WHERE changes->>'equipment' IN (%s, %s)",
            [BOB_DRAFT_CANARY, OLIVIA_DRAFT_CANARY],
        )
        row = await cur.fetchone()
        assert row is not None
        assert row["n"] == 2


async def test_members_see_only_their_organizations(api: Api, planted: Planted) -> None:
    expected_orgs = {"victor": ["ALPHA"], "ada": ["ALPHA"], "olivia": ["BETA"]}
    for username, codes in expected_orgs.items():
        headers = await api.login(username)
        orgs = (await api.client.get("/api/orgs", headers=headers)).json()
        assert [o["code"] for o in orgs] == codes
        me = (await api.client.get("/api/me", headers=headers)).json()
        assert me["username"] == username
        assert [o["code"] for o in me["orgs"]] == codes


async def test_admin_of_one_org_cannot_administer_another(api: Api, planted: Planted) -> None:
    headers = await api.login("ada")  # admin of ALPHA only
    for method, path in [
        ("POST", "/api/admin/sync/BETA"),
        ("POST", "/api/admin/sync/BETA/pause"),
        ("PUT", "/api/admin/sync/BETA/schedule"),
    ]:
        resp = await api.client.request(method, path, json={"cron": None}, headers=headers)
        assert resp.status_code == 403, (path, resp.text)
    runs = await api.client.get("/api/admin/sync/runs", params={"org": "BETA"}, headers=headers)
    assert runs.status_code == 403
    status = (await api.client.get("/api/admin/sync", headers=headers)).json()
    assert [s["code"] for s in status] == ["ALPHA"]


async def test_a_draft_of_another_user_is_neither_visible_nor_deletable(
    api: Api, planted: Planted
) -> None:
    alice = await api.login("alice")
    detail = (await api.client.get(f"{ORG}/records/{RECORD}", headers=alice)).json()
    assert detail["state"] == "pristine"
    assert detail["draft"] is None
    assert BOB_DRAFT_CANARY not in json.dumps(detail)
    resp = await api.client.delete(f"{ORG}/drafts/{RECORD}", headers=alice)
    assert resp.status_code == 404
    bob = await api.login("bob")
    drafts = (await api.client.get(f"{ORG}/drafts", headers=bob)).json()
    assert [d["changes"]["equipment"] for d in drafts] == [BOB_DRAFT_CANARY]
