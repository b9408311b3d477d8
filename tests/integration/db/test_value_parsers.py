"""The SQL parsers read every value exactly as the Python ones do (domain/values.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from pfa_vanguard.domain.values import to_date, to_number

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
