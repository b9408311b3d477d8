"""With the SQL guard switched off, the database role alone stops every attack: nothing is
written, nothing outside the caller's organization (and drafts) is read, nothing outlives the
timeout, and nothing a query did survives it."""

from __future__ import annotations

import asyncio
from typing import Any

import psycopg
import pytest

from pfa_vanguard.ai.errors import QueryFailed, QueryTimeout
from pfa_vanguard.ai.executor import AppPool, ScopedExecutor
from tests.integration.ai.conftest import World

pytestmark = pytest.mark.timeout(120)


async def run(executor: ScopedExecutor, world: World, sql: str, org: int | None = None) -> Any:
    result = await executor.run(sql, org_id=org or world.rio, user_id=world.alice)
    return result.rows


def snapshot(url: str) -> dict[str, Any]:
    """What an attack must not change."""
    with psycopg.connect(url) as conn:
        return {
            "mirror": conn.execute(
                "SELECT count(*), sum(hashtext(m.data::text)) FROM pfa_mirror m"
            ).fetchone(),
            "drafts": conn.execute(
                "SELECT count(*), sum(hashtext(changes::text)) FROM pfa_modification"
            ).fetchone(),
            "tables": conn.execute(
                "SELECT count(*) FROM pg_class WHERE relkind IN ('r', 'v', 'm', 'S')"
                " AND relnamespace NOT IN ('pg_catalog'::regnamespace,"
                " 'information_schema'::regnamespace)"
            ).fetchone(),
            "scopes": conn.execute("SELECT count(*) FROM pfa_session_scope").fetchone(),
            "advisory": conn.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
            ).fetchone(),
            "large_objects": conn.execute(
                "SELECT count(*) FROM pg_largeobject_metadata"
            ).fetchone(),
        }


async def test_rows_are_scoped_to_the_callers_org_and_drafts(
    executor: ScopedExecutor, world: World
) -> None:
    assert await run(executor, world, "SELECT count(*) FROM pfa_ai_records") == [(3000,)]
    assert await run(executor, world, "SELECT count(*) FROM pfa_ai_records", world.holng) == [
        (1500,)
    ]
    # the base tables too: RLS binds the role, not just the view
    assert await run(executor, world, "SELECT DISTINCT organization_id FROM pfa_mirror") == [
        (world.rio,)
    ]
    assert await run(executor, world, "SELECT count(*), min(user_id) FROM pfa_modification") == [
        (60, world.alice)
    ]
    assert await run(executor, world, "SELECT count(*) FROM pfa_ai_records WHERE has_draft") == [
        (60,)
    ]
    rows = await executor.run(
        "SELECT count(*) FROM pfa_ai_records WHERE has_draft", org_id=world.rio, user_id=world.bob
    )
    assert rows.rows == [(40,)]


ESCAPES = [
    # (sql, what PostgreSQL says)
    ("SELECT set_config('role', 'postgres', false)", "permission denied"),
    ("SET ROLE postgres", "permission denied"),
    ("SET SESSION AUTHORIZATION postgres", "permission denied"),
    ("SELECT * FROM pfa_session_scope", "permission denied"),
    ("SELECT count(*) FROM organizations", "permission denied"),
    ("SELECT count(*) FROM users", "permission denied"),
    ("SELECT count(*) FROM memberships", "permission denied"),
    ("SELECT count(*) FROM pfa_ai_audit", "permission denied"),
    ("SELECT query FROM pg_stat_activity", "permission denied"),
    ("SELECT pg_stat_get_backend_activity(1)", "permission denied"),
    ("RESET ROLE; SELECT count(*) FROM pfa_mirror", "multiple commands"),
    ("SELECT * FROM dblink('dbname=postgres', 'SELECT 1') AS t(x int)", "does not exist"),
]


@pytest.mark.parametrize(("sql", "message"), ESCAPES)
async def test_scope_escapes_fail(
    executor: ScopedExecutor, world: World, sql: str, message: str
) -> None:
    with pytest.raises(QueryFailed, match=message):
        await run(executor, world, sql)


async def test_tampering_with_settings_does_not_change_the_scope(
    executor: ScopedExecutor, world: World
) -> None:
    """set_config is refused to the role (migration 0057); a SET of the statement itself only
    changes a setting, which the scope is not."""
    with pytest.raises(QueryFailed, match="permission denied for function set_config"):
        await run(
            executor, world, f"SELECT set_config('pfa.organization_id', '{world.holng}', false)"
        )
    assert await run(executor, world, f"SET pfa.organization_id = '{world.holng}'") == []
    rows = await run(
        executor,
        world,
        f"SELECT (SELECT count(*) FROM pfa_mirror WHERE organization_id <> {world.rio}),"
        " (SELECT count(*) FROM pfa_ai_records)",
    )
    assert rows == [(0, 3000)]


