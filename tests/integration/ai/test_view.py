"""The curated view: its columns are the ones the prompt describes, and a drafted record's
values and costs are the merged record's, as the domain rules compute them."""

from __future__ import annotations

from decimal import Decimal

import psycopg

from pfa_vanguard.ai.executor import ScopedExecutor
from pfa_vanguard.ai.prompt import CHANGES_COLUMNS, CHANGES_VIEW, VIEW, VIEW_COLUMNS
from pfa_vanguard.domain.costs import record_costs
from pfa_vanguard.domain.drafts import merge
from pfa_vanguard.domain.values import to_bool, to_date
from tests.integration.ai.conftest import World


def test_view_columns_are_the_prompts(world: World) -> None:
    with psycopg.connect(world.url) as conn:
        columns = conn.execute(
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_name = %s ORDER BY ordinal_position",
            [VIEW],
        ).fetchall()
    assert columns == [(c.name, c.type) for c in VIEW_COLUMNS]
    with psycopg.connect(world.url) as conn:
        options = conn.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [VIEW])
        assert options.fetchone() == (["security_invoker=true"],)  # RLS binds the caller


def test_the_history_views_columns_are_the_prompts(world: World) -> None:
    with psycopg.connect(world.url) as conn:
        columns = conn.execute(
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_name = %s ORDER BY ordinal_position",
            [CHANGES_VIEW],
        ).fetchall()
        options = conn.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [CHANGES_VIEW])
        assert options.fetchone() == (["security_invoker=true"],)
    assert columns == [(c.name, c.type) for c in CHANGES_COLUMNS]


async def test_drafted_rows_carry_merged_values_and_recomputed_costs(
    executor: ScopedExecutor, world: World
) -> None:
    with psycopg.connect(world.url) as conn:
        drafted = conn.execute(
            "SELECT mir.id, mir.data, m.changes FROM pfa_modification m JOIN pfa_mirror mir"
            " ON mir.organization_id = m.organization_id AND mir.id = m.record_id"
            " WHERE m.user_id = %s AND m.organization_id = %s ORDER BY mir.id",
            [world.alice, world.rio],
        ).fetchall()
    result = await executor.run(
        "SELECT pfa_id, dor, forecast_category, is_discontinued, forecast_start, forecast_end,"
        " plan_cost, forecast_cost, actual_cost, variance, has_draft FROM pfa_ai_records"
        " WHERE has_draft ORDER BY pfa_id",
        org_id=world.rio,
        user_id=world.alice,
    )
    assert len(result.rows) == len(drafted) == 60
    moved = 0
    for (record_id, baseline, changes), row in zip(drafted, result.rows, strict=True):
        merged = merge(baseline, changes)
        costs = record_costs(merged)
        assert row == (
            record_id, merged["dor"], merged["forecastCategory"],
            to_bool(merged["isDiscontinued"]), to_date(merged["forecastStart"]),
            to_date(merged["forecastEnd"]), costs.plan, costs.forecast, costs.actual,
            costs.forecast - costs.plan, True,
        )  # fmt: skip
        moved += record_costs(baseline).forecast != costs.forecast
    assert moved > 0  # drafts that move dates move the forecast cost
    undrafted = await executor.run(
        "SELECT count(*), sum(plan_cost) FROM pfa_ai_records WHERE NOT has_draft",
        org_id=world.rio,
        user_id=world.alice,
    )
    with psycopg.connect(world.url) as conn:
        expected = conn.execute(
            "SELECT count(*), sum(plan_cost) FROM pfa_mirror WHERE organization_id = %s"
            " AND id NOT IN (SELECT record_id FROM pfa_modification WHERE user_id = %s"
            " AND organization_id = %s)",
            [world.rio, world.alice, world.rio],
        ).fetchone()
    assert undrafted.rows == [expected]
    assert isinstance(undrafted.rows[0][1], Decimal)
