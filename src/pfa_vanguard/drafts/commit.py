"""Commit a user's drafts of one organization to PEMS.

Guarantees:
- Scope: only the caller's drafts in this organization (or the listed records among them).
- Conflicts first: against the mirror (PEMS holds another value than the draft started from in
  a field the user changed, and not the user's value) → refused, and nothing is pushed. Fields only
  PEMS changed are rebased silently. Then at PEMS itself: the writer reads the record and
  compares the changed fields with the values the draft started from (what the user saw); a
  field changed in PEMS since becomes a conflict on that draft (PEMS's record is written through
  to the mirror, the draft is marked) and nothing is written. Otherwise the whole row goes back
  with the drafted fields replaced, guarded by the record's update counter.
- One record per PEMS call, at most `concurrency` at a time. Each answer is recorded in one
  transaction (answers arriving together share it: commit_batch.GroupRecorder): accepted →
  draft removed + mirror written through + audit row, together; refused → draft kept + audit
  row. A record is reported committed only once that transaction committed. A crash loses no
  draft; a retry never writes an applied change twice (a stale-version refusal is compared
  with PEMS's current values before anything is resent).
- Cancel (drafts/commit_progress.py): once `watch` sets the run's stop event, no further record
  is sent; those drafts stay drafts and are listed in `cancelled`.
- Idempotency-Key: commits of one user in one organization are serialised by an advisory lock;
  a finished run's answer is stored under its key and replayed to a retry (nothing is pushed
  again). A run refused before anything was pushed (conflicts in the mirror) releases its key.
- The result is the commit's summary (`CommitOutcome`); the API route turns it into a response
  (200, or 409 while records are in conflict).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import orjson

from pfa_vanguard.db.queries import Conn
from pfa_vanguard.drafts import commit_store as store
from pfa_vanguard.drafts.commit_batch import GroupRecorder
from pfa_vanguard.drafts.commit_store import AuditEntry, DraftRow, Outcome, PemsRow
from pfa_vanguard.drafts.conflicts import field_conflicts, pems_changes
from pfa_vanguard.errors import BadRequest, PfaError

_log = logging.getLogger(__name__)


class WrittenRecord(Protocol):
    """The record as PEMS holds it after a write (pems.records.PemsRecord)."""

    @property
    def data(self) -> dict[str, Any]: ...
    @property
    def version(self) -> int: ...
    @property
    def modified_at(self) -> datetime | None: ...


class WriteAnswer(Protocol):
    """PEMS's answer to one write (pems.client.WriteResult)."""

    @property
    def status(self) -> str: ...  # accepted | conflict | rejected
    @property
    def record(self) -> WrittenRecord | None: ...
    @property
    def message(self) -> str: ...
    @property
    def written(self) -> bool: ...  # False: PEMS already held the values, nothing was sent


class RecordWriter(Protocol):
    """What a commit needs of PEMS (pems.client.PemsClient)."""

    async def update_record(
        self, org: str, pfa_id: str, changes: dict[str, Any], base: dict[str, Any]
    ) -> WriteAnswer: ...


@dataclass(frozen=True)
class CommitRequest:
    organization_id: int
    org_code: str
    user_id: int
    record_ids: Sequence[str] | None = None
    idempotency_key: str | None = None

    def fingerprint(self) -> str:
        ids = None if self.record_ids is None else sorted(set(self.record_ids))
        return hashlib.sha256(orjson.dumps(ids)).hexdigest()


