"""`pfa pems-sim`: the PEMS simulator alone, in the foreground."""

from __future__ import annotations

import threading
import time
from typing import Annotated

import typer
from rich.console import Console

from pfa_vanguard.pems.simulator.generator import DEMO_ORGS


def parse_orgs(value: str) -> list[str]:
    """`3` -> the first three demo organizations; `RIO,HOLNG` -> those codes."""
    value = value.strip()
    if value.isdigit():
        count = int(value)
        if count < 1:
            raise typer.BadParameter("at least one organization")
        extra = [f"ORG{n:03d}" for n in range(len(DEMO_ORGS) + 1, count + 1)]
        return [*DEMO_ORGS, *extra][:count]
    codes = [code.strip().upper() for code in value.split(",") if code.strip()]
    if not codes:
        raise typer.BadParameter("give a count or a comma-separated list of codes")
    return codes


def pems_sim(
    host: Annotated[str, typer.Option(help="interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8900,
    orgs: Annotated[
        str, typer.Option(help="a count (first n demo orgs) or codes: RIO,HOLNG")
    ] = "3",
    records: Annotated[int, typer.Option(help="records per organization")] = 20_000,
    seed: Annotated[int, typer.Option(help="data generator seed")] = 42,
    latency_ms: Annotated[int, typer.Option(help="latency added to every PEMS call")] = 0,
    fail_rate: Annotated[float, typer.Option(help="share of PEMS calls answered 500/503")] = 0.0,
    year_format: Annotated[
        str, typer.Option(help="DATETIMEDATA.YEAR: epoch-ms (epoch milliseconds) or calendar")
    ] = "epoch-ms",
    date_order: Annotated[
        str, typer.Option(help="the API user's date format in grid values: MDY, DMY or YMD")
    ] = "MDY",
    page_cap: Annotated[int, typer.Option(help="rows per grid page at most")] = 5000,
    grid_counter: Annotated[
        bool, typer.Option(help="serve the recordid counter as a grid column")
    ] = False,
    filter_format: Annotated[
        str, typer.Option(help="date filter values: user, iso (2025-11-25 10:00) or oracle")
    ] = "user",
    api_organization: Annotated[
        str, typer.Option(help="the organization header every call must carry")
    ] = "*",
    confirmation_alert: Annotated[
        str | None, typer.Option(help="answer every screen UPDATE with this ConfirmationAlert")
    ] = None,
    numeric_value: Annotated[
        str, typer.Option(help="NUMERICDATA.VALUE: unscaled (digits, NUMOFDEC the scale) or plain")
    ] = "unscaled",
) -> None:
    """Run the PEMS simulator alone (an HxGN EAM tenant, `/_sim` control routes)."""
    import uvicorn

    from pfa_vanguard.pems.simulator import (
        Faults,
        OptionsError,
        SimulatorState,
        TenantOptions,
        create_app,
    )
    from pfa_vanguard.pems.simulator.server import silence_deliberate_drops

    if not 0 <= fail_rate <= 1:
        raise typer.BadParameter("--fail-rate must be in [0, 1]")
    try:
        options = TenantOptions(
            year_format=year_format,  # type: ignore[arg-type]  # checked by TenantOptions
            date_order=date_order.upper(),  # type: ignore[arg-type]
            page_cap=page_cap,
            grid_counter=grid_counter,
            filter_format=filter_format,  # type: ignore[arg-type]
            api_organization=api_organization,
            confirmation_alert=confirmation_alert,
            numeric_value=numeric_value,  # type: ignore[arg-type]
        )
    except OptionsError as exc:
        raise typer.BadParameter(str(exc)) from None
    console = Console()
    codes = parse_orgs(orgs)
    state = SimulatorState(dict.fromkeys(codes, records), seed, initial_options=options)
    state.set_faults(Faults(fail_rate=fail_rate, latency_ms=latency_ms))
    console.print(f"PEMS URL  http://{host}:{port}/axis/restservices")
    console.print(
        f"control   http://{host}:{port}/_sim/  (faults, mutate, delete, drift, put, writes, "
        "options, reset)"
    )
    console.print(
        f"tenant    year {options.year_format}, dates {options.date_order}, page cap "
        f"{options.page_cap}, recordid column {'yes' if options.grid_counter else 'no'}, "
        f"date filters {options.filter_format}, organization header {options.api_organization!r}, "
        f"numbers {options.numeric_value}"
    )

    def warm() -> None:  # while the server starts; a call for an org not ready yet waits
        started = time.perf_counter()
        state.warm()
        console.print(
            f"generated {len(codes)} x {records:,} records ({', '.join(codes)}) "
            f"in {time.perf_counter() - started:.1f}s"
        )

    threading.Thread(target=warm, name="pems-sim-generate", daemon=True).start()
    silence_deliberate_drops()
    uvicorn.run(
        create_app(state),
        host=host,
        port=port,
        log_level="info",
        access_log=False,
        lifespan="off",
        ws="none",
    )
