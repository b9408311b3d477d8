"""`concurrent`: simulated users at once for a while, each looping over a mixed workload
(load, filter, KPI, save) with a think time between actions, as people at a screen do.

Reported: the distribution over all requests, errors, and per operation; its floor is the
single-user p95 of the same mix (the single-user samples weighted by how often each operation
ran here), and the goal is at most twice that.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import httpx

from pfa_vanguard.bench.client import UserClient
from pfa_vanguard.bench.context import BenchContext, OpResult
from pfa_vanguard.bench.population import DraftTarget
from pfa_vanguard.bench.timing import Failed, Samples, weighted_percentile

# Share of each action in a user's session.
MIX: dict[str, float] = {
    "load_org": 0.15,
    "filter_category": 0.25,
    "filter_dates": 0.2,
    "kpi": 0.2,
    "save_draft": 0.2,
}

Action = Callable[[], Awaitable[None]]


def _actions(
    ctx: BenchContext, client: UserClient, targets: Sequence[DraftTarget], rng: random.Random
) -> dict[str, Action]:
    base = f"/api/pfa/{ctx.org_code}"
    start, end = ctx.month

    async def read(params: dict[str, str]) -> None:
        answer = await client.raw_get(base, params=params)
        if answer.status != 200:
            raise Failed(f"GET {params}: HTTP {answer.status}")

    async def kpi() -> None:
        answer = await client.raw_get(f"{base}/kpi", params={"drafts": "true"})
        if answer.status != 200:
            raise Failed(f"kpi: HTTP {answer.status}")

    async def save() -> None:
        target = rng.choice(targets)
        await client.post_json(
            f"{base}/draft",
            {"recordId": target.record_id, "changes": target.changes(rng.randint(1, 60))},
        )

    return {
        "load_org": lambda: read({}),
        "filter_category": lambda: read({"category": ctx.category}),
        "filter_dates": lambda: read({"from": start.isoformat(), "to": end.isoformat()}),
        "kpi": kpi,
        "save_draft": save,
    }


async def _user(
    ctx: BenchContext,
    client: UserClient,
    targets: Sequence[DraftTarget],
    seed: int,
    deadline: float,
    results: dict[str, Samples],
) -> None:
    rng = random.Random(seed)
    actions = _actions(ctx, client, targets, rng)
    names, weights = list(MIX), list(MIX.values())
    await asyncio.sleep(rng.uniform(0, ctx.think_ms / 1000))  # users do not start in step
    while time.monotonic() < deadline:
        name = rng.choices(names, weights)[0]
        started = time.perf_counter()
        try:
            await actions[name]()
        except (Failed, httpx.HTTPError) as exc:
            results[name].errors += 1
            if len(results[name].notes) < 3:
                results[name].notes.append(f"{type(exc).__name__}: {exc}")
        else:
            results[name].durations_ms.append((time.perf_counter() - started) * 1000)
        await asyncio.sleep(rng.uniform(0.5, 1.5) * ctx.think_ms / 1000)


async def concurrent(
    ctx: BenchContext,
    clients: Sequence[UserClient],
    targets: Mapping[str, Sequence[DraftTarget]],
    single_user: Mapping[str, Samples],
) -> OpResult:
    """Run `clients` (logged-in users) for ctx.concurrent_seconds; compare with `single_user`
    samples of the same operations."""
    results = {name: Samples() for name in MIX}
    deadline = time.monotonic() + ctx.concurrent_seconds
    await asyncio.gather(
        *[
            _user(ctx, client, targets[client.username], n, deadline, results)
            for n, client in enumerate(clients)
        ]
    )
    overall = Samples()
    for samples in results.values():
        overall.add(samples)
    groups = [
        (single_user[name].durations_ms, float(results[name].requests))
        for name in MIX
        if name in single_user
    ]
    single_p95 = weighted_percentile(groups, 95)
    details: dict[str, Any] = {
        "users": len(clients),
        "seconds": ctx.concurrent_seconds,
        "think_ms": ctx.think_ms,
        "mix": MIX,
        "single_user_mix_p95_ms": single_p95,
        "per_operation": {
            name: {
                "requests": s.requests,
                "errors": s.errors,
                "p50_ms": s.p(50),
                "p95_ms": s.p(95),
                "single_user_p95_ms": single_user[name].p(95) if name in single_user else None,
                "notes": s.notes,
            }
            for name, s in results.items()
        },
        "floor": "single-user p95 of the same mix; goal: p95 at most twice that, 0 errors",
    }
    return OpResult("concurrent", overall, floor_ms=single_p95, details=details)
