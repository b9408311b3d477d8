"""The benchmark's outputs: bench.json (figures per operation, as docs/benchmarks.md describes),
bench-details.json (everything else measured), bench.md (the table) and the same table printed
with rich."""

from __future__ import annotations

import contextlib
import os
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table

from pfa_vanguard.bench.context import OpResult

MB = 1024 * 1024

# operation -> (target, goal), p95 in milliseconds (the table of docs/benchmarks.md).
TARGETS: dict[str, tuple[float | None, float | None]] = {
    "load_org": (100, 50),
    "load_org_revalidate": (None, 5),
    "load_org_delta": (None, 10),
    "filter_category": (50, 25),
    "filter_dates": (50, 25),
    "kpi": (100, 10),
    "ai_query": (100, 50),
    "save_draft": (20, 10),
    "commit_200": (None, 2000),
    "sync_full": (None, 5000),
    "sync_noop": (None, 3000),
    "concurrent": (None, None),  # goal: 2 x the single-user p95 of the same mix
}
ORDER = list(TARGETS)
STORAGE_TARGET_MB, STORAGE_GOAL_MB = 50.0, 26.0


@dataclass
class Report:
    orgs: int
    records_per_org: int
    machine: str
    results: dict[str, OpResult]
    storage: dict[str, Any] | None
    sync_noop_rows_written: int | None
    setup: dict[str, Any]
    started_at: datetime

    def target_goal(self, name: str) -> tuple[float | None, float | None]:
        target, goal = TARGETS.get(name, (None, None))
        if name == "concurrent":
            floor = self.results[name].floor_p95()
            goal = 2 * floor if floor is not None else None
        return target, goal

    def bench_json(self) -> dict[str, Any]:
        operations: dict[str, Any] = {}
        for name in [n for n in ORDER if n in self.results]:
            result = self.results[name]
            target, goal = self.target_goal(name)
            operations[name] = {
                "p50_ms": _round(result.samples.p(50)),
                "p95_ms": _round(result.samples.p(95)),
                "p99_ms": _round(result.samples.p(99)),
                "floor_ms": _round(result.floor_p95()),
                "target_ms": target,
                "goal_ms": _round(goal),
                "requests": result.samples.requests,
                "errors": result.samples.errors,
            }
        return {
            "orgs": self.orgs,
            "records_per_org": self.records_per_org,
            "machine": self.machine,
            "operations": operations,
            "storage_bytes_per_org": self.storage["bytes_per_org"] if self.storage else None,
            "sync_noop_rows_written": self.sync_noop_rows_written,
        }

    def details_json(self) -> dict[str, Any]:
        return {
            "started_at": self.started_at.isoformat(),
            "setup": self.setup,
            "storage": self.storage,
            "operations": {
                name: {
                    **result.details,
                    "floor_p50_ms": _round(result.floor.p(50)) if result.floor else None,
                    "error_notes": result.samples.notes,
                }
                for name, result in self.results.items()
            },
        }

    def rows(self) -> list[list[str]]:
        table: list[list[str]] = []
        for name in [n for n in ORDER if n in self.results]:
            result = self.results[name]
            target, goal = self.target_goal(name)
            p95 = result.samples.p(95)
            floor = result.floor_p95()
            ratio = f"{p95 / floor:.1f}x" if p95 is not None and floor else "-"
            extra_ok = result.samples.errors == 0
            if name == "sync_noop":
                extra_ok = extra_ok and self.sync_noop_rows_written == 0
            table.append(
                [
                    name,
                    _ms(result.samples.p(50)),
                    _ms(p95),
                    _ms(result.samples.p(99)),
                    _ms(floor),
                    ratio,
                    _ms(target),
                    _ms(goal),
                    _met(p95, target, goal, extra_ok),
                ]
            )
        if self.storage:
            size = self.storage["bytes_per_org"] / MB
            table.append(
                [
                    "storage (MB/org)",
                    "-",
                    f"{size:.1f}",
                    "-",
                    "-",
                    "-",
                    f"{STORAGE_TARGET_MB:.0f}",
                    f"{STORAGE_GOAL_MB:.0f}",
                    _met(size, STORAGE_TARGET_MB, STORAGE_GOAL_MB, True),
                ]
            )
        return table

    def markdown(self) -> str:
        header = [
            "operation",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "floor ms",
            "ratio",
            "target",
            "goal",
            "met?",
        ]
        lines = [
            f"`pfa bench --orgs {self.orgs} --records-per-org {self.records_per_org}` "
            f"({self.started_at:%Y-%m-%d %H:%M} UTC) on {self.machine}",
            "",
            "| " + " | ".join(header) + " |",
            "|" + "|".join("---" for _ in header) + "|",
        ]
        lines += ["| " + " | ".join(row) + " |" for row in self.rows()]
        lines += ["", *self.notes()]
        return "\n".join(lines) + "\n"

    def notes(self) -> list[str]:
        notes = []
        for name in [n for n in ORDER if n in self.results]:
            result = self.results[name]
            shown = {k: v for k, v in result.details.items() if k not in ("rows", "per_operation")}
            text = ", ".join(f"{k}={_short(v)}" for k, v in shown.items())
            notes.append(
                f"- **{name}**: requests={result.samples.requests}, "
                f"errors={result.samples.errors}; {text}"
            )
        if self.sync_noop_rows_written is not None:
            notes.append(f"- sync_noop rows written: {self.sync_noop_rows_written}")
        return notes

    def write(self, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        dump = orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS
        (out / "bench.json").write_bytes(orjson.dumps(self.bench_json(), option=dump))
        (out / "bench-details.json").write_bytes(
            orjson.dumps(self.details_json(), option=dump, default=str)
        )
        (out / "bench.md").write_text(self.markdown())

    def print(self, console: Console) -> None:
        table = Table(title=f"pfa bench: {self.orgs} x {self.records_per_org:,} records")
        for column in [
            "operation",
            "p50",
            "p95",
            "p99",
            "floor",
            "ratio",
            "target",
            "goal",
            "met?",
        ]:
            table.add_column(column, justify="left" if column == "operation" else "right")
        for row in self.rows():
            table.add_row(*row)
        console.print(table)


def machine_description() -> str:
    cpus = os.cpu_count() or 0
    memory = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f", {pages / 1024**3:.0f} GB RAM"
    except (ValueError, OSError, AttributeError):
        pass
    load = ""
    with contextlib.suppress(OSError):
        load = ", load average {:.1f}/{:.1f}/{:.1f} at the end".format(*os.getloadavg())
    return (
        f"{platform.system()} {platform.machine()}, {cpus} cores{memory}, "
        f"Python {platform.python_version()}{load}"
    )


def now() -> datetime:
    return datetime.now(UTC)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}"


def _met(p95: float | None, target: float | None, goal: float | None, ok: bool) -> str:
    if p95 is None:
        return "no data"
    parts = []
    if target is not None:
        parts.append("target yes" if p95 < target and ok else "target NO")
    if goal is not None:
        parts.append("goal yes" if p95 <= goal and ok else "goal no")
    if not parts:
        parts.append("yes" if ok else "NO (errors)")
    return ", ".join(parts)


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.1f}"
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "..."
