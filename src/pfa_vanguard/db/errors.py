"""Driver errors translated to the project's own, in exactly one place."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg
import psycopg_pool

from pfa_vanguard.errors import DatabaseUnavailable

_UNAVAILABLE_SQLSTATES = {
    "57P01",  # admin_shutdown
    "57P02",  # crash_shutdown
    "57P03",  # cannot_connect_now
    "08000",
    "08003",
    "08006",
    "08001",
    "08004",
}


def is_unavailable(exc: BaseException) -> bool:
    """True when `exc` means the database cannot be reached (not a bad query)."""
    if isinstance(exc, psycopg_pool.PoolTimeout | psycopg.OperationalError):
        return True
    sqlstate = getattr(exc, "sqlstate", None)
    return sqlstate in _UNAVAILABLE_SQLSTATES


@asynccontextmanager
async def translate_errors() -> AsyncIterator[None]:
    """Re-raise connection-level driver failures as `DatabaseUnavailable` (HTTP 503)."""
    try:
        yield
    except (psycopg.Error, psycopg_pool.PoolTimeout) as exc:
        if is_unavailable(exc):
            raise DatabaseUnavailable(f"the database is unavailable: {exc}") from exc
        raise
