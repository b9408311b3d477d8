"""The offline translator answers common questions with exactly the rows of hand-written SQL.

The hand-written SQL runs over the eval's merge of the caller's drafts (`ai.eval.MERGED`:
`mir.data || changes`, parsed with the SQL parse functions and costed with pfa_window_cost, over
the base tables), independently of the view the assistant queries; TODAY is 2025-07-15. Cost
totals count the records every figure counts (`f`: neither discontinued nor funds-transferable).
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from pfa_vanguard.ai.errors import NotUnderstood
from pfa_vanguard.ai.eval import MERGED
from pfa_vanguard.ai.service import AiService
from pfa_vanguard.errors import PfaError
from tests.integration.ai.conftest import World

# (question, hand-written SQL over r; "ids" compares the first column of the answer)
CASES: list[tuple[str, str]] = [
    ("how many records are there", "SELECT count(*) FROM r"),
    ("how many cranes", "SELECT count(*) FROM r WHERE category = 'Crane'"),
    (
        "total forecast cost of rental cranes in Area 4 starting after June 2025",
        "SELECT sum(forecast_cost) FROM f WHERE category = 'Crane' AND source = 'Rental'"
        " AND area_silo = 'Area 4' AND forecast_start > '2025-06-30'",
    ),
    (
        "which generators are over plan",
        "ids: SELECT pfa_id FROM r WHERE category = 'Generator' AND forecast_cost > plan_cost"
        " ORDER BY pfa_id",
    ),
    ("how many records did I change", "SELECT count(*) FROM r WHERE has_draft"),
    (
        "total plan cost by category",
        "SELECT category, sum(plan_cost) FROM f GROUP BY category ORDER BY category",
    ),
    (
        "forecast cost per area",
        "SELECT area_silo, sum(forecast_cost) FROM f GROUP BY 1 ORDER BY 1",
    ),
    ("number of records per source", "SELECT source, count(*) FROM r GROUP BY 1 ORDER BY 1"),
    (
        "top 5 most expensive rental generators",
        "ids: SELECT pfa_id FROM r WHERE source = 'Rental' AND category = 'Generator'"
        " ORDER BY forecast_cost DESC, pfa_id LIMIT 5",
    ),
    (
        "average monthly rate of rental trucks",
        "SELECT avg(monthly_rate) FROM r WHERE source = 'Rental' AND category = 'Truck'",
    ),
    ("how many discontinued records", "SELECT count(*) FROM r WHERE is_discontinued"),
    (
        "how many actualized scaffolds in area 2",
        "SELECT count(*) FROM r WHERE is_actualized AND category = 'Scaffold'"
        " AND area_silo = 'Area 2'",
    ),
    (
        "total actual cost of actualized records",
        "SELECT sum(actual_cost) FROM f WHERE is_actualized",
    ),
    (
        "list compressors not actualized in area 3",
        "ids: SELECT pfa_id FROM r WHERE category = 'Compressor' AND NOT is_actualized"
        " AND area_silo = 'Area 3' ORDER BY pfa_id",
    ),
    ("how many BEO records", "SELECT count(*) FROM r WHERE dor = 'BEO'"),
    (
        "total forecast cost paid by the project",
        "SELECT sum(forecast_cost) FROM f WHERE dor = 'PROJECT'",
    ),
    ("how many funds transferable records", "SELECT count(*) FROM r WHERE is_funds_transferable"),
    (
        "records starting in March 2025",
        "ids: SELECT pfa_id FROM r WHERE forecast_start >= '2025-03-01'"
        " AND forecast_start < '2025-04-01' ORDER BY pfa_id",
    ),
    (
        "how many records end before 2025-06-01",
        "SELECT count(*) FROM r WHERE forecast_end < '2025-06-01'",
    ),
    (
        "how many cranes are active in May 2025",
        "SELECT count(*) FROM r WHERE category = 'Crane' AND forecast_start < '2025-06-01'"
        " AND forecast_end >= '2025-05-01'",
    ),
    (
        "total variance by area",
        "SELECT area_silo, sum(forecast_cost - plan_cost) FROM f GROUP BY 1 ORDER BY 1",
    ),
    ("how many records are under budget", "SELECT count(*) FROM r WHERE forecast_cost < plan_cost"),
    (
        "cranes costing more than 100k",
        "ids: SELECT pfa_id FROM r WHERE category = 'Crane' AND forecast_cost > 100000"
        " ORDER BY pfa_id",
    ),
    (
        "how many records with monthly rate above 20,000",
        "SELECT count(*) FROM r WHERE monthly_rate > 20000",
    ),
    (
        "total purchase price of purchased compressors",
        "SELECT sum(purchase_price) FROM r WHERE source = 'Purchase' AND category = 'Compressor'",
    ),
    (
        "forecast cost by month in 2025",
        "SELECT date_trunc('month', forecast_start)::date, sum(forecast_cost) FROM f"
        " WHERE forecast_start <= '2025-12-31' AND forecast_end >= '2025-01-01'"
        " GROUP BY 1 ORDER BY 1",
    ),
    (
        "how many cranes or generators in area 1?",
        "SELECT count(*) FROM r WHERE category IN ('Crane', 'Generator') AND area_silo = 'Area 1'",
    ),
    ("how many records excluding cranes", "SELECT count(*) FROM r WHERE category <> 'Crane'"),
    (
        "top 3 areas by forecast cost",
        "SELECT area_silo, sum(forecast_cost) AS t FROM f GROUP BY 1 ORDER BY t DESC LIMIT 3",
    ),
    (
        "Which area has the highest plan cost?",
        "SELECT area_silo, sum(plan_cost) AS p FROM f GROUP BY 1 ORDER BY p DESC LIMIT 1",
    ),
    (
        "number of records with drafts by category",
        "SELECT category, count(*) FROM r WHERE has_draft GROUP BY 1 ORDER BY 1",
    ),
    ("total forecast cost of my drafts", "SELECT sum(forecast_cost) FROM f WHERE has_draft"),
    (
        "how many records planned to start in Q3 2025",
        "SELECT count(*) FROM r WHERE original_start BETWEEN '2025-07-01' AND '2025-09-30'",
    ),
    (
        "how many records have actuals",
        "SELECT count(*) FROM r WHERE actual_start IS NOT NULL AND actual_end IS NOT NULL",
    ),
    (
        "total forecast cost in the KPI",
        "SELECT sum(forecast_cost) FROM r WHERE NOT is_discontinued AND NOT is_funds_transferable",
    ),
    (
        "plan and forecast cost by category",
        "SELECT category, sum(plan_cost), sum(forecast_cost) FROM f GROUP BY 1 ORDER BY 1",
    ),
    (
        "how many records with forecast category crane",
        "SELECT count(*) FROM r WHERE forecast_category = 'Crane'",
    ),
    (
        "10 cheapest purchases",
        "ids: SELECT pfa_id FROM r WHERE source = 'Purchase' ORDER BY forecast_cost, pfa_id"
        " LIMIT 10",
    ),
    (
        "the 5 earliest starting cranes",
        "ids: SELECT pfa_id FROM r WHERE category = 'Crane' ORDER BY forecast_start, pfa_id"
        " LIMIT 5",
    ),
    (
        "variance % by source",
        "SELECT source, round(100 * sum(forecast_cost - plan_cost) / sum(plan_cost), 2) FROM f"
        " GROUP BY 1 ORDER BY 1",
    ),
    (
        "which area has the most records",
        "SELECT area_silo, count(*) AS n FROM r GROUP BY 1 ORDER BY n DESC, 1 LIMIT 1",
    ),
    (
        "how many records last longer than 200 days",
        "SELECT count(*) FROM r WHERE forecast_end - forecast_start > 200",
    ),
    (
        "how many cranes start after June",
        "SELECT count(*) FROM r WHERE category = 'Crane' AND forecast_start > '2025-06-30'",
    ),
    (
        "forecast cost of BEO generators active next month",
        "SELECT sum(forecast_cost) FROM f WHERE dor = 'BEO' AND category = 'Generator'"
        " AND forecast_start <= '2025-08-31' AND forecast_end >= '2025-08-01'",
    ),
    (
        "how many records in areas 2 and 3",
        "SELECT count(*) FROM r WHERE area_silo IN ('Area 2', 'Area 3')",
    ),
    (
        "how many non rental records are not actualized",
        "SELECT count(*) FROM r WHERE source <> 'Rental' AND NOT is_actualized",
    ),
]


def expected(world: World, sql: str, user: int, org: int) -> list[tuple[Any, ...]]:
    with psycopg.connect(world.url) as conn:
        return [tuple(row) for row in conn.execute(MERGED + sql, {"user": user, "org": org})]


def test_at_least_thirty_questions() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize(("question", "sql"), CASES, ids=[q for q, _ in CASES])
async def test_offline_answers_equal_hand_written_sql(
    service: AiService, world: World, question: str, sql: str
) -> None:
    ids_only = sql.startswith("ids: ")
    want = expected(world, sql.removeprefix("ids: "), world.alice, world.rio)
    answer = await service.ask(org_id=world.rio, user_id=world.alice, question=question)
    got = [(row[0],) for row in answer.rows] if ids_only else answer.rows
    assert not answer.truncated
    assert got == want, answer.sql
    assert answer.provider == "offline"
    assert answer.row_count == len(answer.rows)


async def test_the_answer_depends_on_the_caller(service: AiService, world: World) -> None:
    question = "how many records did I change"
    expected_counts = [
        (world.alice, world.rio, 60),
        (world.bob, world.rio, 40),
        (world.alice, world.holng, 30),
        (world.bob, world.holng, 0),
    ]
    for user, org, count in expected_counts:
        answer = await service.ask(org_id=org, user_id=user, question=question)
        assert answer.rows == [(count,)]


async def test_a_large_listing_is_truncated_at_the_row_cap(
    service: AiService, world: World
) -> None:
    answer = await service.ask(org_id=world.rio, user_id=world.alice, question="list all records")
    assert answer.truncated is True
    assert answer.row_count == service.executor.max_rows == len(answer.rows)
    assert answer.sql.endswith(f"LIMIT {service.executor.max_rows + 1}")


GIBBERISH = [
    "asdf qwerty zxcv",
    "what is the meaning of life",
    "how many purple elephants",
    "delete all records",
    "drop table pfa_mirror",
    "'; SELECT pg_sleep(10); --",
    "",
]


@pytest.mark.parametrize("question", GIBBERISH)
async def test_gibberish_is_refused_plainly_and_audited(
    service: AiService, world: World, question: str
) -> None:
    with pytest.raises(PfaError) as caught:
        await service.ask(org_id=world.rio, user_id=world.alice, question=question)
    assert caught.value.status_code == 400
    if question:
        assert isinstance(caught.value, NotUnderstood)
        assert "did not understand" in caught.value.detail
        assert "I understand:" in caught.value.detail
    with psycopg.connect(world.url) as conn:
        row = conn.execute(
            "SELECT outcome, sql, user_id FROM pfa_ai_audit WHERE question = %s"
            " ORDER BY id DESC LIMIT 1",
            [question],
        ).fetchone()
    assert row is not None
    assert row[0] == ("not_understood" if question else "failed")
    assert row[1] is None


async def test_every_answer_is_audited(service: AiService, world: World) -> None:
    question = "how many cranes are over plan"
    answer = await service.ask(org_id=world.rio, user_id=world.alice, question=question)
    with psycopg.connect(world.url) as conn:
        row = conn.execute(
            "SELECT organization_id, user_id, kind, provider, sql, outcome, row_count,"
            " truncated, duration_ms FROM pfa_ai_audit WHERE question = %s",
            [question],
        ).fetchone()
    assert row is not None
    assert row[:8] == (world.rio, world.alice, "query", "offline", answer.sql, "ok", 1, False)
    assert row[8] is not None
    assert row[8] >= 0
