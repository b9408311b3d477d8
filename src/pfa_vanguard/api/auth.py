"""Bearer tokens (JWT, HS256), the signing key, and the login brute-force limiter.

Guarantees: a token names its user by id and expires after `token_ttl_minutes`; the signing
key comes from `PFA_SECRET_KEY` or is generated once into `<data_dir>/secret_key` (mode 0600)
and shared by every process of that data directory. Tokens and passwords are never logged.
"""

from __future__ import annotations

import os
import secrets
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt

from pfa_vanguard.errors import TooManyRequests, Unauthorized
from pfa_vanguard.settings import Settings

_ALGORITHM = "HS256"
_KEY_FILE = "secret_key"


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
        if key:
            return key
        time.sleep(0.01)
    raise RuntimeError(f"{path} is empty; delete it to generate a new key")


@dataclass(frozen=True)
class TokenClaims:
    user_id: int
    username: str
    expires_at: datetime


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

    def issue(self, user_id: int, username: str, *, now: datetime | None = None) -> str:
        issued = now or datetime.now(UTC)
        claims = {
            "sub": str(user_id),
            "name": username,
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
                options={"require": ["sub", "exp", "iat"]},
            )
            return TokenClaims(
                user_id=int(claims["sub"]),
                username=str(claims.get("name", "")),
                expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized("the token has expired; log in again") from None
        except (jwt.InvalidTokenError, ValueError, KeyError):
            raise Unauthorized("invalid token; log in again") from None


class LoginLimiter:
    """At most `max_failures` failed logins per (username, client) within `window_s` seconds.

    In-process: each API process counts on its own (a cluster of N processes allows N times
    the budget, still far from brute-force speed given Argon2's cost per attempt).
    """

    def __init__(self, max_failures: int = 5, window_s: float = 60.0) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self._failures: dict[tuple[str, str], deque[float]] = {}

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        stamps = self._failures.get(key)
        if stamps is None:
            return deque()
        while stamps and stamps[0] <= now - self.window_s:
            stamps.popleft()
        if not stamps:
            del self._failures[key]
        return stamps

    def check(self, username: str, client: str, *, now: float | None = None) -> None:
        """Raise `TooManyRequests` (with retry_after) while the key is locked out."""
        at = time.monotonic() if now is None else now
        stamps = self._recent((username.lower(), client), at)
        if len(stamps) >= self.max_failures:
            retry = max(1, int(stamps[0] + self.window_s - at + 0.999))
            raise TooManyRequests(
                f"too many failed logins; try again in {retry} s", retry_after=retry
            )

    def failed(self, username: str, client: str, *, now: float | None = None) -> None:
        at = time.monotonic() if now is None else now
        key = (username.lower(), client)
        stamps = self._recent(key, at)
        stamps.append(at)
        self._failures[key] = stamps
        if len(self._failures) > 10_000:  # bound memory under a spray of usernames
            oldest = min(self._failures, key=lambda k: self._failures[k][-1])
            del self._failures[oldest]

    def succeeded(self, username: str, client: str) -> None:
        self._failures.pop((username.lower(), client), None)
