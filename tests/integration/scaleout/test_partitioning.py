"""pfa_mirror and pfa_modification are partitioned by organization (migration 0045, HASH on
organization_id); an organization's rows live in one partition, and the application's queries
read only that one: EXPLAIN ANALYZE shows one partition of each table scanned, both with the
parameter values known at planning (custom plans) and with generic plans (pruned when the
executor starts)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from psycopg import AsyncConnection, sql

from pfa_vanguard.db.queries import load
from pfa_vanguard.mirror.filters import RecordFilter
from tests.factories import insert_records, make_org, make_record

Conn = AsyncConnection[dict[str, Any]]
ORGS = ("ALPHA", "BETA", "GAMMA", "DELTA", "EPSILON")
TABLES = ("pfa_mirror", "pfa_modification")


async def _seed(conn: Conn) -> dict[str, int]:
    rng = random.Random(3)
    ids: dict[str, int] = {}
    cur = await conn.execute(
        "INSERT INTO users (username, password_hash) VALUES ('u', '$argon2id$x') RETURNING id"
    )
    row = await cur.fetchone()
    assert row is not None
    user_id = int(row["id"])
    for code in ORGS:
        org_id = await make_org(conn, code)
        ids[code] = org_id
        await insert_records(conn, org_id, [make_record(rng, code, n) for n in range(1, 201)])
        await conn.execute(
            "INSERT INTO pfa_modification (user_id, organization_id, record_id, changes,"
            ' base_version) SELECT %s, %s, id, \'{"equipment": "E"}\', 1 FROM pfa_mirror'
            " WHERE organization_id = %s ORDER BY id LIMIT 5",
            [user_id, org_id, org_id],
        )
    ids["user"] = user_id
    await conn.execute("ANALYZE pfa_mirror")
    await conn.execute("ANALYZE pfa_modification")
    await conn.commit()
    return ids


async def test_both_tables_are_hash_partitioned_by_organization(conn: Conn) -> None:
    for table in TABLES:
        cur = await conn.execute(
            "SELECT p.partstrat AS strategy, a.attname AS key,"
            " (SELECT count(*) FROM pg_inherits i WHERE i.inhparent = p.partrelid) AS partitions"
            " FROM pg_partitioned_table p"
            " JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]"
            " WHERE p.partrelid = %s::regclass",
            [table],
        )
        row = await cur.fetchone()
        assert row == {"strategy": "h", "key": "organization_id", "partitions": 16}, table
        # every unique constraint holds the partition (and Citus distribution) column
        cur = await conn.execute(
            "SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype IN ('p', 'u')",
            [table],
        )
        for constraint in await cur.fetchall():
            assert "organization_id" in constraint["def"], constraint


async def test_an_organizations_rows_live_in_one_partition(conn: Conn) -> None:
    ids = await _seed(conn)
    for table in TABLES:
        cur = await conn.execute(
            sql.SQL(
                "SELECT organization_id, count(DISTINCT tableoid) AS n FROM {}"
                " GROUP BY organization_id"
            ).format(sql.Identifier(table))
        )
        rows = await cur.fetchall()
        assert len(rows) == len(ORGS)
        assert all(r["n"] == 1 for r in rows), rows
    cur = await conn.execute(
        "SELECT count(DISTINCT tableoid) AS n FROM pfa_mirror WHERE organization_id = ANY(%s)",
        [[ids[c] for c in ORGS]],
    )
    spread = await cur.fetchone()
    assert spread is not None
    assert spread["n"] > 1  # the organizations do not all share one partition


def _scans(plan: dict[str, Any]) -> Iterator[tuple[str, float]]:
    """(relation, loops actually run) of every scan node of an EXPLAIN ANALYZE plan."""
    if "Relation Name" in plan:
        yield plan["Relation Name"], float(plan.get("Actual Loops", 0))
    for child in plan.get("Plans", []):
        yield from _scans(child)


async def scanned_partitions(
    conn: Conn, statement: Any, params: dict[str, Any], mode: str
) -> dict[str, set[str]]:
    """The partitions of each partitioned table the statement read, under `plan_cache_mode`."""
    await conn.execute(sql.SQL("SET plan_cache_mode = {}").format(sql.Literal(mode)))
    query = sql.SQL("EXPLAIN (ANALYZE, FORMAT JSON) ") + (
        statement if isinstance(statement, sql.Composable) else sql.SQL(statement)
    )
    cur = await conn.execute(query, params)
    row = await cur.fetchone()
    assert row is not None
    plan = next(iter(row.values()))
    plan = plan[0]["Plan"] if isinstance(plan, list) else orjson.loads(plan)[0]["Plan"]
    found: dict[str, set[str]] = {t: set() for t in TABLES}
    for relation, loops in _scans(plan):
        for table in TABLES:
            if relation.startswith(f"{table}_p") and loops > 0:
                found[table].add(relation)
    await conn.rollback()  # EXPLAIN ANALYZE of a write ran it: undo
    return found


def _q(package: str, name: str) -> str:
    return str(load(package)[name])


def _statements(ids: dict[str, int]) -> list[tuple[str, Any, dict[str, Any], set[str]]]:
    """(label, statement, parameters, tables it must read) of the application's queries."""
    org, user = ids["GAMMA"], ids["user"]
    where, params = RecordFilter(category=("Crane",), q="line").where()
    merged_filter = sql.SQL(
        "SELECT id, category AS v FROM pfa_mirror WHERE organization_id = %(org_id)s{}"
    ).format(where)
    return [
        ("snapshot rows", _q("pfa_vanguard.mirror", "rows_since"),
         {"org_id": org, "since": 0}, {"pfa_mirror"}),
        ("snapshot count", _q("pfa_vanguard.mirror", "count_rows"),
         {"org_id": org}, {"pfa_mirror"}),
        ("baseline rows", _q("pfa_vanguard.mirror", "baseline_rows"),
         {"org_id": org, "ids": ["PFA-000001", "PFA-000002"]}, {"pfa_mirror"}),
        ("merged read filter", merged_filter, {**params, "org_id": org}, {"pfa_mirror"}),
        ("draft fingerprints", _q("pfa_vanguard.drafts", "fingerprints"),
         {"org_id": org, "user_id": user}, {"pfa_mirror", "pfa_modification"}),
        ("drafts with baseline", _q("pfa_vanguard.drafts", "drafts_with_baseline"),
         {"org_id": org, "user_id": user, "ids": None}, {"pfa_mirror", "pfa_modification"}),
        ("discard drafts", _q("pfa_vanguard.drafts", "discard_drafts"),
         {"org_id": org, "user_id": user}, {"pfa_modification"}),
        ("commit: user drafts", str(load("pfa_vanguard.drafts", "commit_queries.sql")[
            "user_drafts"]),
         {"organization_id": org, "user_id": user, "record_ids": None},
         {"pfa_mirror", "pfa_modification"}),
        ("kpi: earliest start", _q("pfa_vanguard.kpi", "min_start_excluding"),
         {"org_id": org, "ids": ["PFA-000001"]}, {"pfa_mirror"}),
        ("sync: mirror count", _q("pfa_vanguard.sync", "mirror_count"),
         {"org_id": org}, {"pfa_mirror"}),
        ("sync: orphan drafts", _q("pfa_vanguard.sync", "orphan_drafts"),
         {"org_id": org}, {"pfa_mirror", "pfa_modification"}),
        ("sync: delete missing", _q("pfa_vanguard.sync", "delete_missing"),
         {"org_id": org, "run_id": None}, {"pfa_mirror"}),
        ("sync: changed rows", _q("pfa_vanguard.sync", "fill_changed"),
         {"org_id": org}, {"pfa_mirror"}),
        ("ai: merged records", "SELECT count(*), sum(forecast_cost) FROM pfa_ai_records",
         {}, {"pfa_mirror", "pfa_modification"}),
    ]  # fmt: skip


