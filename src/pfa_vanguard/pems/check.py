"""`pfa pems check`: what the product understands of a tenant, before it is trusted with one.

Reads the first page of one organization's grid and GETs one record from the screen service with
the configured settings, and reports, field by field, the value as the tenant sent it and the
value as parsed, with every problem found. Writes nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.table import Table

from pfa_vanguard.pems.client import PemsClient
from pfa_vanguard.pems.config import PemsConfig
from pfa_vanguard.pems.errors import PemsError
from pfa_vanguard.pems.mapping import FieldMapping, map_pairs
from pfa_vanguard.pems.records import PemsRecord
from pfa_vanguard.settings import Settings

SAMPLE_ROWS = 25


@dataclass
class FieldReport:
    """One field: where it comes from, what the tenant sent, what we understood."""

    source: str  # grid alias or screen field name
    field: str | None  # PFA field, None when not mapped (kept under its alias)
    sent: str
    parsed: Any
    problem: str | None = None


@dataclass
class CheckReport:
    """What `check_tenant` found. `problems` empty means every value was understood."""

    organization: str
    rows_read: int = 0
    record_id: str | None = None
    version: int | None = None
    version_source: str = ""
    modified_at: str | None = None
    recordid: int | None = None
    grid: list[FieldReport] = field(default_factory=list)
    screen: list[FieldReport] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # mapped fields the grid did not send


def _shown(value: object) -> str:
    if isinstance(value, str):
        return value
    return orjson.dumps(value).decode()


def _grid_fields(row: dict[str, str | None], record: PemsRecord, mapping: FieldMapping
                 ) -> list[FieldReport]:  # fmt: skip
    problems = dict(problem.split(": ", 1) for problem in record.problems)
    reports = []
    for alias, raw in row.items():
        spec = mapping.by_alias.get(alias.lower())
        name = spec.field if spec else None
        if alias.lower() == mapping.modified_alias.lower():
            parsed: Any = record.modified_at.isoformat() if record.modified_at else None
            problem = problems.get(mapping.modified_alias)
        elif mapping.version_alias and alias.lower() == mapping.version_alias.lower():
            parsed, problem = record.version, None
        else:
            parsed = record.data.get(name or alias)
            problem = problems.get(name or alias)
        reports.append(FieldReport(alias, name, raw or "", parsed, problem))
    return reports


async def check_tenant(config: PemsConfig, org: str, record_id: str | None = None) -> CheckReport:
    """Read the first page of `org` and GET one record (`record_id`, else the first row read).
    Raises PemsError when the tenant cannot be read at all."""
    report = CheckReport(org)
    async with PemsClient(config) as client:
        mapping = client.mapping
        size = min(SAMPLE_ROWS, config.page_size)
        rows = await client.read_rows(org, size, record_id)
        report.rows_read = len(rows)
        if not rows:
            report.problems.append(f"the grid sent no rows for organization {org}")
            return report
        row = rows[0]
        record = map_pairs(list(row.items()), mapping)
        report.record_id = record.pfa_id
        report.version = record.version
        report.version_source = (
            f"counter column {mapping.version_alias}"
            if mapping.version_alias
            else f"{mapping.modified_alias} minute + hash of the row's values"
        )
        report.modified_at = record.modified_at.isoformat() if record.modified_at else None
        report.grid = _grid_fields(row, record, mapping)
        seen = {alias.lower() for alias in row}
        report.missing = [s.alias for s in mapping.fields if s.alias.lower() not in seen]
        for other in rows[1:]:
            report.problems.extend(
                f"grid row {other.get(mapping.id_alias)}: {p}"
                for p in map_pairs(list(other.items()), mapping).problems
            )
        report.problems[:0] = [f"grid row {record.pfa_id}: {p}" for p in record.problems]
        screen = await client.get_screen_record(org, record.pfa_id)
        if screen is None:
            report.problems.append(f"the screen service says record {record.pfa_id} does not exist")
            return report
        report.recordid = screen.recordid
        problems = dict(problem.split(": ", 1) for problem in screen.record.problems)
        for name, container in screen.pairs:
            spec = mapping.by_screen.get(name)
            parsed = screen.record.data.get(spec.field) if spec else None
            problem = problems.get(spec.field) if spec else None
            if problem:
                report.problems.append(f"screen field {name}: {problem}")
            report.screen.append(
                FieldReport(name, spec.field if spec else None, _shown(container), parsed, problem)
            )
        for spec in mapping.fields:
            held, shown = record.data.get(spec.field), screen.record.data.get(spec.field)
            if spec.field in record.data and spec.field in screen.record.data and held != shown:
                report.problems.append(
                    f"{spec.field}: the grid says {held!r}, the screen service {shown!r}"
                )
    return report


def _table(title: str, rows: Iterable[FieldReport]) -> Table:
    table = Table(title=title, title_justify="left")
    for column in ("from", "field", "sent", "understood as"):
        table.add_column(column, overflow="fold")
    for row in rows:
        parsed = _shown(row.parsed) if row.parsed is not None else "—"
        understood = f"[red]{row.problem}[/red]" if row.problem else parsed
        table.add_row(row.source, row.field or "(kept as is)", row.sent, understood)
    return table


def pems_check(
    org: Annotated[str, typer.Argument(help="PFA organization to read, e.g. RIO")],
    record: Annotated[
        str | None, typer.Option(help="pfs_id of the record to GET (default: the first read)")
    ] = None,
    url: Annotated[str | None, typer.Option(help="PEMS URL (default: PFA_PEMS_URL)")] = None,
) -> None:
    """Read one page and GET one record with the configured PFA_PEMS_* settings, and show what
    was understood, field by field. Writes nothing. Exit code 1 when a value was not
    understood, 2 when the tenant could not be read."""
    console = Console()
    settings = Settings()
    try:
        config = PemsConfig.from_settings(settings, url)
        console.print(
            f"tenant {config.tenant} at {config.base_url}; organization header "
            f"{config.organization!r}; dates {config.formats.date_order}, DATETIMEDATA year "
            f"{config.formats.year_format}, date filters {config.formats.filter_format}, "
            f"zone {config.formats.timezone}, currency {config.formats.currency}"
        )
        report = asyncio.run(check_tenant(config, org, record))
    except PemsError as exc:
        console.print(f"[red]cannot read PEMS:[/red] {exc.detail}")
        raise typer.Exit(2) from None
    console.print(f"grid: {report.rows_read} row(s) read; record {report.record_id}")
    if report.grid:
        console.print(_table(f"grid row {report.record_id}", report.grid))
        console.print(
            f"version {report.version} ({report.version_source}); "
            f"last modified {report.modified_at}"
        )
    if report.missing:
        console.print(f"[yellow]mapped fields the grid did not send:[/yellow] {report.missing}")
    if report.screen:
        console.print(_table(f"screen record (recordid {report.recordid})", report.screen))
    if report.problems:
        console.print("[red]not understood:[/red]")
        for problem in report.problems:
            console.print(f"  - {problem}")
        raise typer.Exit(1)
    console.print("[green]every value was understood[/green]")
