"""The simulator's ASGI app: the two PEMS services under `/axis/restservices`, with latency and
faults injected, and the `/_sim` control routes (for tests and demos)."""

from __future__ import annotations

import asyncio
import base64
import binascii
import secrets
from collections.abc import Callable, Mapping
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from pfa_vanguard.pems.simulator.faults import Fault, FaultSpecError, parse_faults
from pfa_vanguard.pems.simulator.grid import answer_grid
from pfa_vanguard.pems.simulator.options import OptionsError
from pfa_vanguard.pems.simulator.screen import Confirmation, answer_screen
from pfa_vanguard.pems.simulator.state import SimError, SimulatorState

PEMS_PREFIX = "/axis/restservices"
Handler = Callable[[SimulatorState, Mapping[str, Any]], dict[str, Any] | bytes]


def _json(payload: object, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(payload), status, headers, media_type="application/json")


def _alert(status: int, message: str, name: str = "WSR-ERROR", **headers: str) -> Response:
    body = {"ErrorAlert": [{"Name": name, "Message": message}], "ConfirmationAlert": None,
            "Result": None}  # fmt: skip
    return _json(body, status, headers or None)


def _confirmation(message: str, name: str) -> Response:
    body = {"ConfirmationAlert": {"Name": name, "Message": message}, "ErrorAlert": None,
            "Result": None}  # fmt: skip
    return _json(body, 400)


class DroppedConnection(Response):
    """Starts an answer and never finishes it: the server closes the connection, so the client
    sees the peer hang up mid-response (what a dropped connection looks like)."""

    def __init__(self) -> None:
        super().__init__(b"", 200)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")],
            }
        )


def _authorized(state: SimulatorState, request: Request) -> str | None:
    """None when the call may proceed, else why it is refused (401)."""
    if state.tenant is not None and request.headers.get("tenant") != state.tenant:
        return "Invalid tenant"
    if state.api_key is None and state.user is None:
        return None
    key = request.headers.get("x-api-key")
    if state.api_key is not None and key is not None:
        return None if secrets.compare_digest(key, state.api_key) else "Invalid API key"
    header = request.headers.get("authorization", "")
    if state.user is not None and header.lower().startswith("basic "):
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return "Malformed Basic credentials"
        if user == state.user and secrets.compare_digest(password, state.password or ""):
            return None
        return "Invalid user name or password"
    return "Authentication required"


def _fault_response(fault: Fault) -> Response | None:
    if fault.kind == "error":
        return _alert(fault.status, "PEMS is unavailable, try again later", "WSR-UNAVAILABLE")
    if fault.kind == "throttle":
        return _alert(429, "Too many requests", "WSR-THROTTLED",
                      **{"Retry-After": str(fault.retry_after_s)})  # fmt: skip
    if fault.kind == "drop":
        return DroppedConnection()
    if fault.kind == "garbage":
        page = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
        return Response(page, 200, media_type="application/json")
    return None


async def _pems_call(state: SimulatorState, request: Request, route: str, handler: Handler
                     ) -> Response:  # fmt: skip
    """Answer one PEMS call: latency, then any fault, then the real answer. The request is
    read first, so a call whose client gave up is still carried out, as PEMS would."""
    with state.lock:
        generation = state.generation
        state.stats[route] += 1
        latency_ms = state.faults.latency_ms
        fault = state.faults.next_fault(route, state.rng)
        if fault is not None:
            state.stats[f"fault:{fault.kind}"] += 1
    try:
        raw = await request.body()
    except ClientDisconnect:
        return Response(status_code=499)
    try:
        return await _answer(state, request, raw, fault, latency_ms, handler, generation)
    finally:
        with state.lock:
            if state.generation == generation:
                state.stats[f"{route}:answered"] += 1


async def _answer(state: SimulatorState, request: Request, raw: bytes, fault: Fault | None,
                  latency_ms: int, handler: Handler, generation: int) -> Response:  # fmt: skip
    if latency_ms:
        await asyncio.sleep(latency_ms / 1000)
    if fault is not None and not fault.after_apply:
        if fault.kind == "delay":
            await asyncio.sleep(fault.delay_ms / 1000)
        elif (early := _fault_response(fault)) is not None:
            return early
    refusal = _authorized(state, request)
    if refusal is not None:
        return _alert(401, refusal, "WSR-UNAUTHORIZED")
    org = request.headers.get("organization")
    if not org:
        return _alert(400, "the organization header is required", "WSR-INVALID-REQUEST")
    if org != state.options.api_organization:
        return _alert(400, f"Organization {org!r} is not valid for this user",
                      "WSR-INVALID-ORGANIZATION")  # fmt: skip
    try:
        body = orjson.loads(raw)
        if not isinstance(body, dict):
            raise SimError("the request body must be a JSON object")
        with state.lock:  # a call from before a reset must not touch the fresh data
            if state.generation != generation:
                return _alert(503, "the simulator was reset during this call", "WSR-UNAVAILABLE")
            payload = handler(state, body)
    except orjson.JSONDecodeError as exc:
        return _alert(400, f"the request body is not JSON: {exc}", "WSR-INVALID-REQUEST")
    except Confirmation as exc:
        return _confirmation(str(exc), exc.name)
    except SimError as exc:
        return _alert(400, str(exc), exc.name)
    if fault is not None and fault.after_apply:
        if fault.kind == "delay":
            await asyncio.sleep(fault.delay_ms / 1000)
        elif (late := _fault_response(fault)) is not None:
            return late
    if isinstance(payload, bytes):
        return Response(payload, media_type="application/json")
    return _json(payload)


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    try:
        body = orjson.loads(raw) if raw else {}
    except orjson.JSONDecodeError as exc:
        raise SimError(f"the request body is not JSON: {exc}") from None
    if not isinstance(body, dict):
        raise SimError("the request body must be a JSON object")
    return body


