"""What a sync reports: its result, its progress while it runs, and its refusals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pfa_vanguard.errors import Conflict

Status = Literal["succeeded", "failed", "skipped"]
Phase = Literal["fetching", "applying", "done"]


@dataclass(frozen=True)
class SyncResult:
    """The outcome of one `sync_org` call; `run_id` is None when no run was recorded.

    `status` "skipped" means nothing was done: another sync of the organization was running
    (`error` says "already running"), the organization is inactive, or the scheduled slot or
    request was already served by another worker.
    """

    org: str
    status: Status
    kind: Literal["full", "incremental"] | None = None
    run_id: int | None = None
    fetched: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    conflicts: int = 0
    orphaned: int = 0
    duration_ms: int = 0
    fetch_ms: int = 0  # of which: reading PEMS into staging
    apply_ms: int = 0  # of which: the apply transaction (mirror, drafts, views), to commit
    error: str | None = None
    mirror_version: int | None = None
    views_refreshed: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated or self.deleted)

    @property
    def already_running(self) -> bool:
        return (
            self.status == "skipped"
            and self.error is not None
            and "already running" in (self.error)
        )

    def counts(self) -> dict[str, int]:
        return {
            "fetched": self.fetched,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
        }


@dataclass(frozen=True)
class SyncProgress:
    """Reported to a `progress` callback after every page and at each phase change.

    `expected` is the mirror's current size on a full sync (PEMS sends no reliable total).
    """

    org: str
    phase: Phase
    fetched: int
    expected: int | None = None


class SyncAlreadyRunning(Conflict):
    """A sync of the organization is running now; a second one is refused, not queued."""

    kind = "SyncAlreadyRunning"
