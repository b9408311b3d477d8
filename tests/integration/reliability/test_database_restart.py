"""PostgreSQL stopped and started again under a running `pfa serve` (a real subprocess on its
own embedded server in a temporary data directory): while it is down every request fails with
503 in the one JSON error shape; once it is back the same process serves again (no restart) and
every draft saved before the outage is still there."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pfa_vanguard.db import embedded
from tests.integration.api.conftest import PASSWORD, seed_world
from tests.integration.scaleout.processes import Process, clean_env, serve


@pytest.fixture
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Process, Path]]:
    """`pfa serve` starting (and migrating) the embedded server of a fresh data directory."""
    data_dir = tmp_path_factory.mktemp("pgrestart")
    try:
        env = clean_env(data_dir=str(data_dir))
        with serve(env, data_dir) as proc:
            yield proc, data_dir
    finally:
        embedded.stop(data_dir)


def login(http: httpx.Client, username: str) -> dict[str, str]:
    resp = http.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


def assert_unavailable(resp: httpx.Response) -> None:
    assert resp.status_code == 503, resp.text
    body = resp.json()
    assert body["error"] == "DatabaseUnavailable"
    assert isinstance(body["detail"], str)
    assert body["detail"]


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_requests_fail_with_503_then_recover_without_a_restart_and_no_draft_is_lost(
    served: tuple[Process, Path],
) -> None:
    proc, data_dir = served
    world = asyncio.run(seed_world(embedded.ensure_running(data_dir)))
    first, second = (r["pfaId"] for r in world.records["ALPHA"][:2])
    with httpx.Client(base_url=proc.url, timeout=30) as http:
        alice = login(http, "alice")
        saved = http.post(
            "/api/pfa/ALPHA/draft",
            json={"recordId": first, "changes": {"equipment": "EQ-BEFORE-OUTAGE"}},
            headers=alice,
        )
        assert saved.status_code == 200, saved.text
        assert http.get("/api/pfa/ALPHA", headers=alice).status_code == 200

        embedded.stop(data_dir)
        assert_unavailable(http.get("/api/health"))
        assert_unavailable(http.get("/api/pfa/ALPHA", headers=alice))
        assert_unavailable(http.get("/api/pfa/ALPHA/kpi", headers=alice))
        assert_unavailable(http.get("/api/pfa/ALPHA/drafts", headers=alice))
        assert_unavailable(
            http.post(
                "/api/pfa/ALPHA/draft",
                json={"recordId": second, "changes": {"equipment": "EQ-DURING"}},
                headers=alice,
            )
        )
        assert_unavailable(
            http.post("/api/auth/login", json={"username": "bob", "password": PASSWORD})
        )

        embedded.ensure_running(data_dir)
        deadline = time.monotonic() + 90
        while http.get("/api/health").status_code != 200:
            assert time.monotonic() < deadline, "the API did not recover:\n" + proc.output()
            time.sleep(0.3)
        assert proc.popen.poll() is None, "the API process restarted"

        drafts = http.get("/api/pfa/ALPHA/drafts", headers=alice)
        assert drafts.status_code == 200, drafts.text
        assert {d["recordId"]: d["changes"] for d in drafts.json()} == {
            first: {"equipment": "EQ-BEFORE-OUTAGE"}
        }
        again = http.post(
            "/api/pfa/ALPHA/draft",
            json={"recordId": second, "changes": {"equipment": "EQ-AFTER"}},
            headers=alice,
        )
        assert again.status_code == 200, again.text
        merged = http.get("/api/pfa/ALPHA", params={"hasDraft": "true"}, headers=alice)
        assert merged.status_code == 200, merged.text
        got = {r["id"]: r["data"]["equipment"] for r in merged.json()["records"]}
        assert got == {first: "EQ-BEFORE-OUTAGE", second: "EQ-AFTER"}
        assert http.get("/api/pfa/ALPHA/kpi", headers=login(http, "bob")).status_code == 200
