"""The offline provider: a deterministic translator of common question shapes into SQL over
pfa_ai_records (and, for questions about the changes themselves, pfa_ai_changes: see
offline/changes.py). No network, no model: the same question gives the same SQL, and a question it
does not understand is refused with a plain explanation instead of a guess."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache

from pfa_vanguard.ai.errors import NotUnderstood
from pfa_vanguard.ai.offline import changes, filters, phrases
from pfa_vanguard.ai.offline.phrases import COUNT, Measure, Spec, Text, Vocabulary
from pfa_vanguard.ai.prompt import VIEW
from pfa_vanguard.kpi.figures import scoped_conditions

CAPABILITIES = (
    "I understand: counts ('how many'), totals and averages of plan, forecast or actual cost, "
    "variance, monthly rate, purchase price or duration; the cost impact of your drafts; "
    "filters on category, area ('A04', 'tank farm'), source (rental / purchase), dor (BEO / "
    "project), actualized, discontinued, funds transferable, with actuals, records you changed "
    "(drafts), over / under plan, amounts ('over 100k'), date windows ('starting after June "
    "2025', 'ending next month', 'active this quarter', 'in the next 30 days'), records changed "
    "in PEMS ('cranes changed since last week'), the history of changes ('what changed since "
    "last week and what does it cost', 'cost of the changes this month'); 'by category / "
    "area / source / month', 'cranes vs generators'; 'top 5', 'cheapest', 'longest', 'earliest'."
)
# Questions offered when one is not understood: (words that make it close, the question).
WHAT_IF = (
    r"^(?:what if|suppose|imagine|what would happen if)\b"
    r"|\b(?:what|how much) would\b.*\b(?:save|cost)\b"
)
_WHEN = r"\b(?:when|date|day|week|month|quarter|year|start|end|begin|finish|soon|next|last)"
CLOSE_QUESTIONS: tuple[tuple[str, str], ...] = (
    (_WHEN, "how many rentals end next month"),
    (_WHEN, "which cranes start this quarter"),
    (r"\b(?:chang|modif|updat|edit|new|since|recent)", "what changed since last week"),
    (r"\b(?:my|i|draft|edit|impact|save|saving|effect)", "what is the cost impact of my drafts"),
    (r"\b(?:long|duration|length|days|time)", "average rental duration by category"),
    (r"\b(?:cost|spend|money|budget|price|expensive|cheap|\$)", "total forecast cost by area"),
    (r"\b(?:most|top|biggest|largest|highest|rank|best|worst)", "top 5 most expensive records"),
    (r"\b(?:vs|versus|compar|against|differ)", "plan vs forecast cost by category"),
    (r"", "how many records are over plan"),
)  # fmt: skip
LISTING_COLUMNS = (
    "pfa_id", "description", "category", "area_silo", "source", "forecast_start",
    "forecast_end", "plan_cost", "forecast_cost",
)  # fmt: skip


def parse(question: str, vocabulary: Vocabulary, today: date, *, suggest: bool = True) -> Spec:
    """The meaning of `question`, or NotUnderstood naming the words that were not understood
    (and, with `suggest`, offering close questions that are)."""
    if re.search(WHAT_IF, phrases.normalise(question)):
        raise NotUnderstood(
            "This is a what-if: ask for it as a change ('Ask for a change' in the AI tab, POST "
            "/api/ai/draft), e.g. 'what if I end all light towers in A04 two weeks early': you "
            "get the records it would change and its cost impact, and nothing changes until you "
            "apply it (and undo it if you wish)."
        )
    text = Text(question)
    spec = Spec()
    phrases.take_groups(text, spec)
    phrases.take_over_plan_ranking(text, spec)
    filters.take_plan_comparisons(text, spec)
    filters.take_amounts(text, spec)
    filters.take_dates(text, spec, today)
    phrases.take_measures(text, spec)
    phrases.take_ranking(text, spec)
    phrases.take_compare(text, spec)
    filters.take_flags(text, spec)
    filters.take_values(text, spec, vocabulary)
    if spec.compare:
        for column, by_negation in spec.values.items():
            if len(by_negation.get(False, ())) > 1 and column not in {e for e, _ in spec.groups}:
                spec.groups.append((column, column))
    phrases.take_listing(text, spec)
    leftover = text.leftover()
    if leftover:
        words = ", ".join(f"'{w}'" for w in dict.fromkeys(leftover))
        if not suggest:
            raise NotUnderstood(words)
        close = "; ".join(f"'{q}'" for q in close_questions(question, leftover, vocabulary, today))
        raise NotUnderstood(
            f"I did not understand {words} in your question. Close questions I can answer: "
            f"{close}. {CAPABILITIES}"
        )
    if not (spec.conditions or spec.values or spec.measures or spec.groups or spec.rank) and not (
        spec.listing
    ):
        raise NotUnderstood(f"I did not understand your question. {CAPABILITIES}")
    return spec


def close_questions(
    question: str, leftover: list[str], vocabulary: Vocabulary, today: date
) -> list[str]:
    """Up to three questions close to one not understood: the question without the words not
    understood (when that is a question on its own), then examples of its kind."""
    found = []
    rest = " ".join(w for w in phrases.normalise(question).split() if w not in set(leftover))
    if rest:
        try:
            parse(rest, vocabulary, today, suggest=False)
            found.append(rest)
        except NotUnderstood:
            pass
    text = phrases.normalise(question)
    for pattern, example in CLOSE_QUESTIONS:
        if len(found) < 3 and example not in found and re.search(pattern, text):
            found.append(example)
    return found


def _column_of(measure: Measure) -> str | None:
    inner = measure.expr.partition("(")[2].rstrip(")")
    return inner if re.fullmatch(r"[a-z_]+(?: - [a-z_]+)?", inner) else None


_RANK_ALIASES = {phrases.DURATION: "duration_days", phrases.IMPACT: "cost_impact"}


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
    if rank_column and not rank_column.isidentifier():
        shown.append(f"{rank_column} AS {_RANK_ALIASES.get(rank_column, 'ranked_by')}")
    order = f"{rank_column} {direction} NULLS LAST, pfa_id" if rank_column else "pfa_id"
    return f"SELECT {', '.join(shown)}\nFROM {VIEW}{where}\nORDER BY {order}{limit}"


@lru_cache(maxsize=1024)  # deterministic: the same question, names and day give the same SQL
def translate(question: str, vocabulary: Vocabulary, today: date) -> str:
    """SQL for `question`, or NotUnderstood."""
    history_question = changes.recognise(phrases.normalise(question), today)
    if history_question is not None:
        return changes.build_sql(history_question)
    return build_sql(parse(question, vocabulary, today))


class OfflineProvider:
    """The default provider: no network, deterministic."""

    name = "offline"
    uses_vocabulary = True  # the organization's category and area names

    def __init__(self, today: Callable[[], date] = date.today) -> None:
        self.today = today

    async def generate_sql(self, question: str, *, prompt: str, vocabulary: Vocabulary) -> str:
        return translate(question, vocabulary, self.today())
