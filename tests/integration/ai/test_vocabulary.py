"""Vocabulary without data leaving: a scripted OpenAI-compatible model, served over real HTTP,
answers right only when the organization's literals for the names in the question are in its
prompt (as a real model does: it cannot guess 'A04 Tank Farm' from "A04"), and the prompt
carries those literals and nothing else of the organization's."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import psycopg
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pfa_vanguard.ai.eval import DEMO_TODAY, evaluate, parse_questions
from pfa_vanguard.ai.executor import AppPool, ScopedExecutor, ai_database_url
from pfa_vanguard.ai.offline import Vocabulary
from pfa_vanguard.ai.prompt import build_prompt
from pfa_vanguard.ai.providers import OpenAICompatibleProvider
from pfa_vanguard.ai.service import AiService
from pfa_vanguard.ai.vocabulary import NameMatch, match_names, names_prompt
from pfa_vanguard.db.connection import make_pool
from pfa_vanguard.settings import Settings
from tests.integration.ai.demo_data import Demo, load_demo

# question -> (literals the model needs, SQL with them, SQL a model writes without them)
SCRIPT: dict[str, tuple[tuple[str, ...], str, str]] = {
    "how many light towers are in A04": (
        ("category = 'Light Tower'", "area_silo = 'A04 Tank Farm'"),
        "SELECT count(*) AS n FROM pfa_ai_records"
        " WHERE category = 'Light Tower' AND area_silo = 'A04 Tank Farm'",
        "SELECT count(*) AS n FROM pfa_ai_records"
        " WHERE category = 'light tower' AND area_silo = 'Area 4'",
    ),
    "total forecast cost of cranes in process train 1": (
        ("category = 'Crane'", "area_silo = 'A01 Process Train 1'"),
        "SELECT sum(forecast_cost) AS total FROM pfa_ai_records"
        " WHERE category = 'Crane' AND area_silo = 'A01 Process Train 1'",
        "SELECT sum(forecast_cost) AS total FROM pfa_ai_records"
        " WHERE category = 'Cranes' AND area_silo = 'Process Train 1'",
    ),
    "how many crn-twr cranes are on site": (
        ("equipment_class = 'CRN-TWR'",),
        "SELECT count(*) AS n FROM pfa_ai_records"
        " WHERE equipment_class = 'CRN-TWR' AND is_actualized",
        "SELECT count(*) AS n FROM pfa_ai_records"
        " WHERE equipment_class = 'crn-twr' AND is_actualized",
    ),
    "forecast cost of rented generaters in the tank farm": (
        ("category = 'Generator'", "source = 'Rental'", "area_silo = 'A04 Tank Farm'"),
        "SELECT sum(forecast_cost) AS total FROM pfa_ai_records WHERE category = 'Generator'"
        " AND source = 'Rental' AND area_silo = 'A04 Tank Farm'",
        "SELECT sum(forecast_cost) AS total FROM pfa_ai_records WHERE category = 'Generaters'"
        " AND source = 'rented' AND area_silo = 'Tank Farm'",
    ),
}
SCRIPT["how many lite towers in area four"] = (
    ("category = 'Light Tower'",),
    "SELECT count(*) AS n FROM pfa_ai_records WHERE category = 'Light Tower'",
    "SELECT count(*) AS n FROM pfa_ai_records"
    " WHERE category = 'light tower' AND area_silo = 'Area 4'",
)
QUESTIONS = """
-- [count] how many light towers are in A04
-- expect: scalar
SELECT count(*) FROM r WHERE category = 'Light Tower' AND area_silo = 'A04 Tank Farm'

-- [sum] total forecast cost of cranes in process train 1
-- expect: scalar
SELECT sum(forecast_cost) FROM r WHERE category = 'Crane' AND area_silo = 'A01 Process Train 1'

-- [count] how many crn-twr cranes are on site
-- expect: scalar
SELECT count(*) FROM r WHERE equipment_class = 'CRN-TWR' AND is_actualized

-- [sum] forecast cost of rented generaters in the tank farm
-- expect: scalar
SELECT sum(forecast_cost) FROM r WHERE category = 'Generator' AND source = 'Rental'
    AND area_silo = 'A04 Tank Farm'