@dataclass(frozen=True)
class CommitOutcome:
    """What a commit did. `summary`: `committed` (record ids), `failed` (`recordId`, `reason`),
    `versions` (PEMS's new version per committed record), `commitId`, and, when drafts are in
    conflict with PEMS, `conflicts` first (`recordId`, `fields`, and `pemsChanged`: the other
    fields PEMS changed since the draft began, each with its `base` and `theirs`). Stored under the
    Idempotency-Key and replayed as it was."""

    summary: dict[str, Any]
    mirror_changed: bool = False  # the KPI views need a refresh
    replayed: bool = False  # the stored answer of an earlier run with the same key

    @property
    def conflicts(self) -> list[dict[str, Any]]:
        return list(self.summary.get("conflicts") or ())

    def conflict_detail(self) -> str:
        """What the conflicts are and what to do about them."""
        ids = [c["recordId"] for c in self.conflicts]
        shown = ", ".join(ids[:10]) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
        return (
            f"PEMS changed {len(ids)} record(s) you also changed since your draft began "
            f"({shown}); resolve each (keep_mine, use_theirs or merge) and commit again"
        )


@dataclass
class _Tally:
    committed: dict[str, int | None] = field(default_factory=dict)  # record -> new version
    failed: dict[str, str] = field(default_factory=dict)
    conflicts: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    cancelled: set[str] = field(default_factory=set)  # not sent: the user cancelled first
    pems_changed: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    def conflict(self, draft: DraftRow, fields: dict[str, Any], theirs: Mapping[str, Any]) -> None:
        """`draft` is in conflict on `fields`; PEMS's record now is `theirs`."""
        self.conflicts[draft.record_id] = fields
        self.pems_changed[draft.record_id] = pems_changes(draft.changes, draft.base_record, theirs)

    def body(self, run_id: int) -> dict[str, Any]:
        body: dict[str, Any] = {
            "committed": sorted(self.committed),
            "failed": [{"recordId": r, "reason": why} for r, why in sorted(self.failed.items())],
            "versions": {r: v for r, v in sorted(self.committed.items()) if v is not None},
            "commitId": run_id,
        }
        if self.cancelled:
            body["cancelled"] = sorted(self.cancelled)
        return body

    def summary(self, run_id: int) -> dict[str, Any]:
        if not self.conflicts:
            return self.body(run_id)
        ids = sorted(self.conflicts)
        return {
            "conflicts": [
                {"recordId": r, "fields": self.conflicts[r], "pemsChanged": self.pems_changed[r]}
                for r in ids
            ],
            **self.body(run_id),
        }


def _diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: {"before": before.get(name), "after": value} for name, value in after.items()}


Watch = Callable[[int, asyncio.Event], Coroutine[Any, Any, None]]
"""Runs beside a commit's pushes (given the run id and its stop event): sets the event when the
user cancels (commit_progress.watch_cancel); cancelled once the pushes are done."""


async def commit_drafts(
    conn: Conn,
    writer: RecordWriter,
    request: CommitRequest,
    *,
    concurrency: int = 8,
    watch: Watch | None = None,
) -> CommitOutcome:
    """Push the caller's drafts to PEMS; see the module docstring for the guarantees.

    `conn` must not be inside a transaction the caller still needs: the commit owns its
    transactions (outcomes are group-committed) and leaves the connection idle, lock released.
    """
    await conn.commit()
    key = store.lock_key(request.organization_id, request.user_id)
    await store.acquire_commit_lock(conn, key)
    try:
        return await _commit_locked(conn, writer, request, concurrency, watch)
    finally:
        try:
            await conn.rollback()
            await store.release_commit_lock(conn, key)
        except Exception:  # closing the session releases the lock (the pool drops it)
            _log.warning("could not release the commit lock; closing the connection", exc_info=True)
            await conn.close()


