"""The mirror keeps in its JSON only what its typed columns do not hold (migration 0070), and
reads every record back exactly as it was written, on new rows and on rows migrated in place."""

from __future__ import annotations

import random
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from pfa_vanguard.db import migrate
from tests.factories import insert_records, make_org, make_record
from tests.integration.db.history import migrate_through

TYPED = (
    "category, forecast_category, source, dor, area_silo, original_start, original_end,"
    " forecast_start, forecast_end, actual_start, actual_end, monthly_rate, purchase_price,"
    " is_actualized, is_discontinued, is_funds_transferable, plan_cost, forecast_cost, actual_cost"
)


def _records() -> list[dict[str, Any]]:
    rng = random.Random(7)
    plain = [make_record(rng, "OLD", n) for n in range(1, 6)]
    odd = [
        {**make_record(rng, "OLD", 6), "forecastStart": "6/13/2024"},  # a date not in ISO form
        {**make_record(rng, "OLD", 7), "isActualized": None},  # a flag read as false
        {**make_record(rng, "OLD", 8), "monthlyRate": "1,250.00"},  # a number as text
        {k: v for k, v in make_record(rng, "OLD", 9).items() if k != "dor"},  # a key missing
        {**make_record(rng, "OLD", 10), "monthlyRate": 1250.50, "purchasePrice": 10},
    ]
    return plain + odd


def _read(conn: psycopg.Connection[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    rows = conn.execute(
        f"SELECT id, m.data::text AS text, compact, change_seq, {TYPED}"
        " FROM pfa_mirror m ORDER BY id"
    ).fetchall()
    return {r["id"]: r for r in rows}


def test_existing_rows_are_compacted_in_place_and_read_back_unchanged(empty_db: str) -> None:
    migrate_through(empty_db, "0067")
    records = _records()
    with psycopg.connect(empty_db, row_factory=dict_row, autocommit=True) as conn:
        org = conn.execute(
            "INSERT INTO organizations (code, name) VALUES ('OLD', 'OLD') RETURNING id"
        )
        org_id = org.fetchone()["id"]  # type: ignore[index]
        for record in records:
            conn.execute(
                "INSERT INTO pfa_mirror (organization_id, id, data, pems_version)"
                " VALUES (%s, %s, %s, 1)",
                [org_id, record["pfaId"], Jsonb(record)],
            )
        before = {
            r["id"]: r
            for r in conn.execute(
                f"SELECT id, data::text AS text, change_seq, {TYPED} FROM pfa_mirror"
            ).fetchall()
        }
        kpi_before = conn.execute("SELECT * FROM pfa_kpi_totals ORDER BY 1, 2, 3").fetchall()

    migrate.upgrade(empty_db)

    with psycopg.connect(empty_db, row_factory=dict_row) as conn:
        after = _read(conn)
        assert {
            i: {k: v for k, v in r.items() if k != "compact"} for i, r in after.items()
        } == before
        compact = {i for i, r in after.items() if r["compact"]}
        assert compact == {r["pfaId"] for r in records[:5]} | {records[-1]["pfaId"]}
        stored = conn.execute(
            "SELECT max(octet_length(doc::text)) AS n FROM pfa_mirror WHERE compact"
        ).fetchone()
        assert stored is not None
        assert stored["n"] < min(len(r["text"]) for r in before.values()) / 2
        assert (
            conn.execute("SELECT * FROM pfa_kpi_totals ORDER BY 1, 2, 3").fetchall() == kpi_before
        )


async def test_written_records_read_back_exactly_and_typed_columns_follow(
    conn: psycopg.AsyncConnection[dict[str, Any]],
) -> None:
    org = await make_org(conn, "OLD")
    records = _records()
    await insert_records(conn, org, records)
    cur = await conn.execute("SELECT id, m.data, compact, forecast_start FROM pfa_mirror m")
    rows = {r["id"]: r for r in await cur.fetchall()}
    assert {i: r["data"] for i, r in rows.items()} == {r["pfaId"]: r for r in records}
    assert [r["compact"] for r in rows.values()].count(True) == 6
    # a writer replaces the record: the typed columns follow, and the record reads back whole
    first = records[0]
    changed = {**first, "forecastStart": "2031-02-03", "description": "moved"}
    await conn.execute(
        "UPDATE pfa_mirror SET doc = %s WHERE organization_id = %s AND id = %s",
        [Jsonb(changed), org, first["pfaId"]],
    )
    cur = await conn.execute(
        "SELECT m.data, forecast_start::text AS fs, compact FROM pfa_mirror m WHERE id = %s",
        [first["pfaId"]],
    )
    row = await cur.fetchone()
    assert row == {"data": changed, "fs": "2031-02-03", "compact": True}
