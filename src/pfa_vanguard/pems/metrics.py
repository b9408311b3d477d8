"""Prometheus metrics of the PEMS client, in the default registry, created on first use, so
that the worker (`--metrics-port`) and the API (`/metrics`, commits) both show how PEMS answers.

`pfa_pems_requests_total` (counter; operation = grid | update, status = the HTTP status, or
`error` when no answer came: timeout, refused or dropped connection),
`pfa_pems_request_duration_seconds` (histogram; operation), `pfa_pems_retries_total` (counter;
operation).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from prometheus_client import Counter, Histogram


@dataclass(frozen=True)
class PemsMetrics:
    requests: Counter
    duration: Histogram
    retries: Counter


@cache
def pems_metrics() -> PemsMetrics:
    """The process's PEMS client metrics (registered once, on the first call)."""
    return PemsMetrics(
        requests=Counter(
            "pfa_pems_requests",
            "Requests sent to PEMS, by operation and HTTP status (error: no answer)",
            ["operation", "status"],
        ),
        duration=Histogram(
            "pfa_pems_request_duration_seconds",
            "Time PEMS took to answer (or to fail), by operation",
            ["operation"],
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
        ),
        retries=Counter(
            "pfa_pems_retries", "Transient PEMS failures retried, by operation", ["operation"]
        ),
    )