async def _commit_locked(
    conn: Conn, writer: RecordWriter, request: CommitRequest, concurrency: int, watch: Watch | None
) -> CommitOutcome:
    org_id, user_id = request.organization_id, request.user_id
    run_id: int | None = None
    async with conn.transaction():
        if request.idempotency_key is not None:
            stored = await store.find_run(conn, org_id, user_id, request.idempotency_key)
            if stored is not None:
                if stored.request_hash != request.fingerprint():
                    raise BadRequest(
                        "this Idempotency-Key was already used for a different commit "
                        "(other recordIds); use a new key for a new commit"
                    )
                if stored.status == "done" and stored.response is not None:
                    return CommitOutcome(stored.response, replayed=True)
                run_id = stored.id  # an earlier attempt died mid-way: finish its work
        if run_id is None:
            run_id = await store.start_run(
                conn, org_id, user_id, request.idempotency_key, request.fingerprint()
            )
        drafts = await store.load_drafts(conn, org_id, user_id, request.record_ids)
        await store.set_total(conn, run_id, len(drafts))

    tally = _Tally()
    found = {d.record_id for d in drafts}
    for missing in sorted(set(request.record_ids or ()) - found):
        tally.failed[missing] = "you have no draft of this record in this organization"

    recorder = GroupRecorder(conn, run_id, org_id, user_id)
    to_push: list[_Push] = []
    refused = [outcome for d in drafts if (outcome := _classify(d, tally, to_push)) is not None]
    if tally.conflicts:
        # Nothing is pushed while the mirror already shows conflicts.
        summary = tally.summary(run_id)
        async with conn.transaction():
            await store.record_outcomes(conn, run_id, org_id, user_id, refused)
            await store.finish_run(
                conn, run_id, status="conflict", response=summary, release_key=True
            )
        return CommitOutcome(summary)
    if refused:
        await recorder.record(*refused)

    limit = asyncio.Semaphore(max(1, concurrency))
    stop = asyncio.Event()
    watcher = asyncio.create_task(watch(run_id, stop)) if watch is not None and to_push else None
    try:
        # A failure (the database, never PEMS: those are per-record answers) stops every push
        # before the connection is used for anything else.
        async with asyncio.TaskGroup() as pushes:
            for item in to_push:
                push = _push_one(item, writer, limit, recorder, request.org_code, tally, stop)
                pushes.create_task(push)
    except BaseExceptionGroup as failed:
        raise failed.exceptions[0] from None
    finally:
        if watcher is not None:
            watcher.cancel()
            await asyncio.gather(watcher, return_exceptions=True)

    summary = tally.summary(run_id)
    async with conn.transaction():
        await store.finish_run(conn, run_id, status="done", response=summary, release_key=False)
    return CommitOutcome(summary, mirror_changed=recorder.mirror_changed)


@dataclass
class _Push:
    """One draft on its way to PEMS: the version and fields to send (rebased as PEMS moves)."""

    draft: DraftRow
    base_version: int
    changes: dict[str, Any]
    before: Mapping[str, Any]  # PEMS's values the changes replace


def _classify(draft: DraftRow, tally: _Tally, to_push: list[_Push]) -> Outcome | None:
    """Sort one draft: orphaned (failed) or in conflict against the mirror (an outcome to
    record), else to push, rebased silently on the fields only PEMS changed."""
    if draft.orphaned or draft.mirror_data is None or draft.mirror_version is None:
        why = "the record no longer exists in PEMS (orphaned): it cannot be committed; discard it"
        tally.failed[draft.record_id] = why
        diff = _diff(draft.base_values, draft.changes)
        return Outcome(AuditEntry(draft.record_id, "orphaned", diff, draft.base_version,
                                  message=why))  # fmt: skip
    current, version = draft.mirror_data, draft.mirror_version
    conflicts = field_conflicts(
        draft.changes,
        draft.base_values,
        current,
        base_version=draft.base_version,
        current_version=version,
        stored=draft.conflict,
    )
    if conflicts:
        tally.conflict(draft, conflicts, current)
        diff = _diff(draft.base_values, draft.changes)
        why = "PEMS changed these fields since the draft began"
        return Outcome(
            AuditEntry(draft.record_id, "conflict", diff, draft.base_version, version, why),
            conflict=(draft.id, {f: c["theirs"] for f, c in conflicts.items()}),
        )
    changes = {k: v for k, v in draft.changes.items() if current.get(k) != v}
    to_push.append(_Push(draft, version, changes, current))
    return None


