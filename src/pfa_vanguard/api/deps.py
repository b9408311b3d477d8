"""Request dependencies: the database connection, the caller, and their role in `{org}`.

- `DbConn` (`db_conn`): one pooled connection per request; the request owns the transaction:
  committed when the route returns, rolled back when it raises (before the response is sent).
- `current_user` (`User`): 401 without a valid bearer token, or when the token's session has
  ended (its generation is older than the user's: logout, password change, revoked role) or
  the user no longer exists. Checked against the database on every request, so every API
  process refuses an ended session at once.
- `org_access(role)`: the same checks, folded into the membership query (no extra round trip);
  403 unless the caller is a member of `{org}` with at least `role` (an unknown organization is
  also 403: the answer never reveals which codes exist).
- `token_user` (`TokenUser`): signature and expiry only, for routes that call
  `check_org_access` on a connection of their own (which checks the session).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from pfa_vanguard.accounts.repository import Role
from pfa_vanguard.api.state import request_state
from pfa_vanguard.db.errors import translate_errors
from pfa_vanguard.db.queries import Conn, Pool, load
from pfa_vanguard.errors import Forbidden, Unauthorized
from pfa_vanguard.settings import Settings

_bearer = HTTPBearer(auto_error=False, description="token from POST /api/auth/login")


@dataclass(frozen=True)
class CurrentUser:
    id: int
    username: str
    generation: int  # the session generation the token was issued in


@dataclass(frozen=True)
class OrgContext:
    """The caller's access to one organization, checked against the database (with the
    organization's mirror version, last sync and schedule as read in the same query)."""

    org_id: int
    code: str
    role: Role
    user: CurrentUser
    mirror_version: int = 0
    last_synced_at: datetime | None = None
    # what its freshness depends on (organizations row: schedule, paused, active, created_at)
    schedule: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)


def app_settings(request: Request) -> Settings:
    return request_state(request).settings


def app_pool(request: Request) -> Pool:
    return request_state(request).pool


async def db_conn(request: Request) -> AsyncIterator[Conn]:
    """A pooled connection whose transaction the request owns."""
    async with translate_errors(), app_pool(request).connection() as conn:
        try:
            yield conn
        except BaseException:
            await conn.rollback()
            raise
        await conn.commit()


# Always depend on the connection through this alias: one connection per request, released
# (and committed) before the response goes out.
DbConn = Annotated[Conn, Depends(db_conn, scope="function")]


_SESSION_ENDED = (
    "this session has ended (logged out, password changed or access revoked); log in again"
)


async def token_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> CurrentUser:
    """The caller named by the bearer token (401 when missing, forged or expired). The
    session is NOT checked here: only for routes that call `check_org_access`."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("missing bearer token: log in at POST /api/auth/login")
    tokens = request_state(request).tokens
    claims = tokens.verify(credentials.credentials)
    return CurrentUser(id=claims.user_id, username=claims.username, generation=claims.generation)


TokenUser = Annotated[CurrentUser, Depends(token_user)]


async def check_session(conn: Conn, user: CurrentUser) -> None:
    """`Unauthorized` unless the user exists and the token's session generation is current."""
    cur = await conn.execute(
        load("pfa_vanguard.api")["session_current"],
        {"user_id": user.id, "generation": user.generation},
    )
    if await cur.fetchone() is None:
        raise Unauthorized(_SESSION_ENDED)


async def current_user(user: TokenUser, conn: DbConn) -> CurrentUser:
    """The caller named by a valid bearer token of a session that has not ended."""
    await check_session(conn, user)
    return user


User = Annotated[CurrentUser, Depends(current_user)]


async def check_org_access(conn: Conn, user: CurrentUser, code: str, role: Role) -> OrgContext:
    """The caller's context in organization `code`: `Unauthorized` when the caller's session
    has ended, `Forbidden` when not a member with `role`. For routes whose organization is
    not a path parameter (e.g. in the request body)."""
    cur = await conn.execute(
        load("pfa_vanguard.api")["org_membership"],
        {"code": code, "user_id": user.id},
    )
    row = await cur.fetchone()
    if row is None or row["session_generation"] != user.generation:
        raise Unauthorized(_SESSION_ENDED)
    if row["organization_id"] is None:
        raise Forbidden(f"you are not a member of organization {code!r}")
    held = Role(row["role"])
    if not held.allows(role):
        raise Forbidden(
            f"this needs the {role.value} role in {row['code']}; you are {held.value}",
            required=role.value,
            role=held.value,
        )
    return OrgContext(
        org_id=int(row["organization_id"]),
        code=row["code"],
        role=held,
        user=user,
        mirror_version=int(row["mirror_version"]),
        last_synced_at=row["last_synced_at"],
        schedule=row,
    )


def org_access(role: Role = Role.VIEWER) -> Callable[..., Awaitable[OrgContext]]:
    """Dependency factory: the caller's `OrgContext` in path parameter `{org}`, needing `role`."""

    async def dependency(
        user: TokenUser,
        conn: DbConn,
        org: Annotated[str, Path(description="organization code", max_length=50)],
    ) -> OrgContext:
        return await check_org_access(conn, user, org, role)

    dependency.__name__ = f"org_access_{role.value}"
    return dependency


ViewerOrg = Annotated[OrgContext, Depends(org_access(Role.VIEWER))]
EditorOrg = Annotated[OrgContext, Depends(org_access(Role.EDITOR))]
AdminOrg = Annotated[OrgContext, Depends(org_access(Role.ADMIN))]
