"""The assistant's evaluation: questions in project managers' words, each with its answer
computed by hand-written SQL (questions.sql), asked through the whole assistant (provider,
guard, scoped executor) and compared with that answer.

Each question ends in one of four verdicts: `correct`; `refused` (the provider or the guard
said it cannot answer, which the user sees); `failed` (the SQL ran into an error, which the
user sees too); `wrong` (an answer came back and it is not the right one: the worst outcome,
as a user would take it for the truth).

The hand-written answers read the base tables (the mirror and the caller's drafts), never the
assistant's view, so that a mistake in the view shows up as wrong answers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from pfa_vanguard.ai.errors import NotUnderstood, SqlRefused
from pfa_vanguard.ai.executor import AppPool
from pfa_vanguard.ai.service import AiService, Answer
from pfa_vanguard.errors import PfaError

# The demo data's "today" (pems/simulator/generator.py: REFERENCE_DATE): the eval's default clock.
DEMO_TODAY = date(2025, 11, 25)
VERDICTS = ("correct", "refused", "failed", "wrong")
KINDS = ("scalar", "ids", "ranked", "groups", "ranked_groups")

# The caller's records with their drafts merged, from the base tables (independent of the
# assistant's view): what every expected answer is computed over.
MERGED = """
WITH r AS (
    SELECT mir.id AS pfa_id, d.data ->> 'description' AS description,
           d.data ->> 'category' AS category, d.data ->> 'forecastCategory' AS forecast_category,
           d.data ->> 'areaSilo' AS area_silo, d.data ->> 'class' AS equipment_class,
           d.data ->> 'source' AS source, d.data ->> 'dor' AS dor,
           d.data ->> 'manufacturer' AS manufacturer, d.data ->> 'equipment' AS equipment,
           coalesce(pfa_to_bool(d.data -> 'isActualized'), false) AS is_actualized,
           coalesce(pfa_to_bool(d.data -> 'isDiscontinued'), false) AS is_discontinued,
           coalesce(pfa_to_bool(d.data -> 'isFundsTransferable'), false)
               AS is_funds_transferable,
           pfa_to_numeric(d.data -> 'monthlyRate') AS monthly_rate,
           pfa_to_numeric(d.data -> 'purchasePrice') AS purchase_price,
           pfa_to_date(d.data -> 'originalStart') AS original_start,
           pfa_to_date(d.data -> 'originalEnd') AS original_end,
           pfa_to_date(d.data -> 'forecastStart') AS forecast_start,
           pfa_to_date(d.data -> 'forecastEnd') AS forecast_end,
           pfa_to_date(d.data -> 'actualStart') AS actual_start,
           pfa_to_date(d.data -> 'actualEnd') AS actual_end,
           pfa_window_cost(d.data ->> 'source', pfa_to_date(d.data -> 'originalStart'),
               pfa_to_date(d.data -> 'originalEnd'), pfa_to_numeric(d.data -> 'monthlyRate'),
               pfa_to_numeric(d.data -> 'purchasePrice')) AS plan_cost,
           pfa_window_cost(d.data ->> 'source', pfa_to_date(d.data -> 'forecastStart'),
               pfa_to_date(d.data -> 'forecastEnd'), pfa_to_numeric(d.data -> 'monthlyRate'),
               pfa_to_numeric(d.data -> 'purchasePrice')) AS forecast_cost,
           pfa_window_cost(d.data ->> 'source', pfa_to_date(d.data -> 'actualStart'),
               pfa_to_date(d.data -> 'actualEnd'), pfa_to_numeric(d.data -> 'monthlyRate'),
               pfa_to_numeric(d.data -> 'purchasePrice')) AS actual_cost,
           pfa_window_cost(mir.data ->> 'source', pfa_to_date(mir.data -> 'forecastStart'),
               pfa_to_date(mir.data -> 'forecastEnd'), pfa_to_numeric(mir.data -> 'monthlyRate'),
               pfa_to_numeric(mir.data -> 'purchasePrice')) AS pems_forecast_cost,
           m.id IS NOT NULL AS has_draft,
           mir.pems_modified_at::date AS last_changed,
           m.modified_at::date AS draft_changed
    FROM pfa_mirror mir
    LEFT JOIN pfa_modification m ON m.organization_id = mir.organization_id
         AND m.record_id = mir.id AND m.user_id = %(user)s
    CROSS JOIN LATERAL (SELECT mir.data || coalesce(m.changes, '{}') AS data) d
    WHERE mir.organization_id = %(org)s
),
-- The records every cost figure counts (kpi/figures.py: neither discontinued nor
-- funds-transferable, with the caller's drafts): totals and averages of costs read f.
f AS (SELECT * FROM r WHERE NOT is_discontinued AND NOT is_funds_transferable)
"""


@dataclass(frozen=True)
class Question:
    category: str
    text: str
    expect: str
    sql: str


@dataclass
class Outcome:
    question: Question
    verdict: str
    detail: str = ""
    sql: str | None = None


@dataclass
class Tally:
    total: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(VERDICTS, 0))

    @property
    def accuracy(self) -> float:
        return self.counts["correct"] / self.total if self.total else 0.0


_BLOCK = re.compile(
    r"^-- \[(?P<cat>[a-z_]+)\] (?P<q>.+)\n-- expect: (?P<kind>[a-z_]+)\n(?P<sql>(?:(?!--).+\n?)+)",
    re.MULTILINE,
)


def parse_questions(text: str) -> list[Question]:
    """The questions of a file in the format of questions.sql."""
    questions = []
    for m in _BLOCK.finditer(text):
        if m["kind"] not in KINDS:
            raise ValueError(f"unknown expect kind {m['kind']!r} for {m['q']!r}")
        questions.append(Question(m["cat"], m["q"].strip(), m["kind"], m["sql"].strip()))
    if not questions:
        raise ValueError("no questions found (blocks of '-- [category] question', '-- expect:')")
    return questions


def shipped(name: str = "questions.sql") -> str:
    """The text of a question file shipped with the package (questions.sql, heldout.sql)."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def load_questions(path: Path | None = None) -> list[Question]:
    return parse_questions(path.read_text(encoding="utf-8") if path else shipped())


# -- comparing an answer with the expected one -------------------------------------------------


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return float(value)
    return None


def _same(a: float | None, e: float | None) -> bool:
    if e is None or a is None:  # an empty sum: NULL or 0
        return (a or 0.0) == (e or 0.0)
    return abs(a - e) <= max(0.006, abs(e) * 1e-9)


def _row_has(row: Sequence[Any], expected: Sequence[Any]) -> bool:
    numbers = [_number(v) for v in row]
    cells: list[float | None] = [v for v in numbers if v is not None] or [None]
    wanted = [v for v in expected if not isinstance(v, str | date | datetime)]
    return all(any(_same(c, _number(w)) for c in cells) for w in wanted)


def _key(value: Any) -> str | None:
    return None if value is None else str(value)


def compare(kind: str, answer: Answer, expected: list[tuple[Any, ...]]) -> str:
    """'' when `answer` gives the `expected` rows, else what differs."""
    rows = answer.rows
    if answer.truncated:
        return f"the answer was cut at {answer.row_count} rows"
    if kind == "scalar":
        if len(rows) != 1:
            return f"expected one row, got {len(rows)}"
        return "" if _row_has(rows[0], expected[0]) else f"expected {expected[0]}, got {rows[0]}"
    if kind in ("ids", "ranked"):
        if "pfa_id" not in answer.columns:
            return f"expected records (pfa_id), got columns {answer.columns}"
        got = [row[answer.columns.index("pfa_id")] for row in rows]
        want = [row[0] for row in expected]
        if kind == "ranked":
            return "" if got == want else f"expected {want}, got {got}"
        if set(got) == set(want) and len(got) == len(want):
            return ""
        return f"expected {len(want)} records, got {len(got)} ({len(set(got) & set(want))} same)"
    got_keys = [_key(row[0]) for row in rows]
    want_keys = [_key(row[0]) for row in expected]
    if kind == "ranked_groups" and got_keys != want_keys:
        return f"expected {want_keys}, got {got_keys}"
    if sorted(got_keys, key=str) != sorted(want_keys, key=str):
        return f"expected groups {sorted(want_keys, key=str)}, got {sorted(got_keys, key=str)}"
    by_key = {_key(row[0]): row[1:] for row in rows}
    for row in expected:
        if not _row_has(by_key[_key(row[0])], row[1:]):
            return f"for {row[0]}: expected {row[1:]}, got {by_key[_key(row[0])]}"
    return ""


# -- running -----------------------------------------------------------------------------------


async def expected_rows(
    app_pool: AppPool, question: Question, *, org_id: int, user_id: int, today: date
) -> list[tuple[Any, ...]]:
    """The answer of `question`'s hand-written SQL (as the application, read only)."""
    params = {"org": org_id, "user": user_id, "today": today}
    async with app_pool.connection() as conn:
        cur = await conn.execute(MERGED + question.sql, params)
        rows = [tuple(row.values()) for row in await cur.fetchall()]
        await conn.rollback()
    return rows


async def evaluate(
    service: AiService,
    questions: Sequence[Question],
    *,
    org_id: int,
    user_id: int,
    today: date,
) -> list[Outcome]:
    """Ask every question through `service` (whose clock must say `today`) and judge it."""
    outcomes = []
    for question in questions:
        expected = await expected_rows(
            service.app_pool, question, org_id=org_id, user_id=user_id, today=today
        )
        try:
            answer = await service.ask(org_id=org_id, user_id=user_id, question=question.text)
        except (NotUnderstood, SqlRefused) as exc:
            outcomes.append(Outcome(question, "refused", exc.detail))
            continue
        except PfaError as exc:
            outcomes.append(Outcome(question, "failed", exc.detail))
            continue
        difference = compare(question.expect, answer, expected)
        verdict = "wrong" if difference else "correct"
        outcomes.append(Outcome(question, verdict, difference, answer.sql))
    return outcomes


def tally(outcomes: Sequence[Outcome]) -> dict[str, Tally]:
    """Verdicts per category, and over all questions under "all"."""
    tallies: dict[str, Tally] = {}
    for outcome in outcomes:
        for name in (outcome.question.category, "all"):
            t = tallies.setdefault(name, Tally())
            t.total += 1
            t.counts[outcome.verdict] += 1
    return dict(sorted(tallies.items(), key=lambda kv: (kv[0] == "all", kv[0])))
