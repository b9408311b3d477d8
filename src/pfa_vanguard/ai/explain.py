"""Answers a project manager can check: what an answer counted or summed, over which records,
said in plain words from the structure of the SQL that ran (parsed by PostgreSQL's parser,
never taken from the model), and a warning when an empty answer is explained by a name that
matched nothing in the organization ('Area 4' where the areas are 'A04 Tank Farm', ...).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from pglast import ast, parse_sql
from pglast.enums import A_Expr_Kind, BoolExprType, NullTestType, SortByDir
from pglast.stream import RawStream

from pfa_vanguard.ai.offline.phrases import Vocabulary
from pfa_vanguard.ai.vocabulary import match_names

WORDS = {
    "pfa_id": "record id", "description": "description", "area_silo": "area",
    "category": "category", "forecast_category": "forecast category",
    "equipment_class": "equipment class", "source": "source", "dor": "DOR",
    "monthly_rate": "monthly rate", "purchase_price": "purchase price",
    "manufacturer": "manufacturer", "model": "model", "contract": "contract",
    "equipment": "equipment tag", "original_start": "plan start", "original_end": "plan end",
    "forecast_start": "forecast start", "forecast_end": "forecast end",
    "actual_start": "actual start", "actual_end": "actual end", "plan_cost": "plan cost",
    "forecast_cost": "forecast cost", "actual_cost": "actual cost",
    "variance": "variance (forecast - plan cost)", "last_changed": "last change in PEMS",
    "draft_changed": "last edit of your draft",
    "pems_forecast_cost": "forecast cost in PEMS before your draft",
}  # fmt: skip
FLAGS = {
    "is_actualized": ("it is actualized", "it is not actualized"),
    "is_discontinued": ("it is discontinued", "it is not discontinued"),
    "is_funds_transferable": ("it is funds-transferable", "it is not funds-transferable"),
    "has_plan": ("it has plan dates", "it has no plan dates"),
    "has_actuals": ("it has actual dates", "it has no actual dates"),
    "has_draft": ("you have a draft of it", "you have no draft of it"),
}
_TEXT_COLUMNS = {"record id", "description", "area", "category", "forecast category",
                 "equipment class", "source", "DOR", "manufacturer", "model", "contract",
                 "equipment tag"}  # fmt: skip
_DATE_COLUMNS = {w for c, w in WORDS.items() if c.endswith(("_start", "_end", "_changed"))}
EXPRESSIONS = {
    "forecast_end - forecast_start": "forecast duration in days",
    "forecast_cost - pems_forecast_cost": "cost impact of your draft",
    "forecast_cost - plan_cost": "variance (forecast - plan cost)",
}
NAME_COLUMNS = {
    "category": ("categories", "category"),
    "forecast_category": ("forecast_categories", "forecast category"),
    "area_silo": ("areas", "area"),
    "dor": ("dors", "DOR"),
    "source": ("sources", "source"),
    "equipment_class": ("classes", "equipment class"),
    "equipment": ("equipment", "equipment tag"),
}
_AGGREGATES = {
    "count": "counted", "sum": "summed", "avg": "averaged", "min": "took the smallest",
    "max": "took the largest",
}  # fmt: skip
_OPS = {
    "=": "is", "<>": "is not", "!=": "is not", ">": "is more than", "<": "is less than",
    ">=": "is on or after", "<=": "is on or before",
}  # fmt: skip
SCOPE = "your organization's records, with your drafts applied"


@dataclass(frozen=True)
class Explanation:
    text: str
    unmatched: list[tuple[str, str, str | None]] = field(default_factory=list)
    # (column, the literal, the closest value of the organization)


def _is(node: Any, kind: Any) -> bool:
    """isinstance without narrowing: pglast's nodes are read as Any here."""
    return isinstance(node, kind)


def _sql(node: Any) -> str:
    return str(RawStream()(node))


def _words(node: Any) -> str:
    """A value expression in plain words."""
    if _is(node, ast.ColumnRef) and len(node.fields) == 1:
        name = getattr(node.fields[0], "sval", None)
        if name:
            return str(WORDS.get(name, name.replace("_", " ")))
    if _is(node, ast.A_Const):
        value = node.val
        text = getattr(value, "sval", None)
        if text is not None:
            return f"'{text}'"
        return str(getattr(value, "ival", getattr(value, "fval", "")))
    if _is(node, ast.TypeCast):
        return _words(node.arg)
    text = _sql(node)
    return EXPRESSIONS.get(text, text)


