"""The load driver: `users` simulated people at once, each with its own HTTP connection and
token, looping over a mixed workload (whole-organization load, category and date filters, the
draft-aware KPI board, draft saves) with a short think time, for `duration_s`. Each user's
screen also keeps itself fresh as the web UI does: a delta read (`poll_changes`, GET
/api/pfa/{org}/changes?since=N, following the mark it returns) every `poll_s`. Optionally one
more user asks the assistant `ai_burst` questions at a time all along (each of them asked again
as soon as it is answered, or once its Retry-After passed), measured apart from the others.

Guarantees: every request is counted, in exactly one operation, as a latency sample (answered
with its expected status) or as an error (any other status, or a transport failure), so an
error rate of 0 means every request of the run was served. Loopback only: the driver refuses
a base URL that is not on 127.0.0.1/localhost. The run is bounded: no new request starts after
the deadline, and each request has a timeout.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlsplit

import httpx

# Share of each operation in a user's session.
MIX: dict[str, float] = {
    "load_org": 0.10,
    "filter_category": 0.25,
    "filter_dates": 0.20,
    "kpi": 0.20,
    "save_draft": 0.25,
}
POLL = "poll_changes"  # the open screen's delta read, on its own clock beside the mix
POLL_S = 12.0  # as the web UI
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
DRAFT_RECORDS_PER_USER = 20
# What the burst user asks (the offline provider answers each of them)
AI_QUESTIONS = (
    "the 50 earliest starting cranes",
    "total forecast cost by category",
    "how many records are over plan",
    "records starting in 2026 by area",
)


class LoadError(RuntimeError):
    """The run could not start (login refused, organization empty, not loopback)."""


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100); None without values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


@dataclass
class OpStats:
    """Latencies (ms) of the answered requests of one operation, and its errors."""

    samples: list[float] = field(default_factory=list)
    errors: int = 0
    examples: list[str] = field(default_factory=list)

    def fail(self, what: str) -> None:
        self.errors += 1
        if len(self.examples) < 5:
            self.examples.append(what)

    @property
    def requests(self) -> int:
        return len(self.samples) + self.errors


@dataclass
class BurstStats:
    """The assistant burst: one user's answers (latencies, ms), refusals (429) and the rest."""

    parallel: int
    samples: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        """Answers other than 200 and 429 (a 503 here is the overload the limits prevent)."""
        return sum(n for status, n in self.statuses.items() if status not in (200, 429))

    def line(self) -> str:
        p50, p95 = (percentile(self.samples, p) for p in (50, 95))
        timing = f" (p50 {p50:.0f} ms, p95 {p95:.0f} ms)" if p50 and p95 else ""
        return (
            f"AI burst: one more user asking {self.parallel} questions at a time: "
            f"{self.statuses[200]} answered{timing}, {self.statuses[429]} refused (429), "
            f"{self.errors} other answers."
        )


