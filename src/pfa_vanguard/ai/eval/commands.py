"""`pfa ai eval`: the evaluation from the shell, over an organization's records as one user
sees them (their drafts applied), with the demo data's today unless told otherwise."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pfa_vanguard.accounts.repository import get_organization, get_user
from pfa_vanguard.ai.eval import DEMO_TODAY, Outcome, evaluate, load_questions, tally
from pfa_vanguard.ai.executor import ScopedExecutor
from pfa_vanguard.ai.offline import OfflineProvider
from pfa_vanguard.ai.providers import make_provider
from pfa_vanguard.ai.service import AiService
from pfa_vanguard.db.connection import make_pool, prepare_database
from pfa_vanguard.errors import BadRequest, NotFound, PfaError
from pfa_vanguard.settings import Settings


async def run(
    settings: Settings,
    url: str,
    *,
    org: str,
    user: str,
    provider_name: str | None,
    questions_file: Path | None,
    today: date,
) -> list[Outcome]:
    try:
        questions = load_questions(questions_file)
    except (OSError, ValueError) as exc:
        raise BadRequest(f"cannot read the questions: {exc}") from None
    provider = make_provider(settings, provider_name)
    if isinstance(provider, OfflineProvider):
        provider = OfflineProvider(today=lambda: today)
    pool = make_pool(url, min_size=1, max_size=3, application_name="pfa-ai-eval")
    await pool.open()
    try:
        async with pool.connection() as conn:
            org_row, user_row = await get_organization(conn, org), await get_user(conn, user)
        if org_row is None:
            raise NotFound(f"unknown organization {org!r}")
        if user_row is None:
            raise NotFound(f"unknown user {user!r}")
        async with ScopedExecutor.from_settings(settings, pool, url) as executor:
            service = AiService(pool, executor, provider, today=lambda: today)
            return await evaluate(
                service,
                questions,
                org_id=int(org_row["id"]),
                user_id=int(user_row["id"]),
                today=today,
            )
    finally:
        await pool.close()


def report(console: Console, outcomes: list[Outcome], show: str) -> None:
    table = Table(show_header=True, header_style="bold")
    for heading in ("category", "questions", "correct", "refused", "failed", "wrong", "accuracy"):
        table.add_column(heading, justify="left" if heading == "category" else "right")
    for name, t in tally(outcomes).items():
        c = t.counts
        table.add_row(
            name, str(t.total), str(c["correct"]), str(c["refused"]), str(c["failed"]),
            str(c["wrong"]), f"{100 * t.accuracy:.1f} %",
        )  # fmt: skip
    for outcome in outcomes:
        if outcome.verdict in show.split(","):
            console.print(
                f"[bold]{outcome.verdict}[/bold] "
                + escape(
                    f"[{outcome.question.category}] {outcome.question.text}: {outcome.detail[:300]}"
                )
            )
    console.print(table)


def eval_command(
    org: Annotated[str, typer.Option(help="organization code")] = "RIO",
    user: Annotated[str, typer.Option(help="ask as this user (their drafts are applied)")] = (
        "alice"
    ),
    provider: Annotated[
        str | None, typer.Option(help="offline, openai or anthropic (default: PFA_AI_PROVIDER)")
    ] = None,
    questions: Annotated[
        Path | None,
        typer.Option(help="a question file in the shipped format (default: the shipped set)"),
    ] = None,
    today: Annotated[
        str, typer.Option(help="the day questions are asked on (default: the demo data's)")
    ] = DEMO_TODAY.isoformat(),
    show: Annotated[
        str, typer.Option(help="list the questions with these verdicts (comma-separated)")
    ] = "wrong,failed,refused",
    fail_under: Annotated[float, typer.Option(help="exit 1 when accuracy (%) is below this")] = 0.0,
    as_json: Annotated[bool, typer.Option("--json", help="print every outcome as JSON")] = False,
) -> None:
    """Run the assistant's evaluation: accuracy, refusals and wrong answers per category."""
    settings = Settings()
    console, errors = Console(), Console(stderr=True)
    try:
        day = date.fromisoformat(today)
    except ValueError:
        errors.print(f"[red]error:[/red] --today must be a date (YYYY-MM-DD), not {today!r}")
        raise typer.Exit(2) from None
    try:
        url = prepare_database(settings)
        outcomes = asyncio.run(
            run(settings, url, org=org, user=user, provider_name=provider,
                questions_file=questions, today=day)
        )  # fmt: skip
    except PfaError as exc:
        errors.print(f"[red]error:[/red] {exc.detail}")
        raise typer.Exit(2 if exc.status_code < 500 else 1) from exc
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {"category": o.question.category, "question": o.question.text,
                     "verdict": o.verdict, "detail": o.detail, "sql": o.sql}
                    for o in outcomes
                ],
                indent=2,
            )
        )  # fmt: skip
    else:
        report(console, outcomes, show)
    if 100 * tally(outcomes)["all"].accuracy < fail_under:
        raise typer.Exit(1)
