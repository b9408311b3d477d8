"""The records an answer is over, through the service: the caller's merged records (drafts
applied, their own only), bounded with a note when there are more, none for SQL that is not
over a plain set of records."""

from __future__ import annotations

import psycopg

from pfa_vanguard.ai.service import AiService
from tests.integration.ai.conftest import World


def base_ids(world: World, sql: str, *params: object) -> list[str]:
    with psycopg.connect(world.url) as conn:
        return sorted(str(r[0]) for r in conn.execute(sql, params).fetchall())


async def test_ids_are_of_the_callers_merged_records(world: World, service: AiService) -> None:
    # alice's drafts set forecast category 'Crane' on some records: her answer counts them,
    # bob's (without those drafts) does not
    answers = {}
    for user in (world.alice, world.bob):
        answers[user] = await service.ask(
            org_id=world.rio, user_id=user, question="how many records did I change", records=True
        )
    for user, answer in answers.items():
        expected = base_ids(
            world,
            "SELECT record_id FROM pfa_modification WHERE user_id = %s AND organization_id = %s",
            user,
            world.rio,
        )
        assert answer.rows == [(len(expected),)]
        assert sorted(answer.records.ids or ()) == expected
    assert not set(answers[world.alice].records.ids or ()) & set(
        answers[world.bob].records.ids or ()
    )


async def test_other_organization_never_appears(world: World, service: AiService) -> None:
    answer = await service.ask(
        org_id=world.holng, user_id=world.alice, question="how many records", records=True
    )
    expected = base_ids(world, "SELECT id FROM pfa_mirror WHERE organization_id = %s", world.holng)
    assert answer.records.ids == tuple(expected)
    assert len(expected) == 1500


async def test_more_than_the_bound_says_so(world: World, service: AiService) -> None:
    service.max_record_ids = 100
    try:
        answer = await service.ask(
            org_id=world.rio, user_id=world.alice, question="how many records", records=True
        )
    finally:
        service.max_record_ids = 5000
    assert answer.rows == [(3000,)]
    assert answer.records.ids is not None
    assert len(answer.records.ids) == 100
    assert answer.records.more
    assert "more than 100 records" in answer.records.note


async def test_sql_without_a_plain_set_of_records_has_none(
    world: World, service: AiService
) -> None:
    records = await service.answer_records(
        "SELECT category FROM pfa_ai_records UNION SELECT source FROM pfa_ai_records",
        org_id=world.rio,
        user_id=world.alice,
    )
    assert records.ids is None
    assert "combines several queries" in records.note


async def test_top_groups_are_their_records_only(world: World, service: AiService) -> None:
    answer = await service.ask(
        org_id=world.rio,
        user_id=world.alice,
        question="top 2 categories by plan cost",
        records=True,
    )
    top = [row[0] for row in answer.rows]
    assert len(top) == 2
    expected = base_ids(
        world,
        "SELECT id FROM pfa_mirror WHERE organization_id = %s AND category = ANY(%s)"
        " AND NOT is_discontinued AND NOT is_funds_transferable",  # the cost figures' records
        world.rio,
        top,
    )
    assert answer.records.ids == tuple(expected)
