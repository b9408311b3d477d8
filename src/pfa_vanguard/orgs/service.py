"""Creating and listing organizations. Callers own the transaction."""

from __future__ import annotations

import re
from typing import Any

from pfa_vanguard.db.queries import Conn, NamedQueries
from pfa_vanguard.errors import BadRequest, Conflict, NotFound
from pfa_vanguard.sync.schedule import check_cron

_CODE = re.compile(r"[A-Za-z0-9_.-]{1,50}")
_CURRENCY = re.compile(r"[A-Z]{3}")


_q = NamedQueries("pfa_vanguard.orgs")


def check_code(code: str) -> str:
    if not _CODE.fullmatch(code):
        raise BadRequest(
            f"invalid organization code {code!r}: use 1-50 letters, digits, '_', '.' or '-'"
        )
    return code


async def add_organization(
    conn: Conn, code: str, name: str | None = None, schedule: str | None = None
) -> dict[str, Any]:
    """Create the organization; Conflict when the code exists, BadRequest on a bad code or
    cron. `schedule` None follows the default (PFA_SYNC_SCHEDULE)."""
    check_code(code)
    cron = check_cron(schedule) if schedule is not None else None
    cur = await conn.execute(_q("add_organization"), {"code": code, "name": name or code,
                                                      "schedule": cron})  # fmt: skip
    row = await cur.fetchone()
    if row is None:
        raise Conflict(f"organization {code!r} exists already (`pfa orgs list`)")
    return row


async def list_organizations(conn: Conn) -> list[dict[str, Any]]:
    """Every organization: code, name, active, own schedule (None: the default), paused,
    last successful sync, number of members."""
    cur = await conn.execute(_q("list_organizations"))
    return await cur.fetchall()


async def organization_id(conn: Conn, code: str) -> int:
    """The id of `code`; NotFound (naming `pfa orgs add`) when there is none."""
    cur = await conn.execute(_q("organization_id"), {"code": code})
    row = await cur.fetchone()
    if row is None:
        raise NotFound(f"unknown organization {code!r}: create it with `pfa orgs add {code}`")
    return int(row["id"])


async def set_currency(conn: Conn, code: str, currency: str) -> None:
    """Every amount of `code` is in `currency` (an ISO 4217 code such as USD or EUR): shown next
    to its figures and written in its exports. BadRequest on a malformed code, NotFound on an
    unknown organization."""
    currency = currency.strip().upper()
    if not _CURRENCY.fullmatch(currency):
        raise BadRequest(f"invalid currency {currency!r}: use a 3-letter ISO 4217 code, e.g. EUR")
    cur = await conn.execute(_q("set_currency"), {"code": code, "currency": currency})
    if await cur.fetchone() is None:
        raise NotFound(f"unknown organization {code!r}: create it with `pfa orgs add {code}`")
