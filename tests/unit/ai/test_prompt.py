"""The prompt is the schema only (view, columns, rules, examples), small, and its examples
pass the guard."""

from __future__ import annotations

from datetime import date

from pfa_vanguard.ai.guard import guard
from pfa_vanguard.ai.prompt import EXAMPLES, VIEW, VIEW_COLUMNS, build_prompt, estimated_tokens


def test_prompt_is_small() -> None:
    prompt = build_prompt(date(2025, 7, 15))
    assert estimated_tokens(prompt) < 2000, estimated_tokens(prompt)


def test_prompt_describes_every_column_and_the_cost_rules() -> None:
    prompt = build_prompt(date(2025, 7, 15))
    for column in VIEW_COLUMNS:
        assert f"  {column.name} {column.type} -- " in prompt
    assert VIEW in prompt
    assert "30.44" in prompt
    assert "discontinued or funds-transferable" in prompt
    assert "Today is 2025-07-15." in prompt
    assert "CANNOT ANSWER" in prompt


def test_prompt_depends_on_nothing_but_the_date() -> None:
    """No data can reach it: it is built from constants and today's date."""
    assert build_prompt(date(2025, 7, 15)) == build_prompt(date(2025, 7, 15))
    assert build_prompt(date(2025, 7, 15)).replace("2025-07-15", "X") == build_prompt(
        date(2026, 1, 1)
    ).replace("2026-01-01", "X")


def test_examples_pass_the_guard() -> None:
    for _, sql in EXAMPLES:
        guard(sql, row_cap=10)
