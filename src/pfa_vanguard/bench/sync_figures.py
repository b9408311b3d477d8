"""The sync's figures of one organization, alone, without the rest of the benchmark
(docs/benchmarks.md, "The sync alone"). `pfa bench` measures `sync_full` and `sync_noop` itself
(`bench/writes.py`) among every other operation; this adds the incremental syncs and a fetch /
apply split per kind, for work on the sync.

`python -m pfa_vanguard.bench.sync_figures --records 50000` runs it: a simulator in its own
process (as PEMS would be), a scratch embedded database (or --database-url), figures printed;
`measure_sync` does the measuring against any running PEMS (the simulator).

- `sync_full`: a full sync into an empty mirror (every record inserted);
- `sync_noop`: the same full sync again when PEMS changed nothing, with the mirror rows it
  wrote (PostgreSQL's own statistics: must be 0);
- `sync_incremental_noop`: the scheduled (incremental) sync when nothing changed;
- `sync_mutate_50`: an incremental sync after 50 records changed in PEMS (when the simulator's
  control routes are reachable).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from psycopg import AsyncConnection
from psycopg.rows import dict_row

from pfa_vanguard.db.queries import Conn
from pfa_vanguard.sync.service import sync_org


async def _rows_written(conn: Conn) -> int:
    """pfa_mirror rows inserted + updated + deleted so far, as PostgreSQL counts them.
    Precondition: the writes ran on this session (its statistics are flushed first)."""
    await conn.execute("SELECT pg_stat_force_next_flush()")
    await conn.execute("SELECT pg_stat_clear_snapshot()")
    cur = await conn.execute(
        "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) AS n"
        " FROM pg_stat_user_tables"
        " WHERE relid IN (SELECT relid FROM pg_partition_tree('pfa_mirror'))"
    )
    row = await cur.fetchone()
    return int(row["n"]) if row else 0


def _figures(samples: list[float]) -> dict[str, Any]:
    ordered = sorted(samples)
    return {
        "runs": len(ordered),
        "min_ms": round(ordered[0] * 1000),
        "p50_ms": round(statistics.median(ordered) * 1000),
        "max_ms": round(ordered[-1] * 1000),
    }


async def measure_sync(
    database_url: str,
    pems_url: str,
    org: str,
    *,
    repeats: int = 3,
    control_url: str | None = None,
) -> dict[str, Any]:
    """Measure the syncs of `org` (its mirror is emptied first: use a scratch database)."""
    from pfa_vanguard.pems import PemsClient, PemsConfig

    result: dict[str, Any] = {"org": org}
    phases: dict[str, list[tuple[int, int]]] = {}  # fetch and apply ms of each run
    conn = await AsyncConnection.connect(database_url, row_factory=dict_row, autocommit=True)
    try:
        await conn.execute(
            "INSERT INTO organizations (code, name) VALUES (%s, %s) ON CONFLICT DO NOTHING",
            [org, org],
        )
        async with PemsClient(PemsConfig(pems_url)) as client:

            async def timed(full: bool | None, name: str) -> tuple[float, Any]:
                started = time.perf_counter()
                outcome = await sync_org(conn, client, org, full=full, trigger="bench")
                if outcome.status != "succeeded":
                    raise RuntimeError(f"sync of {org} {outcome.status}: {outcome.error}")
                phases.setdefault(name, []).append((outcome.fetch_ms, outcome.apply_ms))
                return time.perf_counter() - started, outcome

            async for _ in client.iter_pages(org):  # warm-up: the simulator makes rows lazily
                pass
            full: list[float] = []
            for _ in range(repeats):
                await conn.execute(
                    "DELETE FROM pfa_mirror WHERE organization_id ="
                    " (SELECT id FROM organizations WHERE code = %s)",
                    [org],
                )
                seconds, outcome = await timed(True, "sync_full")
                full.append(seconds)
            result["records"] = outcome.fetched
            result["sync_full"] = _figures(full)

            noop: list[float] = []
            before = await _rows_written(conn)
            for _ in range(repeats):
                seconds, outcome = await timed(True, "sync_noop")
                noop.append(seconds)
            result["sync_noop"] = _figures(noop) | {
                "rows_written": await _rows_written(conn) - before,
                "unchanged": outcome.unchanged,
            }

            incremental: list[float] = []
            for _ in range(repeats):
                seconds, outcome = await timed(False, "sync_incremental_noop")
                incremental.append(seconds)
            result["sync_incremental_noop"] = _figures(incremental)

            if control_url is not None:
                mutated: list[float] = []
                for _ in range(repeats):
                    async with httpx.AsyncClient(base_url=control_url) as sim:
                        answer = await sim.post("/_sim/mutate", json={"org": org, "count": 50})
                        answer.raise_for_status()
                    seconds, outcome = await timed(False, "sync_mutate_50")
                    mutated.append(seconds)
                result["sync_mutate_50"] = _figures(mutated) | {"updated": outcome.updated}
    finally:
        await conn.close()
    for name, pairs in phases.items():
        result[name] |= {
            "fetch_p50_ms": round(statistics.median(f for f, _ in pairs)),
            "apply_p50_ms": round(statistics.median(a for _, a in pairs)),
        }
    return result


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--org", default="RIO")
    parser.add_argument(
        "--database-url",
        help="a scratch database (the organization's mirror is emptied!); default: a new"
        " embedded server in a temporary directory",
    )
    args = parser.parse_args(argv)

    from pfa_vanguard.db import embedded, migrate

    scratch = None
    url = args.database_url
    if not url:
        scratch = Path(tempfile.mkdtemp(prefix="pfa-sync-bench-"))
        url = embedded.ensure_running(scratch)
    migrate.upgrade(url)
    port = _free_port()
    pfa = Path(sys.executable).with_name("pfa")
    sim = subprocess.Popen(
        [str(pfa), "pems-sim", "--port", str(port), "--orgs", args.org,
         "--records", str(args.records)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    control = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(f"{control}/_sim/stats").raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or sim.poll() is not None:
                    raise SystemExit("the simulator did not start") from None
                time.sleep(0.2)
        figures = asyncio.run(
            measure_sync(url, f"{control}/axis/restservices", args.org,
                         repeats=args.repeats, control_url=control)
        )  # fmt: skip
    finally:
        sim.terminate()
        sim.wait(timeout=30)
        if scratch is not None:
            embedded.stop(scratch)
            shutil.rmtree(scratch, ignore_errors=True)
    for name, value in figures.items():
        print(f"{name:24s} {value}")


if __name__ == "__main__":
    main()
