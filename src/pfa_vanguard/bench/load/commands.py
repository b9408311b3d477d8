"""`pfa loadtest`: 50 users for 2 minutes (by default) against a real `pfa serve` on loopback,
on an organization synced from the simulator; prints p50/p95/p99 per operation and the error
count, optionally writes the Markdown table to a file. `--ai-burst N` adds one user asking the
assistant N questions at a time all along; the caller's PFA_AI_* variables (e.g.
PFA_AI_REQUESTS_PER_MINUTE) then reach the server. Exit code 1 when any request failed (for
the burst: any answer but 200 and 429)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from pfa_vanguard.bench.load.driver import POLL_S, run_load
from pfa_vanguard.bench.load.environment import load_environment
from pfa_vanguard.db import embedded
from pfa_vanguard.settings import Settings

console = Console()


def loadtest_command(
    users: Annotated[int, typer.Option(min=1, max=500, help="concurrent users")] = 50,
    duration: Annotated[float, typer.Option(min=1, help="seconds of load")] = 120.0,
    records: Annotated[int, typer.Option(min=10, help="records of the organization")] = 20_000,
    org: Annotated[str, typer.Option(help="organization code")] = "LOAD",
    think: Annotated[float, typer.Option(min=0, help="mean think time per user, s")] = 1.0,
    out: Annotated[Path | None, typer.Option(help="write the Markdown table here")] = None,
    workers: Annotated[int, typer.Option(min=1, help="processes of `pfa serve --workers`")] = 1,
    poll: Annotated[
        float, typer.Option(min=0.5, help="seconds between each screen's delta reads")
    ] = POLL_S,
    ai_burst: Annotated[
        int, typer.Option(min=0, max=200, help="one more user asking N AI questions at a time")
    ] = 0,
) -> None:
    """Run the load scenario (database: PFA_DATABASE_URL or the embedded server)."""
    settings = Settings()
    workdir = settings.resolved_data_dir
    console.print(
        f"preparing {org} ({records} records), {users} users, pfa serve --workers {workers} ..."
    )
    embedded_here = settings.database_url is None and not embedded.is_running(workdir)
    try:
        ai_env = {k: v for k, v in os.environ.items() if k.startswith("PFA_AI_")}
        with load_environment(
            settings, workdir, org=org, records=records, users=users + bool(ai_burst),
            workers=workers, server_env=ai_env if ai_burst else None,
        ) as env:  # fmt: skip
            burst = f" + an AI burst of {ai_burst}" if ai_burst else ""
            console.print(f"running {users} users{burst} for {duration:.0f} s at {env.api_url}")
            load = run_load(
                env.api_url, env.org, env.users, duration, think_s=think, poll_s=poll,
                ai_burst=ai_burst,
            )  # fmt: skip
            report = asyncio.run(load)
    finally:
        if embedded_here:  # the embedded server this run started
            embedded.stop(workdir)
    table = report.markdown()
    console.print(table, markup=False, highlight=False)
    for name, stats in report.ops.items():
        for example in stats.examples:
            console.print(f"{name}: {example}", markup=False)
    for example in report.burst.examples if report.burst is not None else ():
        console.print(f"ai burst: {example}", markup=False)
    if out is not None:
        out.write_text(table + "\n")
    if report.errors:
        raise typer.Exit(1)