async def _push_one(
    push: _Push,
    writer: RecordWriter,
    limit: asyncio.Semaphore,
    recorder: GroupRecorder,
    org_code: str,
    tally: _Tally,
    stop: asyncio.Event,
) -> None:
    """Write one draft to PEMS and record the outcome; returns once it is committed. Once
    `stop` is set (the user cancelled), nothing more is sent: the draft stays as it is.

    The writer checks PEMS's current values against the values the draft started from (what
    the user saw) before writing; a field PEMS changed since is a conflict, recorded on the
    draft and written through to the mirror, nothing written to PEMS.
    """
    draft, record_id = push.draft, push.draft.record_id
    if not push.changes:  # PEMS already holds every drafted value (e.g. an earlier run)
        settled = PemsRow(dict(push.before), push.base_version, None)
        diff = _diff(push.before, draft.changes)
        await recorder.record(Outcome(
            AuditEntry(record_id, "already_applied", diff, draft.base_version,
                       push.base_version, "PEMS already holds these values"),
            settle=settled,
        ))  # fmt: skip
        tally.committed[record_id] = push.base_version
        return
    diff = _diff(push.before, push.changes)
    base = {k: draft.base_values[k] for k in push.changes if k in draft.base_values}
    try:
        async with limit:
            if stop.is_set():
                tally.cancelled.add(record_id)
                return
            answer = await writer.update_record(org_code, record_id, push.changes, base)
    except Exception as exc:  # one record's failure never stops the others
        why = exc.detail if isinstance(exc, PfaError) else f"{type(exc).__name__}: {exc}"
        _log.warning("commit of %s/%s failed: %s", org_code, record_id, why)
        await recorder.record(
            Outcome(AuditEntry(record_id, "error", diff, push.base_version, message=why))
        )
        tally.failed[record_id] = f"PEMS could not be reached: {why}; the draft is kept"
        return
    record = answer.record
    if answer.status == "accepted":
        await _record_accepted(push, answer, recorder, tally)
        return
    if answer.status != "conflict" or record is None:
        why = answer.message or f"PEMS answered {answer.status}"
        await recorder.record(
            Outcome(AuditEntry(record_id, "rejected", diff, push.base_version, message=why))
        )
        tally.failed[record_id] = f"PEMS refused the change: {why}"
        return
    # PEMS holds other values than the draft started from: take them in, then decide.
    theirs = PemsRow(dict(record.data), record.version, record.modified_at)
    conflicts = field_conflicts(
        draft.changes, draft.base_values, theirs.data, stored=draft.conflict
    )
    why = answer.message or "modified by another user"
    if not conflicts:
        await recorder.record(Outcome(
            AuditEntry(record_id, "rejected", diff, push.base_version, theirs.version, why),
            mirror=theirs,
        ))  # fmt: skip
        tally.failed[record_id] = f"PEMS kept changing this record; try again ({why})"
        return
    await recorder.record(Outcome(
        AuditEntry(record_id, "conflict", diff, push.base_version, theirs.version, why),
        mirror=theirs,
        conflict=(draft.id, {f: c["theirs"] for f, c in conflicts.items()}),
    ))  # fmt: skip
    tally.conflict(draft, conflicts, theirs.data)


async def _record_accepted(
    push: _Push, answer: WriteAnswer, recorder: GroupRecorder, tally: _Tally
) -> None:
    """PEMS accepted: in ONE transaction, write its record through to the mirror, remove the
    committed fields from the draft (the draft goes when nothing is left), and audit."""
    record_id = push.draft.record_id
    record = answer.record
    if record is not None:
        now = PemsRow(dict(record.data), record.version, record.modified_at)
        mirror: PemsRow | None = now
    else:  # no echo (never seen from PEMS): the sent fields are settled, the rest stays
        now = PemsRow({**push.before, **push.changes}, push.base_version, None)
        mirror = None
    version = record.version if record is not None else None
    diff = _diff(push.before, push.changes)
    await recorder.record(
        Outcome(
            AuditEntry(record_id, "accepted" if answer.written else "already_applied", diff,
                       push.base_version, version,
                       answer.message or None),
            mirror=mirror,
            settle=now,
        )
    )  # fmt: skip
    tally.committed[record_id] = version
