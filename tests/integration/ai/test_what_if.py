"""What-if: "what if I end all light towers in A04 two weeks early?" is a draft proposal with
its cost impact over the demo data, checked against hand-written SQL; nothing is saved until
the user applies it (saves the proposed changes as drafts), and a what-if asked as a question
points to the proposal instead of answering something else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal

import psycopg
import pytest
from psycopg.rows import dict_row

from pfa_vanguard.ai.errors import NotUnderstood
from pfa_vanguard.ai.eval import DEMO_TODAY
from pfa_vanguard.ai.executor import AppPool, ScopedExecutor, ai_database_url
from pfa_vanguard.ai.offline import OfflineProvider
from pfa_vanguard.ai.proposals import propose_draft
from pfa_vanguard.ai.service import AiService
from pfa_vanguard.db.connection import make_pool
from pfa_vanguard.drafts.service import DraftInput, save_drafts
from pfa_vanguard.settings import Settings
from tests.integration.ai.demo_data import Demo, load_demo

# The light towers in A04 as alice sees them, their forecast end two weeks earlier, and the
# forecast cost of both windows: by hand, over the base tables (not the assistant's view).
EXPECTED = """
WITH r AS (
    SELECT mir.id, d.data ->> 'source' AS source, pfa_to_date(d.data -> 'forecastStart') AS s,
           pfa_to_date(d.data -> 'forecastEnd') AS e,
           pfa_to_numeric(d.data -> 'monthlyRate') AS rate,
           pfa_to_numeric(d.data -> 'purchasePrice') AS price
    FROM pfa_mirror mir
    LEFT JOIN pfa_modification m ON m.organization_id = mir.organization_id
         AND m.record_id = mir.id AND m.user_id = %(user)s
    CROSS JOIN LATERAL (SELECT mir.data || coalesce(m.changes, '{}') AS data) d
    WHERE mir.organization_id = %(org)s AND d.data ->> 'category' = 'Light Tower'
      AND d.data ->> 'areaSilo' = 'A04 Tank Farm'
)
SELECT id, e, e - 14 AS new_end, pfa_window_cost(source, s, e, rate, price) AS before,
       pfa_window_cost(source, s, e - 14, rate, price) AS after
FROM r ORDER BY id
"""
WHAT_IF = "what if I end all light towers in A04 two weeks early?"


@pytest.fixture(scope="module")
async def demo(world_url: str) -> Demo:
    return await load_demo(world_url)


@pytest.fixture(scope="module")
async def service(demo: Demo) -> AsyncIterator[AiService]:
    pool: AppPool = make_pool(demo.url, min_size=1, max_size=3)
    await pool.open()
    ai_url = ai_database_url(Settings(ai_database_url=None), demo.url)
    async with ScopedExecutor(pool, ai_url, max_rows=1000, statement_timeout_ms=5000) as ex:
        yield AiService(
            pool, ex, OfflineProvider(today=lambda: DEMO_TODAY), today=lambda: DEMO_TODAY
        )
    await pool.close()


def _drafts(url: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT user_id, record_id, changes FROM pfa_modification ORDER BY 1, 2"
        ).fetchall()


async def test_what_if_is_a_proposal_with_its_cost_impact(demo: Demo, service: AiService) -> None:
    before = _drafts(demo.url)
    proposal = await propose_draft(
        service, org_id=demo.rio, user_id=demo.alice, instruction=WHAT_IF
    )
    with psycopg.connect(demo.url, row_factory=dict_row) as conn:
        rows = conn.execute(EXPECTED, {"org": demo.rio, "user": demo.alice}).fetchall()
    assert len(rows) >= 5
    changes = {c["recordId"]: c["changes"] for c in proposal["changes"]}
    skipped = {s["recordId"] for s in proposal["skipped"]}
    assert set(changes) | skipped == {r["id"] for r in rows}
    for row in rows:
        if row["id"] in changes:
            assert changes[row["id"]] == {"forecastEnd": row["new_end"].isoformat()}
    kept = [r for r in rows if r["id"] in changes]
    delta = sum((r["after"] - r["before"] for r in kept), Decimal(0))
    assert proposal["costImpact"]["forecastCostDelta"] == pytest.approx(float(delta), abs=0.02)
    assert delta < 0
    assert f"It would save {-delta:,.2f} of forecast cost." in proposal["summary"]
    assert proposal["summary"].startswith(f"forecastEnd -14 days on {len(changes)} record(s)")
    # a proposal: nothing is saved
    assert _drafts(demo.url) == before


async def test_applying_the_what_if_saves_exactly_its_changes(
    demo: Demo, service: AiService
) -> None:
    """Confirmation is the user saving the proposed changes as drafts (the AI tab does it as
    one step the grid's undo takes back); the saved drafts are the proposal's changes."""
    proposal = await propose_draft(service, org_id=demo.rio, user_id=demo.bob, instruction=WHAT_IF)
    async with await psycopg.AsyncConnection.connect(demo.url, row_factory=dict_row) as conn:
        result = await save_drafts(
            conn,
            demo.bob,
            demo.rio,
            [DraftInput(c["recordId"], c["changes"]) for c in proposal["changes"]],
        )
        assert sorted(result.saved) == sorted(c["recordId"] for c in proposal["changes"])
        await conn.rollback()  # the module's data stays as it was


@pytest.mark.parametrize(
    "question",
    [WHAT_IF, "what would ending the light towers two weeks early save"],
)
async def test_a_what_if_asked_as_a_question_points_to_the_proposal(
    demo: Demo, service: AiService, question: str
) -> None:
    with pytest.raises(NotUnderstood, match="This is a what-if: ask for it as a change"):
        await service.ask(org_id=demo.rio, user_id=demo.alice, question=question)


async def test_other_what_if_wordings(demo: Demo, service: AiService) -> None:
    for instruction, changed in [
        ("what would ending the light towers in the tank farm two weeks early save",
         "forecastEnd"),
        ("what if we start the cranes in A04 a month late", "forecastStart"),
        ("end all light towers in A04 14 days earlier", "forecastEnd"),
    ]:  # fmt: skip
        proposal = await propose_draft(
            service, org_id=demo.rio, user_id=demo.alice, instruction=instruction
        )
        assert proposal["changes"]
        assert all(set(c["changes"]) == {changed} for c in proposal["changes"])
    assert date(2025, 11, 25) == DEMO_TODAY
