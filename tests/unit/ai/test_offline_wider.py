"""The wider offline translator: relative periods, durations, the cost impact of drafts,
"changed since", comparisons, area codes, and refusals that offer close questions."""

from __future__ import annotations

from datetime import date

import pytest

from pfa_vanguard.ai.errors import NotUnderstood
from pfa_vanguard.ai.guard import guard
from pfa_vanguard.ai.offline import Vocabulary, translate
from pfa_vanguard.ai.offline.periods import Period, parse_period

TODAY = date(2025, 11, 25)  # a Tuesday
VOCABULARY = Vocabulary(
    categories=("Crane", "Generator", "Light Tower", "Scaffold"),
    forecast_categories=("Crane",),
    areas=("A01 Process Train 1", "A04 Tank Farm", "A06 Flare"),
)


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("last week", date(2025, 11, 17), date(2025, 11, 23)),
        ("next week", date(2025, 12, 1), date(2025, 12, 7)),
        ("this quarter", date(2025, 10, 1), date(2025, 12, 31)),
        ("the next 30 days", date(2025, 11, 25), date(2025, 12, 25)),
        ("next two weeks", date(2025, 11, 25), date(2025, 12, 9)),
        ("the last 30 days", date(2025, 10, 26), date(2025, 11, 25)),
        ("november 1", date(2025, 11, 1), date(2025, 11, 1)),
        ("1 march 2026", date(2026, 3, 1), date(2026, 3, 1)),
        ("november 2025", date(2025, 11, 1), date(2025, 11, 30)),
        ("the end of the year", date(2025, 12, 31), date(2025, 12, 31)),
        ("the start of last week", date(2025, 11, 17), date(2025, 11, 17)),
        ("now", TODAY, TODAY),
    ],
)
def test_relative_periods(text: str, first: date, last: date) -> None:
    assert parse_period(text, TODAY) == Period(first, last)


def test_a_day_that_does_not_exist_is_refused_not_a_crash() -> None:
    with pytest.raises(NotUnderstood, match="not a day of the calendar"):
        translate("how many cranes start on february 30", VOCABULARY, TODAY)


@pytest.mark.parametrize(
    ("question", "fragment"),
    [
        ("how many rentals end next month",
         "forecast_end BETWEEN DATE '2025-12-01' AND DATE '2025-12-31'"),
        ("which cranes start this quarter",
         "forecast_start BETWEEN DATE '2025-10-01' AND DATE '2025-12-31'"),
        ("how many rentals end between now and the end of the year",
         "forecast_end BETWEEN DATE '2025-11-25' AND DATE '2025-12-31'"),
        ("which records changed since last week", "last_changed >= DATE '2025-11-17'"),
        ("average rental duration", "round(avg(forecast_end - forecast_start), 2)"),
        ("how long do crane rentals last on average", "avg(forecast_end - forecast_start)"),
        ("what is the cost impact of my drafts",
         "sum(forecast_cost - pems_forecast_cost) AS cost_impact"),
        ("forecast cost before and after my drafts", "sum(pems_forecast_cost)"),
        ("the 5 longest rentals", "ORDER BY forecast_end - forecast_start DESC NULLS LAST"),
        ("5 most over budget generators", "ORDER BY variance DESC"),
        ("how many light towers in A04", "area_silo = 'A04 Tank Farm'"),
        ("how many records in a4", "area_silo = 'A04 Tank Farm'"),
        ("how much is forecast for the flare area", "area_silo = 'A06 Flare'"),
        ("total variance of scaffolding", "category = 'Scaffold'"),
        ("how many records are paid by BEO", "dor = 'BEO'"),
        ("how many records have not been changed by me", "NOT has_draft"),
    ],
)  # fmt: skip
def test_the_new_question_families(question: str, fragment: str) -> None:
    sql = translate(question, VOCABULARY, TODAY)
    assert fragment in sql
    guard(sql, row_cap=10)


@pytest.mark.parametrize(
    ("question", "group"),
    [
        ("compare the forecast cost of cranes and generators", "category"),
        ("A01 versus A04 forecast cost", "area_silo"),
        ("rentals vs purchases by count", "source"),
        ("BEO vs project forecast cost", "dor"),
    ],
)
def test_a_comparison_is_grouped_by_what_is_compared(question: str, group: str) -> None:
    sql = translate(question, VOCABULARY, TODAY)
    assert sql.startswith(f"SELECT {group} AS {group}, ")
    assert "GROUP BY 1" in sql


def test_plan_versus_forecast_gives_both_totals() -> None:
    sql = translate("plan versus forecast for cranes", VOCABULARY, TODAY)
    assert "sum(plan_cost) AS total_plan_cost, sum(forecast_cost) AS total_forecast_cost" in sql


def test_a_refusal_names_the_words_and_offers_close_questions() -> None:
    with pytest.raises(NotUnderstood) as caught:
        translate("which generators wrap up in the next 30 days", VOCABULARY, TODAY)
    detail = caught.value.detail
    assert "I did not understand 'wrap', 'up' in your question" in detail
    assert "Close questions I can answer: 'which generators in the next 30 days'" in detail
    assert "'how many rentals end next month'" in detail
    # each question offered is one the translator answers
    for offered in ("how many rentals end next month", "which cranes start this quarter",
                    "what changed since last week", "what is the cost impact of my drafts",
                    "average rental duration by category", "total forecast cost by area",
                    "top 5 most expensive records", "plan vs forecast cost by category",
                    "how many records are over plan"):  # fmt: skip
        guard(translate(offered, VOCABULARY, TODAY), row_cap=10)
