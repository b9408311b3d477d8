"""`pfa orgs add | list`: organizations are created explicitly, never by a typo."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, TypeVar

import typer
from psycopg import AsyncConnection
from psycopg.rows import dict_row
from rich.console import Console
from rich.table import Table

from pfa_vanguard.db.queries import Conn
from pfa_vanguard.errors import PfaError
from pfa_vanguard.orgs import service
from pfa_vanguard.settings import Settings


def _out() -> Console:
    """Built per call, so that the terminal's width (COLUMNS) at the time counts."""
    return Console()


T = TypeVar("T")

orgs_app = typer.Typer(help="Organizations: create and list.", no_args_is_help=True)


def run_in_transaction(settings: Settings, work: Callable[[Conn], Awaitable[T]]) -> T:
    """Run `work` on one connection to the application's database and commit it; a PfaError
    is printed and ends the command with exit code 2 (nothing committed)."""
    from pfa_vanguard.db.connection import prepare_database

    url = prepare_database(settings)

    async def run() -> T:
        async with await AsyncConnection.connect(url, row_factory=dict_row) as conn:
            result = await work(conn)
            await conn.commit()
            return result

    try:
        return asyncio.run(run())
    except PfaError as exc:
        Console(stderr=True).print(f"[red]error:[/red] {exc.detail}")
        raise typer.Exit(2) from None


def _when(value: datetime | None) -> str:
    return value.isoformat(timespec="minutes") if value else "never"


@orgs_app.command("add")
def orgs_add(
    code: Annotated[str, typer.Argument(help="organization code, as PEMS names it")],
    name: Annotated[str | None, typer.Option(help="display name (default: the code)")] = None,
    schedule: Annotated[
        str | None, typer.Option(help="own sync cron (default: PFA_SYNC_SCHEDULE)")
    ] = None,
) -> None:
    """Create an organization; the worker syncs it from its next tick."""
    row = run_in_transaction(
        Settings(), lambda conn: service.add_organization(conn, code, name, schedule)
    )
    _out().print(f"organization {row['code']} ({row['name']}) created")


@orgs_app.command("currency")
def orgs_currency(
    code: Annotated[str, typer.Argument(help="organization code")],
    currency: Annotated[str, typer.Argument(help="ISO 4217 code, e.g. EUR")],
) -> None:
    """Set the currency the organization's amounts are in (shown with every figure)."""
    run_in_transaction(Settings(), lambda conn: service.set_currency(conn, code, currency))
    _out().print(f"organization {code}: amounts in {currency.strip().upper()}")


@orgs_app.command("list")
def orgs_list() -> None:
    """Every organization with its schedule, state and number of members."""
    settings = Settings()
    rows = run_in_transaction(settings, service.list_organizations)
    table = Table("code", "name", "active", "schedule", "paused", "last synced", "members")
    for row in rows:
        table.add_row(
            row["code"],
            row["name"],
            "yes" if row["active"] else "no",
            row["sync_schedule"] or f"{settings.sync_schedule} (default)",
            "yes" if row["sync_paused"] else "no",
            row["last_synced_at"].isoformat(timespec="seconds")
            if row["last_synced_at"]
            else "never",
            str(row["members"]),
        )
    _out().print(table)
