"""Database access for users, organizations and memberships. Callers own the transaction."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from pfa_vanguard.accounts.passwords import hash_password
from pfa_vanguard.db.queries import Conn, NamedQueries
from pfa_vanguard.errors import BadRequest, NotFound


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


_q = NamedQueries("pfa_vanguard.accounts")


async def ensure_organization(conn: Conn, code: str, name: str | None = None) -> dict[str, Any]:
    cur = await conn.execute(_q("upsert_organization"), {"code": code, "name": name or code})
    row = await cur.fetchone()
    assert row is not None
    return row


async def get_organization(conn: Conn, code: str) -> dict[str, Any] | None:
    cur = await conn.execute(_q("get_organization"), {"code": code})
    return await cur.fetchone()


async def save_user(conn: Conn, username: str, password: str) -> dict[str, Any]:
    """Create the user, or set a new password for an existing one (ending their sessions)."""
    if not password:
        raise BadRequest("a password is required")
    cur = await conn.execute(
        _q("upsert_user"), {"username": username, "password_hash": hash_password(password)}
    )
    row = await cur.fetchone()
    assert row is not None
    return row


async def set_password(conn: Conn, username: str, password: str) -> None:
    """`pfa users passwd`: a new password for an existing user; every session of theirs ends."""
    if not password:
        raise BadRequest("a password is required")
    cur = await conn.execute(
        _q("set_password"), {"username": username, "password_hash": hash_password(password)}
    )
    if await cur.fetchone() is None:
        raise NotFound(f"no user {username!r}")


async def end_sessions(conn: Conn, username: str) -> None:
    """Every token issued to the user so far is refused from now on, by every API process."""
    cur = await conn.execute(_q("end_sessions"), {"username": username})
    if await cur.fetchone() is None:
        raise NotFound(f"no user {username!r}")


async def end_sessions_of(conn: Conn, user_id: int) -> None:
    """`end_sessions` by user id (a logout: the caller's own sessions)."""
    await conn.execute(_q("end_sessions_of_id"), {"user_id": user_id})


async def revoke(conn: Conn, username: str, org_code: str | None) -> list[dict[str, Any]]:
    """`pfa users remove`: the user's role in `org_code` (all roles when None) revoked, and
    every session of theirs ended. Returns the roles removed (`code`, `role`)."""
    await end_sessions(conn, username)
    cur = await conn.execute(_q("revoke_roles"), {"username": username, "code": org_code})
    removed = await cur.fetchall()
    if org_code is not None and not removed:
        raise NotFound(f"{username} has no role in organization {org_code!r}")
    return removed


async def list_users(conn: Conn, org_code: str | None) -> list[dict[str, Any]]:
    """Users and their roles (`username`, `code`, `role`; a user with no role has NULLs)."""
    cur = await conn.execute(_q("list_users"), {"code": org_code})
    return await cur.fetchall()


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
