"""The read-only, database-scoped executor of the assistant's SQL.

Each query runs on a connection of a small pool logged in as `pfa_ai` (migration 0030): a role
that can read only the curated view and, through row-level security, only the rows of the scope
the application wrote for that very session. Per query:

1. the scope (organization, user) is written to `pfa_session_scope` for that connection's
   backend pid + start, on an application connection, and committed;
2. the SQL runs inside `BEGIN READ ONLY` with `SET LOCAL statement_timeout`, through the
   extended protocol (one statement per message: nothing can be stacked behind it);
3. at most `max_rows + 1` rows are fetched (one more than shown, to report truncation);
4. the transaction is always rolled back and the scope row deleted; the pool's reset runs
   DISCARD ALL, so nothing a query changed in its session survives it.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import psycopg
from psycopg import AsyncConnection, sql
from psycopg.pq import TransactionStatus
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from pfa_vanguard.ai.errors import QueryFailed, QueryTimeout
from pfa_vanguard.db.errors import is_unavailable, translate_errors
from pfa_vanguard.db.queries import load
from pfa_vanguard.errors import DatabaseUnavailable, PfaError
from pfa_vanguard.settings import Settings

AI_ROLE = "pfa_ai"
AppPool = AsyncConnectionPool[AsyncConnection[dict[str, Any]]]


def ai_database_url(settings: Settings, app_url: str) -> str:
    """`PFA_AI_DATABASE_URL`, or the application's URL with the user swapped for `pfa_ai` and
    no password (the embedded server trusts local connections)."""
    if settings.ai_database_url:
        return settings.ai_database_url
    params = psycopg.conninfo.conninfo_to_dict(app_url)
    params.pop("password", None)
    params["user"] = AI_ROLE
    return psycopg.conninfo.make_conninfo("", **params)


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]
    row_count: int  # rows returned (after truncation)
    truncated: bool  # the SQL had more than `max_rows` rows
    duration_ms: float  # execution and fetch of the SQL itself


def _q(name: str) -> Any:
    return load("pfa_vanguard.ai")[name]


async def _discard_all(conn: AsyncConnection[Any]) -> None:
    await conn.execute("DISCARD ALL")


class ScopedExecutor:
    """Runs SQL as `pfa_ai`, scoped by the database to one organization and user.

    Guarantees, whatever the SQL (the guard may be off): nothing is written (read-only
    transaction, always rolled back; the role has no write grant), only the scoped rows are
    visible (RLS on a scope the SQL cannot change), and the statement ends within the timeout.
    """

    def __init__(
        self,
        app_pool: AppPool,
        ai_url: str,
        *,
        max_rows: int = 1000,
        statement_timeout_ms: int = 3000,
        max_connections: int = 4,
    ) -> None:
        self.app_pool = app_pool
        self.max_rows = max_rows
        self.statement_timeout_ms = statement_timeout_ms
        self.pool: AsyncConnectionPool[AsyncConnection[Any]] = AsyncConnectionPool(
            ai_url,
            min_size=1,
            max_size=max_connections,
            name="pfa-ai",
            open=False,
            # no server-side prepared statements: DISCARD ALL drops them at every reset
            kwargs={"autocommit": True, "application_name": "pfa-ai", "prepare_threshold": None},
            reset=_discard_all,
            timeout=10.0,
            reconnect_timeout=30.0,
        )

    @classmethod
    def from_settings(cls, settings: Settings, app_pool: AppPool, app_url: str) -> ScopedExecutor:
        return cls(
            app_pool,
            ai_database_url(settings, app_url),
            max_rows=settings.ai_max_rows,
            statement_timeout_ms=settings.ai_statement_timeout_ms,
        )

    async def open(self) -> None:
        await self.pool.open(wait=False)

    async def close(self) -> None:
        await self.pool.close()

    async def __aenter__(self) -> ScopedExecutor:
        await self.open()
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def run(
        self, query: str, *, org_id: int, user_id: int | None, max_rows: int | None = None
    ) -> QueryResult:
        """Run `query` in the scope (org_id, user_id). Raises QueryTimeout, QueryFailed, or
        DatabaseUnavailable; never leaves a scope row or an open transaction behind."""
        cap = self.max_rows if max_rows is None else max_rows
        try:
            async with translate_errors(), self.pool.connection() as conn:
                pid = conn.info.backend_pid
                await self._write_scope(pid, org_id, user_id)
                try:
                    return await self._run_read_only(conn, query, cap)
                finally:
                    # both, whatever happened; on two connections, so at the same time
                    ended = await asyncio.gather(
                        self._roll_back(conn), self._clear_scope(pid), return_exceptions=True
                    )
                    for outcome in ended:
                        if isinstance(outcome, BaseException):
                            raise outcome
        except DatabaseUnavailable as exc:
            if isinstance(exc.__cause__, PoolTimeout):
                raise DatabaseUnavailable(
                    f"the AI executor cannot connect as its read-only role ({AI_ROLE}): "
                    f"{exc.__cause__}; set PFA_AI_DATABASE_URL to a login of that role"
                ) from exc
            raise

    async def _write_scope(self, pid: int, org_id: int, user_id: int | None) -> None:
        async with self.app_pool.connection() as app:
            async with app.pipeline():  # statement and commit in one round trip
                cur = await app.execute(
                    _q("write_scope"), {"pid": pid, "org_id": org_id, "user_id": user_id}
                )
                await app.commit()
            if await cur.fetchone() is None:
                raise PfaError(f"the AI session {pid} is not in pg_stat_activity")

    async def _clear_scope(self, pid: int) -> None:
        async with self.app_pool.connection() as app, app.pipeline():
            await app.execute(_q("clear_scope"), {"pid": pid})
            await app.commit()

    @staticmethod
    async def _roll_back(conn: AsyncConnection[Any]) -> None:
        if conn.info.transaction_status in (TransactionStatus.INTRANS, TransactionStatus.INERROR):
            await conn.execute("ROLLBACK")

    async def _run_read_only(self, conn: AsyncConnection[Any], query: str, cap: int) -> QueryResult:
        # One round trip of our own statements (simple protocol). The SELECT takes the
        # transaction's first snapshot: from then on it cannot be made read-write.
        await conn.execute(
            sql.SQL("BEGIN READ ONLY; SET LOCAL statement_timeout = {}; SELECT 1").format(
                sql.Literal(f"{int(self.statement_timeout_ms)}ms")
            )
        )
        try:  # the caller (run) rolls back on success; on failure, rolled back here
            started = time.perf_counter()
            cur = conn.cursor()
            try:
                # binary results force the extended protocol: a single statement, always
                await cur.execute(query.encode(), binary=True)
                rows = await cur.fetchmany(cap + 1) if cur.description else []
            except psycopg.errors.QueryCanceled as exc:
                raise QueryTimeout(
                    f"the query ran longer than {self.statement_timeout_ms} ms and was stopped;"
                    " ask a narrower question"
                ) from exc
            except psycopg.errors.LockNotAvailable as exc:
                raise QueryTimeout(
                    "the query waited too long for a lock (a sync may be running); try again"
                ) from exc
            except psycopg.Error as exc:
                if is_unavailable(exc):
                    raise
                message = exc.diag.message_primary or str(exc)
                raise QueryFailed(f"PostgreSQL refused the query: {message}") from exc
            duration_ms = (time.perf_counter() - started) * 1000
            columns = [c.name for c in cur.description or []]
        except BaseException:
            await self._roll_back(conn)  # before the error leaves: the caller may not wait
            raise
        truncated = len(rows) > cap
        rows = rows[:cap]
        return QueryResult(
            columns=columns,
            rows=[tuple(r) for r in rows],
            row_count=len(rows),
            truncated=truncated,
            duration_ms=round(duration_ms, 3),
        )
