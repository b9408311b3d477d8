"""Questions about the changes themselves go to the history view (pfa_ai_changes), in three
shapes; questions about records that changed keep reading the records' view; both pass the
guard, which still refuses the history's base table."""

from __future__ import annotations

from datetime import date

import pytest

from pfa_vanguard.ai.errors import SqlRefused
from pfa_vanguard.ai.guard import guard
from pfa_vanguard.ai.offline import Vocabulary, translate

TODAY = date(2025, 11, 25)  # a Tuesday: last week is 17-23 November
VOCABULARY = Vocabulary(categories=("Crane",), forecast_categories=("Crane",), areas=("A04",))


@pytest.mark.parametrize(
    ("question", "where", "shape"),
    [
        ("What changed since last week?", "changed_on >= DATE '2025-11-17'", "listing"),
        ("what has changed last week", "changed_on BETWEEN DATE '2025-11-17' AND "
         "DATE '2025-11-23'", "listing"),
        ("changes in PEMS since November 1", "changed_on >= DATE '2025-11-01' AND "
         "source = 'sync'", "listing"),
        ("show me the changes made by the team in the last 7 days", "changed_on BETWEEN "
         "DATE '2025-11-18' AND DATE '2025-11-25' AND source = 'commit'", "listing"),
        ("what changed since last week, and what does it cost?",
         "changed_on >= DATE '2025-11-17'", "costed"),
        ("how much did the changes this month cost", "changed_on BETWEEN DATE '2025-11-01' "
         "AND DATE '2025-11-30'", "total"),
        ("what is the cost impact of the changes since 2025-11-01",
         "changed_on >= DATE '2025-11-01'", "total"),
    ],
)  # fmt: skip
def test_history_questions_read_the_changes(question: str, where: str, shape: str) -> None:
    sql = translate(question, VOCABULARY, TODAY)
    assert "FROM pfa_ai_changes" in sql
    assert f"WHERE {where}" in sql
    columns = sql.partition("FROM")[0]
    if shape == "listing":
        assert "field, old_value, new_value" in columns
        assert "cost_change" in columns
    elif shape == "costed":
        assert "GROUP BY pfa_id" in sql
        assert "OVER ()" in columns
    else:
        assert "sum(cost_change)" in columns
        assert "GROUP BY" not in sql
    guard(sql, row_cap=100)


@pytest.mark.parametrize(
    "question", ["which cranes changed since last week", "how many records changed this month"]
)
def test_questions_about_records_keep_reading_the_records(question: str) -> None:
    sql = translate(question, VOCABULARY, TODAY)
    assert "FROM pfa_ai_records" in sql
    assert "last_changed" in sql


def test_the_guard_allows_the_view_and_refuses_the_table_under_it() -> None:
    guard("SELECT sum(cost_change) FROM pfa_ai_changes WHERE source = 'sync'", row_cap=10)
    with pytest.raises(SqlRefused, match="relation pfa_history is not allowed"):
        guard("SELECT * FROM pfa_history", row_cap=10)