"""


@dataclass
class Scripted:
    prompts: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)


def _reply(text: str) -> dict[str, Any]:
    return {"choices": [{"index": 0, "message": {"role": "assistant", "content": text}}]}


@pytest.fixture(scope="module")
async def model() -> AsyncIterator[tuple[str, Scripted]]:
    scripted = Scripted()

    async def chat(request: Request) -> Response:
        body = await request.json()
        system, user = (m["content"] for m in body["messages"])
        scripted.prompts.append(system)
        scripted.questions.append(user)
        if user not in SCRIPT:
            return JSONResponse(_reply("CANNOT ANSWER: not in my script"))
        needed, right, naive = SCRIPT[user]
        names = system.partition("Names in this question")[2]  # the literals it was given
        sql = right if all(literal in names for literal in needed) else naive
        return JSONResponse(_reply(f"```sql\n{sql}\n```"))

    app = Starlette(routes=[Route("/v1/chat/completions", chat, methods=["POST"])])
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", ws="none", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    for _ in range(1000):
        if server.started:
            break
        await asyncio.sleep(0.01)
    yield f"http://127.0.0.1:{port}/v1", scripted
    server.should_exit = True
    await task
    sock.close()


@pytest.fixture(scope="module")
async def demo(world_url: str) -> Demo:
    return await load_demo(world_url)


@pytest.fixture(scope="module")
async def pool(demo: Demo) -> AsyncIterator[AppPool]:
    app_pool: AppPool = make_pool(demo.url, min_size=1, max_size=3)
    await app_pool.open()
    yield app_pool
    await app_pool.close()


@pytest.fixture(scope="module")
async def executor(demo: Demo, pool: AppPool) -> AsyncIterator[ScopedExecutor]:
    ai_url = ai_database_url(Settings(ai_database_url=None), demo.url)
    async with ScopedExecutor(pool, ai_url, max_rows=1000, statement_timeout_ms=5000) as ex:
        yield ex


def _service(url: str, pool: AppPool, executor: ScopedExecutor) -> AiService:
    provider = OpenAICompatibleProvider(url, "scripted", None, 5.0)
    return AiService(pool, executor, provider, today=lambda: DEMO_TODAY)


async def test_the_model_answers_right_with_the_organizations_literals(
    model: tuple[str, Scripted], demo: Demo, pool: AppPool, executor: ScopedExecutor
) -> None:
    url, scripted = model
    scripted.prompts.clear()
    outcomes = await evaluate(
        _service(url, pool, executor),
        parse_questions(QUESTIONS),
        org_id=demo.rio,
        user_id=demo.alice,
        today=DEMO_TODAY,
    )
    assert [o.verdict for o in outcomes] == ["correct"] * 4, [o.detail for o in outcomes]
    # the prompt is the schema prompt plus the names of that question, nothing else
    assert scripted.prompts[0] == build_prompt(DEMO_TODAY) + names_prompt(
        [
            NameMatch("category", "Light Tower", "light towers"),
            NameMatch("forecast_category", "Light Tower", "light towers"),
            NameMatch("area_silo", "A04 Tank Farm", "a04"),
        ]
    )


async def test_without_the_literals_the_same_model_is_wrong(
    model: tuple[str, Scripted],
    demo: Demo,
    pool: AppPool,
    executor: ScopedExecutor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The check above can fail: with no names matched, the scripted model writes what a model
    guesses from the schema alone ('Area 4'), which runs and answers wrongly."""
    url, _ = model
    service = _service(url, pool, executor)

    async def no_names(org_id: int) -> Vocabulary:
        return Vocabulary()

    monkeypatch.setattr(service, "vocabulary", no_names)
    outcomes = await evaluate(
        service, parse_questions(QUESTIONS), org_id=demo.rio, user_id=demo.alice, today=DEMO_TODAY
    )
    assert [o.verdict for o in outcomes] == ["wrong"] * 4


async def test_an_empty_answer_from_a_name_that_matched_nothing_is_flagged(
    model: tuple[str, Scripted], demo: Demo, pool: AppPool, executor: ScopedExecutor
) -> None:
    """Words that name nothing of the organization ("lite towers", "area four") reach the
    model without literals; its guess runs, is empty, and the user is told why."""
    url, _ = model
    service = _service(url, pool, executor)
    answer = await service.ask(
        org_id=demo.rio, user_id=demo.alice, question="how many lite towers in area four"
    )
    assert answer.rows == [(0,)]
    assert answer.explanation.startswith(
        "Counted the records where category is 'light tower' and area is 'Area 4'"
    )
    warnings = " ".join(answer.warnings)
    assert "no area of this organization is called 'Area 4'; the closest is 'A04 Tank Farm'" in (
        warnings
    )
    assert "no category of this organization is called 'light tower'; the closest is " in (warnings)


async def test_no_row_and_no_other_name_reaches_the_model(
    model: tuple[str, Scripted], demo: Demo, pool: AppPool, executor: ScopedExecutor
) -> None:
    url, scripted = model
    scripted.prompts.clear()
    service = _service(url, pool, executor)
    for question in SCRIPT:
        await service.ask(org_id=demo.rio, user_id=demo.alice, question=question)
    with psycopg.connect(demo.url) as conn:
        rows = conn.execute(
            "SELECT id, doc ->> 'description', doc ->> 'equipment', doc ->> 'contract'"
            " FROM pfa_mirror WHERE organization_id = %s",
            [demo.rio],
        ).fetchall()
    vocabulary = await service.vocabulary(demo.rio)
    static = build_prompt(DEMO_TODAY)
    for question, prompt in zip(SCRIPT, scripted.prompts, strict=True):
        assert prompt.startswith(static)
        names = prompt[len(static) :]
        for row in rows:
            assert not any(value and value in prompt for value in row), row
        listed = set(re.findall(r"= '([^']*)'", names))
        assert listed == {m.value for m in match_names(question, vocabulary)}
        assert listed <= set(vocabulary.areas + vocabulary.categories + vocabulary.classes
                             + vocabulary.sources)  # fmt: skip


async def test_a_name_that_matches_nothing_is_said_to_the_model(
    model: tuple[str, Scripted], demo: Demo, pool: AppPool, executor: ScopedExecutor
) -> None:
    url, scripted = model
    scripted.prompts.clear()
    service = _service(url, pool, executor)
    with pytest.raises(Exception, match="not in my script"):
        await service.ask(org_id=demo.rio, user_id=demo.alice, question="how many unicorns")
    assert "none matched this organization's" in scripted.prompts[0]