def _text(body: Mapping[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise SimError(f"{key} (a non-empty string) is required")
    return value


def create_app(state: SimulatorState) -> Starlette:
    """The simulator as an ASGI app serving `state` (shared with whoever built it)."""

    async def grids(request: Request) -> Response:
        return await _pems_call(state, request, "grids", answer_grid)

    async def screens(request: Request) -> Response:
        return await _pems_call(state, request, "userdefinedscreenservices", answer_screen)

    def control(action: Callable[[dict[str, Any]], object]) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> Response:
            try:
                body = await _body(request) if request.method == "POST" else {}
                body.update(request.query_params)
                return _json(action(body))
            except (SimError, FaultSpecError, OptionsError) as exc:
                return _json({"error": str(exc)}, 400)

        return endpoint

    def faults(body: dict[str, Any]) -> object:
        state.set_faults(parse_faults(body))
        return state.faults.to_json()

    tickers: set[asyncio.Task[None]] = set()

    async def tick(org: str, schedule: tuple[int, float]) -> None:
        while True:
            await asyncio.sleep(schedule[1])
            with state.lock:  # stop once rescheduled, cancelled or reset
                if state.auto_mutate.get(org) is not schedule:
                    return
                state.mutate(org, schedule[0])

    def mutate(body: dict[str, Any]) -> object:
        count = body.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise SimError("count must be a non-negative integer")
        org = _text(body, "org")
        every = body.get("everySeconds")
        if every is not None and (isinstance(every, bool) or not isinstance(every, int | float)
                                  or every < 0):  # fmt: skip
            raise SimError("everySeconds must be a non-negative number (0 stops)")
        changed = state.mutate(org, count)
        if every is None:
            return {"changed": changed}
        with state.lock:
            state.auto_mutate.pop(org, None)
            if every > 0:
                schedule = state.auto_mutate[org] = (count, float(every))
                task = asyncio.get_running_loop().create_task(tick(org, schedule))
                tickers.add(task)
                task.add_done_callback(tickers.discard)
        return {"changed": changed, "everySeconds": every}

    def delete(body: dict[str, Any]) -> object:
        ids = body.get("pfaIds")
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise SimError("pfaIds (a list of strings) is required")
        return {"deleted": state.delete(_text(body, "org"), ids)}

    def drift(body: dict[str, Any]) -> object:
        value = body.get("value", "")
        state.add_drift(_text(body, "alias"), str(value), str(body.get("datatype", "VARCHAR")))
        return {"drift": {alias: v for alias, (v, _) in state.drift.items()}}

    def writes(body: dict[str, Any]) -> object:
        return {"writes": state.writes_for(body.get("org") or None)}

    def reset(body: dict[str, Any]) -> object:
        state.reset()
        return {"reset": True}

    def config(body: dict[str, Any]) -> object:
        changes: dict[str, Any] = {}
        if "cursorEnd" in body:
            changes["cursorEnd"] = body["cursorEnd"]
        if "sendCount" in body:
            changes["sendCount"] = bool(body["sendCount"])
        if "maxPageSize" in body:
            size = body["maxPageSize"]
            if isinstance(size, bool) or not isinstance(size, int):
                raise SimError("maxPageSize must be an integer")
            changes["pageCap"] = max(1, size)
        with state.lock:
            state.set_options(state.options.updated(changes))
            options = state.options
            return {"cursorEnd": options.cursor_end, "sendCount": options.send_count,
                    "maxPageSize": options.page_cap}  # fmt: skip

    def options(body: dict[str, Any]) -> object:
        with state.lock:
            state.set_options(state.options.updated(body))
            return state.options.to_json()

    def put(body: dict[str, Any]) -> object:
        rows = body.get("rows")
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise SimError("rows (a list of alias -> value objects) is required")
        return {"put": state.put_rows(_text(body, "org"), rows)}

    def stats(body: dict[str, Any]) -> object:
        with state.lock:
            return {
                "calls": dict(state.stats),
                "orgs": {code: data.size for code, data in state.orgs.items()},
                "writes": len(state.writes),
            }

    sim = [
        ("faults", faults, "POST"), ("mutate", mutate, "POST"), ("delete", delete, "POST"),
        ("drift", drift, "POST"), ("writes", writes, "GET"), ("reset", reset, "POST"),
        ("config", config, "POST"), ("options", options, "POST"), ("put", put, "POST"),
        ("stats", stats, "GET"),
    ]  # fmt: skip
    routes = [
        Route(f"{PEMS_PREFIX}/grids", grids, methods=["POST"]),
        Route(f"{PEMS_PREFIX}/userdefinedscreenservices", screens, methods=["POST"]),
        *(
            Route(f"/_sim/{name}", control(action), methods=[method])
            for name, action, method in sim
        ),
    ]
    return Starlette(routes=routes)
