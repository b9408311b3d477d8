"""The records an answer is over, so that the grid can show exactly them.

Read from the structure of the answer's SQL (PostgreSQL's parser), never from the model: the
SQL is rewritten to list the ids (`pfa_id`) of the records it counted, summed or listed, and
that SQL goes through the guard and the scoped executor like any answer — the same view, the
same organization and user, read-only.

- A listing (no aggregate, no GROUP BY): the listed records, with the answer's own ORDER BY
  and LIMIT (the top 5 are those 5).
- An aggregate, GROUP BY or SELECT DISTINCT without HAVING or LIMIT, every row shown: every
  record its WHERE keeps (each is in one of the groups shown).
- Grouped with HAVING or LIMIT, or with more groups than the answer showed: the records its
  WHERE keeps whose group is one of the groups the answer returned (the top 3 categories:
  their records only).

Anything else (UNION, WITH, a join, a subquery in FROM, ROLLUP, DISTINCT ON) has no plain set
of records: `records_sql` says why, and the answer offers no "show in the grid".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pglast import ast, parse_sql
from pglast.enums import LimitOption, SetOperation
from pglast.stream import RawStream

from pfa_vanguard.ai.guard import ALLOWED_RELATIONS, FUNCTION_GROUPS
from pfa_vanguard.ai.prompt import VIEW_COLUMNS

MAX_RECORD_IDS = 5000
_ID = "pfa_answer_record"
_KEY = "pfa_answer_key_"
_AGGREGATES = FUNCTION_GROUPS["aggregates"]
_VIEW_COLUMNS = frozenset(c.name for c in VIEW_COLUMNS)


class NoRecords(Exception):
    """The answer is not over a plain set of records; the message says why, in plain words."""


@dataclass(frozen=True)
class AnswerRecords:
    """`ids` of the answer's records (None when it has no plain set of records, `note` says
    why); `more` when there are more than the ids returned."""

    ids: tuple[str, ...] | None
    more: bool = False
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "recordIds": None if self.ids is None else list(self.ids),
            "recordIdsMore": self.more,
            "recordsNote": self.note,
        }


def _sql(node: Any) -> str:
    return str(RawStream()(node))


def _id_ref(alias: str | None) -> ast.ColumnRef:
    names = (alias, "pfa_id") if alias else ("pfa_id",)
    return ast.ColumnRef(fields=tuple(ast.String(sval=n) for n in names))


def _has_aggregate(node: Any) -> bool:
    """Does `node` call an aggregate (not as a window function, not inside a subquery)?"""
    if isinstance(node, ast.SubLink | ast.SelectStmt):
        return False
    if isinstance(node, ast.FuncCall):
        name = getattr((node.funcname or ("",))[-1], "sval", "")
        if name in _AGGREGATES and node.over is None:
            return True
    if isinstance(node, ast.Node):
        return any(_has_aggregate(getattr(node, f)) for f in node)
    if isinstance(node, tuple | list):
        return any(_has_aggregate(n) for n in node)
    return False


def _group_keys(stmt: ast.SelectStmt) -> list[Any]:
    """The GROUP BY expressions, with `GROUP BY 1` and `GROUP BY alias` resolved to the
    target they name (as PostgreSQL resolves them: a view column wins over an alias)."""
    targets = list(stmt.targetList or ())
    aliases = {t.name: t.val for t in targets if t.name}
    keys = []
    for item in stmt.groupClause or ():
        if isinstance(item, ast.GroupingSet):
            raise NoRecords("its groups are grouping sets (ROLLUP, CUBE)")
        if isinstance(item, ast.A_Const) and isinstance(item.val, ast.Integer):
            position = int(item.val.ival or 0)
            if not 1 <= position <= len(targets):
                raise NoRecords("it groups by a column it does not have")
            keys.append(targets[position - 1].val)
            continue
        fields = item.fields or () if isinstance(item, ast.ColumnRef) else ()
        if len(fields) == 1:
            name = getattr(fields[0], "sval", None)
            if name and name not in _VIEW_COLUMNS and name in aliases:
                keys.append(aliases[name])
                continue
        keys.append(item)
    return keys


def records_sql(
    sql: str, *, cap: int = MAX_RECORD_IDS, group_cap: int | None = None, truncated: bool = False
) -> str:
    """SQL listing (up to `cap + 1`) ids of the records `sql` is over; raises NoRecords.

    `group_cap`: the answer's row cap (its groups past it were not shown); `truncated`: the
    answer had more rows than that, so not every group was shown.
    """
    try:
        statements = parse_sql(sql.strip().rstrip(";"))
    except Exception:
        raise NoRecords("its SQL could not be read") from None
    if len(statements) != 1 or not isinstance(statements[0].stmt, ast.SelectStmt):
        raise NoRecords("it is not one SELECT")
    stmt: Any = statements[0].stmt
    if stmt.op != SetOperation.SETOP_NONE or stmt.withClause is not None:
        raise NoRecords("it combines several queries (UNION, WITH)")
    source = stmt.fromClause[0] if stmt.fromClause and len(stmt.fromClause) == 1 else None
    if (
        not isinstance(source, ast.RangeVar)
        or source.schemaname
        or source.relname not in ALLOWED_RELATIONS
    ):
        raise NoRecords("it does not read the records directly (a join or a subquery)")
    alias = source.alias.aliasname if source.alias is not None else None
    record_id = f"{alias}.pfa_id" if alias else "pfa_id"
    where = f" WHERE {_sql(stmt.whereClause)}" if stmt.whereClause is not None else ""
    records = f"{_sql(source)}{where}"
    distinct = stmt.distinctClause is not None
    if distinct and any(d is not None for d in stmt.distinctClause):
        raise NoRecords("it keeps one row per value (DISTINCT ON)")
    aggregated = (
        bool(stmt.groupClause)
        or stmt.havingClause is not None
        or any(_has_aggregate(t.val) for t in stmt.targetList or ())
    )
    limited = stmt.limitCount is not None or stmt.limitOffset is not None
    if not aggregated and not distinct:  # a listing: the records listed
        stmt.targetList = (
            *(stmt.targetList or ()),
            ast.ResTarget(name=_ID, val=_id_ref(alias)),
        )
        # built from the parsed SQL's own nodes; the result is guarded before it runs
        return f"SELECT {_ID} FROM ({_sql(stmt)}) AS pfa_answer LIMIT {cap + 1}"  # noqa: S608
    if aggregated and distinct:
        raise NoRecords("it both aggregates and keeps distinct rows")
    keys = [t.val for t in stmt.targetList] if distinct else _group_keys(stmt)
    if stmt.havingClause is None and not limited and not truncated:
        # every group is in the answer: every record the WHERE keeps is in one of them
        return f"SELECT {record_id} AS {_ID} FROM {records} ORDER BY 1 LIMIT {cap + 1}"  # noqa: S608
    # grouped: the records of the groups the answer returned (at most as many as it showed)
    own = getattr(getattr(stmt.limitCount, "val", None), "ival", None)
    if group_cap is not None and (not isinstance(own, int) or own > group_cap):
        stmt.limitCount = ast.A_Const(isnull=False, val=ast.Integer(ival=group_cap))
        stmt.limitOption = LimitOption.LIMIT_OPTION_COUNT
    stmt.targetList = (
        *(stmt.targetList or ()),
        *(ast.ResTarget(name=f"{_KEY}{i}", val=k) for i, k in enumerate(keys, 1)),
    )
    key_list = "".join(f", {_sql(k)} AS {_KEY}{i}" for i, k in enumerate(keys, 1))
    same_group = " AND ".join(
        f"pfa_answer_groups.{_KEY}{i} IS NOT DISTINCT FROM pfa_answer_records.{_KEY}{i}"
        for i in range(1, len(keys) + 1)
    )
    groups = f"SELECT 1 FROM ({_sql(stmt)}) AS pfa_answer_groups"  # noqa: S608
    if same_group:
        groups += f" WHERE {same_group}"
    return (
        f"SELECT {_ID} FROM (SELECT {record_id} AS {_ID}{key_list} FROM {records})"  # noqa: S608
        f" AS pfa_answer_records WHERE EXISTS ({groups}) ORDER BY 1 LIMIT {cap + 1}"
    )
