"""Generated columns, cost parity with Python, RLS and materialized views on a real database."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from psycopg import AsyncConnection, sql
from psycopg.rows import dict_row

from pfa_vanguard.domain.costs import record_costs
from pfa_vanguard.domain.values import to_date
from pfa_vanguard.kpi.figures import counts_in_figures as counts_in_kpi
from tests.factories import insert_records, make_org, make_record

Conn = AsyncConnection[dict[str, Any]]


async def test_generated_columns_on_good_data(conn: Conn) -> None:
    org = await make_org(conn, "RIO")
    record = make_record(random.Random(1), "RIO", 1)
    record.update(
        source="Rental", monthlyRate="3044.00", forecastStart="2025-01-01",
        forecastEnd="2025-01-31", isDiscontinued="-1", isFundsTransferable="No",
    )  # fmt: skip
    await insert_records(conn, org, [record])
    cur = await conn.execute("SELECT * FROM pfa_mirror")
    row = await cur.fetchone()
    assert row is not None
    assert row["category"] == record["category"]
    assert row["forecast_start"] == to_date("2025-01-01")
    assert row["monthly_rate"] == Decimal("3044.00")
    assert row["forecast_cost"] == Decimal("3000.00")
    assert row["is_discontinued"] is True
    assert row["is_funds_transferable"] is False


async def test_malformed_values_become_null_and_never_fail_the_insert(conn: Conn) -> None:
    org = await make_org(conn, "RIO")
    record = make_record(random.Random(2), "RIO", 2)
    record.update(
        forecastStart="2025-02-30", forecastEnd="n/a", monthlyRate="n/a",
        purchasePrice={"weird": 1}, originalStart=20250101, isActualized=None,
    )  # fmt: skip
    await insert_records(conn, org, [record])
    cur = await conn.execute(
        "SELECT forecast_start, forecast_end, monthly_rate, purchase_price, original_start,"
        " is_actualized, forecast_cost, m.data->>'monthlyRate' AS raw FROM pfa_mirror m"
    )
    row = await cur.fetchone()
    assert row == {
        "forecast_start": None, "forecast_end": None, "monthly_rate": None,
        "purchase_price": None, "original_start": None, "is_actualized": False,
        "forecast_cost": Decimal(0), "raw": "n/a",
    }  # fmt: skip


async def test_python_and_sql_costs_agree_on_generated_records(conn: Conn) -> None:
    org = await make_org(conn, "RIO")
    rng = random.Random(7)
    records = [make_record(rng, "RIO", n) for n in range(2000)]
    await insert_records(conn, org, records)
    cur = await conn.execute(
        "SELECT id, plan_cost, forecast_cost, actual_cost FROM pfa_mirror ORDER BY id"
    )
    by_id = {r["pfaId"]: r for r in records}
    rows = await cur.fetchall()
    assert len(rows) == 2000
    for row in rows:
        costs = record_costs(by_id[row["id"]])
        assert (row["plan_cost"], row["forecast_cost"], row["actual_cost"]) == (
            costs.plan,
            costs.forecast,
            costs.actual,
        ), row["id"]

    await conn.execute("REFRESH MATERIALIZED VIEW pfa_kpi_summary")
    cur = await conn.execute(
        "SELECT sum(total_plan_cost) AS plan, sum(total_forecast_cost) AS forecast,"
        " sum(record_count) AS n FROM pfa_kpi_summary WHERE organization_id = %s",
        [org],
    )
    kpi = await cur.fetchone()
    included = [r for r in records if counts_in_kpi(r)]
    assert kpi is not None
    assert kpi["n"] == len(included)
    assert kpi["plan"] == sum((record_costs(r).plan for r in included), Decimal(0))
    assert kpi["forecast"] == sum((record_costs(r).forecast for r in included), Decimal(0))


async def _scoped_session(db_url: str) -> Conn:
    """A session of the AI login role (a member of pfa_scoped only), as the executor opens it.
    Not `SET ROLE pfa_scoped`: a non-superuser owner (a managed service) may not."""
    scoped = await AsyncConnection.connect(
        psycopg.conninfo.make_conninfo(db_url, user="pfa_ai"), row_factory=dict_row
    )
    await scoped.set_autocommit(True)
    return scoped


async def test_row_level_security_blocks_a_cross_organization_read(conn: Conn, db_url: str) -> None:
    rio, hol = await make_org(conn, "RIO"), await make_org(conn, "HOLNG")
    rng = random.Random(3)
    await insert_records(conn, rio, [make_record(rng, "RIO", n) for n in range(5)])
    await insert_records(conn, hol, [make_record(rng, "HOLNG", n) for n in range(7)])
    await conn.commit()
    scoped = await _scoped_session(db_url)
    try:
        await conn.execute(
            "INSERT INTO pfa_session_scope (backend_pid, backend_start, organization_id)"
            " SELECT pid, backend_start, %s FROM pg_stat_activity WHERE pid = %s",
            [rio, scoped.info.backend_pid],
        )
        await conn.commit()
        cur = await scoped.execute(
            "SELECT DISTINCT organization_id, count(*) OVER () FROM pfa_mirror"
        )
        assert await cur.fetchall() == [{"organization_id": rio, "count": 5}]
        cur = await scoped.execute(
            "SELECT count(*) AS n FROM pfa_mirror WHERE organization_id = %s", [hol]
        )
        assert await cur.fetchone() == {"n": 0}
        # The scope is not a setting the SQL can rewrite (set_config is not even the AI
        # role's to call where migrations ran as a superuser), and the scope table is out of
        # reach.
        await scoped.execute(sql.SQL("SET pfa.organization_id = {}").format(sql.Literal(str(hol))))
        cur = await scoped.execute("SELECT count(*) AS n FROM pfa_mirror")
        assert await cur.fetchone() == {"n": 5}
        await scoped.execute("SET default_transaction_read_only = off")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            await scoped.execute("UPDATE pfa_session_scope SET organization_id = %s", [hol])
    finally:
        await scoped.close()


async def test_unscoped_session_of_a_scoped_role_sees_nothing(conn: Conn, db_url: str) -> None:
    rio = await make_org(conn, "RIO")
    await insert_records(conn, rio, [make_record(random.Random(4), "RIO", 1)])
    await conn.commit()
    scoped = await _scoped_session(db_url)
    try:
        cur = await scoped.execute("SELECT count(*) AS n FROM pfa_mirror")
        assert await cur.fetchone() == {"n": 0}
    finally:
        await scoped.close()


async def test_materialized_views_refresh_concurrently(conn: Conn, db_url: str) -> None:
    org = await make_org(conn, "RIO")
    await insert_records(conn, org, [make_record(random.Random(5), "RIO", n) for n in range(50)])
    await conn.commit()
    await conn.set_autocommit(True)
    await conn.execute("REFRESH MATERIALIZED VIEW pfa_kpi_summary")
    await conn.execute("REFRESH MATERIALIZED VIEW pfa_timeline_bounds")
    # A reader holding the view open does not block a concurrent refresh.
    async with await AsyncConnection.connect(db_url) as reader:
        await reader.execute("BEGIN")
        await reader.execute("SELECT count(*) FROM pfa_kpi_summary")
        await conn.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY pfa_kpi_summary")
        await conn.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY pfa_timeline_bounds")
        await reader.execute("ROLLBACK")
    cur = await conn.execute("SELECT min_start, max_end FROM pfa_timeline_bounds")
    bounds = await cur.fetchone()
    assert bounds is not None
    assert bounds["min_start"] is not None
    assert bounds["max_end"] >= bounds["min_start"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-02-29", date(2024, 2, 29)),  # leap year
        ("2000-02-29", date(2000, 2, 29)),  # divisible by 400
        ("1900-02-29", None),  # divisible by 100 only
        ("2023-02-29", None),
        ("2025-04-30", date(2025, 4, 30)),
        ("2025-04-31", None),
        ("2025-12-31", date(2025, 12, 31)),
        ("2025-13-01", None),
        ("2025-00-10", None),
        ("2025-01-00", None),
        ("0000-01-01", None),
        ("2025-1-01x", None),
        ("２０２５-01-01", None),  # full-width digits
    ],
)
async def test_date_parser_accepts_calendar_days_only(
    conn: Conn, text: str, expected: date | None
) -> None:
    """Without pg_input_is_valid (PostgreSQL 16+): the same answers on every supported server."""
    cur = await conn.execute("SELECT pfa_to_date(to_jsonb(%s::text)) AS d", [text])
    row = await cur.fetchone()
    assert row == {"d": expected}
