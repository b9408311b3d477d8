"""The quick benchmark run (`pfa bench --orgs 2 --records-per-org 5000`) end to end, so that it
never rots: a subprocess against the test server (its own pfa_bench database), the real
`pfa serve` and simulator, every operation, and the outputs docs/benchmarks.md describes. No
timing is asserted: the figures depend on the machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

pytestmark = pytest.mark.slow

OPERATION_KEYS = {
    "p50_ms", "p95_ms", "p99_ms", "floor_ms", "target_ms", "goal_ms", "requests", "errors",
}  # fmt: skip


def _pfa() -> str:
    candidate = Path(sys.executable).with_name("pfa")
    return str(candidate) if candidate.exists() else "pfa"


@pytest.mark.timeout(900)
def test_quick_run_measures_every_operation(pg_admin_url: str, tmp_path: Path) -> None:
    database = f"pfa_bench_{os.getpid()}"
    out = tmp_path / "out"
    env = {**os.environ, "PFA_DATABASE_URL": pg_admin_url, "PFA_DATA_DIR": str(tmp_path)}
    argv = [
        _pfa(), "bench", "--orgs", "2", "--records-per-org", "5000", "--out", str(out),
        "--database", database,
        "--repetitions", "50", "--commit-repetitions", "1", "--sync-repetitions", "1",
        "--users", "4", "--seconds", "8", "--think-ms", "300",
    ]  # fmt: skip
    try:
        done = subprocess.run(
            argv, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=840, check=False
        )
        assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]

        report = json.loads((out / "bench.json").read_text())
        assert report["orgs"] == 2
        assert report["records_per_org"] == 5000
        assert report["machine"]
        operations = report["operations"]
        assert set(operations) == {
            "load_org", "load_org_revalidate", "load_org_delta", "filter_category",
            "filter_dates", "kpi", "ai_query", "save_draft", "commit_200", "sync_full",
            "sync_noop", "concurrent",
        }  # fmt: skip
        for name, figures in operations.items():
            assert set(figures) == OPERATION_KEYS, name
            assert figures["errors"] == 0, (name, done.stdout[-4000:])
            assert figures["requests"] >= 1, name
            assert figures["p95_ms"] is not None, name
        for name in ("load_org", "load_org_revalidate", "load_org_delta", "filter_category",
                     "filter_dates", "kpi", "ai_query", "save_draft"):  # fmt: skip
            assert operations[name]["requests"] >= 50, name
            assert operations[name]["floor_ms"] is not None, name
        assert report["sync_noop_rows_written"] == 0
        assert report["storage_bytes_per_org"] > 0

        table = (out / "bench.md").read_text()
        assert (
            "| operation | p50 ms | p95 ms | p99 ms | floor ms | ratio | target | goal |" in table
        )
        assert "load_org" in done.stdout
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
            )
