"""The read operations: each timed over HTTP against the real server, with its floor.

Every operation first checks its answer once (right status, right number of records and of
drafted records, right figures) so that a fast wrong answer can never pass for a fast one.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import httpx

from pfa_vanguard.bench import processes
from pfa_vanguard.bench.client import BROWSER_ENCODINGS, RawAnswer
from pfa_vanguard.bench.context import BenchContext, OpResult, sql_floor
from pfa_vanguard.bench.dataset import q
from pfa_vanguard.bench.timing import Failed, Samples, measure


def _records_path(ctx: BenchContext) -> str:
    return f"/api/pfa/{ctx.org_code}"


def _expect(answer: RawAnswer, status: int = 200) -> None:
    if answer.status != status:
        raise Failed(f"HTTP {answer.status} (expected {status}): {answer.body[:200]!r}")


async def _timed_read(
    ctx: BenchContext, params: dict[str, str], *, cold: bool = False
) -> tuple[Samples, RawAnswer]:
    """Time GET /api/pfa/{org} with `params`; returns the samples and one answer.

    `cold`: every request carries a different `limit`, larger than the answer (which it does
    not change), so the server's per-user cache of answers can never serve it: the figure is
    the cost of computing the answer, not of repeating it."""
    last: list[RawAnswer] = []
    turn = [0]

    async def attempt() -> None:
        sent = dict(params)
        if cold:
            turn[0] += 1
            sent["limit"] = str(100_000 - turn[0])
        answer = await ctx.user.raw_get(_records_path(ctx), params=sent)
        _expect(answer)
        last[:] = [answer]

    samples = await measure(attempt, repetitions=ctx.repetitions, warmup=3)
    if not last:
        raise Failed(f"GET {_records_path(ctx)} {params} never succeeded: {samples.notes}")
    return samples, last[0]


async def _warm(ctx: BenchContext, params: dict[str, str]) -> dict[str, float | None]:
    """The same request repeated (an answer the server may keep): for the details."""
    samples, _ = await _timed_read(ctx, params)
    return {"warm_p50_ms": samples.p(50), "warm_p95_ms": samples.p(95)}


def _check_records(answer: RawAnswer, total: int, drafted: int | None, what: str) -> dict[str, Any]:
    """Decode once and verify the merged answer; returns facts for the report."""
    document = answer.json()
    records = document.get("records", [])
    with_draft = sum(1 for r in records if r.get("hasDraft"))
    if len(records) != total or (drafted is not None and with_draft != drafted):
        raise Failed(
            f"{what}: {len(records)} records ({with_draft} drafted), expected {total}"
            f" ({drafted} drafted)"
        )
    return {
        "records": len(records),
        "drafted": with_draft,
        "wire_bytes": len(answer.body),
        "json_bytes": len(answer.decoded()),
        "content_encoding": answer.headers.get("content-encoding", "identity"),
    }


async def load_org(ctx: BenchContext) -> OpResult:
    samples, answer = await _timed_read(ctx, {})
    details = _check_records(answer, ctx.records, len(ctx.targets), "load_org")
    floor = await _transport_floor(ctx, answer)
    params = {"org_id": ctx.org_id, "user_id": ctx.user_id}
    sql = await sql_floor(ctx.db_url, q("floor_load_org"), params, min(ctx.repetitions, 20))
    details["sql_floor_p50_ms"] = sql.p(50)
    details["sql_floor_p95_ms"] = sql.p(95)
    details["floor"] = (
        "transport floor: the API's own answer bytes served from memory by a bare Starlette "
        "app over loopback; sql_floor: json_agg of the merged records"
    )
    return OpResult("load_org", samples, floor=floor, details=details)


async def _transport_floor(ctx: BenchContext, answer: RawAnswer) -> Samples:
    encoding = answer.headers.get("content-encoding", "identity")
    with tempfile.TemporaryDirectory(prefix="pfa-bench-") as folder:
        body = Path(folder) / "body"
        body.write_bytes(answer.body)
        with processes.floor_server(body, encoding) as url:
            async with httpx.AsyncClient(timeout=60) as http:

                async def attempt() -> None:
                    headers = {"Accept-Encoding": BROWSER_ENCODINGS}
                    async with http.stream("GET", url, headers=headers) as reply:
                        async for _ in reply.aiter_raw():
                            pass
                    if reply.status_code != 200:
                        raise Failed(f"floor server answered {reply.status_code}")

                return await measure(attempt, repetitions=ctx.repetitions, warmup=3)


async def load_org_revalidate(ctx: BenchContext) -> OpResult:
    first = await ctx.user.raw_get(_records_path(ctx))
    _expect(first)
    etag = first.headers.get("etag")
    if not etag:
        raise Failed("the merged read sends no ETag")

    async def attempt() -> None:
        _expect(await ctx.user.raw_get(_records_path(ctx), headers={"If-None-Match": etag}), 304)

    samples = await measure(attempt, repetitions=ctx.repetitions, warmup=3)
    floor = await sql_floor(
        ctx.db_url,
        q("floor_revalidate"),
        {"org_id": ctx.org_id, "user_id": ctx.user_id},
        ctx.repetitions,
    )
    return OpResult(
        "load_org_revalidate",
        samples,
        floor=floor,
        details={"floor": "mirror version + the user's drafts fingerprint, in SQL"},
    )


async def filter_category(ctx: BenchContext, expected: int) -> OpResult:
    samples, answer = await _timed_read(ctx, {"category": ctx.category}, cold=True)
    details = _check_records(answer, expected, None, "filter_category")
    details["category"] = ctx.category
    details.update(await _warm(ctx, {"category": ctx.category}))
    floor = await sql_floor(
        ctx.db_url,
        q("floor_filter_category"),
        {"org_id": ctx.org_id, "user_id": ctx.user_id, "category": ctx.category},
        ctx.repetitions,
    )
    details["floor"] = "json_agg of the category's merged records, in SQL"
    return OpResult("filter_category", samples, floor=floor, details=details)


async def filter_dates(ctx: BenchContext) -> OpResult:
    start, end = ctx.month
    params = {"from": start.isoformat(), "to": end.isoformat()}
    floor_params = {"org_id": ctx.org_id, "user_id": ctx.user_id, "from": start, "to": end}
    floor = await sql_floor(ctx.db_url, q("floor_filter_dates"), floor_params, ctx.repetitions)
    samples, answer = await _timed_read(ctx, params, cold=True)
    document = answer.json()
    details: dict[str, Any] = {
        "records": len(document.get("records", [])),
        "wire_bytes": len(answer.body),
        "window": f"{start}..{end}",
        **await _warm(ctx, params),
        "floor": "json_agg of the merged records whose forecast window overlaps, in SQL",
    }
    return OpResult("filter_dates", samples, floor=floor, details=details)


async def kpi(ctx: BenchContext) -> OpResult:
    path = f"/api/pfa/{ctx.org_code}/kpi"
    board = await ctx.user.get_json(path, {"drafts": "true"})
    if "pending" not in board and "current" not in board:
        raise Failed(f"the KPI board has neither current nor pending: {list(board)[:10]}")

    async def attempt() -> None:
        _expect(await ctx.user.raw_get(path, params={"drafts": "true"}))

    samples = await measure(attempt, repetitions=ctx.repetitions, warmup=3)
    floor = await sql_floor(
        ctx.db_url,
        q("floor_kpi"),
        {"org_id": ctx.org_id, "user_id": ctx.user_id},
        ctx.repetitions,
    )
    return OpResult(
        "kpi",
        samples,
        floor=floor,
        details={"floor": "pfa_kpi_summary + the delta of the drafted records, in SQL"},
    )


async def ai_query(ctx: BenchContext) -> OpResult:
    body = {"org": ctx.org_code, "question": ctx.ai.text}
    executions: list[float] = []
    answers: list[Any] = []

    async def attempt() -> None:
        answer = await ctx.user.post_json("/api/ai/query", body)
        executions.append(float(answer["durationMs"]))
        answers[:] = [answer]

    samples = await measure(attempt, repetitions=ctx.repetitions, warmup=3)
    params = {
        "org_id": ctx.org_id,
        "user_id": ctx.user_id,
        "category": ctx.ai.category,
        "source": ctx.ai.source,
        "area": ctx.ai.area,
    }
    floor = await sql_floor(ctx.db_url, q("floor_ai_query"), params, ctx.repetitions)
    timed = Samples(durations_ms=executions[3:])
    details: dict[str, Any] = {
        "question": ctx.ai.text,
        "execution_p50_ms": timed.p(50),
        "execution_p95_ms": timed.p(95),
        "floor": "the same total written by hand over pfa_mirror + the user's drafts",
    }
    if answers:
        details["sql"] = answers[0].get("sql")
        details["rows"] = answers[0].get("rows")
    return OpResult("ai_query", samples, floor=floor, details=details)
