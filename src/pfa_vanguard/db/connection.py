"""Where the database is, and the connection pools every long-running process uses."""

from __future__ import annotations

from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from pfa_vanguard.db import embedded, migrate
from pfa_vanguard.settings import Settings


def database_url(settings: Settings) -> str:
    """`PFA_DATABASE_URL` when set, else the embedded server's URL (started if needed)."""
    if settings.database_url:
        return settings.database_url
    return embedded.ensure_running(settings.resolved_data_dir)


def prepare_database(settings: Settings) -> str:
    """Resolve the URL and apply pending migrations; what every entry point does at start-up."""
    url = database_url(settings)
    migrate.upgrade(url)
    return url


async def _configure(conn: AsyncConnection[object]) -> None:
    await conn.set_autocommit(False)


def make_pool(
    url: str,
    *,
    min_size: int = 2,
    max_size: int = 10,
    name: str = "pfa",
    application_name: str = "pfa-vanguard",
    timeout_s: float = 10.0,
) -> AsyncConnectionPool[AsyncConnection[dict[str, object]]]:
    """An async pool of dict-row connections (not yet opened: `await pool.open()`)."""
    return AsyncConnectionPool(
        url,
        min_size=min_size,
        max_size=max_size,
        name=name,
        open=False,
        kwargs={"row_factory": dict_row, "application_name": application_name},
        connection_class=AsyncConnection[dict[str, object]],
        configure=_configure,
        timeout=timeout_s,
        reconnect_timeout=30.0,
    )
