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
from pfa_vanguard.api import commands as api_commands
from pfa_vanguard.bench.commands import bench_command
from pfa_vanguard.db import embedded, migrate
from pfa_vanguard.db.connection import database_url, prepare_database
from pfa_vanguard.demo import demo_command
from pfa_vanguard.errors import PfaError
from pfa_vanguard.loadtest.commands import loadtest_command
from pfa_vanguard.pems import commands as pems_commands
from pfa_vanguard.pems.check import pems_check
from pfa_vanguard.settings import Settings
from pfa_vanguard.sync import commands as sync_commands

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
app.command("pems-sim")(pems_commands.pems_sim)
pems_app = typer.Typer(help="The PEMS tenant: check what is understood of it.")
pems_app.command("check")(pems_check)
app.add_typer(pems_app, name="pems")
app.command("demo")(demo_command)
app.command("sync")(sync_commands.sync_command)
app.command("worker")(sync_commands.worker_command)
app.command("bench")(bench_command)
app.command("serve")(api_commands.serve_command)
app.command("openapi")(api_commands.openapi_command)
app.command("ask")(ask_command)
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
    org: Annotated[str, typer.Option(help="organization code (created if missing)")],
    role: Annotated[str, typer.Option(help="viewer | editor | admin")],
) -> None:
    """Create a user (or set their password) and grant a role in an organization."""
    from pfa_vanguard.accounts.repository import add_user

    url = prepare_database(Settings())

    async def run() -> dict[str, str]:
        async with await psycopg.AsyncConnection.connect(url, row_factory=dict_row) as conn:
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