@dataclass
class LoadReport:
    users: int
    duration_s: float
    org: str
    records: int
    ops: dict[str, OpStats]
    burst: BurstStats | None = None

    @property
    def requests(self) -> int:
        return sum(s.requests for s in self.ops.values())

    @property
    def errors(self) -> int:
        """Failed requests of the users, and the burst's answers other than 200 and 429."""
        burst = self.burst.errors if self.burst is not None else 0
        return sum(s.errors for s in self.ops.values()) + burst

    def rows(self) -> list[tuple[str, int, int, float | None, float | None, float | None]]:
        """(operation, requests, errors, p50, p95, p99) per operation, then "all"."""
        every = [x for s in self.ops.values() for x in s.samples]
        rows = [
            (name, s.requests, s.errors, *(percentile(s.samples, p) for p in (50, 95, 99)))
            for name, s in self.ops.items()
        ]
        rows.append(
            ("all", self.requests, self.errors, *(percentile(every, p) for p in (50, 95, 99)))
        )
        return rows  # type: ignore[return-value]

    def markdown(self) -> str:
        def ms(value: float | None) -> str:
            return "–" if value is None else f"{value:.0f}"

        lines = [
            "| operation | requests | errors | p50 ms | p95 ms | p99 ms |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for name, requests, errors, p50, p95, p99 in self.rows():
            lines.append(f"| {name} | {requests} | {errors} | {ms(p50)} | {ms(p95)} | {ms(p99)} |")
        failed = sum(s.errors for s in self.ops.values())
        rate = failed / self.requests if self.requests else 0.0
        lines.append("")
        lines.append(
            f"{self.users} users for {self.duration_s:.0f} s against `{self.org}` "
            f"({self.records} records): {self.requests} requests "
            f"({self.requests / max(self.duration_s, 1e-9):.1f}/s), error rate {rate:.4%}."
        )
        if self.burst is not None:
            lines.append(self.burst.line())
        return "\n".join(lines)


@dataclass(frozen=True)
class Target:
    """A record users draft: its id and baseline forecast end."""

    record_id: str
    forecast_end: date


@dataclass(frozen=True)
class Workload:
    org: str
    records: int
    categories: list[str]
    months: list[tuple[date, date]]
    targets: list[Target]


def _check_loopback(base_url: str) -> None:
    host = urlsplit(base_url).hostname or ""
    if host not in LOOPBACK:
        raise LoadError(f"the load driver only targets loopback, not {host!r}")


async def _login(http: httpx.AsyncClient, username: str, password: str) -> str:
    resp = await http.post("/api/auth/login", json={"username": username, "password": password})
    if resp.status_code != 200:
        raise LoadError(f"login of {username} refused: HTTP {resp.status_code} {resp.text[:200]}")
    return str(resp.json()["access_token"])


async def _tokens(base_url: str, users: Sequence[tuple[str, str]]) -> list[str]:
    """Every user's token, before the clock starts (password hashing is slow on purpose, so
    logins are not part of the measured mix); a few at a time."""
    gate = asyncio.Semaphore(4)
    async with httpx.AsyncClient(base_url=base_url, timeout=300.0) as http:

        async def one(username: str, password: str) -> str:
            async with gate:
                return await _login(http, username, password)

        return list(await asyncio.gather(*(one(*user) for user in users)))


async def discover(http: httpx.AsyncClient, org: str) -> Workload:
    """What the users will ask for, read through the API: categories, months with work, and
    records whose forecast end can move later (not discontinued, window well ordered)."""
    resp = await http.get(f"/api/pfa/{org}")
    if resp.status_code != 200:
        raise LoadError(f"reading {org}: HTTP {resp.status_code} {resp.text[:200]}")
    body = resp.json()
    categories: set[str] = set()
    months: set[tuple[date, date]] = set()
    targets: list[Target] = []
    for record in body["records"]:
        data = record["data"]
        if isinstance(data.get("category"), str):
            categories.add(data["category"])
        start, end = data.get("forecastStart"), data.get("forecastEnd")
        if not (isinstance(start, str) and isinstance(end, str)) or start > end:
            continue
        first = date.fromisoformat(start).replace(day=1)
        months.add((first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)))
        if not data.get("isDiscontinued") and not data.get("isActualized"):
            targets.append(Target(record["id"], date.fromisoformat(end)))
    if not categories or not targets:
        raise LoadError(f"{org} has no records to work on")
    return Workload(org, len(body["records"]), sorted(categories), sorted(months), targets)


def _actions(
    http: httpx.AsyncClient, work: Workload, mine: Sequence[Target], rng: random.Random
) -> dict[str, Callable[[], Awaitable[httpx.Response]]]:
    base = f"/api/pfa/{work.org}"

    async def save() -> httpx.Response:
        target = rng.choice(mine)
        shift = timedelta(days=rng.randint(1, 90))
        changes = {"forecastEnd": (target.forecast_end + shift).isoformat()}
        body = {"recordId": target.record_id, "changes": changes}
        return await http.post(f"{base}/draft", json=body)

    def dates() -> Awaitable[httpx.Response]:
        start, end = rng.choice(work.months)
        return http.get(base, params={"from": start.isoformat(), "to": end.isoformat()})

    return {
        "load_org": lambda: http.get(base),
        "filter_category": lambda: http.get(base, params={"category": rng.choice(work.categories)}),
        "filter_dates": dates,
        "kpi": lambda: http.get(f"{base}/kpi", params={"drafts": "true"}),
        "save_draft": save,
    }


async def _keep_fresh(
    http: httpx.AsyncClient, org: str, stats: OpStats, deadline: float, poll_s: float, phase: float
) -> None:
    """The open screen's polling: the mark once, then a delta read from it every `poll_s`. An
    answer whose mark goes backwards counts as an error (a screen would miss changes)."""
    path = f"/api/pfa/{org}/changes"
    mark: int | None = None
    await asyncio.sleep(max(0.0, min(phase, deadline - time.monotonic())))
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            resp = await http.get(path, params={} if mark is None else {"since": mark})
            elapsed = (time.perf_counter() - started) * 1000
            version = resp.json().get("version") if resp.status_code == 200 else None
            if not isinstance(version, int):
                stats.fail(f"HTTP {resp.status_code}: {resp.text[:200]}")
            elif mark is not None and version < mark:
                stats.fail(f"the mark went back from {mark} to {version}")
            else:
                stats.samples.append(elapsed)
                mark = version
        except httpx.HTTPError as exc:
            stats.fail(f"{type(exc).__name__}: {exc}")
        await asyncio.sleep(max(0.0, min(poll_s, deadline - time.monotonic())))


