"""AI drafts: an instruction becomes a validated proposal with its cost impact; nothing is
saved, and the proposal is accepted as it is by the draft service."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from pfa_vanguard.ai.errors import NotUnderstood
from pfa_vanguard.ai.proposals import add_months, propose_draft
from pfa_vanguard.ai.service import AiService
from pfa_vanguard.domain.costs import record_costs
from pfa_vanguard.domain.drafts import merge
from pfa_vanguard.domain.values import to_date
from pfa_vanguard.drafts.service import DraftInput, save_drafts
from pfa_vanguard.errors import BadRequest
from tests.integration.ai.conftest import World


def merged_records(world: World, user: int, org: int) -> dict[str, dict[str, Any]]:
    with psycopg.connect(world.url, row_factory=dict_row) as conn:
        rows = conn.execute(
            "SELECT mir.id, mir.data, coalesce(m.changes, '{}') AS changes FROM pfa_mirror mir"
            " LEFT JOIN pfa_modification m ON m.organization_id = mir.organization_id"
            " AND m.record_id = mir.id AND m.user_id = %s WHERE mir.organization_id = %s",
            [user, org],
        ).fetchall()
    return {r["id"]: merge(r["data"], r["changes"]) for r in rows}


def drafts_fingerprint(world: World) -> Any:
    with psycopg.connect(world.url) as conn:
        return conn.execute(
            "SELECT count(*), sum(hashtext(changes::text)) FROM pfa_modification"
        ).fetchone()


def shift(value: Any, days: int) -> str:
    day = to_date(value)
    assert day is not None
    return (day + timedelta(days=days)).isoformat()


async def test_push_area_4_crane_forecasts_two_weeks_later(
    service: AiService, world: World
) -> None:
    before = drafts_fingerprint(world)
    proposal = await propose_draft(
        service,
        org_id=world.rio,
        user_id=world.alice,
        instruction="Push all Area 4 crane forecasts two weeks later",
    )
    records = merged_records(world, world.alice, world.rio)
    chosen = sorted(
        i for i, r in records.items() if r["category"] == "Crane" and r["areaSilo"] == "Area 4"
    )
    assert [c["recordId"] for c in proposal["changes"]] == chosen
    for change in proposal["changes"]:
        record = records[change["recordId"]]
        assert change["changes"] == {
            "forecastStart": shift(record["forecastStart"], 14),
            "forecastEnd": shift(record["forecastEnd"], 14),
        }
    assert proposal["recordCount"] == len(chosen) > 0
    assert proposal["skipped"] == []
    assert proposal["costImpact"]["forecastCostDelta"] == 0  # same length, same cost
    assert "Nothing is saved" in proposal["summary"]
    assert drafts_fingerprint(world) == before  # nothing saved


async def test_extending_forecasts_reports_the_cost_impact_and_the_draft_service_accepts_it(
    service: AiService, world: World
) -> None:
    proposal = await propose_draft(
        service,
        org_id=world.rio,
        user_id=world.alice,
        instruction="extend the forecast end of rental generators in area 2 by 1 month",
    )
    records = merged_records(world, world.alice, world.rio)
    before = after = Decimal(0)
    for change in proposal["changes"]:
        record = records[change["recordId"]]
        end = to_date(record["forecastEnd"])
        assert end is not None
        assert change["changes"] == {"forecastEnd": add_months(end, 1).isoformat()}
        before += record_costs(record).forecast
        after += record_costs({**record, **change["changes"]}).forecast
    impact = proposal["costImpact"]
    assert impact["forecastCostBefore"] == float(before)
    assert impact["forecastCostAfter"] == float(after)
    assert impact["forecastCostDelta"] > 0
    # what the user would post to /draft is accepted as it is
    async with await psycopg.AsyncConnection.connect(world.url, row_factory=dict_row) as conn:
        result = await save_drafts(
            conn,
            world.alice,
            world.rio,
            [DraftInput(c["recordId"], c["changes"]) for c in proposal["changes"]],
        )
        assert sorted(result.saved) == [c["recordId"] for c in proposal["changes"]]
        await conn.rollback()


async def test_invalid_changes_are_skipped_with_their_reason(
    service: AiService, world: World
) -> None:
    proposal = await propose_draft(
        service,
        org_id=world.rio,
        user_id=world.alice,
        instruction="move the actual end of actualized cranes 5 days earlier",
    )
    assert proposal["changes"] == []
    assert proposal["skipped"]
    assert all("may only move later" in s["fields"]["actualEnd"] for s in proposal["skipped"])


async def test_set_dor_uses_the_callers_merged_values(service: AiService, world: World) -> None:
    proposal = await propose_draft(
        service,
        org_id=world.rio,
        user_id=world.alice,
        instruction="set dor to BEO for my drafts in area 1",
    )
    records = merged_records(world, world.alice, world.rio)
    with psycopg.connect(world.url) as conn:
        drafted = {
            r[0]
            for r in conn.execute(
                "SELECT record_id FROM pfa_modification"
                " WHERE user_id = %s AND organization_id = %s",
                [world.alice, world.rio],
            )
        }
    expected = sorted(i for i in drafted if records[i]["areaSilo"] == "Area 1")
    assert [c["recordId"] for c in proposal["changes"]] == expected
    assert all(c["changes"] == {"dor": "BEO"} for c in proposal["changes"])


@pytest.mark.parametrize(
    ("instruction", "error", "message"),
    [
        ("make everything better", NotUnderstood, "did not understand"),
        ("cranes in area 4", NotUnderstood, "did not find a change"),
        ("move cranes 3 days", NotUnderstood, "later or earlier"),
        ("set forecast category to spaceship for cranes", NotUnderstood, "unknown category"),
        ("push all forecasts 1 week later", BadRequest, "matches more than 500 records"),
        ("", BadRequest, "empty"),
    ],
)
async def test_refusals(
    service: AiService, world: World, instruction: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        await propose_draft(service, org_id=world.rio, user_id=world.alice, instruction=instruction)
    with psycopg.connect(world.url) as conn:
        outcome = conn.execute(
            "SELECT kind, outcome FROM pfa_ai_audit WHERE question = %s ORDER BY id DESC LIMIT 1",
            [instruction],
        ).fetchone()
    assert outcome is not None
    assert outcome[0] == "draft"


def test_add_months_clamps_the_day() -> None:
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2025, 11, 15), 3) == date(2026, 2, 15)
    assert add_months(date(2025, 3, 31), -1) == date(2025, 2, 28)


async def test_one_record_to_an_exact_date(service: AiService, world: World) -> None:
    proposal = await propose_draft(
        service,
        org_id=world.rio,
        user_id=world.alice,
        instruction="move PFA-000003 forecast start to 2024-12-01",
    )
    [change] = proposal["changes"]
    assert change["recordId"] == "PFA-000003"
    assert change["changes"] == {"forecastStart": "2024-12-01"}
    # the value the proposal was computed from, for the save's optimistic check
    assert set(change["base"]) == {"forecastStart"}
    assert change["base"]["forecastStart"] != "2024-12-01"
    proposal = await propose_draft(
        service,
        org_id=world.rio,
        user_id=world.alice,
        instruction="set the forecast end of PFA-000003 to 2020-01-01",
    )
    assert proposal["changes"] == []
    assert "forecastEnd" in proposal["skipped"][0]["fields"]  # would end before it starts
