"""Prometheus metrics of the sync worker, in the default registry, created on first use.

`pfa_sync_duration_seconds` (histogram; org, kind, status), `pfa_sync_records_total` (counter;
org, outcome = fetched | inserted | updated | unchanged | deleted), `pfa_sync_failures_total`
(counter; org), `pfa_sync_last_success_timestamp_seconds` (gauge; org), `pfa_sync_late`
(gauge; org: 1 when the last successful sync is older than twice the schedule's interval).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from prometheus_client import Counter, Gauge, Histogram

OUTCOMES = ("fetched", "inserted", "updated", "unchanged", "deleted")


@dataclass(frozen=True)
class SyncMetrics:
    duration: Histogram
    records: Counter
    failures: Counter
    last_success: Gauge
    late: Gauge


@cache
def sync_metrics() -> SyncMetrics:
    """The process's sync metrics (registered once, on the first call)."""
    return SyncMetrics(
        duration=Histogram(
            "pfa_sync_duration_seconds",
            "Duration of organization syncs",
            ["org", "kind", "status"],
            buckets=(0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300),
        ),
        records=Counter(
            "pfa_sync_records_total", "Records seen by syncs, by outcome", ["org", "outcome"]
        ),
        failures=Counter("pfa_sync_failures_total", "Failed syncs", ["org"]),
        last_success=Gauge(
            "pfa_sync_last_success_timestamp_seconds",
            "Unix time of the end of the last successful sync",
            ["org"],
        ),
        late=Gauge(
            "pfa_sync_late",
            "1 when the organization's last successful sync is later than twice its interval",
            ["org"],
        ),
    )


def observe(
    org: str,
    *,
    kind: str,
    status: str,
    seconds: float,
    counts: dict[str, int],
    finished_at: float | None,
) -> None:
    """Record one finished (or failed) sync."""
    m = sync_metrics()
    m.duration.labels(org=org, kind=kind, status=status).observe(seconds)
    for outcome in OUTCOMES:
        if counts.get(outcome):
            m.records.labels(org=org, outcome=outcome).inc(counts[outcome])
    if status == "failed":
        m.failures.labels(org=org).inc()
    elif finished_at is not None:
        m.last_success.labels(org=org).set(finished_at)


def mirror_last_success(org: str, synced_at: float) -> None:
    """Set the last-success gauge from the database's record (syncs by other processes too)."""
    sync_metrics().last_success.labels(org=org).set(synced_at)


def late(org: str, is_late: bool) -> None:
    """Set the lateness gauge of `org` (scheduled, active organizations only)."""
    sync_metrics().late.labels(org=org).set(1 if is_late else 0)
