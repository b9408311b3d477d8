"""POST /api/ai/query lists the ids of the records an answer is over (for "show these records
in the grid"): read from the SQL's structure, run through the guard as the read-only role in
the caller's organization; never an id of another organization, never on a refused request."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.api.conftest import Api, World


async def ask(api: Api, user: str, org: str, question: str) -> Any:
    return await api.client.post(
        "/api/ai/query", json={"org": org, "question": question}, headers=await api.login(user)
    )


def ids(world: World, org: str, **where: Any) -> list[str]:
    return sorted(
        r["pfaId"]
        for r in world.records[org]
        if all(r.get(field) == value for field, value in where.items())
    )


def counted(world: World, org: str, categories: set[str] | None = None) -> list[str]:
    """The records a cost figure counts (neither discontinued nor funds-transferable)."""
    return sorted(
        r["pfaId"]
        for r in world.records[org]
        if not r.get("isDiscontinued")
        and not r.get("isFundsTransferable")
        and (categories is None or r["category"] in categories)
    )


async def test_a_count_lists_the_records_it_counted(api: Api, world: World) -> None:
    resp = await ask(api, "victor", "ALPHA", "how many cranes are there")
    assert resp.status_code == 200, resp.text
    body = resp.json()
    cranes = ids(world, "ALPHA", category="Crane")
    assert body["rows"] == [[len(cranes)]]
    assert body["recordIds"] == cranes
    assert (body["recordIdsMore"], body["recordsNote"]) == (False, "")


async def test_a_listing_lists_exactly_its_rows(api: Api, world: World) -> None:
    resp = await ask(api, "victor", "ALPHA", "top 5 rentals by forecast cost")
    assert resp.status_code == 200, resp.text
    body = resp.json()
    listed = [row[body["columns"].index("pfa_id")] for row in body["rows"]]
    assert len(listed) == 5
    assert sorted(body["recordIds"]) == sorted(listed)


async def test_grouped_answers_list_the_records_of_the_groups_returned(
    api: Api, world: World
) -> None:
    body = (await ask(api, "victor", "ALPHA", "total forecast cost by category")).json()
    # every group: every record the cost figures count
    assert body["recordIds"] == counted(world, "ALPHA")
    body = (await ask(api, "victor", "ALPHA", "top 2 categories by forecast cost")).json()
    top = {row[0] for row in body["rows"]}
    assert len(top) == 2
    assert body["recordIds"] == counted(world, "ALPHA", top)


async def test_never_an_id_of_another_organization(api: Api, world: World) -> None:
    # BETA has 30 records (PFA-000001..30); ALPHA 120 with ids that overlap and go further
    for question in ("how many records", "list all records", "forecast cost by area"):
        resp = await ask(api, "olivia", "BETA", question)
        assert resp.status_code == 200, resp.text
        expected = counted(world, "BETA") if "cost" in question else ids(world, "BETA")
        assert resp.json()["recordIds"] == expected, question
    body = (await ask(api, "olivia", "BETA", "how many generators")).json()
    assert body["recordIds"] == ids(world, "BETA", category="Generator")
    assert body["rows"] == [[len(body["recordIds"])]]


@pytest.mark.parametrize(
    ("user", "body", "status"),
    [
        ("victor", {"org": "ALPHA", "question": "how many unicorns"}, 400),
        ("victor", {"org": "ALPHA", "question": ""}, 400),
        ("victor", {"org": "ALPHA", "question": ["how many records"]}, 422),
        ("olivia", {"org": "ALPHA", "question": "how many records"}, 403),
    ],
)
async def test_bad_input_gets_a_4xx_and_no_ids(
    api: Api, world: World, user: str, body: dict[str, Any], status: int
) -> None:
    resp = await api.client.post("/api/ai/query", json=body, headers=await api.login(user))
    assert resp.status_code == status, resp.text
    assert {"error", "detail"} <= set(resp.json())
    assert "recordIds" not in resp.json()
