"""Recognizers of the filters the offline translator understands (WHERE conditions): drafts,
over/under plan, amounts, date windows, flags, and names (source, dor, areas, categories).
See phrases.py for how recognizers work."""

from __future__ import annotations

import re
from datetime import date

from pfa_vanguard.ai.offline.periods import PERIOD, Period, parse_period
from pfa_vanguard.ai.offline.phrases import (
    NUMBER_WORDS,
    Spec,
    Text,
    Vocabulary,
    cost_column,
    name_pattern,
    normalise,
    quote,
)

_DRAFTED = (
    r"\b(?:(?:did|have|had)\s+i\s+(?:changed?|modif(?:y|ied)|edit(?:ed)?|draft(?:ed)?|touch(?:ed)?)"
    r"|i(?:'ve| have)?\s+(?:changed|modified|edited|drafted|touched)"
    r"|my (?:drafts?|changes|edits|drafted records)"
    r"|(?:with|having|has|have) (?:a |my |any )?drafts?"
    r"|drafted|in draft|(?:changed|modified|edited) by me|drafts)\b"
)
_NOT_DRAFTED = (
    r"\b(?:not (?:been )?(?:changed|modified|edited|drafted)(?: by me)?"
    r"|without (?:a |any )?drafts?|undrafted"
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
    value = float(m["num"]) * NUMBER_WORDS.get(m["unit"] or "", 1)
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
            column = cost_column(col if col.startswith(("plan", "budget", "actual")) else None)
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


_CHANGED = r"(?:changed|modified|updated|edited|touched)"


def take_dates(text: Text, spec: Spec, today: date) -> None:
    kind = r"(?:(?P<kind>plan(?:ned)?|original|forecast(?:ed)?|actual(?:ly)?)\s+(?:to\s+)?)?"
    edge = r"(?P<edge>start(?:s|ing|ed)?|begin(?:s|ning)?|end(?:s|ing|ed)?|finish(?:es|ing|ed)?)"
    op = r"(?P<op>on or after|on or before|after|before|since|from|until|till|by|in|during|on)"
    # "changed since last week", "modified in the last 30 days": PEMS's last change
    for m in text.take(
        rf"\b(?:(?:has|have|had|was|were)\s+(?:been\s+)?)?{_CHANGED}(?:\s+in\s+pems)?\s+"
        rf"(?:{op}\s+)?(?P<period>{PERIOD})\b"
    ):
        period = parse_period(m["period"], today)
        spec.conditions.append(edge_condition("last_changed", m["op"] or "in", period))
    between = rf"between\s+(?P<a>{PERIOD})\s+and\s+(?P<b>{PERIOD})"
    for m in text.take(rf"\b{kind}{edge}(?:\s+dates?)?\s+(?:is\s+)?{between}\b"):
        first, last = parse_period(m["a"], today), parse_period(m["b"], today)
        column = f"{_window(m['kind'])}_{_side(m['edge'])}"
        spec.conditions.append(edge_condition(column, "in", Period(first.first, last.last)))
    for m in text.take(rf"\b{kind}{edge}(?:\s+dates?)?\s+(?:is\s+)?{op}\s+(?P<period>{PERIOD})\b"):
        period = parse_period(m["period"], today)
        column = f"{_window(m['kind'])}_{_side(m['edge'])}"
        spec.conditions.append(edge_condition(column, m["op"], period))
    # "rentals ending next month", "cranes that start this quarter": within the period
    for m in text.take(rf"\b{kind}{edge}(?:\s+dates?)?\s+(?P<period>{PERIOD})\b"):
        period = parse_period(m["period"], today)
        column = f"{_window(m['kind'])}_{_side(m['edge'])}"
        spec.conditions.append(edge_condition(column, "in", period))
    for m in text.take(rf"\bbetween\s+(?P<a>{PERIOD})\s+and\s+(?P<b>{PERIOD})\b"):
        first, last = parse_period(m["a"], today), parse_period(m["b"], today)
        spec.conditions.append(_overlap("forecast", Period(first.first, last.last)))
    during = (
        r"(?:(?:active|running|on site|overlapping|live)\s+(?:in\s+|during\s+|within\s+|on\s+)?"
        r"|(?:during|in|within)\s+)"
    )
    for m in text.take(rf"\b{kind}{during}(?P<period>{PERIOD})\b"):
        spec.conditions.append(_overlap(_window(m["kind"]), parse_period(m["period"], today)))


def _side(edge: str) -> str:
    return "end" if edge.startswith(("end", "finish")) else "start"


def edge_condition(column: str, op: str, period: Period) -> str:
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
    """Record ids, source, dor, areas, categories, classes and tags (names from the
    organization's vocabulary)."""
    take_classes_and_tags(text, spec, vocabulary)
    for m in text.take(rf"{_NEGATION}\b(?:records?\s+)?(?P<id>pfa-\d+)\b"):
        _value(spec, "pfa_id", m["id"].upper(), bool(m["neg"]))
    for m in text.take(rf"{_NEGATION}\b(?:rentals?|rented|hired)\b"):
        _value(spec, "source", "Rental", bool(m["neg"]))
    for m in text.take(rf"{_NEGATION}\b(?:purchases?|purchased|bought|owned)\b"):
        _value(spec, "source", "Purchase", bool(m["neg"]))
    paid = r"(?:dor\s+(?:is\s+)?|(?:paid|funded|charged)\s+(?:by|to)\s+(?:the\s+)?)"
    for m in text.take(rf"{_NEGATION}\b{paid}?(?:beo|enterprise overhead)\b"):
        _value(spec, "dor", "BEO", bool(m["neg"]))
    project = r"dor\s+(?:is\s+)?project|paid by (?:the\s+)?project|project (?:paid|funded)"
    if spec.compare:  # "BEO vs project"
        project += r"|project"
    for m in text.take(rf"{_NEGATION}\b(?:{project})\b"):
        _value(spec, "dor", "PROJECT", bool(m["neg"]))
    for area in sorted(vocabulary.areas, key=len, reverse=True):
        if not normalise(area):
            continue
        words = normalise(area).split()
        spelled = name_pattern(area)
        if len(words) > 1 and any(c.isdigit() for c in words[0]):
            # "A04 Tank Farm": "tank farm", "a04", "a4"
            code = re.escape(words[0])
            short = re.sub(r"(?<=[a-z])0+(?=\d)", "", words[0])
            spelled = f"(?:{spelled}|{name_pattern(' '.join(words[1:]))}|{code}|{short})"
        pattern = (
            rf"{_NEGATION}\b(?:(?:areas?|silos?)\s+)?{spelled}(?![a-z0-9])(?:\s+(?:area|silo)\b)?"
        )
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
        plural = rf"{base[:-1]}ies" if base.endswith("y") else rf"{base}(?:s|es|ing)?"
        prefix = r"(?P<fc>\bforecast categor(?:y|ies)\s+(?:is\s+|of\s+)?)?"
        for m in text.take(rf"{prefix}{_NEGATION}\b(?:{plural})\b"):
            forecast = bool(m["fc"]) or name not in vocabulary.categories
            _value(spec, "forecast_category" if forecast else "category", name, bool(m["neg"]))


def take_classes_and_tags(text: Text, spec: Spec, vocabulary: Vocabulary) -> None:
    """Equipment classes ("CRN-TWR") and asset tags ("CRN-12345") of the organization."""
    for name in sorted(vocabulary.classes, key=len, reverse=True):
        if normalise(name):
            for m in text.take(rf"{_NEGATION}\b{name_pattern(name)}(?![a-z0-9])"):
                _value(spec, "equipment_class", name, bool(m["neg"]))
    found = text.take(rf"{_NEGATION}\b(?P<tag>[a-z]{{2,5}}-\d{{3,8}})\b")
    if found:
        tags = {t.lower(): t for t in vocabulary.equipment}
        for m in found:
            if m["tag"] in tags:
                _value(spec, "equipment", tags[m["tag"]], bool(m["neg"]))
            else:
                text.text += f" {m['tag']} "  # not a tag of this organization: not understood


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
