"""Log in (username + password -> bearer token) and who am I."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response

from pfa_vanguard.accounts import repository as accounts
from pfa_vanguard.accounts.passwords import dummy_hash, verify_password
from pfa_vanguard.api.deps import DbConn, User, app_pool, app_settings
from pfa_vanguard.api.errors import error_responses
from pfa_vanguard.api.login_guard import client_address
from pfa_vanguard.api.routes.orgs import org_summaries
from pfa_vanguard.api.schemas import LoginRequest, MeResponse, TokenResponse
from pfa_vanguard.api.state import request_state
from pfa_vanguard.db.errors import translate_errors
from pfa_vanguard.errors import Unauthorized

router = APIRouter(prefix="/api", tags=["auth"])


@router.post("/auth/login", response_model=TokenResponse, responses=error_responses(401, 429))
async def login(body: LoginRequest, request: Request) -> TokenResponse:
    """A bearer token for valid credentials. Wrong password and unknown user answer alike
    (same message, same Argon2 work); repeated failures per user, per client address and per
    both get 429, and so do logins beyond what this process may hash at once."""
    state = request_state(request)
    limiter, gate = state.login_limiter, state.hash_gate
    client = client_address(request, state.trusted_proxies)
    async with translate_errors(), app_pool(request).connection() as conn:
        failures = await limiter.check(conn, body.username, client)
        user = await accounts.get_user(conn, body.username)
        await conn.rollback()
    # the slow hash check runs with no database connection held, within the hashing bound
    stored = str(user["password_hash"]) if user else dummy_hash()
    async with gate.slot():
        valid = await asyncio.to_thread(verify_password, stored, body.password)
    if user is None or not valid:
        async with translate_errors(), app_pool(request).connection() as conn:
            await limiter.failed(conn, body.username, client)
        raise Unauthorized("invalid username or password")
    if failures:
        async with translate_errors(), app_pool(request).connection() as conn:
            await limiter.succeeded(conn, body.username, client)
    tokens = request_state(request).tokens
    token = tokens.issue(
        int(user["id"]), str(user["username"]), generation=int(user["session_generation"])
    )
    return TokenResponse(access_token=token, expires_in=tokens.ttl_seconds)


@router.post("/auth/logout", status_code=204, response_class=Response)
async def logout(user: User, conn: DbConn) -> Response:
    """End every session of the caller: this token and every other token issued to the same
    user so far are refused from the next request on, by every API process. 204."""
    await accounts.end_sessions_of(conn, user.id)
    return Response(status_code=204)


@router.get("/me", response_model=MeResponse)
async def me(user: User, conn: DbConn, request: Request) -> MeResponse:
    """The caller and their organizations with the role in each."""
    row = await accounts.get_user(conn, user.username)
    if row is None or int(row["id"]) != user.id:
        raise Unauthorized("this account no longer exists; log in again")
    orgs = await org_summaries(conn, user.id, app_settings(request), datetime.now(UTC))
    return MeResponse(id=user.id, username=user.username, orgs=orgs)
