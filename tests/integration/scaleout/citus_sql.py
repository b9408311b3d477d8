"""A static reading of SQL statements for Citus's "router or co-located" rule
(used by test_distribution_ready.py).

`problems(sql, distributed)` parses one statement with pglast (psycopg placeholders become
`$n`) and returns what would make Citus send it to more than one organization's shard: every
reference to a table of `distributed` must have its `organization_id` equal, through a chain of
equalities, to a parameter or constant (a router query, one shard) or to the `organization_id`
of another distributed table reference (a co-located join). Utility statements naming such a
table (TRUNCATE, VACUUM, COMMENT, REFRESH ...) are reported as such.

What counts as a constraint, and where this reading is weaker than the planner:
- equalities `a = b` standing in a conjunction (AND) of a WHERE, JOIN ... ON or HAVING clause
  of any query level, never under OR, NOT or CASE; `x::type` is x; INSERT ... VALUES / SELECT
  constrains the target's organization_id by the value at its column's position;
- all levels share one set of equalities, so a correlated subquery's `d.organization_id = o.id`
  joins the outer `o.id = $1` (right for correlated subqueries; an equality inside a NOT EXISTS
  would also count for the outer query, which is wrong but does not occur here);
- an ON clause of an outer join counts for both sides (it really constrains only the
  nullable side);
- an unqualified column belongs to the only relation of its query level, or, for
  `organization_id`, to the only distributed relation of that level; else it binds nothing.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from pglast import ast, parse_sql
from pglast.enums import A_Expr_Kind, BoolExprType, SetOperation

_PLACEHOLDER = re.compile(r"%%|%\((\w+)\)s|%s")
ORG = "organization_id"
PARAM: tuple[str, ...] = ("param",)
Term = tuple[Any, ...]
_serial = itertools.count()


def to_postgres(text: str) -> str:
    """psycopg's `%(name)s` / `%s` placeholders as `$n` (same name, same number), `%%` as `%`."""
    numbers: dict[str, int] = {}

    def number(match: re.Match[str]) -> str:
        if match.group(0) == "%%":
            return "%"
        key = match.group(1) or f"#{len(numbers)}"
        return f"${numbers.setdefault(key, len(numbers) + 1)}"

    return _PLACEHOLDER.sub(number, text)


@dataclass
class _Scope:
    """The relations of one query level: alias -> (table name or None, distributed?)."""

    items: dict[str, tuple[str | None, bool]] = field(default_factory=dict)
    key: int = field(default_factory=lambda: next(_serial))


