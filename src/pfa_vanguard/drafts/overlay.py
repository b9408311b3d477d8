"""The caller's drafts laid over the baseline, as the merged read needs them.

Guarantees: each drafted record's merged view (baseline + changes, derived fields recomputed
by domain/costs.py) is encoded once per change of the draft row or of its mirror row (the key
is a digest of the draft row's content and the mirror row's change number: any writer, any
process, changes one of them). A request reads only the fingerprints; full rows are read only
for misses.

Before even the fingerprints, one aggregate row is read: the organization's mirror version and
the count, row versions (xmin) and latest modification of the caller's draft rows. Any write
to one of those rows (a save, a delete, a sync marking a conflict or an orphan) or to the
organization's mirror (every writer raises mirror_version) changes it; while it stays the same,
the overlay built last time is served as is (one row read instead of one per draft).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from pfa_vanguard.db.queries import Conn
from pfa_vanguard.drafts import repository as repo
from pfa_vanguard.drafts.service import Draft, list_drafts
from pfa_vanguard.kpi.board import Cell, CellKey, contribution
from pfa_vanguard.kpi.figures import excluded_by
from pfa_vanguard.mirror.encode import encode_record

_Key = tuple[int, int, str, str, int | None]


@dataclass(frozen=True, slots=True)
class OverlayRecord:
    """A drafted record as served: encoded entry, merged data (for filters and sorting), and
    its KPI contributions before (the mirror's record) and after (merged)."""

    record_id: str
    entry: bytes
    merged: dict[str, Any]
    state: str
    in_mirror: bool
    kpi_before: tuple[CellKey, Cell] | None
    kpi_after: tuple[CellKey, Cell] | None
    # the exclusion (kpi/figures.py) leaving the record out before / after, "" when counted,
    # None when absent (not in the mirror; orphaned)
    excluded_before: str | None = None
    excluded_after: str | None = None

    @property
    def orphaned(self) -> bool:
        return self.state == "orphaned"


@dataclass(frozen=True)
class Overlay:
    records: dict[str, OverlayRecord]
    fingerprint: str  # changes whenever any of the caller's drafts or their baselines change

    def __bool__(self) -> bool:
        return bool(self.records)


def overlay_record(draft: Draft) -> OverlayRecord:
    merged = draft.merged
    state = draft.state
    entry = encode_record(draft.record_id, merged, has_draft=True, state=state)
    counted = state != "orphaned"  # an orphan is in neither the mirror nor PEMS any more
    return OverlayRecord(
        record_id=draft.record_id,
        entry=entry,
        merged=merged,
        state=state,
        in_mirror=draft.baseline_data is not None,
        kpi_before=contribution(draft.baseline_data) if draft.baseline_data else None,
        kpi_after=contribution(merged) if counted else None,
        excluded_before=(excluded_by(draft.baseline_data) or "") if draft.baseline_data else None,
        excluded_after=(excluded_by(merged) or "") if counted else None,
    )


class OverlayCache:
    """Encoded drafted records of every user of this process (LRU, `max_records` at most)."""

    def __init__(self, max_records: int = 50_000, max_overlays: int = 2_000) -> None:
        self.max_records = max_records
        self.max_overlays = max_overlays
        self._records: OrderedDict[_Key, OverlayRecord] = OrderedDict()
        self._overlays: OrderedDict[tuple[int, int], tuple[tuple[Any, ...], Overlay]] = (
            OrderedDict()
        )

    async def load(self, conn: Conn, user_id: int, org_id: int) -> Overlay:
        """The caller's overlay now. The stamp is read before the rows, so an overlay is never
        kept under a stamp newer than what it holds (a write in between only costs a miss)."""
        stamp = await repo.drafts_stamp(conn, user_id, org_id)
        held = self._overlays.get((user_id, org_id))
        if held is not None and held[0] == stamp:
            self._overlays.move_to_end((user_id, org_id))
            return held[1]
        overlay = await self._load(conn, user_id, org_id)
        self._overlays[(user_id, org_id)] = (stamp, overlay)
        while len(self._overlays) > self.max_overlays:
            self._overlays.popitem(last=False)
        return overlay

    async def _load(self, conn: Conn, user_id: int, org_id: int) -> Overlay:
        prints = await repo.fingerprints(conn, user_id, org_id)
        digest = hashlib.blake2b(digest_size=16)
        found: dict[str, OverlayRecord] = {}
        missing: dict[str, _Key] = {}
        for row in sorted(prints, key=lambda r: str(r["record_id"])):
            record_id = str(row["record_id"])
            key: _Key = (org_id, user_id, record_id, str(row["rev"]), row["change_seq"])
            digest.update(f"{record_id}\x00{row['rev']}\x00{row['change_seq']}\x01".encode())
            cached = self._records.get(key)
            if cached is None:
                missing[record_id] = key
            else:
                self._records.move_to_end(key)
                found[record_id] = cached
        if missing:
            for draft in await list_drafts(conn, user_id, org_id, list(missing)):
                record = overlay_record(draft)
                found[draft.record_id] = record
                seen = missing.get(draft.record_id)
                # kept under the key the fingerprint saw; a draft changed in between is
                # simply encoded again next time
                if seen is not None and seen[3] == draft.rev and seen[4] == draft.change_seq:
                    self._remember(seen, record)
        return Overlay(records=found, fingerprint=digest.hexdigest())

    def _remember(self, key: _Key, record: OverlayRecord) -> None:
        self._records[key] = record
        while len(self._records) > self.max_records:
            self._records.popitem(last=False)