async def _user(
    base_url: str,
    token: str,
    work: Workload,
    mine: Sequence[Target],
    ops: dict[str, OpStats],
    deadline: float,
    think_s: float,
    seed: int,
    poll_s: float = POLL_S,
) -> None:
    rng = random.Random(seed)
    names, weights = list(MIX), list(MIX.values())
    timeout = httpx.Timeout(60.0)
    headers = {"Authorization": f"Bearer {token}"}
    async with (
        httpx.AsyncClient(base_url=base_url, timeout=timeout, headers=headers) as http,
        asyncio.TaskGroup() as screen,
    ):
        phase = rng.uniform(0, min(poll_s, 2 * think_s + 1))
        screen.create_task(_keep_fresh(http, work.org, ops[POLL], deadline, poll_s, phase))
        actions = _actions(http, work, mine, rng)
        await asyncio.sleep(rng.uniform(0, think_s))  # users arrive spread out
        while time.monotonic() < deadline:
            name = rng.choices(names, weights)[0]
            started = time.perf_counter()
            try:
                resp = await actions[name]()
                elapsed = (time.perf_counter() - started) * 1000
                if resp.status_code == 200:
                    ops[name].samples.append(elapsed)
                else:
                    ops[name].fail(f"HTTP {resp.status_code}: {resp.text[:200]}")
            except httpx.HTTPError as exc:
                ops[name].fail(f"{type(exc).__name__}: {exc}")
            await asyncio.sleep(rng.uniform(0.5, 1.5) * think_s)


async def _ai_burst(
    base_url: str, token: str, org: str, stats: BurstStats, deadline: float
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=stats.parallel + 2)
    async with httpx.AsyncClient(
        base_url=base_url, timeout=httpx.Timeout(60.0), headers=headers, limits=limits
    ) as http:

        async def asker(n: int) -> None:
            while time.monotonic() < deadline:
                body = {"org": org, "question": AI_QUESTIONS[n % len(AI_QUESTIONS)]}
                started = time.perf_counter()
                try:
                    resp = await http.post("/api/ai/query", json=body)
                except httpx.HTTPError as exc:
                    stats.statuses[0] += 1
                    if len(stats.examples) < 5:
                        stats.examples.append(f"{type(exc).__name__}: {exc}")
                    continue
                stats.statuses[resp.status_code] += 1
                if resp.status_code == 200:
                    stats.samples.append((time.perf_counter() - started) * 1000)
                elif resp.status_code == 429:  # as a client would; never past the deadline
                    wait = float(resp.headers.get("Retry-After", "1"))
                    await asyncio.sleep(max(0.0, min(wait, deadline - time.monotonic())))
                elif len(stats.examples) < 5:
                    stats.examples.append(f"HTTP {resp.status_code}: {resp.text[:200]}")

        await asyncio.gather(*(asker(n) for n in range(stats.parallel)))


async def run_load(
    base_url: str,
    org: str,
    users: Sequence[tuple[str, str]],
    duration_s: float,
    *,
    think_s: float = 0.5,
    seed: int = 1,
    poll_s: float = POLL_S,
    ai_burst: int = 0,
) -> LoadReport:
    """Run the mixed workload with one simulated person per (username, password) for
    `duration_s`; returns the latencies and errors per operation. Each user drafts its own
    records (so saves do not conflict across users); its drafts stay behind. With `ai_burst`,
    the last of `users` is the assistant burst instead (see the module docstring)."""
    _check_loopback(base_url)
    if len(users) < (2 if ai_burst else 1):
        raise LoadError("no users")
    tokens = await _tokens(base_url, users)
    burst_token = tokens.pop() if ai_burst else None
    headers = {"Authorization": f"Bearer {tokens[0]}"}
    async with httpx.AsyncClient(base_url=base_url, timeout=120.0, headers=headers) as http:
        work = await discover(http, org)
    ops = {name: OpStats() for name in [*MIX, POLL]}
    deadline = time.monotonic() + duration_s
    per_user = max(1, min(DRAFT_RECORDS_PER_USER, len(work.targets) // len(users)))
    burst = BurstStats(ai_burst) if burst_token is not None else None
    started = time.monotonic()
    async with asyncio.TaskGroup() as group:
        for n, token in enumerate(tokens):
            mine = work.targets[n * per_user : (n + 1) * per_user] or work.targets[:per_user]
            group.create_task(
                _user(base_url, token, work, mine, ops, deadline, think_s, seed + n, poll_s)
            )
        if burst is not None and burst_token is not None:
            group.create_task(_ai_burst(base_url, burst_token, org, burst, deadline))
    elapsed = time.monotonic() - started
    return LoadReport(len(tokens), elapsed, org, work.records, ops, burst)
