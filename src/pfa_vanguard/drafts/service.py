"""Saving, listing, deleting and discarding a user's drafts (docs/domain.md, "Drafts").

Guarantees:
- A save (one record or many) is validated whole with `domain.drafts.apply_changes` against
  the current mirror record, merged into the existing draft; nothing is written when any
  record is refused (the request's transaction rolls back), and the refusal names every bad
  field of every record. An unknown record is `NotFound`.
- `base_version` is the record's PEMS version when the draft begins; `base_values` holds, for
  each changed field, the value the user saw when that field entered the draft: the save's
  `base` for it when given, else the mirror's value at that save. Later saves never replace it.
  A field whose base differs from the mirror's value (PEMS changed it after the user's screen
  was loaded) is in conflict from the moment it is saved (drafts/conflicts.py). `base_record`
  keeps the whole record the draft began from (the mirror's, with those base values), so a
  conflict also shows the fields only PEMS changed since.
- A field set to null or back to its baseline value leaves the draft; an empty draft is deleted.
- Concurrent saves by one user on one record serialise on the draft row (locked before it is
  read); the first save of a record races only on insert, and the loser retries under the
  lock, so parallel saves of different fields all survive.
- Orphaned drafts (their record left PEMS) keep their last baseline (`orphan_baseline`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pfa_vanguard.db.queries import Conn
from pfa_vanguard.domain.drafts import apply_changes, merge
from pfa_vanguard.drafts import repository as repo
from pfa_vanguard.drafts.conflicts import field_conflicts
from pfa_vanguard.errors import Conflict, NotFound, ValidationFailed

_INSERT_ATTEMPTS = 3


@dataclass(frozen=True)
class Draft:
    """One draft with the baseline it applies to."""

    record_id: str
    rev: str
    changes: dict[str, Any]
    base_version: int
    base_values: dict[str, Any]
    stored_conflict: dict[str, Any] | None
    orphaned_at: datetime | None
    orphan_baseline: dict[str, Any] | None
    created_at: datetime
    modified_at: datetime
    baseline_data: dict[str, Any] | None  # the mirror's record now (None: not in the mirror)
    pems_version: int | None
    change_seq: int | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Draft:
        return cls(
            record_id=str(row["record_id"]),
            rev=str(row["rev"]),
            changes=dict(row["changes"]),
            base_version=int(row["base_version"]),
            base_values=dict(row["base_values"] or {}),
            stored_conflict=row["conflict"],
            orphaned_at=row["orphaned_at"],
            orphan_baseline=row["orphan_baseline"],
            created_at=row["created_at"],
            modified_at=row["modified_at"],
            baseline_data=row["baseline"],
            pems_version=row["pems_version"],
            change_seq=row["change_seq"],
        )

    @property
    def orphaned(self) -> bool:
        return self.orphaned_at is not None or self.baseline_data is None

    @property
    def baseline(self) -> dict[str, Any]:
        """The record the draft applies to: the mirror's, or its last one when orphaned."""
        if self.baseline_data is not None and self.orphaned_at is None:
            return self.baseline_data
        return dict(self.orphan_baseline or self.baseline_data or {})

    @property
    def merged(self) -> dict[str, Any]:
        return merge(self.baseline, self.changes)

    @property
    def conflict(self) -> dict[str, dict[str, Any]]:
        """{field: {"base", "theirs", "mine"}} for each drafted field PEMS also changed."""
        if self.orphaned or self.baseline_data is None or self.pems_version is None:
            return {}
        return field_conflicts(
            self.changes,
            self.base_values,
            self.baseline_data,
            base_version=self.base_version,
            current_version=self.pems_version,
            stored=self.stored_conflict,
        )

    @property
    def state(self) -> str:
        """orphaned | conflict | draft."""
        if self.orphaned:
            return "orphaned"
        return "conflict" if self.conflict else "draft"


async def list_drafts(
    conn: Conn, user_id: int, org_id: int, ids: Sequence[str] | None = None
) -> list[Draft]:
    """The caller's drafts in the organization (all, or those on `ids`), by record id."""
    rows = await repo.drafts_with_baseline(conn, user_id, org_id, ids)
    return [Draft.from_row(r) for r in rows]


@dataclass(frozen=True)
class DraftInput:
    record_id: str
    changes: Mapping[str, Any]
    base: Mapping[str, Any] | None = None  # the values the user saw, for fields of `changes`


@dataclass(frozen=True)
class SaveResult:
    saved: list[str]  # records that have a draft after the save
    removed: list[str]  # records whose draft became empty and was deleted
    drafts: list[Draft]  # those drafts, as they are now (in `saved` order)


