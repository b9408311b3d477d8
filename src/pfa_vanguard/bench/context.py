"""What every measured operation needs to know about the run, and what it reports back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import dict_row

from pfa_vanguard.bench.client import UserClient
from pfa_vanguard.bench.population import DraftTarget
from pfa_vanguard.bench.timing import Samples, measure


@dataclass(frozen=True)
class AiQuestion:
    """The 3-filter question of `ai_query` and the filters its hand-written floor uses."""

    text: str
    category: str
    source: str
    area: str


@dataclass
class BenchContext:
    api_url: str
    db_url: str
    pems_url: str
    org_code: str  # the organization under test
    org_id: int
    records: int
    user: UserClient  # the benchmark user, with `targets` drafted
    user_id: int
    targets: list[DraftTarget]
    repetitions: int
    out: Path
    category: str  # of filter_category (~4K of 50K records)
    month: tuple[date, date]  # of filter_dates
    ai: AiQuestion
    sync_org: str  # the organization sync_full / sync_noop reload from the simulator
    sync_org_id: int
    sync_repetitions: int
    commit_repetitions: int
    concurrent_users: int
    concurrent_seconds: float
    think_ms: float
    data_dir: Path


@dataclass
class OpResult:
    """One operation's figures. `floor` is what bench.json calls floor_ms; `details` go to
    bench-details.json and the notes under the table."""

    name: str
    samples: Samples
    floor: Samples | None = None
    floor_ms: float | None = None  # a floor that is not a distribution (concurrent)
    details: dict[str, Any] = field(default_factory=dict)

    def floor_p95(self) -> float | None:
        if self.floor_ms is not None:
            return self.floor_ms
        return self.floor.p(95) if self.floor is not None else None


async def sql_floor(
    url: str, query: Any, params: dict[str, Any], repetitions: int, *, commit: bool = False
) -> Samples:
    """Time `query` run directly with psycopg (fetching every row), on one connection."""
    async with await psycopg.AsyncConnection.connect(url, row_factory=dict_row) as conn:

        async def attempt() -> None:
            cur = await conn.execute(query, params)
            if cur.description is not None:
                await cur.fetchall()
            if commit:
                await conn.commit()

        samples = await measure(attempt, repetitions=repetitions, warmup=3)
        await conn.rollback()
    return samples
