"""commit_200 (docs/benchmarks.md): 200 drafts pushed to the simulator (no added latency)
through POST /commit, measured and printed (`pytest -m slow -s`); the figure goes in the report, no
timing is asserted."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from pfa_vanguard.pems.client import PemsClient
from tests.integration.api.commit_env import commit_env

DRAFTS = 200


@pytest.mark.slow
async def test_commit_200(db_url: str, tmp_path: Path) -> None:
    async with commit_env(db_url, tmp_path, records=10_000) as env:
        async with await env.connect() as conn:
            await conn.execute(
                """
                INSERT INTO pfa_modification
                    (user_id, organization_id, record_id, changes, base_version, base_values)
                SELECT u.id, m.organization_id, m.id,
                       jsonb_build_object('forecastEnd', (m.forecast_end + 7)::text,
                                          'equipment', 'EQ-B' || m.id),
                       m.pems_version,
                       jsonb_build_object('forecastEnd', m.data -> 'forecastEnd',
                                          'equipment', m.data -> 'equipment')
                FROM users u, pfa_mirror m JOIN organizations o ON o.id = m.organization_id
                WHERE u.username = 'alice' AND o.code = 'RIO' AND m.forecast_end IS NOT NULL
                  AND m.forecast_start IS NOT NULL AND NOT m.is_discontinued
                ORDER BY m.id LIMIT %s
                """,
                [DRAFTS],
            )
            await conn.commit()
        await env.api.login("alice")
        started = time.perf_counter()
        resp = await env.commit("alice")
        took = time.perf_counter() - started

        assert resp.status_code == 200, resp.text
        assert len(resp.json()["committed"]) == DRAFTS
        assert len(await env.writes()) == DRAFTS
        # For scale: the same number of writes straight from the PEMS client (no database).
        rows = env.sim.state.records("RIO")[-DRAFTS:]
        limit = asyncio.Semaphore(8)

        async def write(client: PemsClient, row: dict[str, str]) -> str:
            async with limit:
                result = await client.update_record("RIO", row["pfs_id"], {"equipment": "EQ-C"})
                return result.status

        async with env.pems() as client:
            started = time.perf_counter()
            statuses = await asyncio.gather(*(write(client, row) for row in rows))
            pems_only = time.perf_counter() - started
        assert set(statuses) == {"accepted"}
        print(
            f"\ncommit_200: {DRAFTS} drafts committed to the simulator in {took:.2f} s "
            f"(the PEMS client alone writes {DRAFTS} records in {pems_only:.2f} s)"
        )
