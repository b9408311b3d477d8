"""An in-memory `RecordSource` for feeding a sync without a PEMS server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pfa_vanguard.sync.source import SourceRecord


@dataclass(frozen=True)
class StaticRecord:
    """A record held in memory: for feeding a sync without a PEMS server (tests, tools)."""

    pfa_id: str
    data: Mapping[str, Any]
    version: int
    modified_at: datetime | None = None


@dataclass
class StaticSource:
    """A `RecordSource` over records in memory, served in pages of `page_size`.

    `changed_since` keeps the records modified strictly after it, as the PEMS filter does.
    `fail_after_pages` raises `failure` once that many pages were served (a PEMS failure
    mid-sync).
    """

    records: dict[str, list[StaticRecord]] = field(default_factory=dict)
    page_size: int = 1000
    fail_after_pages: int | None = None
    failure: Exception | None = None
    calls: list[tuple[str, datetime | None]] = field(default_factory=list)

    def put(self, org: str, records: Iterable[StaticRecord]) -> None:
        self.records[org] = sorted(records, key=lambda r: r.pfa_id)

    async def iter_pages(
        self, org: str, *, changed_since: datetime | None = None
    ) -> AsyncIterator[Sequence[SourceRecord]]:
        self.calls.append((org, changed_since))
        rows = [
            r
            for r in self.records.get(org, [])
            if changed_since is None
            or (r.modified_at is not None and r.modified_at > changed_since)
        ]
        for served, start in enumerate(range(0, len(rows), self.page_size)):
            if self.fail_after_pages is not None and served >= self.fail_after_pages:
                raise self.failure or RuntimeError("source failed")
            yield rows[start : start + self.page_size]
