"""What a request body may be, as pure ASGI middlewares.

Guarantees: a request whose declared `Content-Length` exceeds the limit gets 413 before any
of its body is read; a body sent without a length (chunked) is counted as it arrives and the
request fails with 413 as soon as it crosses the limit, so no handler ever holds more than
`max_bytes` of one request in memory. A JSON body holding a NUL character (`\u0000`, which no
PostgreSQL text or jsonb value can hold) gets 400 before any route sees it. Every answer has
the API's one JSON error shape.
"""

from __future__ import annotations

import re

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pfa_vanguard.api.errors import error_response


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    @property
    def detail(self) -> str:
        return (
            f"the request body is larger than {self.max_bytes} bytes "
            f"({self.max_bytes / (1024 * 1024):g} MB); send less at a time"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            if declared.isdigit():
                response = error_response(413, "PayloadTooLarge", self.detail)
            else:
                response = error_response(400, "BadRequest", "invalid Content-Length header")
            await response(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # raised inside the handler's body read: the API's error handler answers
                    raise HTTPException(413, self.detail)
            return message

        await self.app(scope, limited, send)


# `\u0000` as a JSON escape: preceded by an even number of backslashes (an odd number would make
# the first backslash of the escape itself escaped, i.e. the text "\u0000").
_NUL_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


class NulCharacterMiddleware:
    """400 for a JSON request body with a NUL character in any string."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        content_type = dict(scope.get("headers") or []).get(b"content-type", b"")
        if content_type and b"json" not in content_type:  # FastAPI reads no type as JSON
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        try:
            while True:
                message = await receive()
                messages.append(message)
                if message["type"] != "http.request" or not message.get("more_body", False):
                    break
        except HTTPException as exc:  # the size limit, outside the app's error handlers
            kind = "PayloadTooLarge" if exc.status_code == 413 else "BadRequest"
            await error_response(exc.status_code, kind, str(exc.detail))(scope, receive, send)
            return
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
        if _NUL_ESCAPE.search(body):
            response = error_response(
                400, "BadRequest", "text may not contain NUL characters (\\u0000)"
            )
            await response(scope, receive, send)
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)
