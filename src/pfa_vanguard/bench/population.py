"""Who uses the benchmark's organization: the benchmark user with its 200 drafts, and the
users of the concurrent phase. Users are created directly (Argon2 hashing once, reused on the
next run); drafts go through the API, so they are validated exactly as a user's would be."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import psycopg
from psycopg.rows import dict_row

from pfa_vanguard.accounts.repository import add_user
from pfa_vanguard.bench.client import UserClient
from pfa_vanguard.bench.dataset import q

BENCH_USER = "bench"
BENCH_PASSWORD = "bench-password"  # noqa: S105 - a throwaway account of the benchmark database
DRAFTS = 200


def crowd_names(count: int) -> list[str]:
    return [f"bench{n:02d}" for n in range(1, count + 1)]


async def ensure_users(url: str, org_code: str, names: Sequence[str]) -> dict[str, int]:
    """Each user exists with the benchmark password and may edit `org_code`; returns ids."""
    ids: dict[str, int] = {}
    async with await psycopg.AsyncConnection.connect(url, row_factory=dict_row) as conn:
        for name in names:
            cur = await conn.execute(q("user_id"), {"username": name})
            row = await cur.fetchone()
            if row is None:
                await add_user(conn, name, BENCH_PASSWORD, org_code, "admin")
                cur = await conn.execute(q("user_id"), {"username": name})
                row = await cur.fetchone()
                assert row is not None
            else:  # the password is known; make sure of the role in this organization
                await conn.execute(q("grant_admin"), {"user_id": row["id"], "code": org_code})
            ids[name] = int(row["id"])
        await conn.commit()
    return ids


async def discard_all(url: str, org_id: int, user_ids: Sequence[int]) -> None:
    """Remove what earlier runs left: the benchmark users' drafts in the organization."""
    async with await psycopg.AsyncConnection.connect(url) as conn:
        await conn.execute(q("discard_user_drafts"), {"user_ids": list(user_ids), "org_id": org_id})
        await conn.commit()


@dataclass(frozen=True)
class DraftTarget:
    """A record the benchmark drafts: its id and baseline forecast end."""

    record_id: str
    forecast_end: date

    def changes(self, shift_days: int = 30) -> dict[str, Any]:
        return {"forecastEnd": (self.forecast_end + timedelta(days=shift_days)).isoformat()}


async def pick_targets(
    url: str, org_id: int, records: int, count: int, offset: int = 0
) -> list[DraftTarget]:
    """`count` records spread evenly over the organization (every n-th by id, from `offset`)."""
    step = max(1, records // max(count, 1))
    async with await psycopg.AsyncConnection.connect(url, row_factory=dict_row) as conn:
        cur = await conn.execute(
            q("pick_records"),
            {"org_id": org_id, "step": step, "offset": offset % step, "count": count},
        )
        rows = await cur.fetchall()
    return [
        DraftTarget(r["id"], date.fromisoformat(r["data"]["forecastEnd"]))
        for r in rows
        if isinstance(r["data"].get("forecastEnd"), str)
    ]


async def create_drafts(
    client: UserClient, org_code: str, targets: Sequence[DraftTarget], shift_days: int = 30
) -> None:
    """Save one draft per target through the API (one request, all-or-nothing)."""
    body = [{"recordId": t.record_id, "changes": t.changes(shift_days)} for t in targets]
    answer = await client.post_json(f"/api/pfa/{org_code}/draft", body)
    saved = len(answer.get("saved", []))
    if saved != len(targets):
        raise RuntimeError(f"saved {saved} drafts of {len(targets)}")


async def discard_drafts(client: UserClient, org_code: str) -> None:
    await client.post_json(f"/api/pfa/{org_code}/discard", None)
