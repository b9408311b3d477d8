"""The request body size limit, as a pure ASGI middleware.

Guarantees: a request whose declared `Content-Length` exceeds the limit gets 413 before any
of its body is read; a body sent without a length (chunked) is counted as it arrives and the
request fails with 413 as soon as it crosses the limit, so no handler ever holds more than
`max_bytes` of one request in memory. Both answers have the API's one JSON error shape.
"""

from __future__ import annotations

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
