"""Grid filters as a tenant takes them: `MULTIADDON_FILTERS.MADDON_FILTER` (a list, or one
object) or a single `ADDON_FILTER`, operators `= != < <= > >= BEGINS CONTAINS IN EMPTY
NOT EMPTY`, joiners AND/OR (AND binds first) and LPAREN/RPAREN on entries. Comparisons are
typed by the column's DATATYPE: dates and timestamps parsed in the configured filter format,
numbers as numbers, text (codes) case-insensitively."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pfa_vanguard.pems.simulator.formats import FALSE_FORMS, TRUE_FORMS, parse_filter_moment
from pfa_vanguard.pems.simulator.options import TenantOptions
from pfa_vanguard.pems.simulator.state import SimError

Row = Mapping[str, str]
Predicate = Callable[[Row], bool]
MAX_ENTRIES = 100
OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "BEGINS", "CONTAINS", "IN", "EMPTY", "NOT EMPTY")
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}  # fmt: skip


@dataclass(frozen=True)
class Condition:
    alias: str
    operator: str
    value: str
    test: Predicate


@dataclass(frozen=True)
class Filter:
    """A compiled filter: `test(row)` on stored rows; `conditions` in order; `all_and`: no OR
    anywhere (so every condition must hold)."""

    test: Predicate
    conditions: tuple[Condition, ...]
    all_and: bool


def _flag(item: Mapping[str, Any], key: str) -> bool:
    value = item.get(key, False)
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, str) and value.lower() in ("true", "false", ""):
        return value.lower() == "true"
    raise SimError(f"{key} must be true or false, got {value!r}")


def _seqnum(item: Mapping[str, Any]) -> int:
    value = item.get("SEQNUM", 0)
    if isinstance(value, str) and value.isdigit() and len(value) < 10:
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 10**9:
        raise SimError(f"SEQNUM must be a non-negative integer, got {value!r}")
    return value


def _entries(body: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    multi, single = body.get("MULTIADDON_FILTERS"), body.get("ADDON_FILTER")
    if multi is not None and single is not None:
        raise SimError("send MULTIADDON_FILTERS or ADDON_FILTER, not both")
    if single is not None:
        items: object = [single]
    elif multi is None:
        return []
    elif not isinstance(multi, Mapping):
        raise SimError("MULTIADDON_FILTERS must be an object")
    else:
        items = multi.get("MADDON_FILTER") or []
        if isinstance(items, Mapping):
            items = [items]
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise SimError("MADDON_FILTER must be a list of filter objects")
    if len(items) > MAX_ENTRIES:
        raise SimError(f"at most {MAX_ENTRIES} filters in one request")
    return sorted(items, key=_seqnum)


def _number(text: str) -> Decimal | None:
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _key(datatype: str, options: TenantOptions) -> Callable[[str, bool], Any]:
    """(text, from the filter?) -> comparable value, None for a stored value that is not one;
    a filter value that is not one raises SimError."""
    if datatype in ("DATE", "DATETIME"):

        def moment(text: str, wanted: bool) -> Any:
            if not wanted:  # stored canonical: 2024-06-13 or 2024-06-13T15:56:12.345Z
                return text[:23] if len(text) > 10 else f"{text}T00:00:00.000"
            try:
                found = parse_filter_moment(text, options.filter_format, options.date_order)
            except ValueError as exc:
                raise SimError(f"filter value: {exc}") from None
            return f"{found:%Y-%m-%dT%H:%M:%S}.000"

        return moment
    if datatype in ("DECIMAL", "INTEGER", "NUMBER"):

        def number(text: str, wanted: bool) -> Any:
            found = _number(text)
            if found is None and wanted:
                raise SimError(f"filter value {text!r} is not a number")
            return found

        return number
    if datatype == "CHKBOOLEAN":

        def checkbox(text: str, wanted: bool) -> Any:
            lowered = text.strip().lower()
            if lowered in TRUE_FORMS or lowered in FALSE_FORMS:
                return -1 if lowered in TRUE_FORMS else 0
            if wanted:
                raise SimError(f"filter value {text!r} is not a checkbox value")
            return None

        return checkbox
    return lambda text, wanted: text.casefold()


def _condition(item: Mapping[str, Any], columns: Mapping[str, str], options: TenantOptions
               ) -> Condition:  # fmt: skip
    alias, operator, raw = item.get("ALIAS_NAME"), item.get("OPERATOR", "="), item.get("VALUE")
    if not isinstance(alias, str) or alias not in columns:
        raise SimError(f"filter field {alias!r} is not a column of the grid")
    if not isinstance(operator, str) or operator.upper() not in OPERATORS:
        raise SimError(f"filter operator {operator!r} is not one of {', '.join(OPERATORS)}")
    operator = operator.upper()
    if raw is not None and (isinstance(raw, bool) or not isinstance(raw, str | int | float)):
        raise SimError(f"filter value for {alias} must be a string, got {raw!r}")
    value = "" if raw is None else str(raw)
    if operator in ("EMPTY", "NOT EMPTY"):
        empty = operator == "EMPTY"
        return Condition(alias, operator, value, lambda row: (row.get(alias, "") == "") == empty)
    if value == "":
        raise SimError(f"filter on {alias} with {operator} needs a VALUE")
    key = _key(columns[alias], options)
    if operator in ("BEGINS", "CONTAINS"):
        needle = value.casefold()

        def begins(row: Row) -> bool:
            return row.get(alias, "").casefold().startswith(needle)

        def contains(row: Row) -> bool:
            return needle in row.get(alias, "").casefold()

        return Condition(alias, operator, value, begins if operator == "BEGINS" else contains)
    if operator == "IN":
        wanted = {key(part.strip(), True) for part in value.split(",") if part.strip()}
        if not wanted:
            raise SimError(f"filter on {alias} with IN needs comma-separated values")

        def within(row: Row) -> bool:
            held = row.get(alias, "")
            return held != "" and key(held, False) in wanted

        return Condition(alias, operator, value, within)
    target, compare = key(value, True), _COMPARE[operator]

    def holds(row: Row) -> bool:
        held = row.get(alias, "")
        if held == "":
            return False  # a blank never compares, as in SQL
        found = key(held, False)
        return found is not None and compare(found, target)

    return Condition(alias, operator, value, holds)


def compile_filter(body: Mapping[str, Any], columns: Mapping[str, str],
                   options: TenantOptions) -> Filter:  # fmt: skip
    """The request's filter over stored rows (`columns`: alias -> DATATYPE of the grid)."""
    tokens: list[object] = []
    conditions: list[Condition] = []
    entries = _entries(body)
    for index, item in enumerate(entries):
        tokens.extend("(" for _ in range(_flag(item, "LPAREN")))
        condition = _condition(item, columns, options)
        conditions.append(condition)
        tokens.append(condition)
        tokens.extend(")" for _ in range(_flag(item, "RPAREN")))
        if index < len(entries) - 1:
            joiner = item.get("JOINER") or "AND"
            if not isinstance(joiner, str) or joiner.upper() not in ("AND", "OR"):
                raise SimError(f"JOINER must be AND or OR, got {joiner!r}")
            tokens.append(joiner.upper())
    if not tokens:
        return Filter(lambda row: True, (), True)
    test, rest = _expression(tokens)
    if rest:
        raise SimError("the filter's parentheses do not match")
    return Filter(test, tuple(conditions), "OR" not in tokens)


