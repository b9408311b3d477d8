"""Per-organization snapshots of the mirror, encoded once per change (filled in next)."""

from __future__ import annotations


class SnapshotCache:
    """In-process cache of encoded mirror records, keyed by database versions."""

    def __init__(self, budget_bytes: int) -> None:
        self.budget_bytes = budget_bytes
