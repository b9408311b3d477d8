"""The executor bounds an answer's bytes (rows as text) whatever the SQL: many rows, one huge
value, or a statement that is not a single SELECT; within the bound nothing changes."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from pfa_vanguard.ai.errors import AnswerTooLarge
from pfa_vanguard.ai.executor import AppPool, ScopedExecutor, ai_database_url
from pfa_vanguard.settings import Settings
from tests.integration.ai.conftest import World

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
async def small(world: World, app_pool: AppPool) -> AsyncIterator[ScopedExecutor]:
    ai_url = ai_database_url(Settings(ai_database_url=None), world.url)
    executor = ScopedExecutor(app_pool, ai_url, max_rows=500, max_answer_bytes=50_000)
    await executor.open()
    yield executor
    await executor.close()


@pytest.mark.parametrize(
    "sql",
    [
        # many rows, each small
        "SELECT pfa_id, description, description || description || description || description"
        " AS pad FROM pfa_ai_records",
        # one value
        "SELECT string_agg(description, ',') AS big FROM pfa_ai_records",
        # duplicate column names, ORDER BY, a trailing comment
        "SELECT pfa_id AS a, description AS a FROM pfa_ai_records ORDER BY 1 -- done",
    ],
)
async def test_an_answer_past_the_bound_is_refused(
    small: ScopedExecutor, world: World, sql: str
) -> None:
    with pytest.raises(AnswerTooLarge, match="larger than 50000 bytes"):
        await small.run(sql, org_id=world.rio, user_id=world.alice)


async def test_within_the_bound_the_answer_is_unchanged(
    small: ScopedExecutor, world: World
) -> None:
    result = await small.run(
        "SELECT pfa_id AS a, category AS a FROM pfa_ai_records ORDER BY pfa_id DESC LIMIT 5 -- x",
        org_id=world.rio,
        user_id=world.alice,
    )
    assert result.columns == ["a", "a"]
    assert len(result.rows) == 5
    assert [r[0] for r in result.rows] == sorted((r[0] for r in result.rows), reverse=True)
    assert all(len(r) == 2 for r in result.rows)


async def test_a_statement_that_is_not_one_select_is_measured_too(
    small: ScopedExecutor, world: World
) -> None:
    # EXPLAIN cannot run as a subquery: its rows are measured once fetched
    result = await small.run(
        "EXPLAIN SELECT * FROM pfa_ai_records", org_id=world.rio, user_id=world.alice
    )
    assert result.rows
    with pytest.raises(AnswerTooLarge):
        await small.run(
            "EXPLAIN (VERBOSE) SELECT * FROM pfa_ai_records a, pfa_ai_records b, pfa_ai_records c",
            org_id=world.rio,
            user_id=world.alice,
        )
