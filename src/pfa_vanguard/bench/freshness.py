"""load_org_delta: the read an open screen makes every few seconds to stay fresh
(GET /api/pfa/{org}/changes?since=N), timed after DELTA_RECORDS records changed, some of them
drafted by the benchmark user (their merged view and state are part of the answer)."""

from __future__ import annotations

from typing import Any

import psycopg

from pfa_vanguard.bench.context import BenchContext, OpResult, sql_floor
from pfa_vanguard.bench.dataset import q
from pfa_vanguard.bench.timing import Failed, measure
from pfa_vanguard.db.queries import load

DELTA_RECORDS = 50
DRAFTED_SHARE = 5  # of the DELTA_RECORDS, this many carry the benchmark user's drafts


async def _changed_ids(ctx: BenchContext) -> list[str]:
    drafted = [t.record_id for t in ctx.targets[:DRAFTED_SHARE]]
    async with await psycopg.AsyncConnection.connect(ctx.db_url) as conn:
        cur = await conn.execute(
            q("pick_records"),
            {
                "org_id": ctx.org_id,
                "step": max(1, ctx.records // (DELTA_RECORDS * 2)),
                "offset": 1,
                "count": DELTA_RECORDS * 2,
            },
        )
        spread = [str(r[0]) for r in await cur.fetchall() if str(r[0]) not in drafted]
        ids = [*drafted, *spread][:DELTA_RECORDS]
        await conn.execute(q("touch_records"), {"org_id": ctx.org_id, "ids": ids})
        await conn.commit()
    return ids


async def load_org_delta(ctx: BenchContext) -> OpResult:
    path = f"/api/pfa/{ctx.org_code}/changes"
    mark: dict[str, Any] = await ctx.user.get_json(path)
    since = int(mark["version"])
    ids = await _changed_ids(ctx)
    answer = await ctx.user.get_json(path, {"since": since})
    got = sorted(r["id"] for r in answer["records"])
    if got != sorted(ids) or answer["reload"]:
        raise Failed(f"the delta lists {len(got)} records, expected the {len(ids)} changed")
    drafted = sum(1 for r in answer["records"] if r["hasDraft"])
    if drafted != min(DRAFTED_SHARE, len(ctx.targets)):
        raise Failed(f"the delta shows {drafted} drafted records, expected {DRAFTED_SHARE}")

    async def attempt() -> None:
        await ctx.user.get_json(path, {"since": since})

    samples = await measure(attempt, repetitions=ctx.repetitions, warmup=3)

    async def idle() -> None:  # what most polls are: nothing changed since the screen's mark
        await ctx.user.get_json(path, {"since": answer["version"]})

    unchanged = await measure(idle, repetitions=ctx.repetitions, warmup=3)
    floor = await sql_floor(
        ctx.db_url,
        load("pfa_vanguard.mirror", "changes.sql")["changes_since"],
        {"org_id": ctx.org_id, "since": since, "limit": 2000},
        ctx.repetitions,
    )
    details = {
        "records": len(got),
        "drafted": drafted,
        "unchanged_p50_ms": unchanged.p(50),
        "unchanged_p95_ms": unchanged.p(95),
        "floor": "the changed rows and removals after the mark, in SQL (one index range scan)",
    }
    return OpResult("load_org_delta", samples, floor=floor, details=details)
