"""One JSON error shape for every failure: `{"error": kind, "detail": message, ...extra}`.

`ErrorBody` is that shape, for the OpenAPI document (`error_responses` declares a route's own
error statuses with it); `error_body` builds it at run time. Handlers are registered by
`install_error_handlers`; nothing else in the API formats errors.
"""

from __future__ import annotations

import logging
import re
import weakref
from collections.abc import Iterable
from typing import Any

import orjson
import psycopg
import psycopg_pool
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import compile_path

from pfa_vanguard.api.state import request_state, started_state
from pfa_vanguard.db.errors import is_unavailable
from pfa_vanguard.errors import DatabaseUnavailable, PfaError

_log = logging.getLogger(__name__)

_HTTP_KINDS = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    406: "NotAcceptable",
    409: "Conflict",
    413: "PayloadTooLarge",
    415: "UnsupportedMediaType",
    422: "ValidationError",
    429: "TooManyRequests",
    503: "ServiceUnavailable",
}


class ErrorBody(BaseModel):
    """The API's one error shape; more keys may follow (`fields`, `retryAfter`, a commit's
    `conflicts`...)."""

    model_config = ConfigDict(extra="allow")
    error: str = Field(description="kind, e.g. ValidationError")
    detail: str = Field(description="what was wrong and what is allowed")
    fields: SkipJsonSchema[None] | dict[str, str] = Field(
        default=None, description="ValidationError: each refused field and why"
    )


