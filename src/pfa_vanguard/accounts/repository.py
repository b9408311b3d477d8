"""Database access for users, organizations and memberships. Callers own the transaction."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from psycopg import AsyncConnection

from pfa_vanguard.accounts.passwords import hash_password
from pfa_vanguard.db.queries import load
from pfa_vanguard.errors import BadRequest

Conn = AsyncConnection[dict[str, Any]]


class Role(StrEnum):
    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"

    @classmethod
    def parse(cls, value: str) -> Role:
        try:
            return cls(value)
        except ValueError:
            allowed = ", ".join(r.value for r in cls)
            raise BadRequest(f"unknown role {value!r}; roles are: {allowed}") from None

    def allows(self, needed: Role) -> bool:
        """viewer < editor < admin: each role can do what the ones before it can."""
        order = list(Role)
        return order.index(self) >= order.index(needed)


def _q(name: str) -> Any:
    return load("pfa_vanguard.accounts")[name]


async def ensure_organization(conn: Conn, code: str, name: str | None = None) -> dict[str, Any]:
    cur = await conn.execute(_q("upsert_organization"), {"code": code, "name": name or code})
    row = await cur.fetchone()
    assert row is not None
    return row


async def get_organization(conn: Conn, code: str) -> dict[str, Any] | None:
    cur = await conn.execute(_q("get_organization"), {"code": code})
    return await cur.fetchone()


async def save_user(conn: Conn, username: str, password: str) -> dict[str, Any]:
    """Create the user, or set a new password for an existing one."""
    if not password:
        raise BadRequest("a password is required")
    cur = await conn.execute(
        _q("upsert_user"), {"username": username, "password_hash": hash_password(password)}
    )
    row = await cur.fetchone()
    assert row is not None
    return row


async def get_user(conn: Conn, username: str) -> dict[str, Any] | None:
    cur = await conn.execute(_q("get_user"), {"username": username})
    return await cur.fetchone()


async def grant_role(conn: Conn, user_id: int, organization_id: int, role: Role) -> None:
    await conn.execute(
        _q("grant_role"),
        {"user_id": user_id, "organization_id": organization_id, "role": role.value},
    )


async def memberships(conn: Conn, user_id: int) -> list[dict[str, Any]]:
    cur = await conn.execute(_q("user_memberships"), {"user_id": user_id})
    return await cur.fetchall()


async def add_user(
    conn: Conn, username: str, password: str, org_code: str, role: str
) -> dict[str, Any]:
    """`pfa users add`: create or update the user, create the organization if needed, grant."""
    parsed = Role.parse(role)
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,50}", org_code):
        raise BadRequest(
            f"invalid organization code {org_code!r}: use 1-50 letters, digits, '_', '.' or '-'"
        )
    if not re.fullmatch(r"[A-Za-z0-9_.@-]{1,64}", username):
        raise BadRequest(
            f"invalid user name {username!r}: use 1-64 letters, digits, '_', '.', '@' or '-'"
        )
    org = await ensure_organization(conn, org_code)
    user = await save_user(conn, username, password)
    await grant_role(conn, user["id"], org["id"], parsed)
    return {"user": user["username"], "organization": org["code"], "role": parsed.value}
