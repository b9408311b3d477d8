"""Named SQL blocks kept in `.sql` files (`-- name: fetch_thing`), loaded once, used by name."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import LiteralString, cast

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