ERROR_DESCRIPTIONS = {
    400: "bad request",
    401: "missing, expired or invalid token, or its session has ended (logout, new password)",
    403: "not a member of the organization, or the role is too low",
    404: "no such record or draft",
    409: "in conflict with the current state (detail says what and how to settle it)",
    413: "request body over 1 MB",
    422: "invalid parameters or body (fields names each one)",
    429: "too many requests: failed logins, or assistant requests per minute (Retry-After)",
    503: "the database is unavailable, or the server is busy (ServerBusy, Retry-After)",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """A route's `responses=` for the error statuses only it answers, with the one error body
    (the statuses every route shares are added to the document by api/openapi_doc.py)."""
    return {s: {"model": ErrorBody, "description": ERROR_DESCRIPTIONS[s]} for s in statuses}


def error_body(kind: str, detail: str, **extra: Any) -> dict[str, Any]:
    """An `ErrorBody` as sent: `error`, `detail`, then the extra keys in their order."""
    return {"error": kind, "detail": detail, **extra}


def error_response(
    status: int, kind: str, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> Response:
    """The one error body of the API, as a response."""
    return Response(
        orjson.dumps(error_body(kind, detail, **extra), default=str),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


def _is_type_tag(part: Any) -> bool:
    """A union member's name pydantic puts in an error location ('DraftIn', 'list[DraftIn]')."""
    return isinstance(part, str) and bool(part) and ("[" in part or part[0].isupper())


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [
        str(p) for p in loc if p not in ("body", "query", "path", "header") and not _is_type_tag(p)
    ]
    return ".".join(parts) or "body"


def _relevant(errors: list[Any], body: Any) -> list[Any]:
    """For a body that may be one object or a list of them, the errors of the shape sent."""
    listed = [e for e in errors if any(_is_type_tag(p) and "[" in p for p in e.get("loc", ()))]
    if not listed or len(listed) == len(errors):
        return errors
    if isinstance(body, list):
        return listed
    return [e for e in errors if e not in listed]


_BUSY_RETRY_S = 2


def _pool_exhausted(request: Request, exc: BaseException | None) -> bool:
    """`exc` is a wait for a connection that ran out while every connection of the process's
    pool was in use (overload), rather than while the pool could not connect (outage)."""
    if not isinstance(exc, psycopg_pool.PoolTimeout):
        return False
    state = started_state(request.app)
    if state is None:
        return False
    pool = state.pool
    stats = pool.get_stats()
    return stats.get("pool_size", 0) >= pool.max_size and stats.get("pool_available", 0) == 0


def _busy(request: Request) -> Response:
    pool = request_state(request).pool
    _log.warning("server busy: no database connection free within %.1f s", pool.timeout)
    detail = (
        f"the server is busy: all {pool.max_size} database connections of this process stayed"
        f" in use for {pool.timeout:g} s; retry in {_BUSY_RETRY_S} s"
    )
    headers = {"Retry-After": str(_BUSY_RETRY_S)}
    return error_response(503, "ServerBusy", detail, headers, retryAfter=_BUSY_RETRY_S)


async def _pfa_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PfaError)
    if isinstance(exc, DatabaseUnavailable) and _pool_exhausted(request, exc.__cause__):
        return _busy(request)
    headers = None
    retry_after = exc.extra.get("retry_after")
    extra = {k: v for k, v in exc.extra.items() if k != "retry_after"}
    if retry_after is not None:
        headers = {"Retry-After": str(int(retry_after))}
        extra["retryAfter"] = int(retry_after)
    if exc.status_code == 401:
        headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
    if exc.status_code >= 500:
        _log.warning("%s: %s", exc.kind, exc.detail)
    return error_response(exc.status_code, exc.kind, exc.detail, headers, **extra)


_HTTP_METHODS = frozenset({"GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE"})
_DECLARED: weakref.WeakKeyDictionary[FastAPI, list[tuple[re.Pattern[str], set[str]]]] = (
    weakref.WeakKeyDictionary()
)


def declared_methods(app: FastAPI, path: str) -> set[str]:
    """The methods the app's OpenAPI document declares for `path`, over every route template
    that matches it (empty: no such route). Compiled once per app, on first use."""
    table = _DECLARED.get(app)
    if table is None:
        table = [
            (compile_path(template)[0], {m.upper() for m in ops if m.upper() in _HTTP_METHODS})
            for template, ops in app.openapi().get("paths", {}).items()
        ]
        _DECLARED[app] = table
    return {m for pattern, methods in table if pattern.match(path) for m in methods}


def method_not_allowed(request: Request, allowed: Iterable[str] = ()) -> Response:
    """405 for a path the API has, asked with a method it does not declare there; `Allow`
    names every method the OpenAPI document declares for the path (else `allowed`)."""
    declared = declared_methods(request.app, request.url.path)
    methods = ", ".join(sorted(declared or set(allowed)))
    detail = f"{request.method} is not allowed on {request.url.path}; allowed: {methods}"
    return error_response(405, "MethodNotAllowed", detail, {"Allow": methods})


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 405 and "Allow" in headers:
        return method_not_allowed(request, headers["Allow"].split(", "))
    kind = _HTTP_KINDS.get(exc.status_code, "HTTPError")
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    return error_response(exc.status_code, kind, detail, headers or None)


async def _validation_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    fields: dict[str, str] = {}
    for err in _relevant(list(exc.errors()), exc.body):
        fields.setdefault(_field_path(err.get("loc", ())), str(err.get("msg", "invalid")))
    detail = "; ".join(f"{name}: {why}" for name, why in fields.items()) or "invalid request"
    return error_response(422, "ValidationError", detail, fields=fields)


async def _database_error(request: Request, exc: Exception) -> Response:
    if _pool_exhausted(request, exc):
        return _busy(request)
    if is_unavailable(exc):
        _log.warning("database unavailable: %s", exc)
        return error_response(503, "DatabaseUnavailable", "the database is unavailable")
    if isinstance(exc, psycopg.DataError):
        # a value of the request PostgreSQL cannot take (a NUL character, an unpaired
        # surrogate, a number out of range): the caller's input, not a server fault
        why = exc.diag.message_primary or str(exc)
        _log.info("refused a value the database cannot take: %s", why)
        return error_response(400, "BadRequest", f"a value in the request cannot be used: {why}")
    _log.exception("database error", exc_info=exc)
    return error_response(500, "InternalError", "internal error")


async def _unexpected(_: Request, exc: Exception) -> Response:
    _log.exception("unhandled error", exc_info=exc)
    return error_response(500, "InternalError", "internal error")


def install_error_handlers(app: FastAPI) -> None:
    """Route every error the API can raise through the one JSON shape."""
    app.add_exception_handler(PfaError, _pfa_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(psycopg.Error, _database_error)
    app.add_exception_handler(psycopg_pool.PoolTimeout, _database_error)
    app.add_exception_handler(Exception, _unexpected)
