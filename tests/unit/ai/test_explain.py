"""Answers a PM can check: the SQL's structure in plain words, and names that matched
nothing in the organization."""

from __future__ import annotations

from datetime import date

import pytest

from pfa_vanguard.ai.explain import explain, is_empty, warnings_for
from pfa_vanguard.ai.offline import Vocabulary, translate

TODAY = date(2025, 11, 25)
VOCABULARY = Vocabulary(
    categories=("Crane", "Light Tower"),
    areas=("A01 Process Train 1", "A04 Tank Farm"),
    sources=("Rental", "Purchase"),
)
SCOPE = "(your organization's records, with your drafts applied)"


@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("how many cranes in A04",
         f"Counted the records where area is 'A04 Tank Farm' and category is 'Crane' {SCOPE}."),
        ("total forecast cost by category",
         "Summed the forecast cost over the records where it is not discontinued and it is not "
         f"funds-transferable, for each category {SCOPE}, ordered by category."),
        ("top 5 most expensive records",
         f"Listed all the records {SCOPE}, ordered by forecast cost (highest first), the first "
         "5 only."),
        ("what is the cost impact of my drafts",
         "Summed the cost impact of your draft over the records where you have a draft of it"),
        ("average rental duration",
         "Averaged the forecast duration in days over the records where source is 'Rental'"),
        ("how many rentals end next month",
         "where forecast end is between '2025-12-01' and '2025-12-31' and source is 'Rental'"),
        ("which cranes are actualized and not discontinued",
         "Listed the records where it is actualized and it is not discontinued and category is "
         "'Crane'"),
        ("the 3 earliest starting cranes", "ordered by forecast start (earliest first)"),
    ],
)  # fmt: skip
def test_the_sql_is_said_in_plain_words(question: str, words: str) -> None:
    assert words in explain(translate(question, VOCABULARY, TODAY), VOCABULARY).text


def test_a_model_written_query_is_explained_from_its_structure() -> None:
    sql = (
        "SELECT area_silo, count(*) AS n, sum(plan_cost) FROM pfa_ai_records"
        " WHERE source = 'Rental' AND forecast_start >= DATE '2026-01-01' AND is_discontinued"
        " GROUP BY area_silo ORDER BY n DESC LIMIT 3"
    )
    assert explain(sql).text == (
        "Counted the records and summed the plan cost over the records where source is 'Rental'"
        " and forecast start is on or after '2026-01-01' and it is discontinued, for each area "
        f"{SCOPE}, ordered by records (highest first), the first 3 only."
    )
    assert "read the SQL" in explain("WITH x AS (SELECT 1) SELECT * FROM x").text


def test_an_empty_answer_from_a_name_that_matched_nothing_is_flagged() -> None:
    sql = (
        "SELECT count(*) FROM pfa_ai_records"
        " WHERE area_silo = 'Area 4' AND category IN ('light towers', 'Crane')"
    )
    explanation = explain(sql, VOCABULARY)
    assert explanation.unmatched == [
        ("area_silo", "Area 4", "A04 Tank Farm"),
        ("category", "light towers", "Light Tower"),
    ]
    warnings = warnings_for(explanation, empty=is_empty(["count"], [(0,)]))
    assert warnings[0] == (
        "The answer is empty, and no area of this organization is called 'Area 4'; the closest "
        "is 'A04 Tank Farm': the question named something that matched nothing."
    )
    assert warnings_for(explanation, empty=is_empty(["count"], [(3,)])) == []
    # names of the organization raise nothing
    assert (
        explain("SELECT 1 FROM pfa_ai_records WHERE category = 'Crane'", VOCABULARY).unmatched == []
    )


def test_what_counts_as_empty() -> None:
    assert is_empty(["a"], [])
    assert is_empty(["a", "b"], [(None, 0)])
    assert not is_empty(["a"], [(2,)])
    assert not is_empty(["a"], [("x",), ("y",)])
