"""A whole benchmark run: database, simulator, server, every operation, the report.

Order: setup (not measured: bulk load, users, 200 drafts, the organization under test synced
with the simulator), then reads, save_draft, concurrent, commit_200, sync_full, sync_noop and
storage. Child processes (simulator, server, floor server) are stopped whatever happens.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import psycopg
from psycopg.rows import dict_row

from pfa_vanguard.bench import crowd, freshness, population, processes, reads, writes
from pfa_vanguard.bench.client import UserClient
from pfa_vanguard.bench.context import AiQuestion, BenchContext, OpResult
from pfa_vanguard.bench.dataset import BENCH_DATABASE, prepare_dataset, q
from pfa_vanguard.bench.report import Report, machine_description, now
from pfa_vanguard.bench.timing import Failed, Samples
from pfa_vanguard.pems import PemsClient, PemsConfig
from pfa_vanguard.pems.simulator import DEMO_ORGS
from pfa_vanguard.settings import Settings
from pfa_vanguard.sync.service import sync_org

OPERATIONS = (
    "load_org",
    "load_org_revalidate",
    "load_org_delta",
    "filter_category",
    "filter_dates",
    "kpi",
    "ai_query",
    "save_draft",
    "concurrent",
    "commit_200",
    "sync_full",
    "sync_noop",
    "storage",
)
SYNC_ORG = "BENCHSYNC"  # reloaded from the simulator by sync_full; not one of the --orgs
AI_QUESTION = AiQuestion(
    text="total forecast cost of rental cranes in area A01 Process Train 1",
    category="Crane",
    source="Rental",
    area="A01 Process Train 1",
)
Say = Callable[[str], None]


@dataclass(frozen=True)
class BenchConfig:
    orgs: int = 20
    records_per_org: int = 50_000
    out: Path = Path("bench-results")
    only: tuple[str, ...] = ()
    seed: int = 42
    repetitions: int = 100
    commit_repetitions: int = 5
    sync_repetitions: int = 5
    concurrent_users: int = 20
    concurrent_seconds: float = 60.0
    think_ms: float = 1000.0
    load_workers: int = 2
    database: str = BENCH_DATABASE

    def selected(self) -> list[str]:
        return [op for op in OPERATIONS if not self.only or op in self.only]


def org_codes(count: int) -> list[str]:
    extra = [f"ORG{n:03d}" for n in range(len(DEMO_ORGS) + 1, count + 1)]
    return [*DEMO_ORGS, *extra][:count]


def run(config: BenchConfig, settings: Settings, say: Say) -> Report:
    started_at = now()
    codes = org_codes(config.orgs)
    under_test = codes[0]
    dataset = prepare_dataset(
        settings,
        [*codes, SYNC_ORG],
        config.records_per_org,
        config.seed,
        workers=config.load_workers,
        database=config.database,
        progress=say,
    )
    say(
        f"database ready in {dataset.seconds:.1f}s (loaded {len(dataset.loaded)}, "
        f"reused {len(dataset.reused)} organizations)"
    )
    setup: dict[str, Any] = {
        "dataset_seconds": round(dataset.seconds, 1),
        "loaded": dataset.loaded,
        "reused": dataset.reused,
        "org_under_test": under_test,
    }
    results: dict[str, OpResult] = {}
    written: int | None = None
    say("starting the PEMS simulator")
    with processes.simulator(
        [*codes, SYNC_ORG], config.records_per_org, config.seed, ready=[under_test, SYNC_ORG]
    ) as sim:
        aligned = asyncio.run(_align(dataset.url, sim.url, under_test))
        setup["alignment_sync"] = aligned
        say(f"{under_test} aligned with the simulator: {aligned}")
        say("starting pfa serve")
        with processes.api_server(
            dataset.url,
            sim.url,
            settings.resolved_data_dir,
            extra_env={
                "PFA_SECRET_KEY": secrets.token_hex(32),
                "PFA_AI_PROVIDER": "offline",
                # one user asks 100+ questions in a row: measured, not rate-limited
                "PFA_AI_REQUESTS_PER_MINUTE": "1000000",
            },
        ) as api:
            written = asyncio.run(
                _measure(
                    config,
                    dataset.url,
                    sim.url,
                    api,
                    under_test,
                    dataset.org_ids,
                    results,
                    say,
                    settings.resolved_data_dir,
                )
            )
    storage = (
        _storage(dataset.url, config.records_per_org) if "storage" in config.selected() else None
    )
    return Report(
        orgs=config.orgs,
        records_per_org=config.records_per_org,
        machine=machine_description(),
        results=results,
        storage=storage,
        sync_noop_rows_written=written,
        setup=setup,
        started_at=started_at,
    )


async def _align(url: str, pems_url: str, code: str) -> dict[str, int]:
    """A full sync of the organization under test: undoes what earlier runs' commits wrote
    through, so that its versions match the (freshly generated) simulator's."""
    async with (
        await psycopg.AsyncConnection.connect(url, autocommit=True) as conn,
        PemsClient(PemsConfig(base_url=pems_url)) as client,
    ):
        result = await sync_org(conn, client, code, full=True, trigger="benchmark")
    if result.status != "succeeded":
        raise RuntimeError(f"aligning {code} with the simulator failed: {result.error}")
    return result.counts()


