"""Named views (saving, listing, deleting) and each user's column layout. A view's query is the
grid's query string (the same one the address bar holds: filters, sort, grouping and columns),
checked to hold only known parameters; a column layout is the columns' part of it alone (order,
widths, hidden, pinned), kept per user and organization. The caller owns the transaction."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from pfa_vanguard.db.queries import Conn, NamedQueries
from pfa_vanguard.errors import BadRequest, NotFound

# The columns' arrangement: `cols` (keys in order), `widths` (key:px,...), `hide`, `pin`.
LAYOUT_PARAMETERS = frozenset({"cols", "widths", "hide", "pin"})
PARAMETERS = (
    frozenset(
        {"category", "forecastCategory", "source", "area", "dor", "from", "to", "dateMode", "q",
         "hasDraft", "sort", "group"}
    )
    | LAYOUT_PARAMETERS
)  # fmt: skip
MAX_VIEWS_PER_USER = 200


_q = NamedQueries("pfa_vanguard.views")


def check_query(query: str, allowed: frozenset[str] = PARAMETERS, what: str = "view") -> str:
    """`query` when it is a query string of the `allowed` parameters; BadRequest otherwise."""
    query = query.lstrip("?")
    if len(query) > 2000:
        raise BadRequest(f"a {what}'s query is at most 2000 characters")
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        raise BadRequest(f"invalid {what} query {query[:80]!r}: use name=value&...") from None
    unknown = sorted({k for k, _ in pairs} - allowed)
    if unknown:
        names = ", ".join(sorted(allowed))
        raise BadRequest(f"unknown {what} parameters {', '.join(unknown)}; allowed: {names}")
    return query


async def list_views(conn: Conn, org_id: int, user_id: int) -> list[dict[str, Any]]:
    cur = await conn.execute(_q("list_views"), {"org_id": org_id, "user_id": user_id})
    return await cur.fetchall()


async def save_view(
    conn: Conn, org_id: int, user_id: int, name: str, query: str, shared: bool
) -> dict[str, Any]:
    """Save (or replace, by name) the caller's view."""
    name = name.strip()
    if not 1 <= len(name) <= 80:
        raise BadRequest("a view's name is 1 to 80 characters")
    mine = [v for v in await list_views(conn, org_id, user_id) if v["mine"]]
    if len(mine) >= MAX_VIEWS_PER_USER and name not in {v["name"] for v in mine}:
        raise BadRequest(f"at most {MAX_VIEWS_PER_USER} views per user: delete one first")
    params = {"org_id": org_id, "user_id": user_id, "name": name,
              "query": check_query(query), "shared": shared}  # fmt: skip
    cur = await conn.execute(_q("save_view"), params)
    row = await cur.fetchone()
    assert row is not None
    return row


async def delete_view(conn: Conn, org_id: int, user_id: int, view_id: int) -> None:
    """Delete one of the caller's own views; NotFound for any other (shared ones included)."""
    cur = await conn.execute(
        _q("delete_view"), {"id": view_id, "org_id": org_id, "user_id": user_id}
    )
    if await cur.fetchone() is None:
        raise NotFound(f"no view {view_id} of yours in this organization")


async def get_layout(conn: Conn, org_id: int, user_id: int) -> dict[str, Any] | None:
    """The caller's column layout in this organization (None: never saved, or reset)."""
    cur = await conn.execute(_q("get_layout"), {"org_id": org_id, "user_id": user_id})
    return await cur.fetchone()


async def save_layout(conn: Conn, org_id: int, user_id: int, query: str) -> dict[str, Any] | None:
    """Keep the caller's column layout (an empty query resets it to the default: None)."""
    query = check_query(query, LAYOUT_PARAMETERS, "column layout")
    params = {"org_id": org_id, "user_id": user_id, "query": query}
    if not query:
        await conn.execute(_q("delete_layout"), params)
        return None
    cur = await conn.execute(_q("save_layout"), params)
    return await cur.fetchone()
