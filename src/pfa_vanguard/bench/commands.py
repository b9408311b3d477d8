"""`pfa bench`: the performance benchmark (docs/benchmarks.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from pfa_vanguard.bench.dataset import BENCH_DATABASE
from pfa_vanguard.bench.runner import OPERATIONS, BenchConfig, run
from pfa_vanguard.settings import Settings


def bench_command(
    orgs: Annotated[int, typer.Option(help="organizations to load", min=1)] = 20,
    records_per_org: Annotated[
        int, typer.Option(help="records per organization", min=200)
    ] = 50_000,
    out: Annotated[Path, typer.Option(help="where bench.json and bench.md go")] = Path(
        "bench-results"
    ),
    only: Annotated[
        list[str] | None,
        typer.Option(help=f"measure only these operations (repeatable): {', '.join(OPERATIONS)}"),
    ] = None,
    repetitions: Annotated[int, typer.Option(help="measured requests per read", min=1)] = 100,
    commit_repetitions: Annotated[int, typer.Option(help="measured commits of 200", min=1)] = 5,
    sync_repetitions: Annotated[int, typer.Option(help="measured syncs of each kind", min=1)] = 5,
    users: Annotated[int, typer.Option(help="users of the concurrent phase", min=1)] = 20,
    seconds: Annotated[float, typer.Option(help="length of the concurrent phase")] = 60.0,
    think_ms: Annotated[float, typer.Option(help="mean pause between a user's actions")] = 1000.0,
    seed: Annotated[int, typer.Option(help="data generator seed")] = 42,
    database: Annotated[
        str, typer.Option(help="the benchmark's own database on the configured server")
    ] = BENCH_DATABASE,
) -> None:
    """Load orgs x records into a separate database (pfa_bench), start the real server and the
    PEMS simulator, and measure every operation (docs/benchmarks.md: p50/p95/p99, floor, ratio)."""
    console = Console()
    unknown = sorted(set(only or ()) - set(OPERATIONS))
    if unknown:
        raise typer.BadParameter(
            f"unknown operation(s) {', '.join(unknown)}; operations are: {', '.join(OPERATIONS)}"
        )
    config = BenchConfig(
        orgs=orgs,
        records_per_org=records_per_org,
        out=out,
        only=tuple(only or ()),
        seed=seed,
        repetitions=repetitions,
        commit_repetitions=commit_repetitions,
        sync_repetitions=sync_repetitions,
        concurrent_users=users,
        concurrent_seconds=seconds,
        think_ms=think_ms,
        database=database,
    )
    report = run(config, Settings(), console.log)
    report.write(out)
    report.print(console)
    console.print(f"written: {out / 'bench.json'}, {out / 'bench.md'}")