async def _measure(
    config: BenchConfig,
    url: str,
    pems_url: str,
    api: str,
    code: str,
    org_ids: dict[str, int],
    results: dict[str, OpResult],
    say: Say,
    data_dir: Path,
) -> int | None:
    selected = config.selected()
    crowd_names = population.crowd_names(config.concurrent_users)
    ids = await population.ensure_users(url, code, [population.BENCH_USER, *crowd_names])
    await population.discard_all(url, org_ids[code], list(ids.values()))
    targets = await population.pick_targets(
        url, org_ids[code], config.records_per_org, population.DRAFTS
    )
    written: list[int] = []
    async with UserClient(api) as user:
        await user.login(population.BENCH_USER, population.BENCH_PASSWORD)
        await population.create_drafts(user, code, targets)
        category, category_records = await _category(url, org_ids[code], config.records_per_org)
        ctx = BenchContext(
            api_url=api,
            db_url=url,
            pems_url=pems_url,
            org_code=code,
            org_id=org_ids[code],
            records=config.records_per_org,
            user=user,
            user_id=ids[population.BENCH_USER],
            targets=targets,
            repetitions=config.repetitions,
            out=config.out,
            category=category,
            month=await _month(url, org_ids[code], category_records),
            ai=AI_QUESTION,
            sync_org=SYNC_ORG,
            sync_org_id=org_ids[SYNC_ORG],
            sync_repetitions=config.sync_repetitions,
            commit_repetitions=config.commit_repetitions,
            concurrent_users=config.concurrent_users,
            concurrent_seconds=config.concurrent_seconds,
            think_ms=config.think_ms,
            data_dir=data_dir,
        )
        steps: list[tuple[str, Callable[[], Awaitable[list[OpResult]]]]] = [
            ("load_org", lambda: _one(reads.load_org(ctx))),
            ("load_org_revalidate", lambda: _one(reads.load_org_revalidate(ctx))),
            ("load_org_delta", lambda: _one(freshness.load_org_delta(ctx))),
            ("filter_category", lambda: _one(reads.filter_category(ctx, category_records))),
            ("filter_dates", lambda: _one(reads.filter_dates(ctx))),
            ("kpi", lambda: _one(reads.kpi(ctx))),
            ("ai_query", lambda: _one(reads.ai_query(ctx))),
            ("save_draft", lambda: _one(writes.save_draft(ctx))),
            ("concurrent", lambda: _one(_concurrent(ctx, crowd_names, results))),
            ("commit_200", lambda: _one(writes.commit_200(ctx))),
            ("sync_full", lambda: _syncs(ctx, written)),
        ]
        for name, step in steps:
            wanted = name in selected or (name in crowd.MIX and "concurrent" in selected)
            if name == "sync_full":
                wanted = "sync_full" in selected or "sync_noop" in selected
            if not wanted:
                continue
            say(f"measuring {name}")
            started = time.perf_counter()
            try:
                measured = await step()
            except (Failed, httpx.HTTPError, RuntimeError) as exc:
                say(f"  {name} failed: {type(exc).__name__}: {exc}")
                failed = Samples(errors=1, notes=[f"{type(exc).__name__}: {exc}"[:500]])
                measured = [OpResult(name, failed)]
            for result in measured:
                results[result.name] = result
                say(
                    f"  {result.name}: p50 {result.samples.p(50) or 0:.1f} ms, p95 "
                    f"{result.samples.p(95) or 0:.1f} ms, errors {result.samples.errors} "
                    f"({time.perf_counter() - started:.0f}s)"
                )
        for name in [n for n in crowd.MIX if n not in selected]:
            results.pop(name, None)  # measured only as the concurrent phase's reference
        for name in ("sync_full", "sync_noop"):
            if name not in selected:
                results.pop(name, None)
    return written[0] if written else None