async def save_drafts(
    conn: Conn, user_id: int, org_id: int, inputs: Sequence[DraftInput], org_code: str = ""
) -> SaveResult:
    """Merge each input into the caller's draft of its record; all or nothing."""
    by_record: dict[str, list[DraftInput]] = {}
    errors: dict[str, dict[str, str]] = {}
    for item in inputs:
        by_record.setdefault(item.record_id, []).append(item)
        if item.base and (stray := sorted(set(item.base) - set(item.changes))):
            errors.setdefault(item.record_id, {})["base"] = (
                f"names fields that are not changed: {', '.join(stray)}; "
                "base holds the values seen for the changed fields only"
            )
    if errors:
        raise _refusal(errors, single=len(by_record) == 1)
    drafts: list[Draft] = []
    removed: list[str] = []
    for record_id in sorted(by_record):  # one lock order for every save: no deadlocks
        outcome = await _save_one(conn, user_id, org_id, record_id, by_record[record_id], org_code)
        if isinstance(outcome, Draft):
            drafts.append(outcome)
        elif outcome is None:
            removed.append(record_id)
        else:
            errors[record_id] = outcome
    if errors:
        raise _refusal(errors, single=len(by_record) == 1)
    return SaveResult(saved=[d.record_id for d in drafts], removed=removed, drafts=drafts)


def _refusal(errors: dict[str, dict[str, str]], *, single: bool) -> ValidationFailed:
    if single:
        [(record_id, fields)] = errors.items()
        exc = ValidationFailed(
            fields, "; ".join(f"{record_id}.{name}: {why}" for name, why in fields.items())
        )
    else:
        flat = {
            f"{rid}.{name}": why for rid, fields in errors.items() for name, why in fields.items()
        }
        exc = ValidationFailed(flat)
    exc.extra["records"] = [{"recordId": rid, "fields": f} for rid, f in errors.items()]
    return exc


async def _save_one(
    conn: Conn,
    user_id: int,
    org_id: int,
    record_id: str,
    incoming: list[DraftInput],
    org_code: str,
) -> Draft | dict[str, str] | None:
    """The draft as saved; None: no draft remains; a dict: the refused fields."""
    for _ in range(_INSERT_ATTEMPTS):
        mirror = await repo.mirror_record_and_locked_draft(conn, user_id, org_id, record_id)
        if mirror is None:
            where = f" in {org_code}" if org_code else ""
            if await repo.lock_draft(conn, user_id, org_id, record_id) is not None:
                raise Conflict(
                    f"record {record_id!r} is no longer in PEMS{where}: its draft is orphaned "
                    f"and can only be deleted (DELETE .../drafts/{record_id})",
                    recordId=record_id,
                )
            raise NotFound(f"no record {record_id!r}{where}", recordId=record_id)
        baseline: dict[str, Any] = mirror["data"]
        existing = mirror if mirror["draft_id"] is not None else None
        changes: dict[str, Any] = dict(existing["changes"]) if existing else {}
        try:
            for item in incoming:
                changes = apply_changes(baseline, changes, item.changes)
        except ValidationFailed as exc:
            return exc.fields
        base_values = _base_values(
            changes, dict(existing["base_values"] or {}) if existing else {}, incoming, baseline
        )
        if existing is None:
            if not changes:
                return None
            base_version = int(mirror["pems_version"])
            base_record = {**baseline, **base_values}  # as the user saw it, where they said
            row = await repo.insert_draft(
                conn, user_id, org_id, record_id, changes, base_version, base_values, base_record
            )
            if row is None:
                continue  # someone created it meanwhile: lock it and merge into theirs
            conflict = None
        else:
            if not changes:
                await repo.delete_draft(conn, user_id, org_id, record_id)
                return None
            stored = existing["conflict"] or {}
            conflict = {k: v for k, v in stored.items() if k in changes} or None
            base_version = int(existing["base_version"])
            row = await repo.update_draft(
                conn, user_id, org_id, record_id, changes, base_version, base_values, conflict
            )
        return Draft(
            record_id=record_id,
            rev=str(row["rev"]),
            changes=changes,
            base_version=base_version,
            base_values=base_values,
            stored_conflict=conflict,
            orphaned_at=None,
            orphan_baseline=None,
            created_at=row["created_at"],
            modified_at=row["modified_at"],
            baseline_data=baseline,
            pems_version=int(mirror["pems_version"]),
            change_seq=mirror["change_seq"],
        )
    raise Conflict(f"the draft of {record_id!r} is being saved concurrently; try again")


def _base_values(
    changes: Mapping[str, Any],
    old_base: Mapping[str, Any],
    incoming: Sequence[DraftInput],
    baseline: Mapping[str, Any],
) -> dict[str, Any]:
    """Each changed field's base: the one kept from an earlier save, else the first value the
    user said they saw, else the mirror's value now."""
    seen: dict[str, Any] = {}
    for item in incoming:
        for name, value in (item.base or {}).items():
            seen.setdefault(name, value)
    return {
        name: old_base[name]
        if name in old_base
        else seen[name]
        if name in seen
        else baseline.get(name)
        for name in changes
    }


async def delete_draft(conn: Conn, user_id: int, org_id: int, record_id: str) -> None:
    if not await repo.delete_draft(conn, user_id, org_id, record_id):
        raise NotFound(f"you have no draft of record {record_id!r} here", recordId=record_id)


async def discard_drafts(conn: Conn, user_id: int, org_id: int) -> list[str]:
    return await repo.discard_drafts(conn, user_id, org_id)
