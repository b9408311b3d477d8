"""The SQL parsers read every value exactly as the Python ones do (domain/values.py)."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

import pfa_vanguard.db as db_migrations
from pfa_vanguard.domain.values import to_date, to_number
from tests.factories import make_org, make_record
from tests.integration.db.history import migrate_through

DATES: list[Any] = [
    "2030-01-01",
    "1900-01-01",
    "2199-12-31",
    "1899-12-31",
    "2200-01-01",
    "0001-01-01",
    "9999-12-31",
    "０００１-01-01",
    "２０３０-01-01",
    "٢٠٣٠-01-01",
    "2030-01-01\n",
    " 2030-01-01",
    "2030-02-29",
    "2028-02-29",
    "2030-1-01",
    20300101,
    None,
]
NUMBERS: list[Any] = [
    12,
    -12.5,
    10**12,
    10**12 + 1,
    -(10**13),
    1e300,
    "12",
    " 12 ",
    "\t12",
    "1e5",
    "１２",
    "٣",
    "999999999999.99",
    "1000000000000.5",
    ".5",
    "+3.",
    True,
    None,
]


async def test_sql_and_python_parse_dates_and_numbers_alike(
    conn: AsyncConnection[dict[str, Any]],
) -> None:
    for value in DATES:
        cur = await conn.execute("SELECT pfa_to_date(%s) AS d", [Jsonb(value)])
        row = await cur.fetchone()
        assert row is not None
        assert row["d"] == to_date(value), value
    for value in NUMBERS:
        cur = await conn.execute("SELECT pfa_to_numeric(%s) AS n", [Jsonb(value)])
        row = await cur.fetchone()
        assert row is not None
        python = to_number(value)
        assert row["n"] == python, value
        assert python is None or isinstance(python, Decimal)


async def test_the_migration_recomputes_values_the_old_parsers_stored(empty_db: str) -> None:
    """A record stored while year 9999 and 10^15 still parsed keeps no absurd value once the
    migration ran, and the organization's forecast bounds follow."""
    migrate_through(empty_db, "0050")  # the mirror as it was when the migration shipped
    conn = await AsyncConnection.connect(empty_db, row_factory=dict_row, autocommit=True)
    async with conn:
        if conn.info.server_version < 160000:
            pytest.skip("the old date parser called pg_input_is_valid, which PostgreSQL 15 lacks")
        await _old_parsers_then_0051(conn)


async def _old_parsers_then_0051(conn: AsyncConnection[dict[str, Any]]) -> None:
    migrations = Path(db_migrations.__file__).with_name("migrations")
    old = (migrations / "0001_core.sql").read_text()
    old_date = old[
        old.index("CREATE FUNCTION pfa_to_date") : old.index("CREATE FUNCTION pfa_to_numeric")
    ]
    old_numeric = old[
        old.index("CREATE FUNCTION pfa_to_numeric") : old.index("CREATE FUNCTION pfa_to_bool")
    ]
    for body in (old_date, old_numeric):
        await conn.execute(body.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"))
    org = await make_org(conn, "OLD")
    record = make_record(random.Random(3), "OLD", 1)
    await conn.execute(
        "INSERT INTO pfa_mirror (organization_id, id, data, pems_version) VALUES (%s, %s, %s, 1)",
        [
            org,
            record["pfaId"],
            Jsonb({**record, "forecastEnd": "9999-12-31", "purchasePrice": 10**15}),
        ],
    )
    cur = await conn.execute(
        "SELECT m.forecast_end, m.purchase_price, b.max_end FROM pfa_mirror m"
        " LEFT JOIN pfa_org_bounds b ON b.organization_id = m.organization_id"
        " WHERE m.organization_id = %s",
        [org],
    )
    before = await cur.fetchone()
    assert before is not None
    assert str(before["forecast_end"]) == "9999-12-31"
    await conn.execute((migrations / "0051_sane_values.sql").read_text())
    cur = await conn.execute(
        "SELECT m.forecast_end, m.purchase_price, b.max_end FROM pfa_mirror m"
        " LEFT JOIN pfa_org_bounds b ON b.organization_id = m.organization_id"
        " WHERE m.organization_id = %s",
        [org],
    )
    after = await cur.fetchone()
    assert after is not None
    assert after["forecast_end"] is None
    assert after["purchase_price"] is None
    assert after["max_end"] is None or str(after["max_end"]) < "2200-01-01"
