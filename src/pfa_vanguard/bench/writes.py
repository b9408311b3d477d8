"""The write operations: saving a draft, committing 200 drafts to the simulator, and syncing a
50K-record organization from it (full, then again with nothing changed)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from pfa_vanguard.bench.context import BenchContext, OpResult, sql_floor
from pfa_vanguard.bench.dataset import q
from pfa_vanguard.bench.population import create_drafts, discard_drafts, pick_targets
from pfa_vanguard.bench.timing import Failed, measure
from pfa_vanguard.pems import PemsClient, PemsConfig
from pfa_vanguard.sync.results import SyncResult
from pfa_vanguard.sync.service import sync_org


async def save_draft(ctx: BenchContext) -> OpResult:
    """One draft saved per request, on records already drafted (their count stays 200); each
    save really changes the draft (the forecast end alternates between two values)."""
    path = f"/api/pfa/{ctx.org_code}/draft"
    turn = [0]

    async def attempt() -> None:
        n = turn[0]
        turn[0] += 1
        target = ctx.targets[n % len(ctx.targets)]
        shift = 31 if (n // len(ctx.targets)) % 2 == 0 else 30
        await ctx.user.post_json(
            path, {"recordId": target.record_id, "changes": target.changes(shift)}
        )

    samples = await measure(attempt, repetitions=ctx.repetitions, warmup=3)
    target = ctx.targets[0]
    floor = await sql_floor(
        ctx.db_url,
        q("floor_save_draft"),
        {
            "user_id": ctx.user_id,
            "org_id": ctx.org_id,
            "record_id": target.record_id,
            "changes": Jsonb(target.changes(30)),
        },
        ctx.repetitions,
        commit=True,
    )
    return OpResult(
        "save_draft",
        samples,
        floor=floor,
        details={"floor": "one UPDATE of the draft row + COMMIT, in SQL"},
    )


async def commit_200(ctx: BenchContext) -> OpResult:
    """Before each measured commit (untimed): discard, then draft the same 200 records again
    (30 days more than their forecast end as the previous commit left it)."""
    path = f"/api/pfa/{ctx.org_code}/commit"

    async def prepare() -> None:
        await discard_drafts(ctx.user, ctx.org_code)
        targets = await pick_targets(ctx.db_url, ctx.org_id, ctx.records, len(ctx.targets))
        await create_drafts(ctx.user, ctx.org_code, targets)

    async def attempt() -> None:
        answer = await ctx.user.post_json(path, {}, headers={"Idempotency-Key": uuid.uuid4().hex})
        committed = len(answer.get("committed", []))
        if committed != len(ctx.targets) or answer.get("failed"):
            raise Failed(f"committed {committed} of {len(ctx.targets)}: {answer.get('failed')}")

    samples = await measure(
        attempt, repetitions=ctx.commit_repetitions, warmup=1, before_each=prepare
    )
    await prepare()  # leave the benchmark user with its 200 drafts
    return OpResult(
        "commit_200",
        samples,
        details={"repetitions": ctx.commit_repetitions, "drafts": len(ctx.targets)},
    )


async def _sync(ctx: BenchContext, conn: psycopg.AsyncConnection[Any]) -> SyncResult:
    async with PemsClient(PemsConfig(base_url=ctx.pems_url)) as client:
        return await sync_org(conn, client, ctx.sync_org, full=True, trigger="benchmark")


async def _flush_stats(conn: psycopg.AsyncConnection[Any]) -> None:
    """Make the sync session's table statistics visible to other sessions now (they are
    otherwise flushed when the session has been idle for a while)."""
    await conn.execute(q("force_stat_flush"))
    await conn.execute(q("force_stat_flush"))
    await asyncio.sleep(0.2)


async def _rows_written(url: str) -> int:
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        await conn.execute(q("clear_stat_snapshot"))
        cur = await conn.execute(q("rows_written"))
        row = await cur.fetchone()
        return int(row[0]) if row else 0


async def sync_full_and_noop(ctx: BenchContext) -> tuple[OpResult, OpResult, int]:
    """sync_full: the sync organization's mirror rows are removed (untimed) before each full
    sync of its 50K records from the simulator. sync_noop: the same full sync again with PEMS
    unchanged; returns the rows the no-op syncs wrote (statistics counters; must be 0)."""
    async with await psycopg.AsyncConnection.connect(
        ctx.db_url, autocommit=True, row_factory=dict_row
    ) as conn:

        async def reset() -> None:
            await conn.execute(q("delete_org_mirror"), {"org_id": ctx.sync_org_id})
            await conn.execute(q("delete_org_removed"), {"org_id": ctx.sync_org_id})
            await conn.execute(q("reset_org_sync_state"), {"org_id": ctx.sync_org_id})
            await conn.execute(q("vacuum_mirror"))

        results: list[SyncResult] = []

        async def full() -> None:
            result = await _sync(ctx, conn)
            results.append(result)
            if result.status != "succeeded" or result.inserted != ctx.records:
                raise Failed(f"full sync: {result.status} {result.counts()} {result.error}")

        full_samples = await measure(
            full, repetitions=ctx.sync_repetitions, warmup=1, before_each=reset
        )
        await _flush_stats(conn)
        written_before = await _rows_written(ctx.db_url)
        noop_results: list[SyncResult] = []

        async def noop() -> None:
            result = await _sync(ctx, conn)
            noop_results.append(result)
            if result.status != "succeeded" or result.changed:
                raise Failed(f"no-op sync changed rows: {result.counts()} {result.error}")

        noop_samples = await measure(noop, repetitions=ctx.sync_repetitions, warmup=0)
        await _flush_stats(conn)
        written = await _rows_written(ctx.db_url) - written_before
    return (
        OpResult("sync_full", full_samples, details=_sync_details(results, ctx)),
        OpResult(
            "sync_noop",
            noop_samples,
            details={**_sync_details(noop_results, ctx), "rows_written": written},
        ),
        written,
    )


def _sync_details(results: list[SyncResult], ctx: BenchContext) -> dict[str, Any]:
    last = results[-1] if results else None
    return {
        "organization": ctx.sync_org,
        "repetitions": ctx.sync_repetitions,
        "last_counts": last.counts() if last else None,
        "reported_duration_ms": [r.duration_ms for r in results],
        "fetch_ms": [r.fetch_ms for r in results],
        "apply_ms": [r.apply_ms for r in results],
    }
