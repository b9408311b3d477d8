"""Conflicts between a user's draft and PEMS, and their resolution (docs/domain.md, "Workflow
words").

A field is in conflict when PEMS holds another value than the one the user's edit started from
(the field's base value: what the user saw, or the baseline when the field entered the draft)
*and* the user changed it to something else. The decision is by values only: a draft saved from
a stale screen is in conflict as soon as it is saved, whatever the record's version numbers say.
Fields only PEMS changed are not conflicts: the draft is rebased on them silently. Fields PEMS
changed to exactly the user's value are not conflicts either.

Around a conflict, the fields only PEMS changed since the draft began (`pems_changes`: the draft's
`base_record` against PEMS's record now) are shown too, so that keeping the user's values never
yields a combination of PEMS's and the user's nobody saw; a merge may set each of them back to
the value the draft began from.

The mirror is the reference for "what PEMS holds now": a conflict PEMS itself reports at commit
time is written through to the mirror first (drafts/commit_store.py), so one rule serves both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from psycopg.types.json import Jsonb

from pfa_vanguard.db.queries import Conn, NamedQueries
from pfa_vanguard.domain.drafts import apply_changes
from pfa_vanguard.domain.fields import EDITABLE_FIELDS, FIELDS
from pfa_vanguard.errors import BadRequest, Conflict, NotFound

_q = NamedQueries("pfa_vanguard.drafts", "commit_queries.sql")


def field_conflicts(
    changes: Mapping[str, Any],
    base_values: Mapping[str, Any],
    current: Mapping[str, Any],
    *,
    base_version: int | None = None,
    current_version: int | None = None,
    stored: Mapping[str, Any] | None = None,
) -> dict[str, dict[str, Any]]:
    """{field: {"base", "theirs", "mine"}} for every field of `changes` in conflict.

    `current` is PEMS's record now. A field is in conflict when its value in `current` differs
    from its base value and from the user's. A field whose base value was not captured counts
    as changed by PEMS only when an earlier check stored it in `stored`
    (pfa_modification.conflict). `base_version` and `current_version` are accepted for the
    callers' sake and play no part: versions move with fields the draft does not touch, and a
    base captured from a stale screen predates the draft's base version.
    """
    del base_version, current_version
    found: dict[str, dict[str, Any]] = {}
    for name, mine in changes.items():
        theirs = current.get(name)
        if name in base_values:
            base = base_values[name]
            pems_changed = theirs != base
        else:
            base = None
            pems_changed = stored is not None and name in stored
        if pems_changed and theirs != mine:
            found[name] = {"base": base, "theirs": theirs, "mine": mine}
    return found


# The fields a user reads in a conflict: PEMS's own, not the organization or the business key.
_COMPARED = tuple(f.name for f in FIELDS if f.name not in ("pfaId", "organization"))


def pems_changes(
    changes: Mapping[str, Any],
    base_record: Mapping[str, Any] | None,
    current: Mapping[str, Any],
) -> dict[str, dict[str, Any]]:
    """{field: {"base", "theirs"}} for every field the draft does not change whose value PEMS
    changed since the draft began (`base_record`: the record then; None, a draft older than the
    snapshot: nothing known, so nothing listed)."""
    if base_record is None:
        return {}
    return {
        name: {"base": base_record.get(name), "theirs": current.get(name)}
        for name in _COMPARED
        if name not in changes and base_record.get(name) != current.get(name)
    }


def rebased(
    changes: Mapping[str, Any],
    current: Mapping[str, Any],
    drop: set[str] | frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """The draft rebased on `current`: without `drop`, without fields now equal to PEMS's value,
    validated on the merged record (raises `ValidationFailed` naming the bad fields)."""
    remaining = {k: v for k, v in changes.items() if k not in drop and current.get(k) != v}
    if not remaining:
        return {}
    return apply_changes(current, {}, remaining)


class Strategy(StrEnum):
    KEEP_MINE = "keep_mine"
    USE_THEIRS = "use_theirs"
    MERGE = "merge"

    @classmethod
    def parse(cls, value: object) -> Strategy:
        try:
            return cls(str(value))
        except ValueError:
            allowed = ", ".join(s.value for s in cls)
            raise BadRequest(f"unknown strategy {value!r}; strategies are: {allowed}") from None


@dataclass(frozen=True)
class Resolution:
    record_id: str
    strategy: Strategy
    resolved: dict[str, dict[str, Any]]  # the conflicts that were settled
    restored: dict[str, Any]  # fields only PEMS changed, set back to the draft's base by a merge
    changes: dict[str, Any] | None  # the draft left (None: no draft left)
    base_version: int

    def as_json(self) -> dict[str, Any]:
        return {
            "recordId": self.record_id,
            "strategy": self.strategy.value,
            "resolved": self.resolved,
            "restored": self.restored,
            "draft": None
            if self.changes is None
            else {"changes": self.changes, "baseVersion": self.base_version},
            "state": "pristine" if self.changes is None else "draft",
        }


def fields_to_drop(
    strategy: Strategy, conflicts: Mapping[str, Any], choices: Mapping[str, Any] | None
) -> set[str]:
    """Which conflicting fields take PEMS's value. Raises `BadRequest` for a merge that does not
    choose "mine" or "theirs" for every conflicting field."""
    if strategy is Strategy.KEEP_MINE:
        return set()
    if strategy is Strategy.USE_THEIRS:
        return set(conflicts)
    choices = choices or {}
    if not isinstance(choices, Mapping):
        raise BadRequest('"fields" must be an object of field: "mine" | "theirs"')
    missing = sorted(name for name in conflicts if name not in choices)
    bad = sorted(name for name, c in choices.items() if c not in ("mine", "theirs"))
    if missing or bad:
        problems = []
        if missing:
            problems.append(f'choose "mine" or "theirs" for: {", ".join(missing)}')
        if bad:
            problems.append(f'choices must be "mine" or "theirs": {", ".join(bad)}')
        raise BadRequest(
            "a merge needs a choice for every conflicting field; " + "; ".join(problems),
            conflicts=sorted(conflicts),
        )
    return {name for name in conflicts if choices[name] == "theirs"}


async def resolve(
    conn: Conn,
    *,
    organization_id: int,
    user_id: int,
    record_id: str,
    strategy: Strategy,
    choices: Mapping[str, Any] | None = None,
) -> Resolution:
    """Resolve the conflicts of one draft and rebase it on PEMS's current version (the mirror).

    keep_mine keeps every drafted field; use_theirs drops the conflicting ones; merge drops those
    chosen "theirs". Fields only PEMS changed take PEMS's value (the new baseline), except those
    a merge chooses "mine" for: they are drafted back to the value the draft began from. Fields
    only the user changed stay. The draft's conflict mark is cleared; an empty draft is deleted.
    The caller owns the transaction. Raises NotFound (no draft), Conflict (orphaned record),
    BadRequest (incomplete merge), ValidationFailed (the rebased draft breaks a rule).
    """
    cur = await conn.execute(
        _q("lock_draft"),
        {"user_id": user_id, "organization_id": organization_id, "record_id": record_id},
    )
    draft = await cur.fetchone()
    if draft is None:
        raise NotFound(f"you have no draft of record {record_id!r} in this organization")
    if draft["orphaned_at"] is not None or draft["mirror_data"] is None:
        raise Conflict(
            f"record {record_id!r} no longer exists in PEMS (orphaned): there is nothing to "
            "resolve against; discard the draft"
        )
    current: dict[str, Any] = draft["mirror_data"]
    version = int(draft["mirror_version"])
    conflicts = field_conflicts(
        draft["changes"],
        draft["base_values"] or {},
        current,
        base_version=int(draft["base_version"]),
        current_version=version,
        stored=draft["conflict"],
    )
    drop = fields_to_drop(strategy, conflicts, choices)
    restored: dict[str, Any] = {}
    if strategy is Strategy.MERGE and choices:
        others = pems_changes(draft["changes"], draft["base_record"], current)
        restored = {f: c["base"] for f, c in others.items() if choices.get(f) == "mine"}
        if fixed := sorted(set(restored) - set(EDITABLE_FIELDS)):
            raise BadRequest(
                f'only PEMS changes {", ".join(fixed)}: choose "theirs" for it; fields a '
                f"draft may set back: {', '.join(EDITABLE_FIELDS)}"
            )
    changes = rebased({**draft["changes"], **restored}, current, drop)
    if changes:
        await conn.execute(
            _q("rebase_draft"),
            {
                "organization_id": organization_id,
                "id": draft["id"],
                "changes": Jsonb(changes),
                "base_version": version,
                "base_values": Jsonb({name: current.get(name) for name in changes}),
                "base_record": Jsonb(current),
                "conflict": None,
            },
        )
    else:
        await conn.execute(
            _q("delete_draft"), {"organization_id": organization_id, "id": draft["id"]}
        )
    return Resolution(
        record_id=record_id,
        strategy=strategy,
        resolved=conflicts,
        restored=restored,
        changes=changes or None,
        base_version=version,
    )