def _measure(node: Any) -> str | None:
    """'summed forecast cost' for an aggregate target; None for a plain column."""
    if _is(node, ast.FuncCall):
        name = node.funcname[-1].sval
        if name == "round" and node.args:
            return _measure(node.args[0])
        if name == "count":
            return (
                "counted the records"
                if node.agg_star or not node.args
                else (f"counted the {_words(node.args[0])} values")
            )
        if name in _AGGREGATES and node.args:
            return f"{_AGGREGATES[name]} the {_words(node.args[0])}"
        return f"computed {_sql(node)}"
    if _is(node, ast.ColumnRef):
        return None
    if _is(node, ast.A_Expr | ast.CaseExpr | ast.CoalesceExpr):
        return f"computed {_words(node)}"
    return None


def _conditions(node: Any) -> list[str]:
    if node is None:
        return []
    if _is(node, ast.BoolExpr) and node.boolop == BoolExprType.AND_EXPR:
        return [c for arg in node.args for c in _conditions(arg)]
    if _is(node, ast.BoolExpr) and node.boolop == BoolExprType.NOT_EXPR:
        inner = node.args[0]
        if _is(inner, ast.ColumnRef) and inner.fields[0].sval in FLAGS:
            return [f"{FLAGS[inner.fields[0].sval][1]}"]
        return [f"not ({' and '.join(_conditions(inner))})"]
    if _is(node, ast.BoolExpr) and node.boolop == BoolExprType.OR_EXPR:
        return ["(" + " or ".join(" and ".join(_conditions(a)) for a in node.args) + ")"]
    if _is(node, ast.ColumnRef) and getattr(node.fields[0], "sval", "") in FLAGS:
        return [FLAGS[node.fields[0].sval][0]]
    if _is(node, ast.NullTest):
        empty = node.nulltesttype == NullTestType.IS_NULL
        return [f"{_words(node.arg)} is {'empty' if empty else 'set'}"]
    if _is(node, ast.A_Expr):
        left = _words(node.lexpr)
        if node.kind == A_Expr_Kind.AEXPR_IN:
            values = ", ".join(_words(v) for v in node.rexpr)
            negated = node.name[0].sval == "<>"
            return [f"{left} is {'not ' if negated else ''}one of {values}"]
        if node.kind in (A_Expr_Kind.AEXPR_BETWEEN, A_Expr_Kind.AEXPR_NOT_BETWEEN):
            low, high = (_words(v) for v in node.rexpr)
            no = "not " if node.kind == A_Expr_Kind.AEXPR_NOT_BETWEEN else ""
            return [f"{left} is {no}between {low} and {high}"]
        if node.kind == A_Expr_Kind.AEXPR_OP and len(node.name) == 1:
            op = node.name[0].sval
            if op in _OPS:
                verb = _OPS[op]
                if op in (">=", "<=") and not _is_date(node.rexpr):
                    verb = "is at least" if op == ">=" else "is at most"
                return [f"{left} {verb} {_words(node.rexpr)}"]
    return [_sql(node)]


def _is_date(node: Any) -> bool:
    return _is(node, ast.TypeCast) and node.typeName.names[-1].sval == "date"


def _literals(node: Any) -> list[tuple[str, str]]:
    """(column, literal) of every positive `name column = 'x'` / `IN ('x', ...)` test."""
    found: list[tuple[str, str]] = []
    if _is(node, ast.BoolExpr) and node.boolop != BoolExprType.NOT_EXPR:
        for arg in node.args:
            found += _literals(arg)
    elif _is(node, ast.A_Expr) and _is(node.lexpr, ast.ColumnRef):
        column = getattr(node.lexpr.fields[-1], "sval", "")
        op = node.name[0].sval if node.name else ""
        if column in NAME_COLUMNS and op == "=":
            values = node.rexpr if isinstance(node.rexpr, tuple) else (node.rexpr,)
            for value in values:
                if _is(value, ast.A_Const) and hasattr(value.val, "sval"):
                    found.append((column, value.val.sval))
    return found