@pytest.mark.parametrize("mode", ["force_custom_plan", "force_generic_plan"])
async def test_queries_read_one_partition(conn: Conn, mode: str) -> None:
    ids = await _seed(conn)
    # what the sync's statements and the AI view need in this session
    await conn.execute(_q("pfa_vanguard.sync", "create_stage"))
    await conn.execute(_q("pfa_vanguard.sync", "compact_stage"))
    await conn.execute(_q("pfa_vanguard.sync", "create_changed").replace("ON COMMIT DROP", ""))
    await conn.execute(
        "INSERT INTO pfa_sync_stage (id, doc, pems_version)"
        " SELECT id, m.data, pems_version FROM pfa_mirror m WHERE organization_id = %s",
        [ids["GAMMA"]],
    )
    await conn.execute(
        "INSERT INTO pfa_session_scope (backend_pid, backend_start, organization_id, user_id)"
        " SELECT pid, backend_start, %s, %s FROM pg_stat_activity WHERE pid = pg_backend_pid()",
        [ids["GAMMA"], ids["user"]],
    )
    await conn.commit()
    for label, statement, params, tables in _statements(ids):
        found = await scanned_partitions(conn, statement, params, mode)
        for table in TABLES:
            expected = 1 if table in tables else 0
            assert len(found[table]) <= expected, (label, mode, found)
        assert any(found[t] for t in tables), (label, mode, "read nothing?", found)
