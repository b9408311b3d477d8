"""`pfa sync` (one sync now, with a progress bar) and `pfa worker` (the scheduler)."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Annotated, Any

import typer
from psycopg import AsyncConnection
from psycopg.rows import dict_row
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from pfa_vanguard.errors import PfaError
from pfa_vanguard.settings import Settings
from pfa_vanguard.sync.results import SyncProgress, SyncResult

console = Console()
err_console = Console(stderr=True)


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} rec/s" if speed else "", style="progress.data.speed")


def sync_command(
    orgs: Annotated[
        list[str] | None, typer.Argument(help="organization codes", show_default=False)
    ] = None,
    all_orgs: Annotated[bool, typer.Option("--all", help="every active organization")] = False,
    full: Annotated[
        bool, typer.Option("--full", help="full sync: also removes what PEMS no longer has")
    ] = False,
    pems_url: Annotated[
        str | None, typer.Option(help="PEMS base URL (default: PFA_PEMS_URL)")
    ] = None,
) -> None:
    """Sync organizations from PEMS now, with a progress bar. Exit code 1 if a sync failed.

    Without --full the sync is incremental, unless the organization was never fully synced or
    its last full sync is older than PFA_FULL_SYNC_EVERY_HOURS.
    """
    if bool(orgs) == all_orgs:
        err_console.print("[red]error:[/red] name organizations, or use --all (not both)")
        raise typer.Exit(2)
    from pfa_vanguard.db.connection import prepare_database
    from pfa_vanguard.pems import PemsConfig

    settings = Settings()
    try:
        config = PemsConfig.from_settings(settings, pems_url)
    except PfaError as exc:
        err_console.print(f"[red]error:[/red] {exc.detail}")
        raise typer.Exit(2) from None
    url = prepare_database(settings)
    try:
        results = asyncio.run(
            _sync_all(url, config, orgs or [], full=full or None, settings=settings)
        )
    except PfaError as exc:
        err_console.print(f"[red]error:[/red] {exc.detail}")
        raise typer.Exit(2) from None
    console.print(_summary(results))
    for result in results:
        if result.status != "succeeded" and result.error:
            err_console.print(f"[yellow]{result.org}[/yellow]: {result.error}")
    if any(r.status == "failed" for r in results):
        raise typer.Exit(1)


async def _sync_all(
    url: str, config: Any, codes: list[str], *, full: bool | None, settings: Settings
) -> list[SyncResult]:
    from datetime import timedelta

    from pfa_vanguard.errors import NotFound
    from pfa_vanguard.pems import PemsClient
    from pfa_vanguard.sync import repository as repo
    from pfa_vanguard.sync.service import sync_org

    results: list[SyncResult] = []
    async with await AsyncConnection.connect(url, row_factory=dict_row, autocommit=True) as conn:
        if not codes:
            codes = await repo.active_organization_codes(conn)
        unknown = [c for c in codes if await repo.get_organization(conn, c) is None]
        if unknown:
            raise NotFound(
                f"unknown organization(s): {', '.join(unknown)} (an organization is created by"
                " `pfa orgs add CODE`)"
            )
        async with PemsClient(config) as client:
            with Progress(
                SpinnerColumn(),
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                TextColumn("{task.completed:>9,.0f} records"),
                _RateColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=False,
            ) as progress:
                for code in codes:
                    task = progress.add_task(f"{code} connecting", total=None)

                    def show(event: SyncProgress, task: Any = task) -> None:
                        progress.update(
                            task,
                            completed=event.fetched,
                            total=max(event.expected, event.fetched) if event.expected else None,
                            description=f"{event.org} {event.phase}",
                        )

                    result = await sync_org(
                        conn,
                        client,
                        code,
                        full=full,
                        trigger="cli",
                        progress=show,
                        full_every=timedelta(hours=settings.full_sync_every_hours),
                    )
                    progress.update(
                        task, total=result.fetched or 1, completed=result.fetched or 1,
                        description=f"{code} {result.status}",
                    )  # fmt: skip
                    results.append(result)
    return results


def _summary(results: list[SyncResult]) -> Table:
    table = Table(title="sync")
    for column in ("org", "status", "kind", "fetched", "inserted", "updated", "unchanged",
                   "deleted", "conflicts", "orphaned", "seconds"):  # fmt: skip
        table.add_column(column, justify="left" if column in ("org", "status", "kind") else "right")
    colors = {"succeeded": "green", "failed": "red", "skipped": "yellow"}
    for r in results:
        counts = (r.fetched, r.inserted, r.updated, r.unchanged, r.deleted, r.conflicts, r.orphaned)
        table.add_row(
            r.org,
            f"[{colors[r.status]}]{r.status}[/]",
            r.kind or "",
            *(f"{n:,}" for n in counts),
            f"{r.duration_ms / 1000:.1f}",
        )
    return table


def worker_command(
    concurrency: Annotated[int, typer.Option(min=1, help="syncs running at once")] = 2,
    metrics_port: Annotated[
        int | None, typer.Option(help="serve Prometheus metrics on METRICS_HOST:PORT")
    ] = None,
    metrics_host: Annotated[
        str, typer.Option(help="address of the metrics port (0.0.0.0: every interface)")
    ] = "127.0.0.1",
    pems_url: Annotated[
        str | None, typer.Option(help="PEMS base URL (default: PFA_PEMS_URL)")
    ] = None,
) -> None:
    """Run the sync scheduler until Ctrl-C: each active organization on its cron schedule
    (PFA_SYNC_SCHEDULE unless it has its own), and "run now" requests at once."""
    from pfa_vanguard.sync.worker import run_worker

    settings = Settings()
    logging.getLogger("pfa_vanguard.sync").setLevel(logging.INFO)
    if metrics_port is not None:
        from prometheus_client import start_http_server

        start_http_server(metrics_port, addr=metrics_host)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run_worker(settings, pems_url=pems_url, stop=stop, concurrency=concurrency)

    console.print(f"sync worker: default schedule {settings.sync_schedule!r}; Ctrl-C stops")
    try:
        asyncio.run(main())
    except PfaError as exc:
        err_console.print(f"[red]error:[/red] {exc.detail}")
        raise typer.Exit(2) from None
