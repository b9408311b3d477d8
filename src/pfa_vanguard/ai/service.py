"""Questions to answers: provider -> guard -> scoped executor, every question audited.

The organization and user always come from the caller (the request or the CLI), never from
the question or the SQL; the executor has the database enforce them.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from psycopg import AsyncConnection

from pfa_vanguard.ai.admission import AiAdmission
from pfa_vanguard.ai.errors import (
    AnswerTooLarge,
    NotUnderstood,
    QueryFailed,
    QueryTimeout,
    SqlRefused,
)
from pfa_vanguard.ai.executor import AppPool, QueryResult, ScopedExecutor
from pfa_vanguard.ai.explain import explain, is_empty, warnings_for
from pfa_vanguard.ai.guard import guard
from pfa_vanguard.ai.offline import Vocabulary
from pfa_vanguard.ai.prompt import build_prompt
from pfa_vanguard.ai.providers import Provider
from pfa_vanguard.ai.records import MAX_RECORD_IDS, AnswerRecords, NoRecords, records_sql
from pfa_vanguard.ai.vocabulary import match_names, names_prompt
from pfa_vanguard.db.queries import NamedQueries
from pfa_vanguard.errors import BadRequest, PfaError, TooManyRequests, UpstreamError

_log = logging.getLogger(__name__)
MAX_QUESTION_LENGTH = 1000
# First key of the two-key advisory locks serialising the start of one user's requests.
_RATE_LOCK_NAMESPACE = (
    int.from_bytes(hashlib.sha256(b"pfa-ai-rate").digest()[:4], "big") & 0x7FFFFFFF
)


_q = NamedQueries("pfa_vanguard.ai")


def json_value(value: Any) -> Any:
    """A result cell as JSON: numbers stay numbers, dates become ISO strings."""
    if isinstance(value, Decimal):
        return (
            int(value)
            if value == value.to_integral_value() and abs(value) < 2**53
            else float(value)
        )
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


@dataclass(frozen=True)
class Answer:
    sql: str
    columns: list[str]
    rows: list[tuple[Any, ...]]
    row_count: int
    truncated: bool
    duration_ms: float
    provider: str
    explanation: str = ""  # what was counted or summed, over which records, in plain words
    warnings: tuple[str, ...] = ()  # e.g. an empty answer explained by a name matching nothing
    # the ids of the records it is over
    records: AnswerRecords = field(default_factory=lambda: AnswerRecords(None))

    def to_json(self) -> dict[str, Any]:
        """The shape of POST /api/ai/query (docs/ai.md)."""
        return {
            "explanation": self.explanation,
            "warnings": list(self.warnings),
            "sql": self.sql,
            "columns": self.columns,
            "rows": [[json_value(v) for v in row] for row in self.rows],
            "rowCount": self.row_count,
            "truncated": self.truncated,
            "durationMs": self.duration_ms,
            "provider": self.provider,
            **self.records.to_json(),
        }


@dataclass
class AuditEntry:
    organization_id: int
    user_id: int | None
    kind: str
    provider: str
    question: str
    sql: str | None = None
    outcome: str = "failed"
    detail: str | None = None
    row_count: int | None = None
    truncated: bool | None = None
    duration_ms: float | None = None
    id: int | None = None  # the audit row written when the request started
    started: float = field(default_factory=time.perf_counter)


_OUTCOMES: tuple[tuple[type[PfaError], str], ...] = (
    (AnswerTooLarge, "too_large"),
    (NotUnderstood, "not_understood"),
    (SqlRefused, "refused"),
    (QueryTimeout, "timeout"),
    (QueryFailed, "failed"),
    (UpstreamError, "provider_error"),
)


def outcome_of(exc: PfaError) -> str:
    """The audit outcome of a failed question or instruction."""
    return next((o for cls, o in _OUTCOMES if isinstance(exc, cls)), "failed")


class AiService:
    """The assistant: `ask` answers a question; the drafts module builds on `run_guarded`.

    `app_pool` is the assistant's own pool of application connections (scope rows, names,
    audit), never the pool that serves requests: its work holds at most one connection of it
    at a time. `admission` bounds how much of that work runs at once (ai/admission.py).
    """

    def __init__(
        self,
        app_pool: AppPool,
        executor: ScopedExecutor,
        provider: Provider,
        *,
        today: Callable[[], date] = date.today,
        admission: AiAdmission | None = None,
    ) -> None:
        self.app_pool = app_pool
        self.executor = executor
        self.provider = provider
        self.today = today
        self.admission = admission or AiAdmission()
        self._vocabularies: dict[int, tuple[int, Vocabulary]] = {}
        self.max_record_ids = MAX_RECORD_IDS  # ids of an answer's records listed at most

    @staticmethod
    async def start(conn: AsyncConnection[Any], entry: AuditEntry, per_minute: int) -> None:
        """Count the request against the user's budget of `per_minute` a minute and write its
        audit row (`entry.id`), or raise TooManyRequests. Counted when requests start, in the
        database: the same budget on every API process, a parallel burst included. Takes a
        transaction-level lock: the caller commits right after."""
        assert entry.user_id is not None
        await conn.execute(
            _q("lock_user_requests"),
            {"namespace": _RATE_LOCK_NAMESPACE, "user_key": entry.user_id % 0x7FFFFFFF},
        )
        cur = await conn.execute(
            _q("start_request"),
            {
                "organization_id": entry.organization_id,
                "user_id": entry.user_id,
                "kind": entry.kind,
                "provider": entry.provider,
                "question": entry.question,
                "per_minute": per_minute,
            },
        )
        row = await cur.fetchone()
        assert row is not None
        if row["audit_id"] is None:
            retry = max(1, int(row["retry_after_s"] or 1))
            raise TooManyRequests(
                f"at most {per_minute} assistant requests a minute; try again in {retry} s",
                retry_after=retry,
            )
        entry.id = int(row["audit_id"])

    async def vocabulary(self, org_id: int) -> Vocabulary:
        """Names of the organization (categories, areas), cached per mirror version."""
        async with self.app_pool.connection() as conn:
            async with conn.pipeline():  # query and end of transaction in one round trip
                cur = await conn.execute(_q("mirror_version"), {"org_id": org_id})
                await conn.commit()
            row = await cur.fetchone()
            version = int(row["mirror_version"]) if row else -1
            cached = self._vocabularies.get(org_id)
            if cached is not None and cached[0] == version:
                return cached[1]
            cur = await conn.execute(_q("vocabulary"), {"org_id": org_id})
            names = await cur.fetchone() or {}
        vocabulary = Vocabulary(
            **{
                field: tuple(sorted(names.get(field) or ()))
                for field in ("categories", "forecast_categories", "areas", "dors", "sources",
                              "classes", "equipment")
            }
        )  # fmt: skip
        self._vocabularies[org_id] = (version, vocabulary)
        return vocabulary

    async def generate(self, question: str, org_id: int) -> str:
        """The provider's SQL for `question` (not yet guarded)."""
        return (await self._generate(question, org_id))[0]

    async def _generate(self, question: str, org_id: int) -> tuple[str, Vocabulary]:
        """The provider's SQL for `question` (not yet guarded), and the organization's names."""
        question = question.strip()
        if not question:
            raise BadRequest("the question is empty; ask e.g. 'how many cranes are over plan'")
        if len(question) > MAX_QUESTION_LENGTH:
            raise BadRequest(f"the question is too long: at most {MAX_QUESTION_LENGTH} characters")
        vocabulary = await self.vocabulary(org_id)
        if getattr(self.provider, "uses_vocabulary", False):  # in-process: all the names
            prompt = build_prompt(self.today())
            sql = await self.provider.generate_sql(question, prompt=prompt, vocabulary=vocabulary)
            return sql, vocabulary
        # a model gets the names this question matched, and no other value of the organization
        prompt = build_prompt(self.today()) + names_prompt(match_names(question, vocabulary))
        sql = await self.provider.generate_sql(question, prompt=prompt, vocabulary=Vocabulary())
        return sql, vocabulary

    async def run_guarded(
        self, sql: str, *, org_id: int, user_id: int, entry: AuditEntry | None = None
    ) -> tuple[str, QueryResult]:
        """Guard `sql` and run it in the caller's scope; returns (the SQL run, its result)."""
        guarded = guard(sql, row_cap=self.executor.max_rows)
        if entry is not None:
            entry.sql = guarded.sql
        result = await self.executor.run(guarded.sql, org_id=org_id, user_id=user_id)
        return guarded.sql, result

    async def answer_records(
        self, sql: str, *, org_id: int, user_id: int, truncated: bool = False
    ) -> AnswerRecords:
        """The ids of the records the answer of `sql` is over (ai/records.py): derived from
        the SQL's structure, guarded and run in the caller's scope like the answer itself."""
        try:
            derived = records_sql(
                sql,
                cap=self.max_record_ids,
                group_cap=self.executor.max_rows,
                truncated=truncated,
            )
        except NoRecords as exc:
            return AnswerRecords(None, note=f"These rows cannot be shown in the grid: {exc}.")
        try:
            guarded = guard(derived, row_cap=self.max_record_ids)
            result = await self.executor.run(
                guarded.sql, org_id=org_id, user_id=user_id, max_rows=self.max_record_ids
            )
        except PfaError as exc:
            _log.warning("could not list the records of an answer: %s (%s)", exc.detail, sql)
            return AnswerRecords(None, note="The answer's records could not be listed.")
        ids = tuple(str(row[0]) for row in result.rows if row[0] is not None)
        if result.truncated:
            return AnswerRecords(
                ids,
                more=True,
                note=f"The answer is over more than {self.max_record_ids:,} records; "
                f"the grid can show the first {self.max_record_ids:,}.",
            )
        return AnswerRecords(ids)

    async def ask(
        self,
        *,
        org_id: int,
        user_id: int,
        question: str,
        entry: AuditEntry | None = None,
        records: bool = False,
    ) -> Answer:
        """Answer `question` over the caller's merged records of organization `org_id`
        (with `records`: and list the ids of the records the answer is over).

        Raises NotUnderstood, SqlRefused, QueryTimeout, QueryFailed, AnswerTooLarge,
        UpstreamError or BadRequest; the question, the SQL and the outcome are audited either
        way (in `entry`'s row when `start` wrote one).
        """
        if entry is None:
            entry = AuditEntry(org_id, user_id, "query", self.provider.name, question[:4000])
        try:
            raw, vocabulary = await self._generate(question, org_id)
            entry.sql = raw
            sql, result = await self.run_guarded(raw, org_id=org_id, user_id=user_id, entry=entry)
            entry.outcome, entry.row_count, entry.truncated = (
                "ok",
                result.row_count,
                result.truncated,
            )
            explanation = explain(raw, vocabulary)
            empty = is_empty(result.columns, result.rows)
            over = (
                await self.answer_records(
                    raw, org_id=org_id, user_id=user_id, truncated=result.truncated
                )
                if records
                else AnswerRecords(None)
            )
            return Answer(
                records=over,
                explanation=explanation.text,
                warnings=tuple(warnings_for(explanation, empty)),
                sql=sql,
                columns=result.columns,
                rows=result.rows,
                row_count=result.row_count,
                truncated=result.truncated,
                duration_ms=result.duration_ms,
                provider=self.provider.name,
            )
        except PfaError as exc:
            entry.outcome, entry.detail = outcome_of(exc), exc.detail
            raise
        finally:
            await self.audit(entry)

    async def audit(self, entry: AuditEntry) -> None:
        """Record one question (its own transaction: a refused question is audited too)."""
        if entry.duration_ms is None:
            entry.duration_ms = round((time.perf_counter() - entry.started) * 1000, 3)
        params = {k: v for k, v in vars(entry).items() if k != "started"}
        try:
            async with self.app_pool.connection() as conn, conn.pipeline():
                if entry.id is None:
                    await conn.execute(_q("insert_audit"), params)
                else:
                    await conn.execute(_q("finish_audit"), params)
                await conn.commit()
        except Exception:  # the answer matters more than its audit row; the log keeps it
            _log.exception("could not audit AI %s: %r", entry.kind, params)