WRITES = [
    "INSERT INTO pfa_modification (user_id, organization_id, record_id, changes, base_version)"
    " VALUES (1, 1, 'PFA-000001', '{\"dor\": \"BEO\"}', 1)",
    "UPDATE pfa_mirror SET doc = '{}'",
    "DELETE FROM pfa_mirror",
    "DELETE FROM pfa_modification",
    "WITH gone AS (DELETE FROM pfa_mirror RETURNING 1) SELECT count(*) FROM gone",
    "SELECT * INTO stolen FROM pfa_ai_records",
    "CREATE TABLE stolen (x int)",
    "CREATE TEMP TABLE stolen AS SELECT * FROM pfa_ai_records",
    "SELECT nextval('pfa_mirror_change_seq')",
    "SELECT * FROM pfa_ai_records FOR UPDATE",
    "SELECT * FROM pfa_mirror FOR UPDATE",
    "SELECT set_config('transaction_read_only', 'off', false)",
    "SET TRANSACTION READ WRITE",
    "DO $$ BEGIN DELETE FROM pfa_mirror; END $$",
    "SELECT pg_advisory_lock(42)",
    "SELECT pg_try_advisory_lock(42)",
    "SELECT pg_advisory_xact_lock(42)",
    "SELECT pg_notify('pfa', 'hello')",
    "SELECT lo_create(0)",
    "SELECT lo_import('/etc/passwd')",
    "SELECT pg_read_file('/etc/passwd')",
    "SELECT pg_ls_dir('.')",
    "COPY pfa_mirror TO '/tmp/pfa_stolen.csv'",
    "COPY (SELECT 1) TO PROGRAM 'touch /tmp/pfa_pwned'",
    "SELECT pg_terminate_backend(pg_backend_pid())",
    "SELECT pg_cancel_backend(pid) FROM pg_stat_activity",
    "SELECT pg_sleep(10)",
    "SELECT 1; DELETE FROM pfa_mirror",
    "ALTER ROLE pfa_ai SET statement_timeout = 0",
    "GRANT SELECT ON organizations TO pfa_ai",
]


@pytest.mark.parametrize("sql", WRITES)
async def test_writes_and_side_effects_fail_and_change_nothing(
    executor: ScopedExecutor, world: World, sql: str
) -> None:
    before = snapshot(world.url)
    with pytest.raises(QueryFailed):
        await run(executor, world, sql)
    assert snapshot(world.url) == before


async def test_notifications_are_never_delivered(executor: ScopedExecutor, world: World) -> None:
    """NOTIFY is queued until commit, and every AI query is rolled back (pg_notify is also
    revoked, see WRITES)."""
    async with await psycopg.AsyncConnection.connect(world.url, autocommit=True) as listener:
        await listener.execute("LISTEN pfa")
        assert await run(executor, world, "NOTIFY pfa, 'hello'") == []
        received = []
        async with asyncio.timeout(1.0):
            async for note in listener.notifies(timeout=0.5):
                received.append(note)
        assert received == []


async def test_runaway_queries_end_at_the_timeout_even_if_they_lift_it(
    executor: ScopedExecutor, world: World
) -> None:
    # lifting the timeout from inside the query is refused (set_config is not the role's)
    for scope in ("true", "false"):
        with pytest.raises(QueryFailed, match="permission denied for function set_config"):
            await run(
                executor,
                world,
                f"SELECT set_config('statement_timeout', '0', {scope}),"
                " (SELECT count(*) FROM pfa_ai_records a, pfa_ai_records b)",
            )
    # a cross join spills to disk: it ends at the timeout or at temp_file_limit, whichever the
    # machine's speed reaches first; either way a refusal of the query, not a 503
    with pytest.raises((QueryTimeout, QueryFailed), match="narrower question"):
        await run(
            executor,
            world,
            "SELECT count(*) FROM pfa_ai_records a, pfa_ai_records b, pfa_ai_records c",
        )
    # a SET as the statement lasts for that statement only: the next query has the
    # executor's timeout and the role's read-only default again
    assert await run(executor, world, "SET statement_timeout = 0") == []
    assert await run(executor, world, "SHOW statement_timeout") == [("1500ms",)]
    assert await run(executor, world, "SHOW default_transaction_read_only") == [("on",)]
    assert await run(executor, world, "SELECT current_user") == [("pfa_ai",)]


async def test_session_settings_do_not_survive_the_query(
    executor: ScopedExecutor, world: World
) -> None:
    for _ in range(executor.pool.max_size + 1):  # reach every pooled connection
        await run(executor, world, "SET work_mem = '1GB'")
    assert await run(executor, world, "SHOW work_mem") != [("1GB",)]


