"""The API's declared contract, as tools that read `/openapi.json` see it: every undeclared
method of a declared path answers 405 with the error body, every operation has a stable
camelCase operationId, and `sort` declares exactly the values the server accepts. Requests go
through the app in-process; none of them reaches the database (no lifespan is run)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.routing import compile_path

from pfa_vanguard.api.app import create_app
from pfa_vanguard.errors import BadRequest
from pfa_vanguard.mirror.filters import SORTS, SortOrder
from pfa_vanguard.settings import Settings

METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")


@pytest.fixture
def app(tmp_path: Path) -> FastAPI:
    return create_app(Settings(data_dir=tmp_path), database_url="postgresql://unused")


def _concrete(template: str) -> str:
    return re.sub(r"\{[^}]+\}", "RIO", template)


async def test_an_undeclared_method_is_405_with_the_declared_ones(app: FastAPI) -> None:
    paths: dict[str, dict[str, Any]] = app.openapi()["paths"]
    checked = 0
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        for template in paths:
            # another template may match the same path (/api/admin/sync/{org} matches .../runs)
            declared = {
                m.upper()
                for other, operations in paths.items()
                if compile_path(other)[0].match(_concrete(template))
                for m in operations
            }
            for method in sorted(set(METHODS) - declared):
                answer = await client.request(method, _concrete(template))
                where = f"{method} {template}"
                assert answer.status_code == 405, (where, answer.status_code, answer.text)
                body = answer.json()
                assert body["error"] == "MethodNotAllowed", where
                assert method in body["detail"], where
                assert set(answer.headers["allow"].split(", ")) == declared, where
                checked += 1
        assert checked > 80
        missing = await client.get("/api/no-such-route")
        assert missing.status_code == 404
        assert missing.json()["error"] == "NotFound"


def test_every_operation_has_a_clean_unique_operation_id(app: FastAPI) -> None:
    ids = {
        (method.upper(), path): operation["operationId"]
        for path, operations in app.openapi()["paths"].items()
        for method, operation in operations.items()
    }
    assert all(re.fullmatch(r"[a-z][a-zA-Z]*", i) for i in ids.values()), ids
    assert len(set(ids.values())) == len(ids)
    assert ids[("POST", "/api/auth/login")] == "login"
    assert ids[("POST", "/api/auth/logout")] == "logout"
    assert ids[("POST", "/api/pfa/{org}/draft")] == "saveDrafts"
    assert ids[("GET", "/api/pfa/{org}")] == "listRecords"
    assert ids[("POST", "/api/pfa/{org}/commit")] == "commitDrafts"


def test_sort_declares_exactly_what_the_server_accepts(app: FastAPI) -> None:
    [sort] = [
        p
        for p in app.openapi()["paths"]["/api/pfa/{org}"]["get"]["parameters"]
        if p["name"] == "sort"
    ]
    [declared] = [s["enum"] for s in sort["schema"]["anyOf"] if "enum" in s]
    assert set(declared) == {
        value for name in ("id", "pfaId", *SORTS) for value in (name, f"-{name}")
    }
    for value in declared:
        SortOrder.parse(value)  # each declared value is accepted
    for refused in ("cost", "-description", "id,category", "--id"):
        with pytest.raises(BadRequest):
            SortOrder.parse(refused)
