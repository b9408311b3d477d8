"""The one definition of which records a cost figure counts, and of the impact of drafts.

Every screen that shows plan, forecast, actual cost or variance as a total (the KPI board, the
review before a commit, the AI's cost answers, the exports' totals rows) counts the same records:
those neither discontinued nor funds-transferable. The rule is written here once, as a Python
predicate and as the SQL condition over the mirror's (and the AI view's) columns, together with
the words each screen shows next to its figures ("excludes 312 discontinued and 40
funds-transferable records"). A record both discontinued and funds-transferable is counted once,
as discontinued.

The impact of drafts is the board with the drafts minus the board without them, figure by
figure: the same rule applies on both sides, so a draft that discontinues a record takes its
whole cost out of the impact.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pfa_vanguard.domain.values import to_bool


@dataclass(frozen=True)
class Exclusion:
    key: str  # on the wire, in the exclusion counts
    field: str  # the record's field
    column: str  # the mirror's and the AI view's column
    label: str  # as shown next to a figure


EXCLUSIONS: tuple[Exclusion, ...] = (
    Exclusion("discontinued", "isDiscontinued", "is_discontinued", "discontinued"),
    Exclusion(
        "fundsTransferable", "isFundsTransferable", "is_funds_transferable", "funds-transferable"
    ),
)

INCLUSION_SQL = " AND ".join(f"NOT {e.column}" for e in EXCLUSIONS)
"""The rule as a condition over the mirror's columns (the KPI summary trigger states the same)."""

RULE_TEXT = "Totals leave out " + " and ".join(f"{e.label} records" for e in EXCLUSIONS) + "."


def excluded_by(record: Mapping[str, Any]) -> str | None:
    """The key of the first exclusion that leaves `record` out of the figures, or None."""
    for exclusion in EXCLUSIONS:
        if to_bool(record.get(exclusion.field)):
            return exclusion.key
    return None


def counts_in_figures(record: Mapping[str, Any]) -> bool:
    """Whether `record` counts in the cost figures."""
    return excluded_by(record) is None


def exclusion_counts(records: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """How many of `records` each exclusion leaves out (every key present)."""
    counts = {e.key: 0 for e in EXCLUSIONS}
    for record in records:
        key = excluded_by(record)
        if key is not None:
            counts[key] += 1
    return counts


def exclusion_text(counts: Mapping[str, int]) -> str:
    """The note shown next to a figure, e.g. 'excludes 3 discontinued and 1 funds-transferable
    records'."""
    parts = [f"{counts.get(e.key, 0):,} {e.label}" for e in EXCLUSIONS]
    return f"excludes {' and '.join(parts)} records"


def scoped_conditions(conditions: list[str]) -> list[str]:
    """SQL conditions of a cost figure over the AI view or the mirror: `conditions` plus the
    rule, unless they already name an excluded column (the question asked about those
    records on purpose)."""
    if any(e.column in c for c in conditions for e in EXCLUSIONS):
        return conditions
    return [*conditions, INCLUSION_SQL]


def _round(value: float) -> float:
    return round(value, 2)


def impact(current: Mapping[str, Any], pending: Mapping[str, Any]) -> dict[str, Any]:
    """The impact of drafts on a board's totals figures: pending minus current for the record
    count, plan, forecast, actual (total, rental, purchase) and variance."""
    result: dict[str, Any] = {"recordCount": pending["recordCount"] - current["recordCount"]}
    for window in ("plan", "forecast", "actual"):
        result[window] = {
            part: _round(pending[window][part] - current[window][part])
            for part in ("total", "rental", "purchase")
        }
    result["variance"] = _round(pending["variance"] - current["variance"])
    return result