class _Reading:
    def __init__(self, distributed: frozenset[str]) -> None:
        self.distributed = distributed
        self.parent: dict[Term, Term] = {}
        self.refs: list[tuple[str, Term]] = []
        self.utility: list[str] = []
        self.ctes: set[str] = set()
        self.depth = 0  # query levels entered: a table named outside any is a utility's

    # -- equalities (union-find over terms) --------------------------------------------------
    def find(self, term: Term) -> Term:
        while self.parent.get(term, term) != term:
            term = self.parent[term]
        return term

    def union(self, a: Term | None, b: Term | None) -> None:
        if a is not None and b is not None:
            self.parent.setdefault(a, a)
            self.parent.setdefault(b, b)
            self.parent[self.find(a)] = self.find(b)

    def term(self, node: Any, scopes: list[_Scope]) -> Term | None:
        if isinstance(node, ast.TypeCast):
            return self.term(node.arg, scopes)
        if isinstance(node, ast.ParamRef) or (isinstance(node, ast.A_Const) and not node.isnull):
            return PARAM
        fields: Any = getattr(node, "fields", None) if isinstance(node, ast.ColumnRef) else None
        if not fields or not all(isinstance(f, ast.String) for f in fields):
            return None
        names: list[str] = [f.sval for f in fields]
        column = names[-1]
        if len(names) >= 2:
            for scope in reversed(scopes):
                if names[-2] in scope.items:
                    return (scope.key, names[-2], column)
            return ("unresolved", names[-2], column)
        for scope in reversed(scopes):
            if len(scope.items) == 1:
                return (scope.key, next(iter(scope.items)), column)
            dist = [alias for alias, (_, d) in scope.items.items() if d]
            if column == ORG and len(dist) == 1:
                return (scope.key, dist[0], column)
            if scope.items:
                return ("ambiguous", scope.key, column)
        return None

    # -- walking ---------------------------------------------------------------------------
    def visit(self, node: Any, scopes: list[_Scope], conj: bool = False) -> None:
        n: Any = node
        if isinstance(node, (list, tuple)):
            for item in node:
                self.visit(item, scopes, conj)
            return
        if not isinstance(node, ast.Node):
            return
        if isinstance(node, (ast.SelectStmt, ast.InsertStmt, ast.UpdateStmt, ast.DeleteStmt)):
            self.statement(node, scopes)
            return
        if isinstance(node, ast.BoolExpr):
            self.visit(node.args, scopes, conj and node.boolop == BoolExprType.AND_EXPR)
            return
        if (
            conj
            and isinstance(node, ast.A_Expr)
            and node.kind == A_Expr_Kind.AEXPR_OP
            and [op.sval for op in n.name] == ["="]
        ):
            self.union(self.term(n.lexpr, scopes), self.term(n.rexpr, scopes))
        if isinstance(node, ast.RangeVar) and self.depth == 0 and self._is_distributed(node):
            self.utility.append(n.relname)
        for slot in type(node).__slots__:
            self.visit(getattr(node, slot), scopes)

    def _is_distributed(self, rv: Any) -> bool:
        return (
            rv.relname in self.distributed
            and rv.relname not in self.ctes
            and rv.schemaname in (None, "public")
        )

    def _add_from(self, n: Any, scope: _Scope, scopes: list[_Scope], quals: list[Any]) -> None:
        node: Any = n
        if isinstance(n, ast.RangeVar):
            alias = node.alias.aliasname if node.alias else node.relname
            dist = self._is_distributed(node)
            scope.items[alias] = (node.relname, dist)
            if dist:
                self.refs.append((f"{node.relname} {alias}", (scope.key, alias, ORG)))
        elif isinstance(n, ast.JoinExpr):
            self._add_from(node.larg, scope, scopes, quals)
            self._add_from(node.rarg, scope, scopes, quals)
            quals.append(node.quals)
        elif isinstance(n, ast.RangeSubselect):
            self.statement(node.subquery, scopes if node.lateral else scopes[:-1])
            if node.alias:
                scope.items[node.alias.aliasname] = (None, False)
        else:
            alias = getattr(node, "alias", None)
            self.visit(node, scopes)
            if alias is not None:
                scope.items[alias.aliasname] = (None, False)

    def statement(self, node: Any, outer: list[_Scope]) -> list[_Scope]:
        """Read one query level (and everything below it); returns its scope chain."""
        self.depth += 1
        try:
            return self._statement(node, outer)
        finally:
            self.depth -= 1

    def _statement(self, node: Any, outer: list[_Scope]) -> list[_Scope]:
        if isinstance(node, ast.SelectStmt) and node.op != SetOperation.SETOP_NONE:
            self.statement(node.larg, outer)
            self.statement(node.rarg, outer)
            return outer
        with_clause = getattr(node, "withClause", None)
        if with_clause is not None:
            for cte in with_clause.ctes:
                self.statement(cte.ctequery, outer)
                self.ctes.add(cte.ctename)
        scope = _Scope()
        scopes = [*outer, scope]
        quals: list[Any] = []
        handled = {"withClause", "fromClause", "usingClause", "relation", "whereClause"}
        if isinstance(node, ast.InsertStmt):
            self._insert(node, outer, scope)
            handled |= {"selectStmt", "cols"}
        elif isinstance(node, (ast.UpdateStmt, ast.DeleteStmt)):
            self._add_from(node.relation, scope, scopes, quals)
        for slot in ("fromClause", "usingClause"):
            self._add_from_list(getattr(node, slot, None), scope, scopes, quals)
        self.visit(getattr(node, "whereClause", None), scopes, conj=True)
        self.visit(quals, scopes, conj=True)
        self.visit(getattr(node, "havingClause", None), scopes, conj=True)
        for slot in type(node).__slots__:
            if slot not in handled and slot != "havingClause":
                self.visit(getattr(node, slot), scopes)
        return scopes

    def _add_from_list(
        self, items: Any, scope: _Scope, scopes: list[_Scope], quals: list[Any]
    ) -> None:
        for item in items or ():
            self._add_from(item, scope, scopes, quals)

    def _insert(self, node: Any, outer: list[_Scope], scope: _Scope) -> None:
        target: Any = node.relation
        alias = target.alias.aliasname if target.alias else target.relname
        dist = self._is_distributed(target)
        scope.items[alias] = (target.relname, dist)
        scope.items["excluded"] = (target.relname, False)
        select: Any = node.selectStmt
        inner = self.statement(select, outer) if select is not None else outer
        if not dist:
            return
        mine: Term = (scope.key, alias, ORG)
        self.refs.append((f"INSERT INTO {target.relname}", mine))
        cols = [c.name for c in node.cols or ()]
        if ORG not in cols or not isinstance(select, ast.SelectStmt):
            return  # unconstrained: reported as such
        position = cols.index(ORG)
        if select.valuesLists:
            for row in select.valuesLists:
                self.union(mine, self.term(row[position], inner))
        elif select.targetList and select.op == SetOperation.SETOP_NONE:
            self.union(mine, self.term(select.targetList[position].val, inner))

    # -- verdict ---------------------------------------------------------------------------
    def unconstrained(self) -> list[str]:
        found = []
        for name, term in self.refs:
            group = self.find(term)
            if group == self.find(PARAM):
                continue
            if any(t != term and self.find(t) == group for _, t in self.refs):
                continue  # a co-located join on organization_id
            found.append(f"{name}: organization_id not bound to a parameter or a co-located join")
        return found


