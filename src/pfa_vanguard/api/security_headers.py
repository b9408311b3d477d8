"""Security headers on every answer, as one pure ASGI middleware.

- all: `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY`, `Referrer-Policy:
  no-referrer` (the UI is never framed, no URL leaks to another site);
- the web UI's HTML: a Content-Security-Policy that allows only this origin's scripts, styles,
  images and API (`frame-ancestors 'none'`); inline styles stay allowed, because React and the
  chart library set style attributes;
- JSON, Prometheus text and the UI's assets: `default-src 'none'; frame-ancestors 'none'`
  (nothing in them may load or run anything);
- the interactive API docs (/docs, /redoc) load FastAPI's documentation bundle from its CDN
  and run an inline script: they get no Content-Security-Policy, only the headers above.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UI_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
NOTHING_POLICY = "default-src 'none'; frame-ancestors 'none'"
_DOCS = ("/docs", "/redoc")
_ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        docs = path.startswith(_DOCS)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _ALWAYS.items():
                    headers.setdefault(name, value)
                if not docs and "content-security-policy" not in headers:
                    html = headers.get("content-type", "").startswith("text/html")
                    headers["Content-Security-Policy"] = UI_POLICY if html else NOTHING_POLICY
            await send(message)

        await self.app(scope, receive, send_with_headers)