def _expression(tokens: Sequence[object]) -> tuple[Predicate, Sequence[object]]:
    """expression := term (OR term)*   term := factor (AND factor)*"""
    terms = []
    term, tokens = _term(tokens)
    terms.append(term)
    while tokens and tokens[0] == "OR":
        term, tokens = _term(tokens[1:])
        terms.append(term)
    if len(terms) == 1:
        return terms[0], tokens
    return (lambda row: any(t(row) for t in terms)), tokens


def _term(tokens: Sequence[object]) -> tuple[Predicate, Sequence[object]]:
    factors = []
    factor, tokens = _factor(tokens)
    factors.append(factor)
    while tokens and tokens[0] == "AND":
        factor, tokens = _factor(tokens[1:])
        factors.append(factor)
    if len(factors) == 1:
        return factors[0], tokens
    return (lambda row: all(f(row) for f in factors)), tokens


def _factor(tokens: Sequence[object]) -> tuple[Predicate, Sequence[object]]:
    if not tokens:
        raise SimError("the filter's parentheses do not match")
    head = tokens[0]
    if head == "(":
        inner, rest = _expression(tokens[1:])
        if not rest or rest[0] != ")":
            raise SimError("the filter's parentheses do not match")
        return inner, rest[1:]
    if not isinstance(head, Condition):
        raise SimError("the filter's parentheses do not match")
    return head.test, tokens[1:]
