"""One error body: what the handlers send is the `ErrorBody` the OpenAPI document declares, and
the document takes a route's own error statuses from the route, never from its path."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest
from fastapi import APIRouter, FastAPI

from pfa_vanguard.api.errors import (
    ErrorBody,
    error_response,
    error_responses,
    install_error_handlers,
)
from pfa_vanguard.api.openapi_doc import install_openapi
from pfa_vanguard.errors import Forbidden, NotFound


def test_the_runtime_body_is_the_declared_type() -> None:
    response = error_response(422, "ValidationError", "x: bad", fields={"x": "bad"}, more=1)
    body = orjson.loads(response.body)
    assert list(body) == ["error", "detail", "fields", "more"]
    parsed = ErrorBody.model_validate(body)
    assert (parsed.error, parsed.detail, parsed.fields) == (
        "ValidationError",
        "x: bad",
        {"x": "bad"},
    )


def _app() -> FastAPI:
    app = FastAPI()
    router = APIRouter(prefix="/api/pfa/{org}")

    @router.get("/declared", responses=error_responses(404))
    async def declared() -> dict[str, str]:
        raise NotFound("no such thing")

    @router.get("/plain")
    async def plain() -> dict[str, str]:
        return {}

    app.include_router(router)
    install_openapi(app)
    return app


def _responses(app: FastAPI, path: str) -> dict[str, Any]:
    responses: dict[str, Any] = app.openapi()["paths"][path]["get"]["responses"]
    return responses


def test_a_route_s_own_error_statuses_come_from_the_route_not_its_path() -> None:
    app = _app()
    declared = _responses(app, "/api/pfa/{org}/declared")
    plain = _responses(app, "/api/pfa/{org}/plain")
    assert sorted(declared) == ["200", "400", "404", "422", "503"]
    assert sorted(plain) == ["200", "400", "422", "503"]  # same path shape, nothing declared
    ref = {"$ref": "#/components/schemas/ErrorBody"}
    assert all(declared[s]["content"]["application/json"]["schema"] == ref for s in ("404", "422"))
    assert app.openapi()["components"]["schemas"]["ErrorBody"]["required"] == ["error", "detail"]


@pytest.mark.parametrize("error", [NotFound("no such thing"), Forbidden("not yours", role="x")])
async def test_a_domain_error_is_answered_with_the_body(error: Exception) -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/boom")
    async def boom() -> None:
        raise error

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        answer = await client.get("/boom")
    body = ErrorBody.model_validate(answer.json())
    assert (body.error, body.detail) == (type(error).__name__, str(error.args[0]))
