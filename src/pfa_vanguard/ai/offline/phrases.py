"""Recognizers of the phrases the offline translator understands.

A question is lower-cased and normalised into a `Text`; each recognizer finds its phrases,
records their meaning in a `Spec`, and blanks them out. Whatever is left must be filler words:
anything else means the question was not understood (and the translator says so rather than
guessing). Values found in a question are quoted as SQL literals; the SQL built from a `Spec`
still goes through the guard like any model's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from pfa_vanguard.ai.offline.periods import PERIOD, Period, parse_period


@dataclass(frozen=True)
class Vocabulary:
    """Names of one organization, from the database (metadata, never sent to a model)."""

    categories: tuple[str, ...] = ()
    forecast_categories: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()


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


def quote(value: str) -> str:
    """A SQL string literal (standard_conforming_strings)."""
    return "'" + value.replace("'", "''") + "'"


_FILLER = """a an the of in on at for to with and or are is was were be been being do does did have
    has had i me my we us our you your it its this that these those there their them they what
    which who whose where when how show list display give get find tell please all any every
    some records record lines line items item rows row pfa pfas equipment requirements
    requirement entries entry ones one much many currently current now right still so far
    whole overall whats what's there's only also just as by from than per each"""
STOPWORDS = frozenset(_FILLER.split())

_NUMBER_WORDS = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "million": 1_000_000}


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


def _cost_column(kind: str | None) -> str:
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
        columns = [_cost_column(k) for k in kinds] or [_cost_column(None)]
        fn = function or "sum"
    prefix = {"sum": "total", "avg": "average"}.get(fn, fn)
    return [Measure(f"{fn}({c})", f"{prefix}_{c}", explicit) for c in dict.fromkeys(columns)]


def take_measures(text: Text, spec: Spec) -> None:
    for m in text.take(r"\bhow much (?:is|are|was) (?P<kind>planned|budgeted|forecast)\b"):
        spec.measures.append(Measure(f"sum({_cost_column(m['kind'])})", "total", True))
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


# -- ranking and limits ---------------------------------------------------------------------

_RANK_WORDS = (
    r"most expensive|priciest|costliest|biggest|largest|highest|cheapest|least expensive"
    r"|smallest|lowest"
)


def take_ranking(text: Text, spec: Spec) -> None:
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


def take_listing(text: Text, spec: Spec) -> None:
    if text.take(r"\b(?:list|show|display|give me)\b"):
        spec.listing = True


# -- filters --------------------------------------------------------------------------------

_DRAFTED = (
    r"\b(?:(?:did|have|had)\s+i\s+(?:changed?|modif(?:y|ied)|edit(?:ed)?|draft(?:ed)?|touch(?:ed)?)"
    r"|i(?:'ve| have)?\s+(?:changed|modified|edited|drafted|touched)"
    r"|my (?:drafts?|changes|edits|drafted records)"
    r"|(?:with|having|has|have) (?:a |my |any )?drafts?"
    r"|drafted|in draft|(?:changed|modified|edited) by me)\b"
)
_NOT_DRAFTED = (
    r"\b(?:not (?:changed|modified|edited|drafted)|without (?:a |any )?drafts?|undrafted"
    r"|pristine|unchanged)\b"
)
FLAGS: tuple[tuple[str, str], ...] = (
    (
        r"not actualized|unactualized|not yet actualized|not on site|not billing",
        "NOT is_actualized",
    ),
    (r"actualized|on site|billing", "is_actualized"),
    (r"not discontinued|not cancell?ed|still active|active|live", "NOT is_discontinued"),
    (r"discontinued|cancell?ed", "is_discontinued"),
    (r"not funds transferable|non transferable|not transferable", "NOT is_funds_transferable"),
    (r"funds transferable|transferable", "is_funds_transferable"),
    (r"without actuals|with no actuals|no actuals", "NOT has_actuals"),
    (r"with actuals|having actuals|has actuals|have actuals", "has_actuals"),
    (r"without (?:a )?plan|with no plan|no plan", "NOT has_plan"),
    (r"(?:counted )?in the kpis?|kpi", "NOT is_discontinued AND NOT is_funds_transferable"),
)


def take_plan_comparisons(text: Text, spec: Spec) -> None:
    if text.take(_NOT_DRAFTED):
        spec.conditions.append("NOT has_draft")
    if text.take(_DRAFTED):
        spec.conditions.append("has_draft")
    over = r"(?:over|above|exceed(?:s|ing)?|more than|higher than)\s+(?:the\s+)?(?:plan|budget)"
    if text.take(rf"\b(?:{over}|over(?: |-)?budget|over plan)\b"):
        spec.conditions.append("variance > 0")
    if text.take(r"\b(?:under|below|less than|lower than)\s+(?:the\s+)?(?:plan|budget)\b"):
        spec.conditions.append("variance < 0")
    if text.take(r"\bwithin\s+(?:the\s+)?(?:plan|budget)\b"):
        spec.conditions.append("variance <= 0")


_COMPARE_OPS = {
    "more than": ">", "greater than": ">", "higher than": ">", "over": ">", "above": ">",
    "exceeding": ">", "at least": ">=", "less than": "<", "lower than": "<", "under": "<",
    "below": "<", "at most": "<=", "cheaper than": "<", ">=": ">=", "<=": "<=", ">": ">",
    "<": "<",
}  # fmt: skip
_OPS = "|".join(sorted((re.escape(k) for k in _COMPARE_OPS), key=len, reverse=True))
_AMOUNT = r"\$?(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>k|m|thousand|million)?\b"


def _amount(m: re.Match[str]) -> str:
    value = float(m["num"]) * _NUMBER_WORDS.get(m["unit"] or "", 1)
    return str(int(value)) if value == int(value) else str(value)


def take_amounts(text: Text, spec: Spec) -> None:
    column_words = (
        r"(?P<col>monthly rates?|rental rates?|rates?|purchase prices?|prices?|plan(?:ned)? costs?"
        r"|budget|forecast(?:ed)? costs?|actual costs?|variance|costs?|costing|worth)"
    )
    pattern = rf"\b{column_words}\s+(?:is\s+|are\s+|of\s+)?(?P<op>{_OPS})\s+{_AMOUNT}"
    for m in text.take(pattern):
        col = m["col"]
        if "rate" in col:
            column = "monthly_rate"
        elif "price" in col:
            column = "purchase_price"
        elif col == "variance":
            column = "variance"
        else:
            column = _cost_column(col if col.startswith(("plan", "budget", "actual")) else None)
        spec.conditions.append(f"{column} {_COMPARE_OPS[m['op']]} {_amount(m)}")
    money = rf"\b(?P<op>{_OPS})\s+(?=\$|\d+(?:\.\d+)?\s*(?:k|m|thousand|million)\b){_AMOUNT}"
    for m in text.take(money):
        spec.conditions.append(f"forecast_cost {_COMPARE_OPS[m['op']]} {_amount(m)}")
    for m in text.take(
        r"\b(?:(?:last|lasts|lasting|running|runs)\s+)?(?P<op>longer|shorter|more|less)\s+than\s+(?P<n>\d+)\s+"
        r"(?P<unit>days?|weeks?|months?)\b"
    ):
        days = int(m["n"]) * {"d": 1, "w": 7, "m": 30}[m["unit"][0]]
        op = ">" if m["op"] in ("longer", "more") else "<"
        spec.conditions.append(f"forecast_end - forecast_start {op} {days}")


def _window(kind: str | None) -> str:
    if kind and kind.startswith(("plan", "original")):
        return "original"
    if kind and kind.startswith("actual"):
        return "actual"
    return "forecast"


def take_dates(text: Text, spec: Spec, today: date) -> None:
    kind = r"(?:(?P<kind>plan(?:ned)?|original|forecast(?:ed)?|actual(?:ly)?)\s+(?:to\s+)?)?"
    edge = r"(?P<edge>start(?:s|ing|ed)?|begin(?:s|ning)?|end(?:s|ing|ed)?|finish(?:es|ing|ed)?)"
    op = r"(?P<op>on or after|on or before|after|before|since|from|until|till|by|in|during|on)"
    for m in text.take(rf"\b{kind}{edge}(?:\s+dates?)?\s+(?:is\s+)?{op}\s+(?P<period>{PERIOD})\b"):
        period = parse_period(m["period"], today)
        side = "end" if m["edge"].startswith(("end", "finish")) else "start"
        column = f"{_window(m['kind'])}_{side}"
        spec.conditions.append(_edge_condition(column, m["op"], period))
    for m in text.take(rf"\bbetween\s+(?P<a>{PERIOD})\s+and\s+(?P<b>{PERIOD})\b"):
        first, last = parse_period(m["a"], today), parse_period(m["b"], today)
        spec.conditions.append(_overlap("forecast", Period(first.first, last.last)))
    during = (
        r"(?:(?:active|running|on site|overlapping|live)\s+(?:in\s+|during\s+|within\s+|on\s+)?"
        r"|(?:during|in|within)\s+)"
    )
    for m in text.take(rf"\b{kind}{during}(?P<period>{PERIOD})\b"):
        spec.conditions.append(_overlap(_window(m["kind"]), parse_period(m["period"], today)))


def _edge_condition(column: str, op: str, period: Period) -> str:
    if op == "after":
        return f"{column} > DATE '{period.last}'"
    if op in ("since", "from", "on or after"):
        return f"{column} >= DATE '{period.first}'"
    if op == "before":
        return f"{column} < DATE '{period.first}'"
    if op in ("until", "till", "by", "on or before"):
        return f"{column} <= DATE '{period.last}'"
    return f"{column} BETWEEN DATE '{period.first}' AND DATE '{period.last}'"


def _overlap(window: str, period: Period) -> str:
    return f"{window}_start <= DATE '{period.last}' AND {window}_end >= DATE '{period.first}'"


def take_flags(text: Text, spec: Spec) -> None:
    for pattern, condition in FLAGS:
        if text.take(rf"\b(?:{pattern})\b"):
            spec.conditions.append(condition)


_NEGATION = (
    r"(?P<neg>\b(?:not|excluding|except|other than|besides|but not|outside(?: of)?|non)\s+"
    r"(?:in\s+)?(?:the\s+)?)?"
)


def _value(spec: Spec, column: str, value: str, negated: bool) -> None:
    spec.values.setdefault(column, {}).setdefault(negated, [])
    if value not in spec.values[column][negated]:
        spec.values[column][negated].append(value)


def take_values(text: Text, spec: Spec, vocabulary: Vocabulary) -> None:
    """Source, dor, areas and categories (names from the organization's vocabulary)."""
    for m in text.take(rf"{_NEGATION}\b(?:rentals?|rented|hired)\b"):
        _value(spec, "source", "Rental", bool(m["neg"]))
    for m in text.take(rf"{_NEGATION}\b(?:purchases?|purchased|bought|owned)\b"):
        _value(spec, "source", "Purchase", bool(m["neg"]))
    for m in text.take(rf"{_NEGATION}\b(?:dor\s+(?:is\s+)?)?(?:beo|enterprise overhead)\b"):
        _value(spec, "dor", "BEO", bool(m["neg"]))
    project = r"dor\s+(?:is\s+)?project|paid by (?:the\s+)?project|project (?:paid|funded)"
    for m in text.take(rf"{_NEGATION}\b(?:{project})\b"):
        _value(spec, "dor", "PROJECT", bool(m["neg"]))
    for area in sorted(vocabulary.areas, key=len, reverse=True):
        if not normalise(area):
            continue
        words = normalise(area).split()
        spelled = name_pattern(area)
        if len(words) > 1 and any(c.isdigit() for c in words[0]):  # "A04 Tank Farm": "tank farm"
            spelled = f"(?:{spelled}|{name_pattern(' '.join(words[1:]))})"
        pattern = rf"{_NEGATION}\b(?:(?:areas?|silos?)\s+)?{spelled}(?![a-z0-9])"
        for m in text.take(pattern):
            _value(spec, "area_silo", area, bool(m["neg"]))
    for m in text.take(rf"{_NEGATION}\bareas?\s+(?P<v>[a-z0-9]+(?:\s*(?:and|or)\s*[a-z0-9]+)*)\b"):
        for v in re.split(r"\s*(?:and|or)\s*", m["v"]):
            _value(spec, "area_silo", _area_named(v, vocabulary.areas), bool(m["neg"]))
    names = sorted(set(vocabulary.categories) | set(vocabulary.forecast_categories), key=len)
    for name in reversed(names):
        if not normalise(name):
            continue
        base = name_pattern(name)
        plural = rf"{base[:-1]}ies" if base.endswith("y") else rf"{base}(?:s|es)?"
        prefix = r"(?P<fc>\bforecast categor(?:y|ies)\s+(?:is\s+|of\s+)?)?"
        for m in text.take(rf"{prefix}{_NEGATION}\b(?:{plural})\b"):
            forecast = bool(m["fc"]) or name not in vocabulary.categories
            _value(spec, "forecast_category" if forecast else "category", name, bool(m["neg"]))


def _area_named(short: str, areas: tuple[str, ...]) -> str:
    """The area "area 4" / "area a01" names: 'Area 4', or the one area starting 'A01 '."""
    exact = [a for a in areas if normalise(a) == f"area {short}"]
    prefixed = [a for a in areas if normalise(a) == short or normalise(a).startswith(f"{short} ")]
    if exact:
        return exact[0]
    if len(prefixed) == 1:
        return prefixed[0]
    return f"Area {short.upper() if len(short) == 1 else short.title()}"


def value_conditions(spec: Spec) -> list[str]:
    conditions = []
    for column, by_negation in spec.values.items():
        for negated, values in by_negation.items():
            literals = ", ".join(quote(v) for v in values)
            if len(values) == 1:
                conditions.append(f"{column} {'<>' if negated else '='} {literals}")
            else:
                conditions.append(f"{column} {'NOT IN' if negated else 'IN'} ({literals})")
    return conditions
