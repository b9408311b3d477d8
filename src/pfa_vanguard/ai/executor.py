"""The read-only, database-scoped executor of the assistant's SQL.

Each query runs on a connection of a small pool logged in as `pfa_ai` (migration 0030): a role
that can read only the curated view and, through row-level security, only the rows of the scope
the application wrote for that very session. Per query:

1. the scope (organization, user) is written to `pfa_session_scope` for that session's backend
   pid + start, on an application connection of the primary, and committed;
2. the SQL runs inside `BEGIN READ ONLY` with `SET LOCAL statement_timeout`, through the
   extended protocol (one statement per message: nothing can be stacked behind it);
3. at most `max_rows + 1` rows are fetched (one more than shown, to report truncation), and
   at most `max_answer_bytes` of them: a single SELECT runs as a subquery whose rows' running
   text size the database checks as it produces them (`pfa_ai_answer_within`, migration 0056),
   so an answer past the bound stops the statement before it reaches this process
   (AnswerTooLarge); anything else is measured once fetched;
4. the transaction is always rolled back and the scope row deleted; the pool's reset runs
   DISCARD ALL, so nothing a query changed in its session survives it.

With a read replica (`PFA_DATABASE_REPLICA_URL`) the query runs there instead: the scope is
still written on the primary (a hot standby takes no writes), keyed by the replica session's pid
and start, and the query waits until the replica has replayed that write, so it also sees every
draft the caller saved before asking. A replica that is down, lags more than
`replica_wait_ms`, or cancels the query for a recovery conflict costs speed, never an answer:
the query runs on the primary, and an unreachable replica is left alone for a while.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from types import TracebackType
from typing import Any

import psycopg
from pglast import ast, parse_sql
from pglast.parser import ParseError
from prometheus_client import Counter
from psycopg import AsyncConnection, sql
from psycopg.pq import TransactionStatus
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from pfa_vanguard.ai.errors import AnswerTooLarge, QueryFailed, QueryTimeout
from pfa_vanguard.db.errors import is_unavailable, translate_errors
from pfa_vanguard.db.queries import NamedQueries, Pool
from pfa_vanguard.errors import DatabaseUnavailable, PfaError
from pfa_vanguard.settings import Settings

AI_ROLE = "pfa_ai"
AppPool = Pool
AiPool = AsyncConnectionPool[AsyncConnection[Any]]

_log = logging.getLogger(__name__)
_REPLICA_ACQUIRE_S = 2.0  # longer than this to get a replica connection: use the primary
_REPLICA_REST_S = 30.0  # after the replica failed, the primary serves alone this long
_TOO_LARGE = "PFA01"  # raised by pfa_ai_answer_within
# The byte-bounded form of one SELECT: its rows with the running size of their text. A row
# alone past the bound is stopped before the window function would store it; the newlines keep
# a trailing comment of the statement from reaching the wrapper.
_BOUNDED = """SELECT * FROM (
    SELECT answer.*, sum(octet_length(answer::text)) OVER (ROWS UNBOUNDED PRECEDING)
               AS pfa_answer_bytes
    FROM (
{query}
    ) AS answer
    WHERE pfa_ai_answer_within(octet_length(answer::text), {max_bytes})
) AS sized
WHERE pfa_ai_answer_within(sized.pfa_answer_bytes, {max_bytes})"""


@cache
def _queries_metric() -> Counter:
    """`pfa_ai_queries_total{database}`: assistant queries run on the primary or a replica."""
    return Counter(
        "pfa_ai_queries", "Assistant SQL queries run, by database (primary, replica)", ["database"]
    )


def _as_ai_role(url: str) -> str:
    params = psycopg.conninfo.conninfo_to_dict(url)
    params.pop("password", None)
    params["user"] = AI_ROLE
    return psycopg.conninfo.make_conninfo("", **params)


def ai_database_url(settings: Settings, app_url: str) -> str:
    """`PFA_AI_DATABASE_URL`, or the application's URL with the user swapped for `pfa_ai` and
    no password (the embedded server trusts local connections)."""
    return settings.ai_database_url or _as_ai_role(app_url)


def ai_replica_url(settings: Settings) -> str | None:
    """`PFA_AI_DATABASE_REPLICA_URL`, or the replica's URL with the user swapped for `pfa_ai`;
    None without a replica."""
    if settings.ai_database_replica_url:
        return settings.ai_database_replica_url
    return _as_ai_role(settings.database_replica_url) if settings.database_replica_url else None


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]
    row_count: int  # rows returned (after truncation)
    truncated: bool  # the SQL had more than `max_rows` rows
    duration_ms: float  # execution and fetch of the SQL itself


@dataclass(frozen=True)
class _Session:
    """Who a pooled `pfa_ai` connection is, as its server knows it (fixed for its lifetime)."""

    pid: int
    backend_start: datetime
    standby: bool  # the server is a hot standby: the scope arrives by replication


def _over_a_limit(exc: psycopg.Error) -> bool:
    """The query hit a resource limit (temp_file_limit, memory, a program limit): its own
    fault, not the database's (class 53 but too_many_connections, and class 54)."""
    state = exc.sqlstate or ""
    return state[:2] == "54" or (state[:2] == "53" and state != "53300")


