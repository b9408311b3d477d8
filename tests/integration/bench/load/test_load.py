"""Load: 50 concurrent users against a real `pfa serve` (subprocess) with the mixed workload of
`pfa loadtest`, here for a short run; the full 2-minute run is `pfa loadtest` (figures in
docs/benchmarks.md, "Load"). No timing assertion: every request must be answered."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from pydantic import SecretStr

from pfa_vanguard.bench.load.driver import LoadError, run_load
from pfa_vanguard.bench.load.environment import load_environment
from pfa_vanguard.settings import Settings


def _settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        database_url=db_url,
        data_dir=tmp_path,
        secret_key=SecretStr("load-test-secret-key-long-enough-for-hs256"),
    )


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_fifty_users_for_fifteen_seconds_get_no_error(db_url: str, tmp_path: Path) -> None:
    settings = _settings(db_url, tmp_path)
    with load_environment(settings, tmp_path, org="LOAD", records=2_000, users=50) as env:
        report = asyncio.run(
            run_load(env.api_url, env.org, env.users, 15.0, think_s=0.5, poll_s=3.0)
        )
    examples = {name: s.examples for name, s in report.ops.items() if s.examples}
    assert report.errors == 0, examples
    # every user's screen kept itself fresh: a mark, then delta reads from it
    assert report.ops["poll_changes"].requests >= 50 * 3
    assert report.records == 2_000
    assert report.requests > 0
    assert "| all |" in report.markdown()


async def test_the_driver_refuses_anything_but_loopback() -> None:
    with pytest.raises(LoadError, match="loopback"):
        await run_load("http://example.com", "LOAD", [("u", "p")], 1.0)


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_an_ai_burst_beside_the_load_is_refused_not_failed(db_url: str, tmp_path: Path) -> None:
    """`pfa loadtest --ai-burst`: one more user asks 20 questions at a time all along; it gets
    answers and 429s, and every other user's request is still served."""
    settings = _settings(db_url, tmp_path)
    with load_environment(settings, tmp_path, org="LOAD", records=1_000, users=11) as env:
        report = asyncio.run(
            run_load(env.api_url, env.org, env.users, 10.0, think_s=0.5, ai_burst=20)
        )
    assert report.burst is not None
    examples = {name: s.examples for name, s in report.ops.items() if s.examples}
    assert report.errors == 0, (examples, report.burst.examples, report.burst.statuses)
    assert report.users == 10
    assert report.burst.statuses[200] > 0
    assert report.burst.statuses[429] > 0
    assert "AI burst: one more user asking 20 questions at a time" in report.markdown()
