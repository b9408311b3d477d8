"""Typed query access: the connection types every module uses, and the named SQL blocks kept in
`.sql` files (`-- name: fetch_thing`), loaded once and looked up by name as `LiteralString`
(static SQL, as psycopg's typing wants it). `tests/unit/db/test_queries.py` checks that every
name looked up exists and every named block is used."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any, LiteralString, cast

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

Conn = AsyncConnection[dict[str, Any]]
"""A connection returning rows as dictionaries (the pool's kind)."""
Pool = AsyncConnectionPool[Conn]

_NAME = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)


@cache
def load(package: str, filename: str = "queries.sql") -> dict[str, LiteralString]:
    """Parse `filename` in `package` into {name: sql}. Raises on duplicate names."""
    text = (resources.files(package) / filename).read_text()
    parts = _NAME.split(text)
    queries: dict[str, LiteralString] = {}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        if name in queries:
            raise ValueError(f"{package}/{filename}: query {name!r} defined twice")
        queries[name] = cast(LiteralString, body.strip().rstrip(";"))
    return queries


class NamedQueries:
    """The named queries of one file, by name: `_q = NamedQueries("pfa_vanguard.sync")` at
    module level (nothing is read until the first lookup), then `conn.execute(_q("name"))`."""

    def __init__(self, package: str, filename: str = "queries.sql") -> None:
        self.package = package
        self.filename = filename

    def __call__(self, name: str) -> LiteralString:
        """The SQL of `name`; KeyError naming the file when there is no such query."""
        queries = load(self.package, self.filename)
        if name not in queries:
            raise KeyError(f"{self.package}/{self.filename} has no query {name!r}")
        return queries[name]
