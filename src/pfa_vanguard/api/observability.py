"""Request ids, access logs and Prometheus metrics, as one pure ASGI middleware.

Every response carries `X-Request-ID` (the caller's, when it is a sane token, else a new one).
The access log line has the id, method, path (no query string), status and duration; headers
(and so tokens) and bodies (and so passwords) are never logged.

Under `pfa serve --workers N` the processes share their metrics through prometheus_client's
multiprocess mode (`PROMETHEUS_MULTIPROC_DIR`, set by the parent before the workers start):
whichever process answers `/metrics` reports the sum over all of them.
"""

from __future__ import annotations

import hmac
import logging
import os
import re
import time
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache

import orjson
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.metrics_core import Metric
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pfa_vanguard.api.state import request_state

_log = logging.getLogger("pfa_vanguard.api.access")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

request_id_var: ContextVar[str | None] = ContextVar("pfa_request_id", default=None)


@dataclass(frozen=True)
class HttpMetrics:
    latency: Histogram
    requests: Counter
    in_progress: Gauge
    errors: Counter


@cache
def http_metrics() -> HttpMetrics:
    """The API's metrics, registered once per process in the default registry."""
    return HttpMetrics(
        latency=Histogram(
            "pfa_http_request_duration_seconds",
            "HTTP request latency by route template (time to last byte)",
            ["method", "route"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        ),
        requests=Counter(
            "pfa_http_requests", "HTTP requests by route and status", ["method", "route", "status"]
        ),
        in_progress=Gauge(
            "pfa_http_requests_in_progress",
            "HTTP requests being served",
            multiprocess_mode="livesum",  # summed over the live worker processes
        ),
        errors=Counter(
            "pfa_http_errors", "HTTP responses with status >= 400", ["method", "route", "status"]
        ),
    )


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    return "unmatched"


class ObservabilityMiddleware:
    """Request id in and out, one access log line and metrics per HTTP request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.metrics = http_metrics()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        token = request_id_var.set(request_id)
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                MutableHeaders(scope=message).append("X-Request-ID", request_id)
            await send(message)

        started = time.perf_counter()
        self.metrics.in_progress.inc()
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            self.metrics.in_progress.dec()
            route = _route_template(scope)
            method = str(scope.get("method", ""))
            self.metrics.latency.labels(method, route).observe(elapsed)
            self.metrics.requests.labels(method, route, str(status)).inc()
            if status >= 400:
                self.metrics.errors.labels(method, route, str(status)).inc()
            _log.info(
                "%s %s %s %d %.1fms",
                request_id,
                method,
                scope.get("path", ""),
                status,
                elapsed * 1000,
            )
            request_id_var.reset(token)


MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


async def metrics_endpoint(request: Request) -> Response:
    """Prometheus text format: the API's metrics plus whatever other modules registered; the
    sum over every worker process under multiprocess mode.

    Organization codes are not for the unauthenticated world: without `PFA_METRICS_TOKEN`
    the series labelled by organization are left out; with it, a scrape must send
    `Authorization: Bearer <token>` (else 401) and gets every series."""
    token = _metrics_token(request)
    if token is not None:
        sent = request.headers.get("authorization", "")
        expected = f"Bearer {token}"
        if not hmac.compare_digest(sent.encode(), expected.encode()):
            body = {
                "error": "Unauthorized",
                "detail": "/metrics needs Authorization: Bearer <PFA_METRICS_TOKEN>",
            }
            return Response(
                orjson.dumps(body),
                status_code=401,
                media_type="application/json",
                headers={"WWW-Authenticate": "Bearer"},
            )
    registry: CollectorRegistry = REGISTRY
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    if token is None:
        registry = _WithoutOrganizations(registry)
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


def _metrics_token(request: Request) -> str | None:
    settings = request_state(request).settings
    if settings.metrics_token is None or not settings.metrics_token.get_secret_value():
        return None
    return settings.metrics_token.get_secret_value()


_ORGANIZATION_LABELS = frozenset({"org", "organization"})


class _WithoutOrganizations(CollectorRegistry):
    """What `source` collects, less every sample labelled by organization."""

    def __init__(self, source: CollectorRegistry) -> None:
        super().__init__()
        self._source = source

    def collect(self) -> Iterator[Metric]:
        for family in self._source.collect():
            kept = [s for s in family.samples if not _ORGANIZATION_LABELS & s.labels.keys()]
            if family.samples and not kept:
                continue
            clone = Metric(family.name, family.documentation, family.type, family.unit)
            clone.samples = kept
            yield clone
