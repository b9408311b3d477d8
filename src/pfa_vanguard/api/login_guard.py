"""What stands before a password check: who the client is, and how much hashing may run.

- `client_address`: the peer's address, or, when the peer is a configured proxy
  (`PFA_TRUSTED_PROXIES`), the first address in `X-Forwarded-For` (read from the right) that is
  not one of those proxies. Headers from anyone else are ignored: a client cannot pick the
  address it is throttled under.
- `HashGate`: at most `concurrency` Argon2 checks run at once in this process, at most
  `queue` more wait; beyond that a login is refused at once (429, Retry-After) before any
  hashing, so a spray of logins across user names cannot take the CPU from everyone else.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from starlette.requests import Request

from pfa_vanguard.errors import TooManyRequests

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(spec: str) -> tuple[Network, ...]:
    """`PFA_TRUSTED_PROXIES`: comma-separated addresses or CIDR networks; `ValueError` names
    the entry that is neither."""
    networks: list[Network] = []
    for entry in (part.strip() for part in spec.split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(
                f"PFA_TRUSTED_PROXIES: {entry!r} is not an IP address or network (e.g. 10.0.0.5,"
                " 10.1.0.0/16, ::1)"
            ) from None
    return tuple(networks)


def _trusted(address: str, proxies: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(request: Request, proxies: Sequence[Network]) -> str:
    """The address a login is throttled under (see the module's docstring)."""
    peer = request.client.host if request.client else "unknown"
    if not proxies or not _trusted(peer, proxies):
        return peer
    hops = [
        hop.strip()
        for header in request.headers.getlist("x-forwarded-for")
        for hop in header.split(",")
    ]
    for hop in reversed(hops):
        if not hop:
            continue
        if not _trusted(hop, proxies):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # a proxy passed on garbage: the proxy is the client we know
    return peer


class HashGate:
    """Bounds the password hashing of this process (see the module's docstring)."""

    def __init__(self, concurrency: int, queue: int) -> None:
        self._slots = asyncio.Semaphore(concurrency)
        self._admitted = 0
        self._limit = concurrency + queue

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one hashing slot; `TooManyRequests` at once when too many logins wait."""
        if self._admitted >= self._limit:
            raise TooManyRequests(
                "too many logins are being checked right now; try again in a second",
                retry_after=1,
            )
        self._admitted += 1
        try:
            async with self._slots:
                yield
        finally:
            self._admitted -= 1
