"""Retention: what the worker (hourly) and `pfa db prune` delete, each table by its own period
(settings, in days; 0 keeps forever).

- `sync_runs`: finished runs (each organization's latest finished run always stays);
- `pfa_mirror_removed` (tombstones of removed records, read by the API's incremental
  snapshots: a snapshot older than the period is rebuilt, see mirror/snapshots.py);
- `commit_audit` and finished `commit_runs` (a retry's idempotency key expires with its run);
- `pfa_ai_audit`;
- `pfa_history` (the record history: changes found by syncs and made by commits).
The caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from psycopg import AsyncConnection

from pfa_vanguard.db.queries import NamedQueries
from pfa_vanguard.settings import Settings

_q = NamedQueries("pfa_vanguard.ops")


@dataclass(frozen=True)
class RetentionDays:
    sync_runs: int = 90
    tombstones: int = 90
    commit_audit: int = 730
    ai_audit: int = 365
    history: int = 365

    @classmethod
    def from_settings(cls, settings: Settings) -> RetentionDays:
        return cls(
            sync_runs=settings.retain_sync_runs_days,
            tombstones=settings.retain_tombstones_days,
            commit_audit=settings.retain_commit_audit_days,
            ai_audit=settings.retain_ai_audit_days,
            history=settings.retain_history_days,
        )


async def prune(conn: AsyncConnection[Any], keep: RetentionDays, now: datetime) -> dict[str, int]:
    """Delete what is older than its period at `now`; rows deleted per table."""
    plan = [
        ("sync_runs", "prune_sync_runs", keep.sync_runs),
        ("pfa_mirror_removed", "prune_tombstones", keep.tombstones),
        ("commit_audit", "prune_commit_audit", keep.commit_audit),
        ("commit_runs", "prune_commit_runs", keep.commit_audit),
        ("pfa_ai_audit", "prune_ai_audit", keep.ai_audit),
        ("pfa_history", "prune_history", keep.history),
    ]
    deleted: dict[str, int] = {}
    for table, query, days in plan:
        if days <= 0:
            continue
        cur = await conn.execute(_q(query), {"cutoff": now - timedelta(days=days)})
        deleted[table] = cur.rowcount
    return deleted
