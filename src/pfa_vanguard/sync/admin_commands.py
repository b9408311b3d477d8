"""`pfa sync status | pause | resume | schedule | runs | window`: the admin API's operations from
the server's shell (no token: whoever can read the settings can reach the database anyway).
`pfa sync ORG…` (one sync now) stays what it was: a first word that names no subcommand runs
`pfa sync now`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup

from pfa_vanguard.orgs import windows as windows_service
from pfa_vanguard.orgs.commands import run_in_transaction
from pfa_vanguard.settings import Settings
from pfa_vanguard.sync import admin
from pfa_vanguard.sync.commands import sync_command


def _out() -> Console:
    """Built per call, so that the terminal's width (COLUMNS) at the time counts."""
    return Console()


class _SyncGroup(TyperGroup):
    """Runs `now` when the first word is not a subcommand (`pfa sync RIO`, `pfa sync --all`)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # typer's vendored Context
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = ["now", *args]
        return super().parse_args(ctx, args)


sync_app = typer.Typer(
    cls=_SyncGroup,
    help="Sync now, and administer syncs: status, pause, resume, schedule, history, windows.",
)
sync_app.command("now")(sync_command)
window_app = typer.Typer(help="Maintenance windows: no scheduled sync, no commit.")
sync_app.add_typer(window_app, name="window")


def _when(value: datetime | None, empty: str = "-") -> str:
    return value.isoformat(timespec="minutes") if value else empty


@sync_app.command("status")
def status(org: Annotated[str | None, typer.Argument(help="one organization")] = None) -> None:
    """Per organization: schedule and its time zone, paused, running, last run, next run,
    maintenance window, late."""
    settings = Settings()
    now = datetime.now(UTC)
    rows = run_in_transaction(
        settings,
        lambda conn: admin.sync_status(
            conn, settings.sync_schedule, now, org, timezone=settings.sync_timezone
        ),
    )
    _out().print(f"schedules are read in {settings.sync_timezone}; times below are UTC")
    table = Table("org", "schedule", "paused", "running", "last run", "next run", "window", "late")
    for row in rows:
        last: dict[str, Any] | None = row["lastRun"]
        table.add_row(
            row["code"],
            row["schedule"] + (" (default)" if not row["customSchedule"] else ""),
            "yes" if row["paused"] else "no",
            "yes" if row["running"] else ("queued" if row["pendingRunId"] else "no"),
            f"{last['status']} {_when(last['startedAt'])}" if last else "never",
            _when(row["nextRunAt"]),
            f"until {_when(row['maintenanceUntil'])}" if row["maintenanceUntil"] else "-",
            "LATE" if row["late"] else "no",
        )
    _out().print(table)


@sync_app.command("pause")
def pause(org: Annotated[str, typer.Argument(help="organization code")]) -> None:
    """Stop the organization's scheduled syncs (`pfa sync ORG` still runs one)."""
    run_in_transaction(Settings(), lambda conn: admin.set_paused(conn, org, True))
    _out().print(f"{org}: scheduled syncs paused")


@sync_app.command("resume")
def resume(org: Annotated[str, typer.Argument(help="organization code")]) -> None:
    """Resume the organization's scheduled syncs."""
    run_in_transaction(Settings(), lambda conn: admin.set_paused(conn, org, False))
    _out().print(f"{org}: scheduled syncs resumed")


@sync_app.command("schedule")
def schedule(
    org: Annotated[str, typer.Argument(help="organization code")],
    cron: Annotated[str, typer.Argument(help="5-field cron, or 'default'")],
) -> None:
    """Give the organization its own cron (read in PFA_SYNC_TIMEZONE), or 'default' to follow
    PFA_SYNC_SCHEDULE."""
    settings = Settings()
    wanted = None if cron == "default" else cron
    stored = run_in_transaction(settings, lambda conn: admin.set_schedule(conn, org, wanted))
    shown = stored or f"{settings.sync_schedule} (default)"
    _out().print(f"{org}: schedule {shown} in {settings.sync_timezone}")


@sync_app.command("runs")
def runs(
    org: Annotated[str | None, typer.Option(help="one organization")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="how many, newest first")] = 20,
) -> None:
    """Sync history, newest first: started, finished, status, counts, error."""
    rows = run_in_transaction(Settings(), lambda conn: admin.list_runs(conn, org, limit=limit))
    table = Table("id", "org", "kind", "trigger", "status", "started", "ms", "fetched",
                  "ins", "upd", "del", "error")  # fmt: skip
    for row in rows:
        table.add_row(
            str(row["id"]), row["org"], row["kind"], row["trigger"], row["status"],
            _when(row["startedAt"]), str(row["durationMs"] or ""), str(row["fetched"] or 0),
            str(row["inserted"] or 0), str(row["updated"] or 0), str(row["deleted"] or 0),
            (row["error"] or "")[:60],
        )  # fmt: skip
    _out().print(table)


@window_app.command("add")
def window_add(
    org: Annotated[str, typer.Argument(help="organization code")],
    cron: Annotated[str, typer.Argument(help="when each window starts (5-field cron)")],
    hours: Annotated[float, typer.Option(help="how long each window lasts")] = 0.0,
    minutes: Annotated[int, typer.Option(help="how long each window lasts (added to hours)")] = 0,
) -> None:
    """A window starting at each fire time of CRON (in PFA_SYNC_TIMEZONE), e.g.
    `pfa sync window add RIO "0 22 * * 6" --hours 4`: Saturdays 22:00 to Sunday 02:00."""
    total = round(hours * 60) + minutes
    window = run_in_transaction(
        Settings(), lambda conn: windows_service.add_window(conn, org, cron, total)
    )
    _out().print(f"{org}: window {window.id} starts at '{window.cron}' and lasts {total} minutes")


@window_app.command("list")
def window_list(org: Annotated[str | None, typer.Argument(help="one organization")] = None) -> None:
    """Every maintenance window, and whether it is open now."""
    settings = Settings()
    rows = run_in_transaction(settings, lambda conn: windows_service.list_windows(conn, org))
    now = datetime.now(UTC)
    _out().print(f"windows are read in {settings.sync_timezone}; times below are UTC")
    table = Table("id", "org", "starts", "minutes", "open now")
    for w in rows:
        until = w.open_until(now, settings.sync_timezone)
        table.add_row(str(w.id), w.code, w.cron, str(w.duration_minutes),
                      f"until {_when(until)}" if until else "no")  # fmt: skip
    _out().print(table)


@window_app.command("remove")
def window_remove(
    org: Annotated[str, typer.Argument(help="organization code")],
    window_id: Annotated[int, typer.Argument(help="the window's id (`pfa sync window list`)")],
) -> None:
    """Remove one maintenance window."""
    run_in_transaction(Settings(), lambda conn: windows_service.remove_window(conn, org, window_id))
    _out().print(f"{org}: window {window_id} removed")
