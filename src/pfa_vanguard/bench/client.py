"""The benchmark's HTTP client: one logged-in user of the real server over loopback.

Reads are timed to the last byte of the body as it travels (compressed when the server
compresses), the way a browser's network panel measures them; decoding is not included.
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

import httpx
import orjson

from pfa_vanguard.bench.timing import Failed

BROWSER_ENCODINGS = "gzip, deflate, br"


@dataclass(frozen=True)
class RawAnswer:
    status: int
    headers: httpx.Headers
    body: bytes  # as received (still compressed if Content-Encoding says so)

    def decoded(self) -> bytes:
        encoding = self.headers.get("content-encoding", "identity").lower()
        if encoding == "gzip":
            return gzip.decompress(self.body)
        if encoding == "deflate":
            try:
                return zlib.decompress(self.body)
            except zlib.error:
                return zlib.decompress(self.body, -zlib.MAX_WBITS)
        if encoding == "br":
            raise Failed("the server answered with brotli, which the benchmark cannot decode")
        return self.body

    def json(self) -> Any:
        return orjson.loads(self.decoded())


class UserClient:
    """An httpx client with a user's bearer token; `async with` closes it."""

    def __init__(self, base_url: str, *, timeout_s: float = 120.0) -> None:
        self.http = httpx.AsyncClient(
            base_url=base_url,
            timeout=timeout_s,
            limits=httpx.Limits(max_connections=20, max_keepalive_connections=20),
        )
        self.username = ""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.http.aclose()

    async def login(self, username: str, password: str) -> None:
        answer = await self.http.post(
            "/api/auth/login", json={"username": username, "password": password}
        )
        if answer.status_code != 200:
            raise RuntimeError(f"login of {username} failed: {answer.status_code} {answer.text}")
        self.http.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
        self.username = username

    async def raw_get(
        self, path: str, params: Any = None, headers: dict[str, str] | None = None
    ) -> RawAnswer:
        """GET, reading the body as it arrives on the wire (no decoding)."""
        sent = {"Accept-Encoding": BROWSER_ENCODINGS, **(headers or {})}
        async with self.http.stream("GET", path, params=params, headers=sent) as answer:
            chunks = [chunk async for chunk in answer.aiter_raw()]
        return RawAnswer(answer.status_code, answer.headers, b"".join(chunks))

    async def get_json(self, path: str, params: Any = None, *, expect: int = 200) -> Any:
        answer = await self.http.get(path, params=params)
        check(answer.status_code, expect, answer.text)
        return answer.json()

    async def post_json(
        self,
        path: str,
        body: Any,
        *,
        expect: int = 200,
        headers: dict[str, str] | None = None,
    ) -> Any:
        answer = await self.http.post(
            path,
            content=orjson.dumps(body),
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        check(answer.status_code, expect, answer.text)
        return answer.json() if answer.content else None


def check(status: int, expect: int, text: str = "") -> None:
    if status != expect:
        raise Failed(f"HTTP {status} (expected {expect}): {text[:300]}")
