"""The OpenAPI document states every error status a route can answer, with the one error body.

Routes declare their success responses (and specific ones like a commit's 409) themselves; the
statuses every route shares come from the app's error handlers and dependencies, so they are
added here once, when the document is built:
- every /api operation: 400 (a value the database cannot take, a bad sort or cursor), 422
  (request validation: the API's error shape replaces FastAPI's default), 503 (database down);
- operations that need a token: 401 (no, expired or forged token) and 403 (not a member, or
  the role is too low); operations with a body: 413 (over 1 MB);
- operations on an organization's records and drafts: 404; login: 401 and 429; the assistant's
  routes: 429 (requests per user per minute).
"""

from __future__ import annotations

import re
import weakref
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import compile_path

_ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "required": ["error", "detail"],
    "properties": {
        "error": {"type": "string", "description": "kind, e.g. ValidationError"},
        "detail": {"type": "string", "description": "what was wrong and what is allowed"},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "ValidationError: each refused field and why",
        },
    },
    "additionalProperties": True,
}
_REF = {"$ref": "#/components/schemas/Error"}
_DESCRIPTIONS = {
    "400": "bad request",
    "401": "missing, expired or invalid token, or its session has ended (logout, new password)",
    "403": "not a member of the organization, or the role is too low",
    "404": "no such record or draft",
    "413": "request body over 1 MB",
    "422": "invalid parameters or body (fields names each one)",
    "429": "too many requests: failed logins, or assistant requests per minute (Retry-After)",
    "503": "the database is unavailable, or the server is busy (ServerBusy, Retry-After)",
}


def _statuses(path: str, operation: dict[str, Any]) -> list[str]:
    if not path.startswith("/api"):
        return []
    statuses = ["400", "422", "503"]
    if operation.get("security") or path == "/api/auth/login":
        statuses.append("401")
    if operation.get("security"):
        statuses.append("403")
    if "requestBody" in operation:
        statuses.append("413")
    if "{record_id}" in path or path.startswith("/api/pfa/{org}/"):
        statuses.append("404")
    if path in ("/api/auth/login", "/api/ai/query", "/api/ai/draft"):
        statuses.append("429")
    return statuses


def add_error_responses(document: dict[str, Any]) -> dict[str, Any]:
    """`document` with the shared error responses added to each operation (in place)."""
    document.setdefault("components", {}).setdefault("schemas", {})["Error"] = _ERROR_SCHEMA
    for path, operations in document.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status in _statuses(path, operation):
                entry = responses.setdefault(status, {"description": _DESCRIPTIONS[status]})
                entry["content"] = {"application/json": {"schema": _REF}}
    return document


# Route function name -> operationId, where the camelCased function name alone would not say
# what the operation does to a generated client's reader.
_OPERATION_IDS = {
    "read_records": "listRecords",
    "record_detail": "getRecord",
    "read_changes": "listChanges",
    "kpi": "getKpi",
    "timeline_bounds": "getTimelineBounds",
    "me": "getMe",
    "health": "getHealth",
    "commit": "commitDrafts",
    "discard": "discardDrafts",
    "refresh": "requestRefresh",
    "query": "askAssistant",
    "draft": "proposeDrafts",
    "sync_status": "getSyncStatus",
    "sync_runs": "listSyncRuns",
    "run_now": "runSyncNow",
    "pause": "pauseSync",
    "resume": "resumeSync",
    "set_schedule": "setSyncSchedule",
}


def operation_id(route: APIRoute) -> str:
    """The operation's stable, camelCase `operationId` (`login`, `saveDrafts`, `listRecords`):
    what a client generated from the document names its functions. Also names the generated
    body schemas. `create_app` passes it as FastAPI's `generate_unique_id_function`."""
    if route.name in _OPERATION_IDS:
        return _OPERATION_IDS[route.name]
    head, *rest = route.name.split("_")
    return head + "".join(part.title() for part in rest)


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


def install_openapi(app: FastAPI) -> None:
    """Make the app's document (`app.openapi()`, built once by FastAPI) carry the error
    responses."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        document = build()
        if "Error" not in document.get("components", {}).get("schemas", {}):
            add_error_responses(document)
        return document

    app.openapi = openapi  # type: ignore[method-assign]
