"""The SQL listing an answer's records, read from the answer's SQL structure: the kind of
answer decides which records (listed, counted, grouped), and what is not over a plain set of
records is said, never guessed. Every derived SQL passes the guard."""

from __future__ import annotations

import pytest

from pfa_vanguard.ai.guard import guard
from pfa_vanguard.ai.records import NoRecords, records_sql


def derived(sql: str) -> str:
    out = records_sql(sql, cap=50)
    guard(out, row_cap=50)  # what runs is guarded like any answer
    return out


def test_a_total_is_over_the_records_its_where_keeps() -> None:
    out = derived("SELECT count(*) FROM pfa_ai_records WHERE category = 'Crane'")
    assert out == (
        "SELECT pfa_id AS pfa_answer_record FROM pfa_ai_records WHERE category = 'Crane'"
        " ORDER BY 1 LIMIT 51"
    )


def test_a_listing_keeps_its_order_and_limit() -> None:
    out = derived(
        "SELECT description, forecast_cost AS cost FROM pfa_ai_records r"
        " ORDER BY cost DESC LIMIT 5;"
    )
    assert "r.pfa_id AS pfa_answer_record" in out
    assert "ORDER BY cost DESC LIMIT 5) AS pfa_answer LIMIT 51" in out


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT category, sum(plan_cost) FROM pfa_ai_records WHERE source = 'Rental' GROUP BY 1",
        "SELECT DISTINCT category FROM pfa_ai_records WHERE source = 'Rental'",
        "SELECT count(*), sum(plan_cost) FROM pfa_ai_records WHERE source = 'Rental'",
    ],
)
def test_every_group_shown_is_every_record_the_where_keeps(sql: str) -> None:
    assert derived(sql) == (
        "SELECT pfa_id AS pfa_answer_record FROM pfa_ai_records WHERE source = 'Rental'"
        " ORDER BY 1 LIMIT 51"
    )


@pytest.mark.parametrize(
    ("sql", "key"),
    [
        ("SELECT area_silo AS a, count(*) FROM pfa_ai_records GROUP BY a LIMIT 3", "area_silo"),
        (
            "SELECT date_trunc('month', forecast_start)::date AS month, count(*)"
            " FROM pfa_ai_records GROUP BY month HAVING count(*) > 2",
            "CAST(date_trunc('month', forecast_start) AS date)",
        ),
        ("SELECT DISTINCT dor FROM pfa_ai_records ORDER BY 1 LIMIT 1", "dor"),
        ("SELECT source AS category, count(*) FROM pfa_ai_records GROUP BY category LIMIT 2",
         "category"),  # a view column wins over an alias, as in PostgreSQL
    ],
)  # fmt: skip
def test_some_groups_shown_are_their_records_only(sql: str, key: str) -> None:
    out = derived(sql)
    assert f"{key} AS pfa_answer_key_1 FROM pfa_ai_records" in out
    assert "EXISTS (SELECT 1 FROM (" in out
    assert "IS NOT DISTINCT FROM pfa_answer_records.pfa_answer_key_1" in out


def test_a_truncated_answer_is_over_the_groups_it_showed() -> None:
    sql = "SELECT description, count(*) FROM pfa_ai_records GROUP BY 1 ORDER BY 2 DESC"
    out = records_sql(sql, cap=50, group_cap=20, truncated=True)
    guard(out, row_cap=50)
    assert "GROUP BY 1 ORDER BY 2 DESC LIMIT 20) AS pfa_answer_groups" in out
    out = records_sql(sql + " LIMIT 5", cap=50, group_cap=20, truncated=False)
    assert "ORDER BY 2 DESC LIMIT 5) AS pfa_answer_groups" in out


def test_a_window_function_is_not_an_aggregate() -> None:
    out = derived("SELECT pfa_id, sum(plan_cost) OVER () FROM pfa_ai_records")
    assert ") AS pfa_answer LIMIT 51" in out


@pytest.mark.parametrize(
    ("sql", "why"),
    [
        ("SELECT category FROM pfa_ai_records UNION SELECT dor FROM pfa_ai_records", "combines"),
        ("WITH x AS (SELECT * FROM pfa_ai_records) SELECT count(*) FROM x", "combines"),
        ("SELECT count(*) FROM (SELECT * FROM pfa_ai_records) s", "directly"),
        ("SELECT count(*) FROM pfa_ai_records a, pfa_ai_records b", "directly"),
        ("SELECT 1", "directly"),
        ("SELECT DISTINCT ON (category) pfa_id FROM pfa_ai_records", "DISTINCT ON"),
        ("SELECT category, count(*) FROM pfa_ai_records GROUP BY ROLLUP (category)", "grouping"),
        ("SELECT category, count(*) FROM pfa_ai_records GROUP BY 3 LIMIT 1", "does not have"),
        ("SELEC nothing", "could not be read"),
    ],
)
def test_no_plain_set_of_records_says_why(sql: str, why: str) -> None:
    with pytest.raises(NoRecords, match=why):
        records_sql(sql)
