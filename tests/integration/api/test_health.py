"""Health (ok / degraded / 503 with the database stopped), metrics, and the web UI at `/`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from pfa_vanguard.api.auth import TokenService
from pfa_vanguard.api.state import app_state
from pfa_vanguard.db import embedded, migrate
from pfa_vanguard.sync.metrics import observe
from tests.integration.api.conftest import Api, World, api_settings, running_api, seed_world


async def test_health_is_ok_then_degraded_when_a_sync_is_late(api: Api, world: World) -> None:
    """Without a token: status only (no organization codes); with one: also the caller's
    own organizations, each with its last sync and whether it is late."""
    resp = await api.client.get("/api/health")
    assert resp.status_code == 200
    assert resp.json() == {"status": "ok", "database": "ok"}
    victor = await api.login("victor")  # ALPHA only
    body = (await api.client.get("/api/health", headers=victor)).json()
    assert body["status"] == "ok"
    assert [(o["code"], o["late"]) for o in body["orgs"]] == [("ALPHA", False)]
    assert body["orgs"][0]["lastSyncedAt"] is not None
    async with await api.db() as conn:
        await conn.execute(
            "UPDATE organizations SET last_synced_at = %s WHERE code = 'BETA'",
            [datetime.now(UTC) - timedelta(hours=2)],
        )
        await conn.commit()
    assert (await api.client.get("/api/health")).json() == {
        "status": "degraded",
        "database": "ok",
    }
    olivia = (await api.client.get("/api/health", headers=await api.login("olivia"))).json()
    assert olivia["status"] == "degraded"
    assert [(o["code"], o["late"]) for o in olivia["orgs"]] == [("BETA", True)]


async def test_health_with_a_bad_or_ended_token_is_401(api: Api, world: World) -> None:
    forged = TokenService("another-key-another-key-another-key!", 60).issue(1, "alice")
    resp = await api.client.get("/api/health", headers={"Authorization": f"Bearer {forged}"})
    assert resp.status_code == 401
    victor = await api.login("victor")
    assert (await api.client.post("/api/auth/logout", headers=victor)).status_code == 204
    ended = await api.client.get("/api/health", headers=victor)
    assert ended.status_code == 401
    assert "ALPHA" not in ended.text


async def test_health_is_503_while_the_database_is_stopped(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    data_dir = tmp_path_factory.mktemp("pgdown")
    url = embedded.ensure_running(data_dir)
    migrate.upgrade(url)
    try:
        async with running_api(api_settings(tmp_path, url), url) as api:
            assert (await api.client.get("/api/health")).status_code == 200
            tokens: TokenService = app_state(api.app).tokens
            headers = {"Authorization": f"Bearer {tokens.issue(1, 'alice')}"}
            embedded.stop(data_dir)
            down = await api.client.get("/api/health")
            assert down.status_code == 503
            assert down.json()["status"] == "unavailable"
            assert down.json()["error"] == "DatabaseUnavailable"
            read = await api.client.get("/api/pfa/ALPHA", headers=headers)
            assert read.status_code == 503
            assert read.json()["error"] == "DatabaseUnavailable"
            embedded.ensure_running(data_dir)
            for _ in range(20):  # the pool reconnects by itself
                if (await api.client.get("/api/health")).status_code == 200:
                    break
            else:
                pytest.fail("health did not recover after the database came back")
    finally:
        embedded.stop(data_dir)


async def test_metrics_count_requests_by_route_template(api: Api, world: World) -> None:
    headers = await api.login("victor")
    await api.client.get("/api/pfa/ALPHA/kpi", headers=headers)
    await api.client.get("/api/pfa/NOPE/kpi", headers=headers)
    text = (await api.client.get("/metrics")).text
    assert 'route="/api/pfa/{org}/kpi"' in text
    assert 'pfa_http_errors_total{method="GET",route="/api/pfa/{org}/kpi",status="403"}' in text
    assert "pfa_http_requests_in_progress" in text
    assert "NOPE" not in text


async def test_metrics_show_organizations_only_to_a_scrape_with_the_token(
    db_url: str, tmp_path: Path, world: World
) -> None:
    """Without PFA_METRICS_TOKEN the series labelled by organization are left out; with it,
    a scrape needs the bearer token and gets them all."""
    observe("ALPHA", kind="incremental", status="succeeded", seconds=1.5,
                counts={"inserted": 3}, finished_at=1.0)  # fmt: skip
    async with running_api(api_settings(tmp_path, db_url), db_url) as open_api:
        text = (await open_api.client.get("/metrics")).text
        assert "pfa_http_requests_total" in text
        assert "ALPHA" not in text
        assert 'org="' not in text
    token = "metrics-scrape-token-0123456789"
    settings = api_settings(tmp_path, db_url, metrics_token=SecretStr(token))
    async with running_api(settings, db_url) as closed:
        refused = await closed.client.get("/metrics")
        assert refused.status_code == 401
        assert refused.json()["error"] == "Unauthorized"
        wrong = await closed.client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        scrape = await closed.client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
        assert scrape.status_code == 200
        assert 'pfa_sync_records_total{org="ALPHA",outcome="inserted"}' in scrape.text


async def test_the_web_ui_is_served_with_a_client_route_fallback(api: Api) -> None:
    index = await api.client.get("/")
    assert index.status_code == 200
    assert "<" in index.text
    deep = await api.client.get("/orgs/ALPHA/grid")
    assert deep.status_code == 200
    assert deep.text == index.text
    missing = await api.client.get("/api/nothing-here")
    assert missing.status_code == 404
    assert missing.json()["error"] == "NotFound"
    assert (await api.client.get("/openapi.json")).json()["info"]["title"] == "PFA Vanguard"


async def test_a_process_out_of_connections_answers_server_busy_then_recovers(
    db_url: str, tmp_path: Path
) -> None:
    """Overload is told apart from an outage: while every connection of the process's pool is
    taken, a request waits `PFA_DB_POOL_TIMEOUT_S`, then gets 503 ServerBusy with Retry-After
    (not DatabaseUnavailable); once a connection is free, requests are served again."""
    await seed_world(db_url, alpha_records=20, beta_records=2)
    settings = api_settings(tmp_path, db_url, db_pool_min=2, db_pool_max=2, db_pool_timeout_s=0.5)
    async with running_api(settings, db_url) as api:
        headers = await api.login("victor")
        pool = app_state(api.app).pool
        held = [await pool.getconn(), await pool.getconn()]
        try:
            busy = await api.client.get("/api/pfa/ALPHA", headers=headers)
            assert busy.status_code == 503, busy.text
            assert busy.json()["error"] == "ServerBusy"
            assert "2 database connections" in busy.json()["detail"]
            assert busy.headers["Retry-After"] == "2"
        finally:
            for conn in held:
                await pool.putconn(conn)
        served = await api.client.get("/api/pfa/ALPHA", headers=headers)
        assert served.status_code == 200, served.text
        assert served.json()["total"] == 20