async def test_waiting_for_a_lock_ends_at_the_lock_timeout(
    executor: ScopedExecutor, world: World, app_pool: AppPool
) -> None:
    async with app_pool.connection() as holder:
        await holder.execute("LOCK TABLE pfa_mirror IN ACCESS EXCLUSIVE MODE")
        with pytest.raises(QueryTimeout, match="lock"):
            await asyncio.wait_for(run(executor, world, "SELECT count(*) FROM pfa_mirror"), 30)
        await holder.rollback()


async def test_no_scope_no_rows(world: World) -> None:
    """A pfa_ai session whose scope was never written sees nothing at all."""
    url = psycopg.conninfo.make_conninfo(world.url, user="pfa_ai")
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM pfa_ai_records").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM pfa_mirror").fetchone() == (0,)


async def test_another_ai_session_cannot_be_cancelled_or_terminated(
    executor: ScopedExecutor, world: World
) -> None:
    """pg_cancel_backend allows signalling sessions of the same role by default: another
    organization's AI query. The role cannot call it here."""
    url = psycopg.conninfo.make_conninfo(world.url, user="pfa_ai")
    with psycopg.connect(url, autocommit=True) as other:
        pid = other.info.backend_pid
        for function in ("pg_cancel_backend", "pg_terminate_backend"):
            with pytest.raises(QueryFailed, match="permission denied"):
                await run(executor, world, f"SELECT {function}({pid})")
        assert other.execute("SELECT 1").fetchone() == (1,)


def test_the_role_reads_only_the_view_and_row_level_secured_tables(world: World) -> None:
    """An invariant later migrations must keep: what pfa_ai can read, it reads under RLS,
    and it can write nothing (partitions, new tables and sequences included)."""
    with psycopg.connect(world.url) as conn:
        readable: dict[str, bool] = dict(
            conn.execute(
                "SELECT c.relname, c.relrowsecurity FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')"
                " AND c.relkind IN ('r', 'p', 'v', 'm', 'f')"
                " AND has_table_privilege('pfa_ai', c.oid, 'SELECT')"
            ).fetchall()
        )
        writable = conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')"
            " AND ((c.relkind IN ('r', 'p', 'v', 'm', 'f') AND has_table_privilege('pfa_ai',"
            " c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER'))"
            " OR (c.relkind = 'S' AND has_sequence_privilege('pfa_ai', c.oid, 'USAGE, UPDATE')))"
        ).fetchall()
        memberships = conn.execute(
            "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid"
            " WHERE m.member = 'pfa_ai'::regrole"
        ).fetchall()
        role = conn.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolreplication"
            " FROM pg_roles WHERE rolname = 'pfa_ai'"
        ).fetchone()
    assert readable == {
        "pfa_ai_records": False,  # the view: security_invoker, so the tables' RLS applies
        "pfa_ai_changes": False,  # the history's view, security_invoker as well
        "pfa_mirror": True,
        "pfa_mirror_archive": True,  # the archive of long-ended records, scoped as the mirror
        "pfa_modification": True,
        "sync_runs": True,
        "pfa_history": True,  # the record history, scoped like the mirror
    }
    assert writable == []
    assert memberships == [("pfa_scoped",)]
    assert role == (False, False, False, False, False)


async def test_the_archive_is_scoped_like_the_mirror_and_left_out_of_the_view(
    executor: ScopedExecutor, world: World
) -> None:
    from datetime import date

    from psycopg import AsyncConnection

    from pfa_vanguard.mirror.archive import archive_organization

    async with await AsyncConnection.connect(world.url) as conn:
        moved = {
            org: await archive_organization(conn, org, code, date(2025, 9, 1))
            for org, code in ((world.rio, "RIO"), (world.holng, "HOLNG"))
        }
        await conn.commit()
    assert all(n > 100 for n in moved.values())
    for org in (world.rio, world.holng):
        assert await run(
            executor,
            world,
            "SELECT organization_id, count(*) FROM pfa_mirror_archive GROUP BY 1",
            org,
        ) == [(org, moved[org])]
        # nothing of another organization, whatever the query asks for
        other = world.holng if org == world.rio else world.rio
        assert await run(
            executor,
            world,
            f"SELECT count(*) FROM pfa_mirror_archive WHERE organization_id = {other}",
            org,
        ) == [(0,)]
    # the assistant's view reads the mirror only: archived records are left out
    assert await run(executor, world, "SELECT count(*) FROM pfa_ai_records", world.holng) == [
        (1500 - moved[world.holng],)
    ]
