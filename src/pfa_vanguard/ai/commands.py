"""`pfa ask`: the AI query from the shell, with the same service (and the same guard, role and
audit) as POST /api/ai/query."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated

import typer
from rich.console import Console
from rich.syntax import Syntax
from rich.table import Table

from pfa_vanguard.accounts.repository import get_organization, get_user, memberships
from pfa_vanguard.ai.executor import ScopedExecutor
from pfa_vanguard.ai.providers import make_provider
from pfa_vanguard.ai.service import AiService, Answer, json_value
from pfa_vanguard.db.connection import make_pool, prepare_database
from pfa_vanguard.errors import BadRequest, Forbidden, NotFound, PfaError
from pfa_vanguard.settings import Settings


async def ask(settings: Settings, url: str, org: str, user: str, question: str) -> Answer:
    """Answer `question` as `user` (a member of `org`) over their merged records."""
    pool = make_pool(url, min_size=1, max_size=3, application_name="pfa-ask")
    await pool.open()
    try:
        async with pool.connection() as conn:
            org_row = await get_organization(conn, org)
            if org_row is None:
                raise NotFound(f"unknown organization {org!r}")
            user_row = await get_user(conn, user)
            if user_row is None:
                raise NotFound(f"unknown user {user!r}")
            orgs = {m["code"] for m in await memberships(conn, user_row["id"])}
            if org_row["code"] not in orgs:
                raise Forbidden(f"{user} is not a member of {org_row['code']}")
        async with ScopedExecutor.from_settings(settings, pool, url) as executor:
            service = AiService(pool, executor, make_provider(settings))
            return await service.ask(
                org_id=int(org_row["id"]), user_id=int(user_row["id"]), question=question
            )
    finally:
        await pool.close()


def print_answer(console: Console, answer: Answer) -> None:
    console.print(Syntax(answer.sql, "sql", word_wrap=True))
    table = Table(show_header=True, header_style="bold")
    for column in answer.columns:
        table.add_column(column)
    for row in answer.rows:
        table.add_row(*("" if v is None else str(json_value(v)) for v in row))
    console.print(table)
    more = " (truncated: more rows exist)" if answer.truncated else ""
    timing = f"{answer.duration_ms:.1f} ms, provider {answer.provider}"
    console.print(f"{answer.row_count} row(s){more} in {timing}")


def ask_command(
    question: Annotated[str, typer.Argument(help="the question, in plain language")],
    org: Annotated[str, typer.Option(help="organization code")],
    user: Annotated[str, typer.Option(help="ask as this user (their drafts are applied)")],
    as_json: Annotated[
        bool, typer.Option("--json", help="print the API's JSON answer instead of a table")
    ] = False,
) -> None:
    """Ask a question about an organization's records; prints the SQL and the answer."""
    settings = Settings()
    console, errors = Console(), Console(stderr=True)
    try:
        url = prepare_database(settings)
        answer = asyncio.run(ask(settings, url, org, user, question))
    except PfaError as exc:
        errors.print(f"[red]error:[/red] {exc.detail}")
        code = (
            2 if isinstance(exc, BadRequest | NotFound | Forbidden) or exc.status_code < 500 else 1
        )
        raise typer.Exit(code) from exc
    if as_json:
        typer.echo(json.dumps(answer.to_json(), indent=2))
    else:
        print_answer(console, answer)
