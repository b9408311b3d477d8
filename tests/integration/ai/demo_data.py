"""The demo data for the assistant's tests: RIO synced from the PEMS simulator over HTTP with
the demo's seed, a history of PEMS-side changes (a second sync after the simulator's users
edited records, spread over the weeks before the demo's today), and drafts of alice and bob."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
import orjson
import psycopg
from psycopg import AsyncConnection
from psycopg.rows import dict_row

from pfa_vanguard.pems import PemsClient, PemsConfig
from pfa_vanguard.pems.simulator import start_simulator
from pfa_vanguard.sync.service import sync_org

RECORDS = 3000
EDITED = 150  # records PEMS users change between the two syncs


@dataclass(frozen=True)
class Demo:
    url: str
    rio: int
    alice: int
    bob: int


def _shift(value: str | None, days: int) -> str | None:
    return None if not value else (date.fromisoformat(value) + timedelta(days=days)).isoformat()


async def load_demo(url: str) -> Demo:
    """RIO synced from the simulator with the demo's seed; alice's and bob's drafts."""
    async with await AsyncConnection.connect(url, row_factory=dict_row) as conn:
        cur = await conn.execute(
            "INSERT INTO organizations (code, name) VALUES ('RIO', 'RIO') RETURNING id"
        )
        rio = int((await cur.fetchone() or {})["id"])
        await conn.commit()
        with start_simulator(orgs=("RIO",), records=RECORDS, seed=42) as sim:
            async with PemsClient(PemsConfig(sim.url, page_size=1000)) as client:
                await sync_org(conn, client, "RIO", full=True)
                async with httpx.AsyncClient(base_url=sim.url) as control:
                    await control.post("/_sim/mutate", json={"org": "RIO", "count": EDITED})
                await sync_org(conn, client, "RIO", full=True)
        # the changes were found on days before the demo's today, a few records a day
        await conn.execute(
            "UPDATE pfa_history SET detected_at = TIMESTAMPTZ '2025-10-20 08:00Z'"
            " + (abs(hashtext(record_id)) %% 36) * interval '1 day'"
            " WHERE organization_id = %s",
            [rio],
        )
        users = []
        for name in ("alice", "bob"):
            cur = await conn.execute(
                "INSERT INTO users (username, password_hash) VALUES (%s, '$argon2id$x')"
                " RETURNING id",
                [name],
            )
            users.append(int((await cur.fetchone() or {})["id"]))
        alice, bob = users
        cur = await conn.execute(
            "SELECT id, m.data, pems_version FROM pfa_mirror m"
            " WHERE organization_id = %s ORDER BY id",
            [rio],
        )
        records = await cur.fetchall()
        drafts = []
        for i, record in enumerate(records[:360:6]):  # alice: 60 drafts
            data = record["data"]
            changes: dict[str, Any] = {}
            if i % 2 == 0 and data.get("forecastEnd"):
                changes["forecastEnd"] = _shift(data["forecastEnd"], 30 if i % 4 else -14)
            if i % 3 == 0:
                changes["dor"] = "PROJECT" if data.get("dor") == "BEO" else "BEO"
            if i % 5 == 0:
                changes["category"] = "Light Tower"
            changes = changes or {"isDiscontinued": True}
            drafts.append((alice, record, changes, f"2025-11-{1 + i % 28:02d}"))
        for record in records[3:200:10]:  # bob: 20 other drafts
            drafts.append((bob, record, {"forecastEnd": "2027-06-30"}, "2025-11-20"))
        async with conn.cursor() as cur:
            await cur.executemany(
                "INSERT INTO pfa_modification (user_id, organization_id, record_id, changes,"
                " base_version, created_at, modified_at) VALUES (%s, %s, %s, %s::jsonb, %s,"
                " %s::timestamptz, %s::timestamptz)",
                [
                    (u, rio, r["id"], orjson.dumps(c).decode(), r["pems_version"], d, d)
                    for u, r, c, d in drafts
                ],
            )
        await conn.commit()
    with psycopg.connect(url, autocommit=True) as sync_conn:
        sync_conn.execute("VACUUM ANALYZE")
    return Demo(url, rio, alice, bob)
