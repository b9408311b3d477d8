"""The `pfa` command line. Each command builds the settings, then calls the same services as
the API. Commands of other areas live beside their code and are registered here."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated

import psycopg
import pydantic
import typer
from psycopg.rows import dict_row
from rich.console import Console

from pfa_vanguard.accounts import commands as account_commands
from pfa_vanguard.ai.commands import ask_command
from pfa_vanguard.ai.eval.commands import eval_command
from pfa_vanguard.api import commands as api_commands
from pfa_vanguard.bench.commands import bench_command
from pfa_vanguard.bench.load.commands import loadtest_command
from pfa_vanguard.db import embedded, migrate
from pfa_vanguard.db.connection import database_url, prepare_database
from pfa_vanguard.demo import demo_command
from pfa_vanguard.errors import PfaError
from pfa_vanguard.orgs.commands import orgs_app
from pfa_vanguard.pems import commands as pems_commands
from pfa_vanguard.pems.check import pems_check
from pfa_vanguard.settings import Settings
from pfa_vanguard.sync import commands as sync_commands
from pfa_vanguard.sync.admin_commands import sync_app

app = typer.Typer(
    help="PFA Vanguard: a fast mirror of PEMS with private drafts.", no_args_is_help=True
)
db_app = typer.Typer(help="The database: migrations, URL, embedded server.", no_args_is_help=True)
users_app = typer.Typer(help="Users and their roles per organization.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
users_app.command("passwd")(account_commands.users_passwd)
users_app.command("remove")(account_commands.users_remove)
users_app.command("logout")(account_commands.users_logout)
users_app.command("list")(account_commands.users_list)
app.add_typer(orgs_app, name="orgs")
app.command("pems-sim")(pems_commands.pems_sim)
pems_app = typer.Typer(help="The PEMS tenant: check what is understood of it.")
pems_app.command("check")(pems_check)
app.add_typer(pems_app, name="pems")
app.command("demo")(demo_command)
app.add_typer(sync_app, name="sync")
app.command("worker")(sync_commands.worker_command)
app.command("bench")(bench_command)
app.command("serve")(api_commands.serve_command)
app.command("openapi")(api_commands.openapi_command)
app.command("ask")(ask_command)
ai_app = typer.Typer(help="The assistant: its evaluation.", no_args_is_help=True)
ai_app.command("eval")(eval_command)
app.add_typer(ai_app, name="ai")
app.command("loadtest")(loadtest_command)

console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"[red]error:[/red] {message}")
    return typer.Exit(code)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply pending migrations."""
    url = database_url(Settings())
    applied = migrate.upgrade(url)
    console.print(f"applied {len(applied)} migration(s): {', '.join(applied) or 'none pending'}")


@db_app.command("check")
def db_check() -> None:
    """Compare the database's migrations with this version's, changing nothing (after a
    restore, before an upgrade or a rollback). Exit code 1 when they differ."""
    report = migrate.check(database_url(Settings()))
    for state, names in report.items():
        if names:
            console.print(f"{state}: {', '.join(names)}")
    if any(report.values()):
        raise typer.Exit(1)
    console.print(f"up to date: {len(migrate.available_migrations())} migrations applied")


@db_app.command("prune")
def db_prune() -> None:
    """Delete sync runs, tombstones and audit rows older than their retention periods
    (PFA_RETAIN_*_DAYS; the worker does this hourly)."""
    from datetime import UTC, datetime

    from pfa_vanguard.ops.retention import RetentionDays, prune

    settings = Settings()
    url = prepare_database(settings)

    async def run() -> dict[str, int]:
        async with await psycopg.AsyncConnection.connect(url) as conn:
            deleted = await prune(conn, RetentionDays.from_settings(settings), datetime.now(UTC))
            await conn.commit()
            return deleted

    deleted = asyncio.run(run())
    console.print(", ".join(f"{table}: {n} deleted" for table, n in deleted.items()) or "nothing")


@db_app.command("archive")
def db_archive(
    years: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=100,
            help="ended more than this many years ago; default PFA_ARCHIVE_AFTER_YEARS",
        ),
    ] = None,
) -> None:
    """Move records whose forecast and actual windows ended long ago from the mirror to the
    archive (the worker does this hourly; docs/operations.md "Archiving")."""
    from datetime import UTC, datetime

    from pfa_vanguard.mirror.archive import archive_all

    settings = Settings()
    url = prepare_database(settings)
    after = years if years is not None else settings.archive_after_years
    if after <= 0:
        console.print("archiving is off (PFA_ARCHIVE_AFTER_YEARS=0): nothing moved")
        return

    async def run() -> dict[str, int]:
        async with await psycopg.AsyncConnection.connect(url) as conn:
            return await archive_all(conn, after, datetime.now(UTC))

    moved = asyncio.run(run())
    console.print(
        ", ".join(f"{code}: {n} archived" for code, n in moved.items()) or "no organization"
    )


@db_app.command("url")
def db_url() -> None:
    """Print the database URL in use (starting the embedded server if needed)."""
    typer.echo(database_url(Settings()))


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded server of the data directory."""
    settings = Settings()
    if settings.database_url:
        raise fail("PFA_DATABASE_URL is set: there is no embedded server to stop")
    stopped = embedded.stop(settings.resolved_data_dir)
    console.print("stopped" if stopped else "the embedded server was not running")


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="user name")],
    password: Annotated[str, typer.Option(help="password (stored as an Argon2 hash)")],
    org: Annotated[str, typer.Option(help="organization code (`pfa orgs add` creates one)")],
    role: Annotated[str, typer.Option(help="viewer | editor | admin")],
    create_org: Annotated[
        bool, typer.Option("--create-org", help="create the organization when it is unknown")
    ] = False,
) -> None:
    """Create a user (or set their password) and grant a role in an organization. An unknown
    organization is refused unless --create-org (a typo would start syncing it)."""
    from pfa_vanguard.accounts.repository import add_user
    from pfa_vanguard.orgs.service import check_code, organization_id

    url = prepare_database(Settings())

    async def run() -> dict[str, str]:
        async with await psycopg.AsyncConnection.connect(url, row_factory=dict_row) as conn:
            if not create_org:
                await organization_id(conn, check_code(org))
            result = await add_user(conn, name, password, org, role)
            await conn.commit()
            return result

    try:
        result = asyncio.run(run())
    except PfaError as exc:
        raise fail(exc.detail, 2) from exc
    console.print(f"{result['user']} is {result['role']} of {result['organization']}")


def main() -> None:
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        app()
    except pydantic.ValidationError as exc:  # settings from the environment: say which, no trace
        for error in exc.errors():
            cause = error.get("ctx", {}).get("error")
            message = str(cause) if cause is not None else error["msg"]
            where = ".".join(str(part) for part in error["loc"])
            if where and not message.startswith("PFA_"):
                message = f"PFA_{where.upper()}: {message}"
            err_console.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
        raise SystemExit(2) from None
