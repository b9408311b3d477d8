"""`pfa ai eval` over the demo data (synced from the PEMS simulator over HTTP, the demo's seed)
with a user's drafts: the offline translator must reach the accuracy docs/ai.md claims on the
shipped set, with no wrong answer, and the held-out paraphrases are measured the same way."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pfa_vanguard.ai.eval import (
    DEMO_TODAY,
    Outcome,
    evaluate,
    load_questions,
    parse_questions,
    shipped,
    tally,
)
from pfa_vanguard.ai.executor import AppPool, ScopedExecutor, ai_database_url
from pfa_vanguard.ai.offline import OfflineProvider
from pfa_vanguard.ai.service import AiService
from pfa_vanguard.cli import app
from pfa_vanguard.db.connection import make_pool
from pfa_vanguard.settings import Settings
from tests.integration.ai.demo_data import Demo, load_demo

DOCS = Path(__file__).parents[3] / "docs" / "ai.md"


@pytest.fixture(scope="module")
async def demo(world_url: str) -> Demo:
    return await load_demo(world_url)


@pytest.fixture(scope="module")
async def demo_service(demo: Demo) -> AsyncIterator[AiService]:
    pool: AppPool = make_pool(demo.url, min_size=1, max_size=3)
    await pool.open()
    ai_url = ai_database_url(Settings(ai_database_url=None), demo.url)
    async with ScopedExecutor(pool, ai_url, max_rows=1000, statement_timeout_ms=5000) as ex:
        yield AiService(
            pool, ex, OfflineProvider(today=lambda: DEMO_TODAY), today=lambda: DEMO_TODAY
        )
    await pool.close()


def claimed(name: str) -> float:
    """The accuracy (%) docs/ai.md claims for the offline translator on `name`."""
    m = re.search(rf"offline translator, {name}: (\d+(?:\.\d+)?) %", DOCS.read_text())
    assert m, f"docs/ai.md states no accuracy for {name}"
    return float(m[1])


def summary(outcomes: list[Outcome]) -> str:
    lines = [
        f"{o.verdict} [{o.question.category}] {o.question.text}: {o.detail[:200]}"
        for o in outcomes
        if o.verdict != "correct"
    ]
    for name, t in tally(outcomes).items():
        lines.append(f"{name}: {t.counts} of {t.total} = {100 * t.accuracy:.1f} %")
    return "\n".join(lines)


async def test_the_shipped_set_has_enough_questions_of_every_kind() -> None:
    questions = load_questions()
    assert len(questions) >= 80
    categories = {q.category for q in questions}
    assert {"count", "sum", "average", "top_n", "time_window", "drafts", "comparison",
            "cost_impact", "changed_since"} <= categories  # fmt: skip
    assert len({q.text for q in questions}) == len(questions)
    with pytest.raises(ValueError, match="no questions"):
        parse_questions("SELECT 1")


async def test_offline_accuracy_on_the_shipped_set(demo: Demo, demo_service: AiService) -> None:
    outcomes = await evaluate(
        demo_service, load_questions(), org_id=demo.rio, user_id=demo.alice, today=DEMO_TODAY
    )
    totals = tally(outcomes)["all"]
    print(summary(outcomes))
    assert totals.counts["wrong"] == 0, summary(outcomes)
    assert 100 * totals.accuracy >= claimed("shipped set"), summary(outcomes)


async def test_offline_accuracy_on_the_held_out_paraphrases(
    demo: Demo, demo_service: AiService
) -> None:
    questions = parse_questions(shipped("heldout.sql"))
    outcomes = await evaluate(
        demo_service, questions, org_id=demo.rio, user_id=demo.alice, today=DEMO_TODAY
    )
    totals = tally(outcomes)["all"]
    print(summary(outcomes))
    assert totals.counts["wrong"] == 0, summary(outcomes)
    assert 100 * totals.accuracy >= claimed("held-out paraphrases"), summary(outcomes)


async def test_a_wrong_answer_is_told_apart_from_a_refusal(
    demo: Demo, demo_service: AiService
) -> None:
    """The judge itself: an answer with the wrong number is 'wrong', not 'correct'."""
    bad = parse_questions(
        "-- [count] how many cranes\n-- expect: scalar\n"
        "SELECT count(*) + 1 FROM r WHERE category = 'Crane'\n\n"
        "-- [count] how many cranes are flying\n-- expect: scalar\nSELECT 0\n"
    )
    outcomes = await evaluate(
        demo_service, bad, org_id=demo.rio, user_id=demo.alice, today=DEMO_TODAY
    )
    assert [o.verdict for o in outcomes] == ["wrong", "refused"]


def test_the_command_reports_per_category_and_fails_under_a_threshold(
    demo: Demo, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PFA_DATABASE_URL", demo.url)
    monkeypatch.delenv("PFA_AI_DATABASE_URL", raising=False)
    monkeypatch.setenv("PFA_AI_PROVIDER", "offline")
    questions = tmp_path / "q.sql"
    questions.write_text(
        "-- [count] how many cranes\n-- expect: scalar\n"
        "SELECT count(*) FROM r WHERE category = 'Crane'\n\n"
        "-- [count] how many cranes are flying\n-- expect: scalar\nSELECT 0\n"
    )
    runner = CliRunner()
    args = ["ai", "eval", "--questions", str(questions), "--user", "alice"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "refused [count] how many cranes are flying" in " ".join(result.output.split())
    assert "50.0 %" in result.output
    assert runner.invoke(app, [*args, "--fail-under", "60"]).exit_code == 1
    as_json = runner.invoke(app, [*args, "--json"])
    verdicts = [o["verdict"] for o in json.loads(as_json.output)]
    assert verdicts == ["correct", "refused"]
    assert runner.invoke(app, [*args, "--today", "soon"]).exit_code == 2
    missing = runner.invoke(app, ["ai", "eval", "--questions", str(tmp_path / "none.sql")])
    assert missing.exit_code == 2
    assert "cannot read the questions" in missing.output
