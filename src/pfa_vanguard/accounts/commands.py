"""`pfa users passwd | remove | logout | list`: the account commands that end sessions, and the
listing. Each runs in one transaction on the settings' database."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import psycopg
import typer
from psycopg.rows import dict_row
from rich.console import Console

from pfa_vanguard.accounts import repository as accounts
from pfa_vanguard.db.connection import prepare_database
from pfa_vanguard.db.queries import Conn
from pfa_vanguard.errors import PfaError
from pfa_vanguard.settings import Settings

T = TypeVar("T")

console = Console()
err_console = Console(stderr=True)


def _in_transaction(work: Callable[[Conn], Awaitable[T]]) -> T:
    url = prepare_database(Settings())

    async def run() -> T:
        async with await psycopg.AsyncConnection.connect(url, row_factory=dict_row) as conn:
            result = await work(conn)
            await conn.commit()
            return result

    try:
        return asyncio.run(run())
    except PfaError as exc:
        err_console.print(f"[red]error:[/red] {exc.detail}")
        raise typer.Exit(2) from exc


def _read_password() -> str:
    """Asked twice on a terminal; otherwise the first line of standard input."""
    if sys.stdin.isatty():
        entered: str = typer.prompt("new password", hide_input=True, confirmation_prompt=True)
        return entered
    return sys.stdin.readline().rstrip("\r\n")


def users_passwd(
    name: Annotated[str, typer.Argument(help="user name")],
    password: Annotated[
        str | None, typer.Option(help="for scripts; otherwise asked for or read from stdin")
    ] = None,
) -> None:
    """Set a user's password; every session of the user ends at once."""
    new = password if password is not None else _read_password()
    _in_transaction(lambda conn: accounts.set_password(conn, name, new))
    console.print(f"password of {name} changed; their sessions have ended")


def users_remove(
    name: Annotated[str, typer.Argument(help="user name")],
    org: Annotated[str | None, typer.Option(help="only this organization's role")] = None,
) -> None:
    """Revoke a user's roles (in one organization with --org); every session of the user ends."""
    removed = _in_transaction(lambda conn: accounts.revoke(conn, name, org))
    roles = ", ".join(f"{r['role']} of {r['code']}" for r in removed) or "no roles"
    console.print(f"{name}: revoked {roles}; their sessions have ended")


def users_logout(name: Annotated[str, typer.Argument(help="user name")]) -> None:
    """End every session of a user (their tokens are refused from the next request on)."""
    _in_transaction(lambda conn: accounts.end_sessions(conn, name))
    console.print(f"every session of {name} has ended")


def users_list(
    org: Annotated[str | None, typer.Option(help="only members of this organization")] = None,
) -> None:
    """Users and their role in each organization."""
    rows: list[dict[str, Any]] = _in_transaction(lambda conn: accounts.list_users(conn, org))
    for row in rows:
        role = f"{row['role']} of {row['code']}" if row["code"] else "no role"
        typer.echo(f"{row['username']}\t{role}")
