"""POST /api/ai/query and /api/ai/draft through the real app: contract shapes, roles, the
organization from the body checked like a path, errors in the one JSON shape, and a proposal
the user can post to /draft as it is."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest

from pfa_vanguard.ai.admission import AiAdmission
from pfa_vanguard.ai.service import AiService
from pfa_vanguard.api.state import app_state
from tests.integration.api.conftest import Api, World, running_api


def _ai(api: Api) -> AiService:
    service = app_state(api.app).ai
    assert service is not None
    return service


async def ask(api: Api, user: str, body: dict[str, Any]) -> Any:
    return await api.client.post("/api/ai/query", json=body, headers=await api.login(user))


async def test_viewer_asks_and_gets_the_contract_shape(api: Api, world: World) -> None:
    resp = await ask(api, "victor", {"org": "ALPHA", "question": "How many records are there?"})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert set(body) == {
        "sql", "columns", "rows", "rowCount", "truncated", "durationMs", "provider",
        "explanation", "warnings", "recordIds", "recordIdsMore", "recordsNote",
    }  # fmt: skip
    assert body["explanation"].startswith("Counted all the records")
    assert body["warnings"] == []
    assert body["rows"] == [[len(world.records["ALPHA"])]]
    assert body["columns"] == ["records"]
    assert (body["rowCount"], body["truncated"], body["provider"]) == (1, False, "offline")
    assert body["sql"].startswith("SELECT count(*)")
    assert body["durationMs"] >= 0


async def test_rows_are_json_values(api: Api, world: World) -> None:
    resp = await ask(api, "alice", {"org": "ALPHA", "question": "the 3 earliest starting cranes"})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    start = body["columns"].index("forecast_start")
    cost = body["columns"].index("forecast_cost")
    for row in body["rows"]:
        assert isinstance(row[start], str)
        assert len(row[start]) == 10
        assert isinstance(row[cost], int | float)


async def test_the_org_in_the_body_is_checked(api: Api, world: World) -> None:
    resp = await api.client.post("/api/ai/query", json={"org": "ALPHA", "question": "how many"})
    assert resp.status_code == 401
    resp = await ask(api, "olivia", {"org": "ALPHA", "question": "how many records"})
    assert resp.status_code == 403
    assert resp.json()["error"] == "Forbidden"
    resp = await ask(api, "olivia", {"org": "NOPE", "question": "how many records"})
    assert resp.status_code == 403
    resp = await ask(api, "olivia", {"org": "BETA", "question": "how many records"})
    assert resp.json()["rows"] == [[len(world.records["BETA"])]]


@pytest.mark.parametrize(
    ("body", "status", "kind"),
    [
        ({"org": "ALPHA", "question": "how many unicorns"}, 400, "NotUnderstood"),
        ({"org": "ALPHA", "question": ""}, 400, "BadRequest"),
        ({"org": "ALPHA"}, 422, "ValidationError"),
        ({"org": "ALPHA", "question": "x" * 5000}, 422, "ValidationError"),
    ],
)
async def test_errors_have_the_one_shape(
    api: Api, world: World, body: dict[str, Any], status: int, kind: str
) -> None:
    resp = await ask(api, "victor", body)
    assert resp.status_code == status, resp.text
    assert resp.json()["error"] == kind
    assert resp.json()["detail"]


async def test_draft_proposal_needs_an_editor_and_saves_nothing(api: Api, world: World) -> None:
    body = {"org": "ALPHA", "instruction": "push all crane forecasts two weeks later"}
    resp = await api.client.post("/api/ai/draft", json=body, headers=await api.login("victor"))
    assert resp.status_code == 403
    resp = await api.client.post("/api/ai/draft", json=body, headers=await api.login("alice"))
    assert resp.status_code == 200, resp.text
    proposal = resp.json()
    cranes = sorted(r["pfaId"] for r in world.records["ALPHA"] if r["category"] == "Crane")
    assert [c["recordId"] for c in proposal["changes"]] == cranes
    assert set(proposal["costImpact"]) == {
        "planCost", "forecastCostBefore", "forecastCostAfter", "forecastCostDelta",
    }  # fmt: skip
    assert proposal["summary"]
    # each change carries the values it was computed from, for the save's `base`
    assert all(set(c["base"]) == set(c["changes"]) != set() for c in proposal["changes"])
    drafts = await api.client.get("/api/pfa/ALPHA/drafts", headers=await api.login("alice"))
    assert drafts.status_code == 200
    assert "PFA-" not in drafts.text  # nothing saved

    # the user confirms: the proposal's changes are posted to /draft as they are
    resp = await api.client.post(
        "/api/pfa/ALPHA/draft", json=proposal["changes"], headers=await api.login("alice")
    )
    assert resp.status_code == 200, resp.text
    resp = await ask(api, "alice", {"org": "ALPHA", "question": "how many records did I change"})
    assert resp.json()["rows"] == [[len(cranes)]]
    resp = await ask(api, "bob", {"org": "ALPHA", "question": "how many records did I change"})
    assert resp.json()["rows"] == [[0]]


async def test_the_assistant_is_rate_limited_per_user_across_processes(
    api: Api, world: World
) -> None:
    """PFA_AI_REQUESTS_PER_MINUTE counts a user's questions and instructions (refused ones
    too) in the audit table, as they start: a second API process on the same database sees
    the same count."""
    app_state(api.app).settings.ai_requests_per_minute = 3
    assert (await ask(api, "alice", {"org": "ALPHA", "question": "how many records"})).is_success
    refused = await ask(api, "alice", {"org": "ALPHA", "question": "how many unicorns"})
    assert refused.status_code == 400
    proposal = await api.client.post(
        "/api/ai/draft",
        json={"org": "ALPHA", "instruction": "push the 2 earliest cranes by 1 week"},
        headers=await api.login("alice"),
    )
    assert proposal.status_code == 200, proposal.text
    settings = api.settings.model_copy(update={"ai_requests_per_minute": 3})
    async with running_api(settings, api.db_url) as other:
        limited = await ask(other, "alice", {"org": "ALPHA", "question": "how many records"})
        assert limited.status_code == 429, limited.text
        assert limited.json()["error"] == "TooManyRequests"
        assert "at most 3 assistant requests a minute" in limited.json()["detail"]
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        # another user has a budget of their own
        other_user = await ask(other, "bob", {"org": "ALPHA", "question": "how many records"})
        assert other_user.is_success


async def test_a_parallel_burst_is_counted_as_it_starts(api: Api, world: World) -> None:
    """The minute's budget is taken when a request starts: of 12 questions sent at once with
    a budget of 5, 5 are answered and 7 refused at once (429 with Retry-After)."""
    app_state(api.app).settings.ai_requests_per_minute = 5
    _ai(api).admission = AiAdmission(total=4, per_user=50)  # only the budget counts
    body = {"org": "ALPHA", "question": "how many records"}
    await api.login("alice")
    answers = await asyncio.gather(*(ask(api, "alice", body) for _ in range(12)))
    assert Counter(a.status_code for a in answers) == {200: 5, 429: 7}
    for refused in (a for a in answers if a.status_code == 429):
        assert refused.json()["error"] == "TooManyRequests"
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
    async with await api.db() as conn:
        cur = await conn.execute("SELECT outcome, count(*) AS n FROM pfa_ai_audit GROUP BY 1")
        assert {r["outcome"]: r["n"] for r in await cur.fetchall()} == {"ok": 5}


async def test_one_user_runs_few_requests_at_a_time(api: Api, world: World) -> None:
    """Beyond PFA_AI_MAX_CONCURRENCY_PER_USER running requests, the next ones of that user are
    refused at once (429), not queued; another user is not affected."""
    assert _ai(api).admission.per_user == 2
    body = {"org": "ALPHA", "question": "the 3 earliest starting cranes"}
    await api.login("alice")
    await api.login("bob")
    answers = await asyncio.gather(
        *(ask(api, "alice", body) for _ in range(8)), ask(api, "bob", body)
    )
    statuses = Counter(a.status_code for a in answers[:8])
    assert set(statuses) == {200, 429}, statuses
    assert statuses[200] >= 2, statuses
    refused = next(a for a in answers if a.status_code == 429)
    assert "at most 2 assistant requests of one user run at a time" in refused.json()["detail"]
    assert refused.headers["Retry-After"] == "1"
    assert answers[8].status_code == 200, answers[8].text
