"""Database storage per table family, for monitoring: `pfa_database_bytes{family}` and, when
PFA_DATABASE_BUDGET_BYTES is set, `pfa_database_budget_bytes` (the alert rule compares them).

Families: mirror, tombstones, archive, drafts, summaries, sync_history, commit_audit, ai_audit,
record_history, other.
"""

from __future__ import annotations

from functools import cache

from prometheus_client import Gauge
from psycopg.rows import tuple_row

from pfa_vanguard.db.queries import Conn, NamedQueries

_q = NamedQueries("pfa_vanguard.ops")


@cache
def _gauges() -> tuple[Gauge, Gauge]:
    return (
        Gauge(
            "pfa_database_bytes",
            "Bytes on disk (tables, indexes, TOAST) per table family",
            ["family"],
            multiprocess_mode="max",
        ),
        Gauge(
            "pfa_database_budget_bytes",
            "The storage budget the operator configured (PFA_DATABASE_BUDGET_BYTES)",
            multiprocess_mode="max",
        ),
    )


async def database_bytes(conn: Conn) -> dict[str, int]:
    """Bytes per table family of the application's schema (read from the catalog; cheap)."""
    cur = conn.cursor(row_factory=tuple_row)
    await cur.execute(_q("database_bytes"))
    return {str(family): int(size) for family, size in await cur.fetchall()}


async def export_storage(conn: Conn, budget_bytes: int | None) -> dict[str, int]:
    """Measure and set the storage gauges; returns the figures."""
    figures = await database_bytes(conn)
    by_family, budget = _gauges()
    for family, size in figures.items():
        by_family.labels(family=family).set(size)
    if budget_bytes:
        budget.set(budget_bytes)
    return figures
