"""The OpenAPI document states every error status a route can answer, with the one error body
(`ErrorBody`, api/errors.py).

Routes declare their success responses and the errors only they answer themselves
(`responses=error_responses(404)`, e.g. a record or draft that may not exist, 429 of the login
and the assistant). The statuses every route shares come from the app's error handlers and
dependencies, so they are added here once, when the document is built, from what the operation
itself declares (never from its path):
- every operation: 400 (a value the database cannot take, a bad sort or cursor), 422 (request
  validation: the API's error shape replaces FastAPI's default), 503 (database down);
- operations that need a token: 401 (no, expired or forged token) and 403 (not a member, or
  the role is too low); operations with a body: 413 (over 1 MB).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from pfa_vanguard.api.errors import ERROR_DESCRIPTIONS, ErrorBody

_REF = {"$ref": "#/components/schemas/ErrorBody"}


def _shared_statuses(operation: dict[str, Any]) -> list[int]:
    statuses = [400, 422, 503]
    if operation.get("security"):
        statuses += [401, 403]
    if "requestBody" in operation:
        statuses.append(413)
    return statuses


def add_error_responses(document: dict[str, Any]) -> dict[str, Any]:
    """`document` with the shared error responses added to each operation (in place), and every
    error response (shared or declared by the route) carrying the one error body."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorBody", ErrorBody.model_json_schema())
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status in _shared_statuses(operation):
                responses.setdefault(str(status), {"description": ERROR_DESCRIPTIONS[status]})
            for status, entry in responses.items():
                if status.isdigit() and int(status) in ERROR_DESCRIPTIONS and status != "409":
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


def install_openapi(app: FastAPI) -> None:
    """Make the app's document (`app.openapi()`, built once by FastAPI) carry the error
    responses."""
    build = app.openapi
    patched: dict[str, Any] | None = None

    def openapi() -> dict[str, Any]:
        nonlocal patched
        document = build()
        if document is not patched:
            patched = add_error_responses(document)
        return document

    app.openapi = openapi  # type: ignore[method-assign]
