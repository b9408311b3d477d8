"""Misbehaviour on demand: shares of failing, throttled and dropped calls, latency per call, and
a script of exact faults for the next calls (for tests that need one precise failure)."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

FaultKind = Literal["none", "error", "throttle", "drop", "delay", "garbage"]
KINDS: tuple[FaultKind, ...] = ("none", "error", "throttle", "drop", "delay", "garbage")
ROUTES = ("grids", "userdefinedscreenservices")


class FaultSpecError(ValueError):
    """A /_sim/faults body that does not make sense."""


@dataclass(frozen=True)
class Fault:
    """One fault applied to one call.

    error: answer `status` (500/503). throttle: 429 with `Retry-After: retry_after_s`.
    drop: close the connection without an answer. delay: wait `delay_ms`, then answer.
    garbage: HTTP 200 with a body that is not the JSON envelope (a proxy's error page).
    none: answer normally (in a script, lets calls through before the next fault).
    `after_apply` (writes): do the work first, then misbehave (the write is applied).
    `route` limits a scripted fault to one service (None: the next PEMS call of any kind).
    """

    kind: FaultKind
    route: str | None = None
    status: int = 503
    retry_after_s: int = 1
    after_apply: bool = False
    delay_ms: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "route": self.route,
            "status": self.status,
            "retryAfter": self.retry_after_s,
            "afterApply": self.after_apply,
            "ms": self.delay_ms,
        }


@dataclass
class Faults:
    """Current misbehaviour. Rates are shares of PEMS calls in [0, 1] (summing to <= 1)."""

    fail_rate: float = 0.0
    throttle_rate: float = 0.0
    drop_rate: float = 0.0
    latency_ms: int = 0
    retry_after_s: int = 1
    script: list[Fault] = field(default_factory=list)

    def next_fault(self, route: str, rng: random.Random) -> Fault | None:
        """The fault for the next call to `route`: the first scripted one that applies, else
        one drawn from the rates. Dropped writes are applied or not with even odds."""
        for index, fault in enumerate(self.script):
            if fault.route in (None, route):
                del self.script[index]
                return fault
        if not (self.fail_rate or self.throttle_rate or self.drop_rate):
            return None
        draw = rng.random()
        if draw < self.fail_rate:
            return Fault("error", status=rng.choice((500, 503)))
        draw -= self.fail_rate
        if draw < self.throttle_rate:
            return Fault("throttle", retry_after_s=self.retry_after_s)
        draw -= self.throttle_rate
        if draw < self.drop_rate:
            return Fault("drop", after_apply=route != "grids" and rng.random() < 0.5)
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "failRate": self.fail_rate,
            "throttleRate": self.throttle_rate,
            "dropRate": self.drop_rate,
            "latencyMs": self.latency_ms,
            "retryAfter": self.retry_after_s,
            "next": [fault.to_json() for fault in self.script],
        }


def _rate(body: Mapping[str, Any], key: str) -> float:
    value = body.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise FaultSpecError(f"{key} must be a number in [0, 1], got {value!r}")
    return float(value)


def _int(body: Mapping[str, Any], key: str, default: int) -> int:
    value = body.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FaultSpecError(f"{key} must be a non-negative integer, got {value!r}")
    return value


def _scripted(item: object) -> Fault:
    if not isinstance(item, Mapping):
        raise FaultSpecError("each entry of next must be an object")
    kind = item.get("kind")
    if kind not in KINDS:
        raise FaultSpecError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    route = item.get("route")
    if route is not None and route not in ROUTES:
        raise FaultSpecError(f"route must be one of {', '.join(ROUTES)}, got {route!r}")
    status = _int(item, "status", 503)
    if kind == "error" and not 500 <= status <= 599:
        raise FaultSpecError(f"an error fault needs a 5xx status, got {status}")
    return Fault(
        kind=kind,
        route=route,
        status=status,
        retry_after_s=_int(item, "retryAfter", 1),
        after_apply=bool(item.get("afterApply", False)),
        delay_ms=_int(item, "ms", 0),
    )


def parse_faults(body: Mapping[str, Any]) -> Faults:
    """Faults from a `/_sim/faults` body (camelCase keys; anything omitted is off)."""
    known = {"failRate", "throttleRate", "dropRate", "latencyMs", "retryAfter", "next"}
    unknown = set(body) - known
    if unknown:
        raise FaultSpecError(f"unknown keys {sorted(unknown)}; allowed: {sorted(known)}")
    faults = Faults(
        fail_rate=_rate(body, "failRate"),
        throttle_rate=_rate(body, "throttleRate"),
        drop_rate=_rate(body, "dropRate"),
        latency_ms=_int(body, "latencyMs", 0),
        retry_after_s=_int(body, "retryAfter", 1),
    )
    if faults.fail_rate + faults.throttle_rate + faults.drop_rate > 1:
        raise FaultSpecError("failRate + throttleRate + dropRate must not exceed 1")
    script = body.get("next", [])
    if not isinstance(script, list):
        raise FaultSpecError("next must be a list of faults")
    faults.script = [_scripted(item) for item in script]
    return faults