async def _one(operation: Awaitable[OpResult]) -> list[OpResult]:
    return [await operation]


async def _syncs(ctx: BenchContext, written: list[int]) -> list[OpResult]:
    full, noop, rows = await writes.sync_full_and_noop(ctx)
    written.append(rows)
    return [full, noop]


async def _concurrent(
    ctx: BenchContext, names: Sequence[str], single: dict[str, OpResult]
) -> OpResult:
    clients = [UserClient(ctx.api_url) for _ in names]
    try:
        targets: dict[str, list[population.DraftTarget]] = {}
        for n, (client, name) in enumerate(zip(clients, names, strict=True)):
            await client.login(name, population.BENCH_PASSWORD)
            mine = await population.pick_targets(ctx.db_url, ctx.org_id, ctx.records, 50, n + 1)
            await population.create_drafts(client, ctx.org_code, mine[:20])
            targets[name] = mine
        single_samples: dict[str, Samples] = {k: v.samples for k, v in single.items()}
        return await crowd.concurrent(ctx, clients, targets, single_samples)
    finally:
        for client in clients:
            await client.__aexit__(None, None, None)


async def _category(url: str, org_id: int, records: int) -> tuple[str, int]:
    """The category whose size is closest to 8% of the organization (~4K of 50K)."""
    async with await psycopg.AsyncConnection.connect(url, row_factory=dict_row) as conn:
        cur = await conn.execute(q("category_sizes"), {"org_id": org_id})
        rows = await cur.fetchall()
    best = min(rows, key=lambda r: (abs(int(r["records"]) - records * 0.08), r["category"]))
    return str(best["category"]), int(best["records"])


async def _month(url: str, org_id: int, like: int) -> tuple[date, date]:
    """The month whose overlapping forecast windows are closest in number to `like` (the
    category filter's answer), so both filters return answers of about the same size."""
    async with await psycopg.AsyncConnection.connect(url, row_factory=dict_row) as conn:
        cur = await conn.execute(q("month_overlaps"), {"org_id": org_id})
        rows = await cur.fetchall()
    best = min(rows, key=lambda r: (abs(int(r["records"]) - like), r["first"]))
    return best["first"], best["last"]


def _storage(url: str, records_per_org: int) -> dict[str, Any]:
    with psycopg.connect(url, row_factory=dict_row) as conn:
        row = conn.execute(q("mirror_storage"), {"sync_org": SYNC_ORG}).fetchone()
    assert row is not None
    figures = {k: int(v) for k, v in row.items()}
    total, records = figures["total_bytes"], figures["records"]
    if records == 0:  # one partition (or none) holds everything: count the sync target too
        total += figures["sync_target_bytes"]
        records = figures["sync_target_records"]
    records = records or 1
    figures["bytes_per_org"] = round(total * records_per_org / records)
    figures["bytes_per_record"] = round(total / records)
    return figures
