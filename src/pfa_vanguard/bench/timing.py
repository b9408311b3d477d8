"""Samples of durations and their percentiles; the measuring loops every operation uses."""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field


def percentile(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile (0-100) by linear interpolation between closest ranks; None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    if low == high:
        return ordered[low]
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def weighted_percentile(groups: Sequence[tuple[Sequence[float], float]], p: float) -> float | None:
    """Percentile of a mixture: each (samples, weight) group contributes `weight` in total,
    spread evenly over its samples. Used to compare a mixed load with its single-user parts."""
    points: list[tuple[float, float]] = []
    for samples, weight in groups:
        if samples and weight > 0:
            points.extend((value, weight / len(samples)) for value in samples)
    if not points:
        return None
    points.sort()
    total = sum(w for _, w in points)
    target = total * p / 100
    running = 0.0
    for value, weight in points:
        running += weight
        if running >= target:
            return value
    return points[-1][0]


@dataclass
class Samples:
    """Durations in milliseconds of one operation, and how many attempts failed."""

    durations_ms: list[float] = field(default_factory=list)
    errors: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.durations_ms) + self.errors

    def p(self, pct: float) -> float | None:
        return percentile(self.durations_ms, pct)

    def add(self, other: Samples) -> None:
        self.durations_ms.extend(other.durations_ms)
        self.errors += other.errors


class Failed(Exception):
    """An attempt that got a wrong answer (status, shape): counted as an error, not timed."""


async def measure(
    attempt: Callable[[], Awaitable[None]],
    *,
    repetitions: int,
    warmup: int = 3,
    before_each: Callable[[], Awaitable[None]] | None = None,
) -> Samples:
    """Run `attempt` `warmup` times untimed, then `repetitions` times timed (wall clock).

    `before_each` (untimed) prepares each attempt, e.g. recreating drafts before a commit.
    An attempt raising `Failed` counts as an error; other exceptions propagate.
    """
    samples = Samples()
    for n in range(warmup + repetitions):
        if before_each is not None:
            await before_each()
        started = time.perf_counter()
        try:
            await attempt()
        except Failed as exc:
            if n >= warmup:
                samples.errors += 1
                if len(samples.notes) < 5:
                    samples.notes.append(str(exc))
            continue
        elapsed = (time.perf_counter() - started) * 1000
        if n >= warmup:
            samples.durations_ms.append(elapsed)
    return samples