def problems(sql: str, distributed: frozenset[str]) -> list[str]:
    """What keeps `sql` from being a single-organization (or co-located) statement on Citus."""
    found: list[str] = []
    for raw in parse_sql(to_postgres(sql)):
        stmt: Any = raw.stmt
        reading = _Reading(distributed)
        if isinstance(stmt, ast.ExplainStmt):
            stmt = stmt.query
        if isinstance(stmt, (ast.SelectStmt, ast.InsertStmt, ast.UpdateStmt, ast.DeleteStmt)):
            reading.statement(stmt, [])
        elif isinstance(stmt, ast.CopyStmt) and stmt.query is not None:
            reading.statement(stmt.query, [])
        elif isinstance(stmt, ast.CopyStmt) and reading._is_distributed(stmt.relation):
            columns = [c.sval for c in stmt.attlist or ()]
            if not stmt.is_from or ORG not in columns:
                found.append(f"COPY {getattr(stmt.relation, 'relname', '')} not routed by {ORG}")
            # COPY ... FROM with organization_id: Citus routes each row to its shard
        elif isinstance(stmt, ast.CommentStmt):
            names = {str(n.sval) for n in _strings(stmt.object)}
            if names & distributed:
                found.append(f"COMMENT ON {sorted(names & distributed)}")
        else:
            reading.visit(stmt, [])
        kind = type(stmt).__name__.removesuffix("Stmt")
        found += [f"{kind} of {name}" for name in dict.fromkeys(reading.utility)]
        found += reading.unconstrained()
    return found


def _strings(node: Any) -> list[Any]:
    if isinstance(node, (list, tuple)):
        return [s for item in node for s in _strings(item)]
    return [node] if isinstance(node, ast.String) else []
