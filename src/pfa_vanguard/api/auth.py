"""Bearer tokens (JWT, HS256), the signing key, and the login brute-force limiter.

Guarantees: a token names its user by id and the user's session generation at login, and
expires after `token_ttl_minutes` (the generation is checked against the database on every
request, api/deps.py, so a password change or a logout ends it at once); the signing
key comes from `PFA_SECRET_KEY` or is generated once into `<data_dir>/secret_key` (mode 0600)
and shared by every process of that data directory. Tokens and passwords are never logged.
"""

from __future__ import annotations

import os
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from psycopg import AsyncConnection

from pfa_vanguard.db.queries import NamedQueries
from pfa_vanguard.errors import TooManyRequests, Unauthorized
from pfa_vanguard.settings import MIN_SECRET_KEY_BYTES, Settings

_ALGORITHM = "HS256"
_KEY_FILE = "secret_key"


_q = NamedQueries("pfa_vanguard.api")


def load_secret_key(settings: Settings) -> str:
    """`PFA_SECRET_KEY`, else the data directory's key file, created atomically when missing."""
    if settings.secret_key is not None and settings.secret_key.get_secret_value():
        return settings.secret_key.get_secret_value()
    data_dir = settings.resolved_data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / _KEY_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key(path)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    return _read_key(path)


def _read_key(path: Path) -> str:
    for _ in range(50):  # another process may be writing it right now
        key = path.read_text().strip()
        if len(key.encode()) >= MIN_SECRET_KEY_BYTES:
            return key
        time.sleep(0.01)
    raise RuntimeError(
        f"{path} holds less than {MIN_SECRET_KEY_BYTES} bytes; delete it to generate a new key"
    )


@dataclass(frozen=True)
class TokenClaims:
    user_id: int
    username: str
    expires_at: datetime
    generation: int


class TokenService:
    """Issues and verifies the API's bearer tokens."""

    def __init__(self, key: str, ttl_minutes: int, *, remembered: int = 10_000) -> None:
        self._key = key
        self._ttl = timedelta(minutes=ttl_minutes)
        # Tokens already verified, with their claims (a token's claims never change): a request
        # then costs a dictionary lookup and an expiry check, not a JWT decode and an HMAC.
        self._verified: OrderedDict[str, TokenClaims] = OrderedDict()
        self._remembered = remembered

    @property
    def ttl_seconds(self) -> int:
        return int(self._ttl.total_seconds())

    def issue(
        self, user_id: int, username: str, *, generation: int = 0, now: datetime | None = None
    ) -> str:
        issued = now or datetime.now(UTC)
        claims = {
            "sub": str(user_id),
            "name": username,
            "gen": generation,
            "iat": int(issued.timestamp()),
            "exp": int((issued + self._ttl).timestamp()),
        }
        return jwt.encode(claims, self._key, algorithm=_ALGORITHM)

    def verify(self, token: str) -> TokenClaims:
        """The token's claims; `Unauthorized` when it is malformed, forged or expired."""
        known = self._verified.get(token)
        if known is not None:
            if datetime.now(UTC) < known.expires_at:
                self._verified.move_to_end(token)
                return known
            del self._verified[token]  # expired: decoded again below, for the right error
        claims = self._decode(token)
        self._verified[token] = claims
        while len(self._verified) > self._remembered:
            self._verified.popitem(last=False)
        return claims

    def _decode(self, token: str) -> TokenClaims:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[_ALGORITHM],
                options={"require": ["sub", "exp", "iat", "gen"]},
            )
            return TokenClaims(
                user_id=int(claims["sub"]),
                username=str(claims.get("name", "")),
                expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
                generation=int(claims["gen"]),
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized("the token has expired; log in again") from None
        except (jwt.InvalidTokenError, ValueError, KeyError):
            raise Unauthorized("invalid token; log in again") from None


class LoginLimiter:
    """Failed logins within `window_s` seconds, limited three ways: at most `max_failures` per
    (username, client), `max_per_user` per username from any client (guessing one password
    from many addresses) and `max_per_client` per client for any username (spraying one
    password over many accounts). The client is the address `login_guard.client_address`
    gives (proxy headers only from `PFA_TRUSTED_PROXIES`).

    Counted in PostgreSQL (table login_failures): every API process of the cluster sees the
    same counts. Each method takes an application connection; the writes commit.
    """

    def __init__(
        self,
        max_failures: int = 5,
        window_s: float = 60.0,
        *,
        max_per_user: int = 20,
        max_per_client: int = 20,
    ) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self.max_per_user = max_per_user
        self.max_per_client = max_per_client

    def _params(self, username: str, client: str) -> dict[str, object]:
        return {"username": username, "client": client, "window_s": self.window_s}

    async def check(self, conn: AsyncConnection[Any], username: str, client: str) -> int:
        """Raise `TooManyRequests` (with retry_after) while any of the three keys is locked
        out; else the number of recent failures of (username, client)."""
        cur = await conn.execute(_q("login_failures_recent"), self._params(username, client))
        row = await cur.fetchone()
        if row is None:
            return 0
        for key, limit, why in (
            ("pair", self.max_failures, "too many failed logins"),
            ("user", self.max_per_user, "too many failed logins for this user"),
            ("client", self.max_per_client, "too many failed logins from this address"),
        ):
            if int(row[f"{key}_failures"]) >= limit:
                retry = max(1, int(row[f"{key}_retry_s"] or 1))
                raise TooManyRequests(f"{why}; try again in {retry} s", retry_after=retry)
        return int(row["pair_failures"])

    async def failed(self, conn: AsyncConnection[Any], username: str, client: str) -> None:
        await conn.execute(_q("login_failed"), self._params(username, client))
        await conn.commit()

    async def succeeded(self, conn: AsyncConnection[Any], username: str, client: str) -> None:
        await conn.execute(_q("login_succeeded"), self._params(username, client))
        await conn.commit()