_q = NamedQueries("pfa_vanguard.ai")


def _one_select(query: str) -> bool:
    """`query` is exactly one plain SELECT (so it can be run as a subquery, unchanged)."""
    try:
        statements = parse_sql(query)
    except (ParseError, RecursionError):
        return False
    if len(statements) != 1:
        return False
    stmt = statements[0].stmt
    return isinstance(stmt, ast.SelectStmt) and stmt.intoClause is None and not stmt.lockingClause


def _text_bytes(rows: list[Any]) -> int:
    return sum(len(str(v).encode()) for row in rows for v in row if v is not None)


async def _discard_all(conn: AsyncConnection[Any]) -> None:
    await conn.execute("DISCARD ALL")


def _ai_pool(url: str, name: str, max_connections: int) -> AiPool:
    return AsyncConnectionPool(
        url,
        min_size=1,
        max_size=max_connections,
        name=name,
        open=False,
        # no server-side prepared statements: DISCARD ALL drops them at every reset
        kwargs={"autocommit": True, "application_name": name, "prepare_threshold": None},
        reset=_discard_all,
        timeout=10.0,
        reconnect_timeout=30.0,
    )


class _ReplicaUnusable(Exception):
    """This query cannot run on the replica (down, lagging, recovery conflict): use the primary."""


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
        replica_url: str | None = None,
        replica_wait_ms: int = 1000,
        max_rows: int = 1000,
        statement_timeout_ms: int = 3000,
        max_connections: int = 4,
        max_answer_bytes: int = 2 * 1024 * 1024,
    ) -> None:
        self.app_pool = app_pool
        self.max_rows = max_rows
        self.max_answer_bytes = max_answer_bytes
        self.statement_timeout_ms = statement_timeout_ms
        self.replica_wait_s = replica_wait_ms / 1000
        self.pool = _ai_pool(ai_url, "pfa-ai", max_connections)
        self.replica_pool = (
            _ai_pool(replica_url, "pfa-ai-replica", max_connections) if replica_url else None
        )
        self.served_by_replica = 0  # queries the replica answered
        self.fell_back = 0  # queries meant for the replica that ran on the primary
        self._replica_rests_until = 0.0
        self._sessions: weakref.WeakKeyDictionary[AsyncConnection[Any], _Session] = (
            weakref.WeakKeyDictionary()
        )

    @classmethod
    def from_settings(cls, settings: Settings, app_pool: AppPool, app_url: str) -> ScopedExecutor:
        return cls(
            app_pool,
            ai_database_url(settings, app_url),
            replica_url=ai_replica_url(settings),
            replica_wait_ms=settings.ai_replica_wait_ms,
            max_rows=settings.ai_max_rows,
            statement_timeout_ms=settings.ai_statement_timeout_ms,
            max_connections=settings.ai_max_concurrency,
            max_answer_bytes=settings.ai_max_answer_bytes,
        )

    async def open(self) -> None:
        await self.pool.open(wait=False)
        if self.replica_pool is not None:
            await self.replica_pool.open(wait=False)
        try:  # scopes left by sessions that crashed: harmless, but they would pile up
            async with translate_errors(), self.app_pool.connection() as app:
                await app.execute(_q("clear_stale_scopes"))
        except DatabaseUnavailable as exc:
            _log.warning("could not clear stale AI scopes: %s", exc)

    async def close(self) -> None:
        await self.pool.close()
        if self.replica_pool is not None:
            await self.replica_pool.close()

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
        if self.replica_pool is not None and time.monotonic() >= self._replica_rests_until:
            try:
                result = await self._run_on_replica(self.replica_pool, query, org_id, user_id, cap)
            except _ReplicaUnusable as exc:
                self.fell_back += 1
                _log.info("AI query on the primary: %s", exc)
            else:
                self.served_by_replica += 1
                _queries_metric().labels("replica").inc()
                return result
        elif self.replica_pool is not None:
            self.fell_back += 1
        try:
            async with translate_errors(), self.pool.connection() as conn:
                result = await self._run_scoped(conn, query, org_id, user_id, cap)
            _queries_metric().labels("primary").inc()
            return result
        except _ReplicaUnusable as exc:  # PFA_AI_DATABASE_URL names a standby
            raise DatabaseUnavailable(
                f"the AI executor's database (PFA_AI_DATABASE_URL) is a standby: {exc}"
            ) from exc
        except DatabaseUnavailable as exc:
            if isinstance(exc.__cause__, PoolTimeout):
                raise DatabaseUnavailable(
                    f"the AI executor cannot connect as its read-only role ({AI_ROLE}): "
                    f"{exc.__cause__}; set PFA_AI_DATABASE_URL to a login of that role"
                ) from exc
            raise

    async def _run_on_replica(
        self, pool: AiPool, query: str, org_id: int, user_id: int | None, cap: int
    ) -> QueryResult:
        try:
            async with translate_errors(), pool.connection(timeout=_REPLICA_ACQUIRE_S) as conn:
                return await self._run_scoped(conn, query, org_id, user_id, cap)
        except DatabaseUnavailable as exc:
            self._replica_rests_until = time.monotonic() + _REPLICA_REST_S
            raise _ReplicaUnusable(f"the read replica is unavailable ({exc})") from exc
        except QueryFailed as exc:
            if isinstance(exc.__cause__, psycopg.errors.SerializationFailure):  # recovery conflict
                raise _ReplicaUnusable(str(exc)) from exc
            raise

    async def _run_scoped(
        self, conn: AsyncConnection[Any], query: str, org_id: int, user_id: int | None, cap: int
    ) -> QueryResult:
        session = await self._session(conn)
        lsn = await self._write_scope(session, org_id, user_id)
        try:
            if lsn is not None and not await self._replayed(conn, lsn):
                raise _ReplicaUnusable(
                    f"the read replica has not replayed {lsn} within {self.replica_wait_s} s"
                )
            return await self._run_read_only(conn, query, cap)
        finally:
            # both, whatever happened; on two connections, so at the same time
            ended = await asyncio.gather(
                self._roll_back(conn), self._clear_scope(session), return_exceptions=True
            )
            for outcome in ended:
                if isinstance(outcome, BaseException):
                    raise outcome

    async def _session(self, conn: AsyncConnection[Any]) -> _Session:
        known = self._sessions.get(conn)
        if known is None:
            cur = await conn.execute("SELECT * FROM pfa_session_identity()")
            row = await cur.fetchone()
            if row is None or row[0] is None:
                raise PfaError(f"the AI session {conn.info.backend_pid} is not in pg_stat_activity")
            known = _Session(pid=int(row[0]), backend_start=row[1], standby=bool(row[2]))
            self._sessions[conn] = known
        return known

    async def _write_scope(self, session: _Session, org_id: int, user_id: int | None) -> str | None:
        """Write the scope on the primary; for a standby's session, the WAL position to await."""
        params = {
            "pid": session.pid,
            "backend_start": session.backend_start,
            "org_id": org_id,
            "user_id": user_id,
            "sync_commit": "local" if session.standby else "off",
        }
        async with self.app_pool.connection() as app:
            async with app.pipeline():  # statement and commit in one round trip
                cur = await app.execute(_q("write_scope"), params)
                await app.commit()
            if await cur.fetchone() is None:
                raise PfaError(f"the scope of AI session {session.pid} was not written")
            if not session.standby:
                return None
            position = await (await app.execute(_q("wal_position"))).fetchone()
            await app.rollback()
            assert position is not None
            return str(position["lsn"])

    async def _replayed(self, conn: AsyncConnection[Any], lsn: str) -> bool:
        """Wait (bounded) until the standby behind `conn` has replayed the WAL up to `lsn`."""
        deadline = time.monotonic() + self.replica_wait_s
        pause = 0.001
        while True:
            cur = await conn.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            row = await cur.fetchone()
            if row is not None and row[0]:
                return True
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.02)

    async def _clear_scope(self, session: _Session) -> None:
        async with self.app_pool.connection() as app, app.pipeline():
            await app.execute(
                _q("clear_scope"), {"pid": session.pid, "backend_start": session.backend_start}
            )
            await app.commit()

    @staticmethod
    async def _roll_back(conn: AsyncConnection[Any]) -> None:
        if conn.info.transaction_status in (TransactionStatus.INTRANS, TransactionStatus.INERROR):
            await conn.execute("ROLLBACK")

    def _too_large(self) -> AnswerTooLarge:
        limit = self.max_answer_bytes
        return AnswerTooLarge(
            f"the answer would be larger than {limit} bytes ({limit / (1024 * 1024):g} MB,"
            " PFA_AI_MAX_ANSWER_BYTES); ask for fewer rows or columns, or for totals"
        )

    async def _run_read_only(self, conn: AsyncConnection[Any], query: str, cap: int) -> QueryResult:
        # One round trip of our own statements (simple protocol). The SELECT takes the
        # transaction's first snapshot: from then on it cannot be made read-write.
        await conn.execute(
            sql.SQL("BEGIN READ ONLY; SET LOCAL statement_timeout = {}; SELECT 1").format(
                sql.Literal(f"{int(self.statement_timeout_ms)}ms")
            )
        )
        bounded = _one_select(query)
        if bounded:
            query = _BOUNDED.format(query=query, max_bytes=int(self.max_answer_bytes))
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
                if exc.sqlstate == _TOO_LARGE:
                    raise self._too_large() from exc
                if _over_a_limit(exc):
                    raise QueryFailed(
                        "the query needs more memory or temporary space than an assistant"
                        " query may use; ask a narrower question"
                    ) from exc
                if is_unavailable(exc):
                    raise
                message = exc.diag.message_primary or str(exc)
                raise QueryFailed(f"PostgreSQL refused the query: {message}") from exc
            duration_ms = (time.perf_counter() - started) * 1000
            columns = [c.name for c in cur.description or []]
            if bounded:  # the running size the wrapper added
                columns = columns[:-1]
                rows = [tuple(r)[:-1] for r in rows]
            elif _text_bytes(rows) > self.max_answer_bytes:
                raise self._too_large()
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