def explain(sql: str, vocabulary: Vocabulary | None = None) -> Explanation:
    """What `sql` (a SELECT over the assistant's view) computes, in plain words, and the names
    it compares with that are not values of the organization (when `vocabulary` is given)."""
    try:
        stmt: Any = parse_sql(sql)[0].stmt
    except Exception:
        return Explanation("The SQL could not be read back into words; read the SQL itself.")
    if not _is(stmt, ast.SelectStmt) or stmt.op.value != 0 or stmt.withClause:
        return Explanation(
            f"A combined query over {SCOPE}; this summary does not cover its parts: read the SQL."
        )
    measures = [m for t in stmt.targetList or () if (m := _measure(t.val)) is not None]
    groups = [_words(g) if not _is(g, ast.A_Const) else _group_by_position(stmt, g)
              for g in stmt.groupClause or ()]  # fmt: skip
    conditions = _conditions(stmt.whereClause)
    records = f"the records where {' and '.join(conditions)}" if conditions else "all the records"
    if measures == ["counted the records"]:
        text = f"Counted {records}"
    elif measures:
        text = " and ".join(measures)
        text = f"{text[0].upper()}{text[1:]} over {records}"
    else:
        text = f"Listed {records}"
    if groups:
        text += f", for each {' and '.join(groups)}"
    text += f" ({SCOPE})"
    if stmt.sortClause:
        order = []
        for sort in stmt.sortClause:
            if _words(sort.node) in ("record id",):
                continue
            descending = sort.sortby_dir == SortByDir.SORTBY_DESC
            key = _target_words(stmt, sort.node)
            if key in _TEXT_COLUMNS:
                order.append(key)
            elif key in _DATE_COLUMNS:
                order.append(f"{key} ({'latest' if descending else 'earliest'} first)")
            else:
                order.append(f"{key} ({'highest' if descending else 'lowest'} first)")
        if order:
            text += f", ordered by {', then '.join(order)}"
    if _is(stmt.limitCount, ast.A_Const):
        text += f", the first {_words(stmt.limitCount)} only"
    unmatched = []
    if vocabulary is not None:
        for column, literal in _literals(stmt.whereClause):
            values: tuple[str, ...] = getattr(vocabulary, NAME_COLUMNS[column][0])
            if values and literal not in values:
                unmatched.append((column, literal, closest(column, literal, values, vocabulary)))
    return Explanation(text + ".", unmatched)


def closest(
    column: str, literal: str, values: tuple[str, ...], vocabulary: Vocabulary
) -> str | None:
    """The organization's value that `literal` most likely meant: the one it names (as a
    question would: "Area 4" names the area coded A04), else the closest spelling."""
    named = [m.value for m in match_names(literal, vocabulary) if m.column == column]
    if named:
        return named[0]
    digits = re.sub(r"\D", "", literal).lstrip("0")
    if digits:
        same = [v for v in values if re.sub(r"\D", "", v.split()[0]).lstrip("0") == digits]
        if len(same) == 1:
            return same[0]
    lowered = {v.lower(): v for v in values}
    close = difflib.get_close_matches(literal.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[close[0]] if close else None


def _target_words(stmt: Any, node: Any) -> str:
    """An ORDER BY key in words: an output alias or position names its target."""
    if _is(node, ast.A_Const) and hasattr(node.val, "ival"):
        return _group_by_position(stmt, node)
    if _is(node, ast.ColumnRef) and len(node.fields) == 1:
        alias = getattr(node.fields[0], "sval", None)
        for target in stmt.targetList or ():
            if target.name == alias and not _is(target.val, ast.ColumnRef):
                measure = _measure(target.val)
                return _words(target.val) if measure is None else measure.split(" the ", 1)[-1]
    return _words(node)


def _group_by_position(stmt: Any, node: Any) -> str:
    index = int(getattr(node.val, "ival", 0)) - 1
    targets = stmt.targetList or ()
    if 0 <= index < len(targets):
        target = targets[index].val
        measure = _measure(target)
        return _words(target) if measure is None else measure.split(" the ", 1)[-1]
    return _words(node)


def warnings_for(explanation: Explanation, empty: bool) -> list[str]:
    """What the user must know to trust the answer: an empty answer explained by a name that
    is not one of the organization's."""
    if not empty:
        return []
    found = []
    for column, literal, close in explanation.unmatched:
        what = NAME_COLUMNS[column][1]
        hint = f"; the closest is '{close}'" if close else ""
        found.append(
            f"The answer is empty, and no {what} of this organization is called '{literal}'"
            f"{hint}: the question named something that matched nothing."
        )
    return found


def is_empty(columns: list[str], rows: list[tuple[Any, ...]]) -> bool:
    """No rows, or one row of aggregates that are all NULL or 0."""
    if not rows:
        return True
    if len(rows) == 1:
        cells = rows[0]
        return all(c is None or (not isinstance(c, bool) and c == 0) for c in cells)
    return False
