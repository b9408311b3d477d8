"""Reading the record history: one page of changes, newest first, filtered by time, user,
source, field and record. Keyset paging on (detected_at, id): a page costs the same however
deep it is, and changes recorded meanwhile never shift it. The caller owns the transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from psycopg import sql

from pfa_vanguard.db.queries import Conn, load
from pfa_vanguard.errors import BadRequest

Source = Literal["sync", "commit", "archive"]
MAX_LIMIT = 500
_FIELD = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")
_CURSOR = re.compile(r"(?P<at>[0-9T:+.\-]{19,40})_(?P<id>[0-9]{1,19})")


@dataclass(frozen=True)
class HistoryQuery:
    since: datetime | None = None
    until: datetime | None = None
    user: str | None = None
    source: Source | None = None
    field: str | None = None
    record_id: str | None = None
    limit: int = 100
    cursor: str | None = None

    def __post_init__(self) -> None:
        if self.since and self.until and self.since > self.until:
            raise BadRequest(f"since ({self.since.isoformat()}) is after until")
        if self.field is not None and not _FIELD.fullmatch(self.field):
            raise BadRequest(f"invalid field {self.field!r}: a field name such as forecastEnd")
        if not 1 <= self.limit <= MAX_LIMIT:
            raise BadRequest(f"limit must be 1..{MAX_LIMIT}")
        if (self.since and self.since.tzinfo is None) or (self.until and self.until.tzinfo is None):
            raise BadRequest("since and until need a time zone, e.g. 2026-12-01T00:00:00Z")

    def after(self) -> tuple[datetime, int] | None:
        """The position the cursor names (the last change of the page before)."""
        if self.cursor is None:
            return None
        found = _CURSOR.fullmatch(self.cursor)
        try:
            if found is None:
                raise ValueError
            return datetime.fromisoformat(found["at"]), int(found["id"])
        except ValueError:
            raise BadRequest("invalid cursor: pass nextCursor of the page before") from None


def _cursor(row: dict[str, Any]) -> str:
    return f"{row['detected_at'].isoformat()}_{row['id']}"


async def history_page(conn: Conn, org_id: int, query: HistoryQuery) -> dict[str, Any]:
    """{"changes": [...], "nextCursor": str | None}: at most `limit` changes, newest first."""
    parts: list[sql.Composable] = [sql.SQL(load("pfa_vanguard.history")["history_page"])]
    params: dict[str, Any] = {"org_id": org_id, "limit": query.limit + 1}
    filters = (
        ("since", sql.SQL(" AND h.detected_at >= %(since)s"), query.since),
        ("until", sql.SQL(" AND h.detected_at < %(until)s"), query.until),
        ("user", sql.SQL(" AND h.username = %(user)s"), query.user),
        ("source", sql.SQL(" AND h.source = %(source)s"), query.source),
        ("field", sql.SQL(" AND h.field = %(field)s"), query.field),
        ("record_id", sql.SQL(" AND h.record_id = %(record_id)s"), query.record_id),
    )
    for name, condition, value in filters:
        if value is not None:
            parts.append(condition)
            params[name] = value
    after = query.after()
    if after is not None:
        parts.append(sql.SQL(" AND (h.detected_at, h.id) < (%(after_at)s, %(after_id)s)"))
        params["after_at"], params["after_id"] = after
    parts.append(sql.SQL(" ORDER BY h.detected_at DESC, h.id DESC LIMIT %(limit)s"))
    cur = await conn.execute(sql.Composed(parts), params)
    rows = await cur.fetchall()
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    return {
        "changes": [
            {
                "id": r["id"],
                "recordId": r["record_id"],
                "field": r["field"],
                "old": r["old_value"],
                "new": r["new_value"],
                "source": r["source"],
                "detectedAt": r["detected_at"],
                "runId": r["run_id"],
                "user": r["username"],
                "pemsAnswer": r["pems_answer"],
            }
            for r in rows
        ],
        "nextCursor": _cursor(rows[-1]) if more and rows else None,
    }
