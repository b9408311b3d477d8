"""The offline provider: a deterministic translator of common question shapes into SQL over
pfa_ai_records. No network, no model: the same question gives the same SQL, and a question it
does not understand is refused with a plain explanation instead of a guess."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import lru_cache

from pfa_vanguard.ai.errors import NotUnderstood
from pfa_vanguard.ai.offline import filters, phrases
from pfa_vanguard.ai.offline.phrases import COUNT, Measure, Spec, Text, Vocabulary
from pfa_vanguard.ai.prompt import VIEW
from pfa_vanguard.kpi.figures import scoped_conditions

CAPABILITIES = (
    "I understand: counts ('how many'), totals and averages of plan, forecast or actual cost, "
    "variance, monthly rate or purchase price; filters on category, area, source (rental / "
    "purchase), dor (BEO / project), actualized, discontinued, funds transferable, with "
    "actuals, records you changed (drafts), over / under plan, amounts ('over 100k'), date "
    "windows ('starting after June 2025', 'active in Q3', 'ending before 2025-09-01'); "
    "'by category / area / source / month'; 'top 5', 'cheapest', 'earliest'."
)
LISTING_COLUMNS = (
    "pfa_id", "description", "category", "area_silo", "source", "forecast_start",
    "forecast_end", "plan_cost", "forecast_cost",
)  # fmt: skip


def parse(question: str, vocabulary: Vocabulary, today: date) -> Spec:
    """The meaning of `question`, or NotUnderstood naming the words that were not understood."""
    text = Text(question)
    spec = Spec()
    phrases.take_groups(text, spec)
    filters.take_plan_comparisons(text, spec)
    filters.take_amounts(text, spec)
    filters.take_dates(text, spec, today)
    phrases.take_measures(text, spec)
    phrases.take_ranking(text, spec)
    filters.take_flags(text, spec)
    filters.take_values(text, spec, vocabulary)
    phrases.take_listing(text, spec)
    leftover = text.leftover()
    if leftover:
        words = ", ".join(f"'{w}'" for w in dict.fromkeys(leftover))
        raise NotUnderstood(f"I did not understand {words} in your question. {CAPABILITIES}")
    if not (spec.conditions or spec.values or spec.measures or spec.groups or spec.rank) and not (
        spec.listing
    ):
        raise NotUnderstood(f"I did not understand your question. {CAPABILITIES}")
    return spec


def _column_of(measure: Measure) -> str | None:
    inner = measure.expr.partition("(")[2].rstrip(")")
    return inner if inner.isidentifier() else None


_COST_COLUMNS = ("plan_cost", "forecast_cost", "actual_cost", "variance")


def _figure_conditions(conditions: list[str], measures: list[Measure]) -> list[str]:
    """A total of costs counts the records every other screen's figures count."""
    if any(column in m.expr for m in measures for column in _COST_COLUMNS):
        return scoped_conditions(conditions)
    return conditions


def build_sql(spec: Spec) -> str:
    """The SQL of a parsed question (it still goes through the guard before it runs)."""
    conditions = [*spec.conditions, *filters.value_conditions(spec)]
    where = f"\nWHERE {' AND '.join(conditions)}" if conditions else ""
    rank_column, descending = spec.rank or ("", True)
    direction = "DESC" if descending else "ASC"
    limit = f"\nLIMIT {spec.limit}" if spec.limit is not None else ""
    measures = list({m.alias: m for m in spec.measures}.values())
    ranking_a_listing = spec.rank is not None and not any(
        m.explicit and m is not COUNT for m in measures
    ) and COUNT not in measures  # fmt: skip

    if spec.groups:
        measures = measures or [COUNT, Measure("sum(forecast_cost)", "total_forecast_cost")]
        conditions = _figure_conditions(conditions, measures)
        where = f"\nWHERE {' AND '.join(conditions)}" if conditions else ""
        columns = [f"{e} AS {a}" for e, a in spec.groups] + [
            f"{m.expr} AS {m.alias}" for m in measures
        ]
        positions = ", ".join(str(i + 1) for i in range(len(spec.groups)))
        order = (
            f"{measures[0].alias} {direction} NULLS LAST, {positions}" if spec.rank else positions
        )
        return (
            f"SELECT {', '.join(columns)}\nFROM {VIEW}{where}\nGROUP BY {positions}"
            f"\nORDER BY {order}{limit}"
        )
    if measures and not ranking_a_listing:
        conditions = _figure_conditions(conditions, measures)
        where = f"\nWHERE {' AND '.join(conditions)}" if conditions else ""
        columns = [f"{m.expr} AS {m.alias}" for m in measures]
        return f"SELECT {', '.join(columns)}\nFROM {VIEW}{where}"

    if spec.rank is not None and not rank_column:
        named = [c for c in map(_column_of, measures) if c]
        rank_column = named[0] if named else "forecast_cost"
    shown = list(LISTING_COLUMNS)
    if any("variance" in c for c in conditions):
        shown.append("variance")
    for column in (rank_column, *[c.split()[0] for c in conditions]):
        if column and column.isidentifier() and column not in shown and column != "NOT":
            shown.append(column)
    order = f"{rank_column} {direction} NULLS LAST, pfa_id" if rank_column else "pfa_id"
    return f"SELECT {', '.join(shown)}\nFROM {VIEW}{where}\nORDER BY {order}{limit}"


@lru_cache(maxsize=1024)  # deterministic: the same question, names and day give the same SQL
def translate(question: str, vocabulary: Vocabulary, today: date) -> str:
    """SQL for `question`, or NotUnderstood."""
    return build_sql(parse(question, vocabulary, today))


class OfflineProvider:
    """The default provider: no network, deterministic."""

    name = "offline"
    uses_vocabulary = True  # the organization's category and area names

    def __init__(self, today: Callable[[], date] = date.today) -> None:
        self.today = today

    async def generate_sql(self, question: str, *, prompt: str, vocabulary: Vocabulary) -> str:
        return translate(question, vocabulary, self.today())
