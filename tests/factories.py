"""Small, deterministic PFA records for tests that need a handful of rows in the mirror."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import orjson
from psycopg import AsyncConnection

CATEGORIES = ["Crane", "Generator", "Scaffold", "Truck", "Compressor"]


def make_record(rng: random.Random, org: str, n: int) -> dict[str, Any]:
    start = date(2025, 1, 1) + timedelta(days=rng.randint(0, 300))
    source = rng.choice(["Rental", "Purchase"])
    f_start = start + timedelta(days=rng.randint(-20, 40))
    actualized = rng.random() < 0.3
    return {
        "pfaId": f"PFA-{n:06d}",
        "organization": org,
        "description": f"{rng.choice(CATEGORIES)} line {n}",
        "areaSilo": f"Area {rng.randint(1, 6)}",
        "category": rng.choice(CATEGORIES),
        "forecastCategory": rng.choice(CATEGORIES),
        "class": f"CL-{rng.randint(1, 9)}",
        "source": source,
        "dor": rng.choice(["BEO", "PROJECT"]),
        "isActualized": actualized,
        "isDiscontinued": rng.random() < 0.05,
        "isFundsTransferable": rng.random() < 0.05,
        "monthlyRate": round(rng.uniform(500, 40000), 2) if source == "Rental" else None,
        "purchasePrice": round(rng.uniform(1000, 900000), 2) if source == "Purchase" else None,
        "originalStart": start.isoformat(),
        "originalEnd": (start + timedelta(days=rng.randint(10, 400))).isoformat(),
        "forecastStart": f_start.isoformat(),
        "forecastEnd": (f_start + timedelta(days=rng.randint(0, 400))).isoformat(),
        "actualStart": start.isoformat() if actualized else None,
        "actualEnd": (start + timedelta(days=rng.randint(1, 90))).isoformat()
        if actualized
        else None,
        "equipment": f"EQ-{rng.randint(1000, 9999)}",
    }


async def insert_records(
    conn: AsyncConnection[Any], org_id: int, records: list[dict[str, Any]], version: int = 1
) -> None:
    async with conn.cursor() as cur:
        await cur.executemany(
            "INSERT INTO pfa_mirror (organization_id, id, doc, pems_version) "
            "VALUES (%s, %s, %s::jsonb, %s)",
            [(org_id, r["pfaId"], orjson.dumps(r).decode(), version) for r in records],
        )


async def make_org(conn: AsyncConnection[Any], code: str) -> int:
    cur = await conn.execute(
        "INSERT INTO organizations (code, name) VALUES (%s, %s) RETURNING id", [code, code]
    )
    row = await cur.fetchone()
    assert row is not None
    return int(row["id"] if isinstance(row, dict) else row[0])
