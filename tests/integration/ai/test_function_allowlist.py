"""The AI role executes only its allowlist (migration 0057) and reads no catalog: every other
function and every catalog relation is tried as pfa_ai and refused by the database."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg import sql

from pfa_vanguard.ai.executor import ScopedExecutor
from pfa_vanguard.ai.guard import ALLOWED_FUNCTIONS
from tests.integration.ai.conftest import World

pytestmark = pytest.mark.timeout(300)

# What pfa_ai holds beyond the allowlist: granted to pfa_scoped by name
GRANTED_BY_NAME = {
    "pfa_scope_org()",
    "pfa_scope_user()",
    "pfa_session_identity()",
    "pfa_ai_answer_within(bigint,bigint)",
}

REFUSED_CALLS = [
    "pg_logical_emit_message(false, 'pfa', 'hello')",
    "txid_current()",
    "pg_current_xact_id()",
    "txid_current_snapshot()",
    "pg_stat_get_numscans('pfa_mirror'::regclass)",
    "pg_stat_get_live_tuples('pfa_mirror'::regclass)",
    "pg_stat_get_db_xact_commit(1)",
    "pg_stat_get_activity(NULL::integer)",
    "set_config('work_mem', '1GB', false)",
    "current_setting('port')",
    "version()",
    "pg_backend_pid()",
    "inet_server_addr()",
    "pg_postmaster_start_time()",
    "current_database()",
    "pg_relation_size('pfa_mirror')",
    "pg_database_size(1)",
    "pg_current_wal_lsn()",
    "pg_is_in_recovery()",
    "has_table_privilege('pfa_mirror', 'SELECT')",
    "pg_get_viewdef('pfa_ai_records'::regclass)",
    "pg_sleep(0)",
    "generate_series(1, 2)",
    "repeat('x', 2)",
    "md5('x')",
    "random()",
    "clock_timestamp()",
    "query_to_xml('SELECT 1', true, true, '')",
    "pfa_refresh_bounds(ARRAY[1]::bigint[])",
    "pfa_ai_allowed_functions()",
]

REFUSED_RELATIONS = [
    "pg_stat_activity",
    "pg_stat_user_tables",
    "pg_stat_database",
    "pg_stat_statements_info",
    "pg_stats",
    "pg_settings",
    "pg_class",
    "pg_proc",
    "pg_roles",
    "pg_locks",
    "information_schema.tables",
]


def _ai_url(world: World) -> str:
    return psycopg.conninfo.make_conninfo(world.url, user="pfa_ai")


def _refused(conn: psycopg.Connection[Any], statement: sql.Composed | str) -> str | None:
    """None when `statement` is refused for lack of privilege; else what happened."""
    try:
        conn.execute(statement)
    except psycopg.errors.InsufficientPrivilege:
        return None
    except psycopg.Error as exc:
        return f"{type(exc).__name__}: {exc}"
    return "ran"


@pytest.mark.parametrize("call", REFUSED_CALLS)
def test_a_function_outside_the_allowlist_is_refused(world: World, call: str) -> None:
    with psycopg.connect(_ai_url(world), autocommit=True) as conn:
        assert _refused(conn, f"SELECT {call}") is None


@pytest.mark.parametrize("relation", REFUSED_RELATIONS)
def test_catalogs_and_statistics_are_not_readable(world: World, relation: str) -> None:
    with psycopg.connect(_ai_url(world), autocommit=True) as conn:
        outcome = _refused(conn, f"SELECT * FROM {relation} LIMIT 1")
    assert outcome is None or "does not exist" in outcome, outcome


def test_what_the_role_may_execute_is_exactly_the_allowlist(world: World) -> None:
    with psycopg.connect(world.url) as conn:
        executable = {
            str(r[0])
            for r in conn.execute(
                "SELECT p.oid::regprocedure::text FROM pg_proc p"
                " WHERE has_function_privilege('pfa_ai', p.oid, 'EXECUTE')"
            )
        }
        allowed = {
            str(r[0]) for r in conn.execute("SELECT f::text FROM pfa_ai_allowed_functions() f")
        }
        total = conn.execute("SELECT count(*) FROM pg_proc").fetchone()
    assert executable == allowed | GRANTED_BY_NAME
    assert total is not None
    assert len(executable) < total[0] // 3  # the allowlist is the small part of the catalog
    # every function the SQL guard lets a model call is among them
    names = {name.split("(")[0].removeprefix("pg_catalog.").strip('"') for name in executable}
    assert names >= ALLOWED_FUNCTIONS, ALLOWED_FUNCTIONS - names


def test_every_function_outside_the_allowlist_fails_when_called(world: World) -> None:
    """Each function outside the allowlist whose arguments can be written as typed NULLs is
    called as pfa_ai (NULLs from a subquery, so the planner cannot fold the call away)."""
    with psycopg.connect(world.url) as conn:
        candidates = conn.execute(
            "SELECT n.nspname, p.proname, p.oid::regprocedure::text,"
            "       array(SELECT format_type(t, NULL) FROM unnest(p.proargtypes) t),"
            "       p.provariadic <> 0"
            " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
            " WHERE p.prokind IN ('f', 'a')"
            "   AND NOT has_function_privilege('pfa_ai', p.oid, 'EXECUTE')"
            "   AND NOT EXISTS (SELECT 1 FROM unnest(p.proargtypes) t"
            "                   JOIN pg_type ty ON ty.oid = t WHERE ty.typtype = 'p')"
        ).fetchall()
    assert len(candidates) > 1000
    ran: list[str] = []
    with psycopg.connect(_ai_url(world), autocommit=True) as conn:
        for schema, name, signature, types, variadic in candidates:
            nulls = [sql.SQL("(SELECT NULL::{})").format(sql.SQL(t)) for t in types]
            if variadic:
                nulls[-1] = sql.SQL("VARIADIC {}").format(nulls[-1])
            args = sql.SQL(", ").join(nulls)
            call = sql.SQL("SELECT {}.{}({})").format(
                sql.Identifier(schema), sql.Identifier(name), args
            )
            outcome = _refused(conn, call)
            if outcome is not None:
                ran.append(f"{signature}: {outcome}")
    assert ran == []


async def test_questions_still_work_under_the_allowlist(
    executor: ScopedExecutor, world: World
) -> None:
    """The view over drafted records (the parsers, cost rules, jsonb operators), casts, dates,
    window functions and aggregates all run as pfa_ai."""
    result = await executor.run(
        "SELECT category, count(*) AS n, round(sum(forecast_cost)::numeric, 2) AS cost,"
        " min(forecast_start) AS first, max(forecast_end - forecast_start) AS longest,"
        " rank() OVER (ORDER BY count(*) DESC) AS place,"
        " date_trunc('month', min(forecast_start))::date AS month,"
        " string_agg(DISTINCT dor, ',') AS dors"
        " FROM pfa_ai_records WHERE has_draft OR forecast_start > DATE '2020-01-01'"
        " AND description ILIKE '%a%' GROUP BY category ORDER BY n DESC",
        org_id=world.rio,
        user_id=world.alice,
    )
    assert result.rows
    drafted = await executor.run(
        "SELECT count(*) FROM pfa_ai_records WHERE has_draft", org_id=world.rio, user_id=world.alice
    )
    assert drafted.rows == [(60,)]
