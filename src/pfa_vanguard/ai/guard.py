"""The SQL guard: model-written SQL is parsed by PostgreSQL's own parser (pglast) and allowed
only when it is one read-only SELECT over the curated views, built from allowlisted nodes,
functions, operators and types. The SQL that runs is re-emitted from the validated tree, with a
LIMIT imposed.

The guard is the first of two walls: the role that runs the SQL (migration 0030) can neither
write nor leave the caller's scope, whatever passes here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

from pglast import ast, parse_sql
from pglast.enums import A_Expr_Kind, LimitOption, SetOperation, SQLValueFunctionOp
from pglast.parser import ParseError
from pglast.stream import RawStream

from pfa_vanguard.ai.errors import SqlRefused

ALLOWED_RELATIONS = frozenset({"pfa_ai_records", "pfa_ai_changes"})
MAX_SQL_LENGTH = 8_000
# Levels of the parse tree (each operator, function call, subquery, ... is one). Generous for
# any question (the offline translator stays under 30); a deeper tree is refused before
# anything recursive (the re-emitter, the second parse) meets it.
MAX_DEPTH = 100

_AGGREGATES = (
    "count sum avg min max stddev stddev_pop stddev_samp variance var_pop var_samp bool_and"
    " bool_or every string_agg percentile_cont percentile_disc mode"
)
_WINDOW = "row_number rank dense_rank percent_rank cume_dist ntile lag lead first_value last_value"
_DATE_TIME = (
    "date_trunc date_part extract age make_date make_interval to_char to_date now date_bin"
    " justify_days justify_interval isfinite timezone"
)
_MATH = "abs round ceil ceiling floor trunc sign sqrt power mod div ln log log10 width_bucket"
_TEXT = (
    "lower upper initcap length char_length character_length substring substr btrim ltrim"
    " rtrim concat concat_ws left right position strpos replace split_part starts_with"
)
FUNCTION_GROUPS: dict[str, frozenset[str]] = {
    "aggregates": frozenset(_AGGREGATES.split()),
    "window": frozenset(_WINDOW.split()),
    "date/time": frozenset(_DATE_TIME.split()),
    "math": frozenset(_MATH.split()),
    "text": frozenset(_TEXT.split()),
}
ALLOWED_FUNCTIONS = frozenset().union(*FUNCTION_GROUPS.values())
# ~~ is LIKE, ~~* ILIKE
ALLOWED_OPERATORS = frozenset(
    {"=", "<>", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%", "||"}
    | {"~~", "~~*", "!~~", "!~~*"}
)
_TYPES = "bool int2 int4 int8 numeric float4 float8 text varchar bpchar date timestamp timestamptz"
ALLOWED_TYPES = frozenset(f"{_TYPES} interval time".split())
SYSTEM_COLUMNS = frozenset({"ctid", "xmin", "xmax", "cmin", "cmax", "tableoid", "oid"})

_ALLOWED_EXPR_KINDS = frozenset(
    {
        A_Expr_Kind.AEXPR_OP, A_Expr_Kind.AEXPR_OP_ANY, A_Expr_Kind.AEXPR_OP_ALL,
        A_Expr_Kind.AEXPR_DISTINCT, A_Expr_Kind.AEXPR_NOT_DISTINCT, A_Expr_Kind.AEXPR_NULLIF,
        A_Expr_Kind.AEXPR_IN, A_Expr_Kind.AEXPR_LIKE, A_Expr_Kind.AEXPR_ILIKE,
        A_Expr_Kind.AEXPR_BETWEEN, A_Expr_Kind.AEXPR_NOT_BETWEEN,
        A_Expr_Kind.AEXPR_BETWEEN_SYM, A_Expr_Kind.AEXPR_NOT_BETWEEN_SYM,
    }
)  # fmt: skip
_BETWEEN_KINDS = frozenset(
    {
        A_Expr_Kind.AEXPR_BETWEEN, A_Expr_Kind.AEXPR_NOT_BETWEEN,
        A_Expr_Kind.AEXPR_BETWEEN_SYM, A_Expr_Kind.AEXPR_NOT_BETWEEN_SYM,
    }
)  # fmt: skip
_DATE_TIME_VALUES = frozenset(
    {
        SQLValueFunctionOp.SVFOP_CURRENT_DATE, SQLValueFunctionOp.SVFOP_CURRENT_TIME,
        SQLValueFunctionOp.SVFOP_CURRENT_TIME_N, SQLValueFunctionOp.SVFOP_CURRENT_TIMESTAMP,
        SQLValueFunctionOp.SVFOP_CURRENT_TIMESTAMP_N, SQLValueFunctionOp.SVFOP_LOCALTIME,
        SQLValueFunctionOp.SVFOP_LOCALTIME_N, SQLValueFunctionOp.SVFOP_LOCALTIMESTAMP,
        SQLValueFunctionOp.SVFOP_LOCALTIMESTAMP_N,
    }
)  # fmt: skip
# Expression and FROM-clause nodes that may appear anywhere; each is walked into. Nodes with
# their own checks (RangeVar, FuncCall, ...) are listed too. Anything else is refused.
_PLAIN_NODES = frozenset(
    {
        "ResTarget", "A_Star", "A_Const", "BoolExpr", "CaseExpr", "CaseWhen", "CoalesceExpr",
        "MinMaxExpr", "NullTest", "BooleanTest", "SortBy", "WindowDef", "JoinExpr", "Alias",
        "String", "Integer", "Float", "Boolean", "GroupingSet", "A_ArrayExpr", "RowExpr",
    }
)  # fmt: skip
_STATEMENT_WORDS = {
    "InsertStmt": "INSERT", "UpdateStmt": "UPDATE", "DeleteStmt": "DELETE", "MergeStmt": "MERGE",
    "CreateTableAsStmt": "CREATE TABLE AS", "VariableSetStmt": "SET", "ExplainStmt": "EXPLAIN",
    "CopyStmt": "COPY", "DoStmt": "DO", "CallStmt": "CALL", "TransactionStmt": "BEGIN/COMMIT",
    "NotifyStmt": "NOTIFY", "ListenStmt": "LISTEN", "LockStmt": "LOCK", "PrepareStmt": "PREPARE",
    "ExecuteStmt": "EXECUTE", "VariableShowStmt": "SHOW", "DiscardStmt": "DISCARD",
}  # fmt: skip

_ALLOWED_SUMMARY = (
    "one SELECT (UNION/INTERSECT/EXCEPT and non-recursive WITH allowed when every part is a "
    "SELECT) over pfa_ai_records and pfa_ai_changes"
)


@dataclass(frozen=True)
class GuardedSql:
    """SQL that passed the guard, re-emitted from its parse tree.

    `sql` carries a LIMIT of at most `row_cap + 1`: a result of more than `row_cap` rows means
    the answer was truncated to `row_cap`.
    """

    sql: str
    row_cap: int


def refuse(what: str, allowed: str = _ALLOWED_SUMMARY) -> SqlRefused:
    return SqlRefused(f"{what}; allowed: {allowed}")


def _function_list() -> str:
    return "; ".join(
        f"{group}: {', '.join(sorted(names))}" for group, names in FUNCTION_GROUPS.items()
    )


def _names(nodes: Any) -> list[str]:
    return [str(n.sval) for n in nodes or () if isinstance(n, ast.String)]


def _children(node: ast.Node) -> Iterator[Any]:
    for attr in getattr(type(node), "__slots__", ()):
        value = getattr(node, attr, None)
        if isinstance(value, ast.Node):
            yield value
        elif isinstance(value, tuple | list):
            yield from (v for v in value if isinstance(v, ast.Node | tuple | list))


def _too_deep() -> SqlRefused:
    return refuse(
        f"the SQL is nested more than {MAX_DEPTH} levels deep",
        f"at most {MAX_DEPTH} levels of nested expressions and subqueries",
    )


class _Checker:
    """Walks one statement; raises SqlRefused at the first thing that is not allowed."""

    def __init__(self) -> None:
        self.depth = 0

    def select(self, stmt: Any, ctes: frozenset[str]) -> None:
        if not isinstance(stmt, ast.SelectStmt):
            word = _STATEMENT_WORDS.get(type(stmt).__name__, type(stmt).__name__)
            raise refuse(f"{word} is not allowed, the assistant only reads")
        if stmt.intoClause is not None:
            raise refuse("SELECT INTO is not allowed (it creates a table)")
        if stmt.lockingClause:
            raise refuse("locking clauses (FOR UPDATE/SHARE) are not allowed")
        if stmt.valuesLists:
            raise refuse("VALUES lists are not allowed")
        scope = ctes
        if stmt.withClause is not None:
            if stmt.withClause.recursive:
                raise refuse("WITH RECURSIVE is not allowed")
            for cte in stmt.withClause.ctes or ():
                if not isinstance(cte.ctequery, ast.SelectStmt):
                    word = _STATEMENT_WORDS.get(type(cte.ctequery).__name__, "a statement")
                    raise refuse(f"{word} inside WITH is not allowed, every CTE must be a SELECT")
                self.select(cte.ctequery, scope)
                scope = scope | {cte.ctename}
        if stmt.op != SetOperation.SETOP_NONE:
            self.select(stmt.larg, scope)
            self.select(stmt.rarg, scope)
        parts = (
            stmt.targetList, stmt.fromClause, stmt.whereClause, stmt.groupClause,
            stmt.havingClause, stmt.windowClause, stmt.sortClause, stmt.distinctClause,
            stmt.limitCount, stmt.limitOffset,
        )  # fmt: skip
        for part in parts:
            self.walk(part, scope)

    def walk(self, node: Any, scope: frozenset[str]) -> None:
        if node is None:
            return
        if isinstance(node, tuple | list):
            for item in node:
                self.walk(item, scope)
            return
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _too_deep()
            name = type(node).__name__
            if isinstance(node, ast.SelectStmt):
                self.select(node, scope)
                return
            check = self._checks.get(name)
            if check is not None:
                check(self, node, scope)
            elif name not in _PLAIN_NODES:
                raise refuse(f"{name} is not allowed in the assistant's SQL")
            for child in _children(node):
                self.walk(child, scope)
        finally:
            self.depth -= 1

    def _range_var(self, node: ast.RangeVar, scope: frozenset[str]) -> None:
        qualified = node.catalogname is not None or node.schemaname not in (None, "public")
        name = node.relname
        if qualified or (name not in ALLOWED_RELATIONS and (node.schemaname or name not in scope)):
            shown = ".".join(p for p in (node.catalogname, node.schemaname, name) if p)
            raise refuse(
                f"relation {shown} is not allowed",
                "query the views pfa_ai_records and pfa_ai_changes (and names defined in WITH)",
            )

    def _range_subselect(self, node: ast.RangeSubselect, scope: frozenset[str]) -> None:
        pass  # its subquery is a SelectStmt, checked by walk()

    def _sub_link(self, node: ast.SubLink, scope: frozenset[str]) -> None:
        self._operator(node.operName)

    def _sort_by(self, node: ast.SortBy, scope: frozenset[str]) -> None:
        self._operator(node.useOp)  # ORDER BY x USING <operator>

    def _column_ref(self, node: ast.ColumnRef, scope: frozenset[str]) -> None:
        names = _names(node.fields)
        if len(node.fields or ()) > 2:
            raise refuse(f"column {'.'.join(names)} is not allowed", "column or table.column")
        if names and names[-1] in SYSTEM_COLUMNS:
            raise refuse(f"system column {names[-1]} is not allowed", "the view's own columns")

    def _a_expr(self, node: ast.A_Expr, scope: frozenset[str]) -> None:
        if node.kind not in _ALLOWED_EXPR_KINDS:
            raise refuse(
                f"the expression {getattr(node.kind, 'name', node.kind)} is not allowed",
                "comparisons, arithmetic, IN, LIKE/ILIKE, BETWEEN, IS DISTINCT FROM, NULLIF",
            )
        if node.kind not in _BETWEEN_KINDS:  # their name is the keyword, not an operator
            self._operator(node.name)

    def _operator(self, name: Any) -> None:
        if not name:
            return
        names = _names(name)
        if len(names) != 1 or names[0] not in ALLOWED_OPERATORS:
            raise refuse(
                f"the operator {'.'.join(names)} is not allowed",
                " ".join(sorted(ALLOWED_OPERATORS)) + " (~~ is LIKE)",
            )

    def _func_call(self, node: ast.FuncCall, scope: frozenset[str]) -> None:
        names = _names(node.funcname)
        name = names[-1] if names else "?"
        if len(names) > 2 or (len(names) == 2 and names[0] != "pg_catalog"):
            raise refuse(f"the function {'.'.join(names)} is not allowed", _function_list())
        if name not in ALLOWED_FUNCTIONS:
            raise refuse(f"the function {name} is not allowed", _function_list())
        if node.func_variadic:
            raise refuse(f"VARIADIC in {name}() is not allowed", _function_list())

    def _type_cast(self, node: ast.TypeCast, scope: frozenset[str]) -> None:
        pass  # its TypeName is checked on the way down

    def _type_name(self, node: ast.TypeName, scope: frozenset[str]) -> None:
        names = _names(node.names)
        bad_qualifier = len(names) > 2 or (len(names) == 2 and names[0] != "pg_catalog")
        if bad_qualifier or not names or names[-1] not in ALLOWED_TYPES or node.setof \
                or node.pct_type or node.arrayBounds:  # fmt: skip
            raise refuse(
                f"the type {'.'.join(names) or '?'} is not allowed in a cast",
                ", ".join(sorted(ALLOWED_TYPES)),
            )

    def _value_function(self, node: ast.SQLValueFunction, scope: frozenset[str]) -> None:
        if node.op not in _DATE_TIME_VALUES:
            raise refuse(
                f"{str(getattr(node.op, 'name', node.op)).removeprefix('SVFOP_')} is not allowed",
                "CURRENT_DATE, CURRENT_TIMESTAMP, LOCALTIME and their kind",
            )

    _checks: ClassVar[dict[str, Callable[[_Checker, Any, frozenset[str]], None]]] = {
        "RangeVar": _range_var,
        "RangeSubselect": _range_subselect,
        "SubLink": _sub_link,
        "SortBy": _sort_by,
        "ColumnRef": _column_ref,
        "A_Expr": _a_expr,
        "FuncCall": _func_call,
        "TypeCast": _type_cast,
        "TypeName": _type_name,
        "SQLValueFunction": _value_function,
    }


def _parse_one(sql: str) -> ast.SelectStmt:
    if len(sql) > MAX_SQL_LENGTH:
        raise refuse(f"the SQL is {len(sql)} characters long", f"at most {MAX_SQL_LENGTH}")
    try:
        statements = parse_sql(sql)
    except ParseError as exc:
        raise SqlRefused(f"the SQL does not parse: {exc}") from None
    except RecursionError:  # the parse tree is built recursively, in Python
        raise _too_deep() from None
    if len(statements) != 1:
        raise refuse(f"exactly one statement is allowed, found {len(statements)}")
    stmt = statements[0].stmt
    try:
        _Checker().select(stmt, frozenset())
    except RecursionError:
        raise _too_deep() from None
    assert isinstance(stmt, ast.SelectStmt)
    return stmt


def _user_limit(stmt: ast.SelectStmt) -> int | None:
    if stmt.limitOption == LimitOption.LIMIT_OPTION_WITH_TIES:
        raise refuse("FETCH ... WITH TIES is not allowed", "LIMIT n")
    count = stmt.limitCount
    if count is None or (isinstance(count, ast.A_Const) and count.isnull):
        return None
    if isinstance(count, ast.A_Const) and isinstance(count.val, ast.Integer):
        return int(count.val.ival or 0)
    raise refuse("the LIMIT must be a whole number", "LIMIT n with a literal n")


@lru_cache(maxsize=1024)  # a pure function of its arguments; refusals are not cached
def guard(sql: str, *, row_cap: int) -> GuardedSql:
    """Validate `sql` and re-emit it with LIMIT min(its own limit, row_cap + 1).

    Raises SqlRefused (saying what is wrong and what is allowed) for anything but one SELECT
    over the allowed view(s) built from allowlisted functions, operators and types. The
    re-emitted SQL is parsed and checked again, so the deparser cannot smuggle anything in.
    """
    stmt = _parse_one(sql.strip().rstrip(";").strip())
    limit = _user_limit(stmt)
    if limit is None or limit > row_cap:
        stmt.limitCount = ast.A_Const(isnull=False, val=ast.Integer(ival=row_cap + 1))
        stmt.limitOption = LimitOption.LIMIT_OPTION_COUNT
    try:
        emitted = RawStream()(stmt)
    except RecursionError:  # a tree within MAX_DEPTH never gets here; a last wall
        raise _too_deep() from None
    _parse_one(emitted)
    return GuardedSql(sql=emitted, row_cap=row_cap)
