"""Recognizers of the phrases the offline translator understands: the shape of the answer
(measures, groups, ranking); the filters are in filters.py.

A question is lower-cased and normalised into a `Text`; each recognizer finds its phrases,
records their meaning in a `Spec`, and blanks them out. Whatever is left must be filler words:
anything else means the question was not understood (and the translator says so rather than
guessing). Values found in a question are quoted as SQL literals; the SQL built from a `Spec`
still goes through the guard like any model's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Vocabulary:
    """Names of one organization, from the database (metadata, never sent to a model)."""

    categories: tuple[str, ...] = ()
    forecast_categories: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    dors: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    equipment: tuple[str, ...] = ()  # asset tags


@dataclass(frozen=True)
class Measure:
    expr: str
    alias: str
    explicit: bool = True  # said with an aggregate word ("total", "average"), not just named


@dataclass
class Spec:
    conditions: list[str] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    groups: list[tuple[str, str]] = field(default_factory=list)  # (expr, alias)
    rank: tuple[str, bool] | None = None  # (column or "", descending)
    limit: int | None = None
    values: dict[str, dict[bool, list[str]]] = field(default_factory=dict)  # col -> neg -> values
    listing: bool = False  # "list ..." / "show ...": rows were asked for
    compare: bool = False  # "A vs B", "compare A and B": group by what is compared


def quote(value: str) -> str:
    """A SQL string literal (standard_conforming_strings)."""
    return "'" + value.replace("'", "''") + "'"


_FILLER = """a an the of in on at for to with and or are is was were be been being do does did have
    has had i me my we us our you your it its this that these those there their them they what
    which who whose where when how show list display give get find tell please all any every
    some records record lines line items item rows row pfa pfas equipment requirements
    requirement entries entry ones one much many currently current now right still so far
    whole overall whats what's there's only also just as by from than per each yet"""
STOPWORDS = frozenset(_FILLER.split())

NUMBER_WORDS = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "million": 1_000_000}


def normalise(text: str) -> str:
    """Lower case, plain punctuation, single spaces: questions and names alike."""
    text = text.lower().replace("\u2019", "'")
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)  # 100,000
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text)  # funds-transferable
    text = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", text)
    text = re.sub(r"[^a-z0-9.$%<>=' -]", " ", text)
    text = re.sub(r"'s\b", "", text)
    return " ".join(text.split())


def name_pattern(name: str) -> str:
    """A regex matching `name` (a vocabulary value) in a normalised question."""
    return r"\s+".join(re.escape(word) for word in normalise(name).split())


class Text:
    """The question, normalised; recognized phrases are blanked out as they are taken."""

    def __init__(self, question: str) -> None:
        self.text = f" {normalise(question)} "

    def take(self, pattern: str) -> list[re.Match[str]]:
        """Every match of `pattern`, each then blanked out of the text."""
        matches = list(re.finditer(pattern, self.text))
        for m in reversed(matches):
            start, end = m.span()
            self.text = self.text[:start] + " " * (end - start) + self.text[end:]
        return matches

    def leftover(self) -> list[str]:
        """Words no recognizer took and that are not filler."""
        return [w for w in re.findall(r"[a-z0-9$%<>=.']+", self.text) if w not in STOPWORDS]


# -- dimensions (GROUP BY) -------------------------------------------------------------------

DIMENSION = (
    r"(?:forecast categor(?:y|ies)|categor(?:y|ies)|area silos?|areas?|silos?|sources?|dors?"
    r"|equipment class(?:es)?|class(?:es)?|manufacturers?|months?|quarters?|years?)"
)


def dimension(word: str) -> tuple[str, str]:
    """(SQL expression, alias) of a DIMENSION match."""
    word = word.strip()
    if word.startswith("forecast categor"):
        return "forecast_category", "forecast_category"
    if word.startswith("categor"):
        return "category", "category"
    if word.startswith(("area", "silo")):
        return "area_silo", "area_silo"
    if word.startswith("month"):
        return "date_trunc('month', forecast_start)::date", "month"
    if word.startswith("quarter"):
        return "date_trunc('quarter', forecast_start)::date", "quarter"
    if word.startswith("year"):
        return "extract(year FROM forecast_start)::int", "year"
    if word.startswith(("class", "equipment class")):
        return "equipment_class", "equipment_class"
    column = word.rstrip("s") if not word.endswith("ss") else word
    return column, column


def take_groups(text: Text, spec: Spec) -> None:
    for m in text.take(
        rf"\btop\s+(?P<n>\d+)\s+(?P<dim>{DIMENSION})\s+(?:by|with(?: the)? (?:most|highest))\b"
    ):
        spec.groups.append(dimension(m["dim"]))
        spec.rank, spec.limit = ("", True), int(m["n"])
    for m in text.take(
        rf"\bwhich\s+(?P<dim>{DIMENSION})\s+(?:has|have|had|is|shows?|with)\s+the\s+"
        r"(?P<dir>most|highest|largest|biggest|greatest|lowest|least|smallest|fewest)"
        r"(?P<count>\s+(?:records|lines|items|requirements))?\b"
    ):
        spec.groups.append(dimension(m["dim"]))
        spec.rank, spec.limit = ("", m["dir"] in _DESC_WORDS), 1
        if m["count"]:
            spec.measures.append(COUNT)
    for m in text.take(
        r"\b(?:grouped by|broken down by|split by|by|per|for each|for every|in each|each)\s+"
        rf"(?P<dim>{DIMENSION})\b"
    ):
        spec.groups.append(dimension(m["dim"]))


_DESC_WORDS = frozenset({"most", "highest", "largest", "biggest", "greatest"})

# -- measures -------------------------------------------------------------------------------

COUNT = Measure("count(*)", "records")
_KIND = r"(?:plan(?:ned)?|budget(?:ed)?|forecast(?:ed)?|actual)"
_NOUN = (
    r"(?:costs?|spend(?:ing)?|amounts?|variance(?:\s*(?:%|percent(?:age)?|pct))?"
    r"|monthly rates?|rental rates?|rates?|purchase prices?|prices?|budget)"
)
_AGGREGATES = {
    "total": "sum", "sum": "sum", "sum of": "sum", "overall": "sum", "combined": "sum",
    "average": "avg", "avg": "avg", "mean": "avg", "maximum": "max", "max": "max",
    "minimum": "min", "min": "min",
}  # fmt: skip


def cost_column(kind: str | None) -> str:
    if kind is None or kind.startswith("forecast"):
        return "forecast_cost"
    if kind.startswith(("plan", "budget")):
        return "plan_cost"
    return "actual_cost"


def _measures_of(agg: str | None, kinds: list[str], noun: str) -> list[Measure]:
    function = _AGGREGATES.get(agg or "")
    explicit = function is not None
    if noun.startswith("variance") and re.search(r"%|percent|pct", noun):
        expr = "round(100 * sum(variance) / nullif(sum(plan_cost), 0), 2)"
        return [Measure(expr, "variance_pct")]
    if noun.startswith("variance"):
        columns, fn = ["variance"], function or "sum"
    elif "rate" in noun or "price" in noun:
        columns = ["monthly_rate" if "rate" in noun else "purchase_price"]
        fn = function or "avg"
    else:
        if noun == "budget" and not kinds:
            kinds = ["plan"]
        columns = [cost_column(k) for k in kinds] or [cost_column(None)]
        fn = function or "sum"
    prefix = {"sum": "total", "avg": "average"}.get(fn, fn)
    return [Measure(f"{fn}({c})", f"{prefix}_{c}", explicit) for c in dict.fromkeys(columns)]


DURATION = "forecast_end - forecast_start"
IMPACT = "forecast_cost - pems_forecast_cost"
_AVG_WORDS = r"(?:average|avg|mean)"


def take_special_measures(text: Text, spec: Spec) -> None:
    """Durations ("average rental duration", "how long ... on average"), the cost impact of
    drafts ("cost impact", "how much do my changes add to the forecast"), cost before and
    after drafts, and "plan versus forecast"."""
    for m in text.take(
        rf"\b{_AVG_WORDS}\s+(?:(?P<rental>rental|hire)\s+)?(?:duration|length)s?\b"
        r"|\bhow long\b(?P<rest>.*?)\bon average\b"
        rf"|\bon average\b(?P<rest2>.*?)\bhow long\b"
    ):
        spec.measures.append(Measure(f"round(avg({DURATION}), 2)", "average_days"))
        if m["rental"]:
            spec.values.setdefault("source", {}).setdefault(False, []).append("Rental")
        for rest in ("rest", "rest2"):
            if m[rest] is not None:  # give the words between back to the other recognizers
                start, end = m.span(rest)
                text.text = text.text[:start] + m[rest] + text.text[end:]
        text.take(r"\b(?:do|does|did|is|are|a)?\s*(?:last|lasts|run|runs|take|takes)\b")
    impact = (
        r"\bcost\s+(?:impact|effect|change)s?\b|\b(?:impact|effect)s?\s+on\s+(?:the\s+)?"
        r"(?:forecast\s+)?costs?\b|\b(?:add|adds|added)\s+to\s+(?:the\s+)?forecast(?:\s+cost)?\b"
        r"|\b(?:change|changes)\s+(?:the\s+)?forecast(?:\s+cost)?\b"
        r"|\bdo\s+to\s+(?:the\s+)?(?:forecast\s+)?costs?\b"
    )
    if text.take(impact):
        spec.measures.append(Measure(f"sum({IMPACT})", "cost_impact", explicit=False))
        text.take(r"\bhow much\b")
    if text.take(r"\bbefore\s+and\s+after\b"):
        spec.measures.append(Measure("sum(pems_forecast_cost)", "forecast_cost_before_drafts"))
    versus = r"(?:vs|versus|against|compared\s+(?:to|with)|and)"
    for m in text.take(
        rf"\b(?P<a>{_KIND})\s+{versus}\s+(?P<b>{_KIND})\b(?!\s+(?:costs?|spend|amounts?))"
    ):
        for kind in (m["a"], m["b"]):
            column = cost_column(kind)
            spec.measures.append(Measure(f"sum({column})", f"total_{column}"))


def take_measures(text: Text, spec: Spec) -> None:
    take_special_measures(text, spec)
    for m in text.take(r"\bhow much (?:is|are|was) (?P<kind>planned|budgeted|forecast)\b"):
        spec.measures.append(Measure(f"sum({cost_column(m['kind'])})", "total", True))
    agg = r"(?P<agg>total|sum of|sum|overall|combined|average|avg|mean|maximum|max|minimum|min)"
    kinds = rf"(?P<kinds>{_KIND}(?:\s*(?:and|&|vs|versus|or)\s*{_KIND})*)"
    for m in text.take(
        rf"\b(?:{agg}\s+)?(?:of\s+)?(?:the\s+)?(?:{kinds}\s+)?(?P<noun>{_NOUN})(?![a-z])"
    ):
        found = re.findall(_KIND, m["kinds"] or "")
        spec.measures.extend(_measures_of(m["agg"], found, m["noun"]))
    if text.take(r"\b(?:how many|total number of|number of|count of|count|no of)\b"):
        spec.measures.insert(0, COUNT)
    if text.take(r"\b(?:how much|total|sum)\b") and not spec.measures:
        spec.measures.append(Measure("sum(forecast_cost)", "total_forecast_cost"))
    # "cranes vs generators forecast": the forecast cost
    if not spec.measures and text.take(r"\b(?:the\s+)?forecast\b(?!\s+categor)"):
        spec.measures.append(Measure("sum(forecast_cost)", "total_forecast_cost"))


# -- ranking and limits ---------------------------------------------------------------------

_RANK_WORDS = (
    r"most expensive|priciest|costliest|biggest|largest|highest|cheapest|least expensive"
    r"|smallest|lowest"
)


def take_ranking(text: Text, spec: Spec) -> None:
    for m in text.take(
        r"\b(?:the\s+)?(?:top\s+)?(?P<n>\d+\s+)?(?:the\s+)?(?P<dir>longest|shortest)\b"
    ):
        spec.rank, spec.limit = (DURATION, m["dir"] == "longest"), int(m["n"] or 10)
    for m in text.take(
        r"\b(?P<n>\d+\s+)?(?:the\s+)?(?P<dir>earliest|latest|soonest)"
        r"(?:\s+(?P<edge>start(?:ing|s)?|end(?:ing|s)?|finish(?:ing|es)?))?\b"
    ):
        column = (
            "forecast_end" if (m["edge"] or "").startswith(("end", "fin")) else "forecast_start"
        )
        spec.rank, spec.limit = (column, m["dir"] == "latest"), int(m["n"] or 10)
    for m in text.take(
        rf"\b(?:the\s+)?(?:top\s+)?(?P<n>\d+\s+)?(?:the\s+)?(?P<dir>{_RANK_WORDS})\b"
    ):
        descending = not m["dir"].startswith(("cheap", "least", "small", "low"))
        spec.rank, spec.limit = ("", descending), int(m["n"] or 10)
    for m in text.take(r"\b(?:the\s+)?top\s+(?P<n>\d+)\b"):
        spec.rank, spec.limit = ("", True), int(m["n"])
    for m in text.take(r"\b(?:limit(?: to)?|first|only)\s+(?P<n>\d+)\b"):
        spec.limit = int(m["n"])


def take_over_plan_ranking(text: Text, spec: Spec) -> None:
    """ "the 5 most over budget generators" (before "over budget" is read as a filter)."""
    for m in text.take(
        r"\b(?:the\s+)?(?:top\s+)?(?P<n>\d+\s+)?(?:the\s+)?most\s+over\s+(?:the\s+)?"
        r"(?:budget|plan)\b"
    ):
        spec.rank, spec.limit = ("variance", True), int(m["n"] or 10)


def take_compare(text: Text, spec: Spec) -> None:
    """ "A vs B", "compare A and B": the answer is grouped by what is compared."""
    if text.take(r"\b(?:vs|versus|compared?(?:\s+(?:to|with))?|against)\b"):
        spec.compare = True


def take_listing(text: Text, spec: Spec) -> None:
    if text.take(r"\b(?:list|show|display|give me)\b"):
        spec.listing = True
