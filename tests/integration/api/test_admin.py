"""Sync administration: status, run now (a pending run the worker picks up), pause/resume,
schedule, run history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

from pfa_vanguard.sync.repository import LOCK_NAMESPACE
from tests.integration.api.conftest import Api, World, api_settings, running_api


async def test_status_run_now_pause_resume_schedule_and_history(api: Api, world: World) -> None:
    headers = await api.login("ada")
    status = await api.client.get("/api/admin/sync", headers=headers)
    assert status.status_code == 200, status.text
    [alpha] = status.json()
    assert alpha["code"] == "ALPHA"
    assert alpha["paused"] is False
    assert alpha["running"] is False
    assert alpha["schedule"] == "*/15 * * * *"
    assert alpha["timezone"] == "UTC"
    assert alpha["customSchedule"] is False
    assert alpha["stale"] is False

    run = await api.client.post("/api/admin/sync/ALPHA", headers=headers)
    assert run.status_code == 202, run.text
    run_id = run.json()["runId"]
    again = await api.client.post("/api/admin/sync/ALPHA", headers=headers)
    assert again.json()["runId"] == run_id  # never queued twice
    [alpha] = (await api.client.get("/api/admin/sync", headers=headers)).json()
    assert alpha["pendingRunId"] == run_id

    paused = await api.client.post("/api/admin/sync/ALPHA/pause", headers=headers)
    assert paused.json()["paused"] is True
    assert paused.json()["nextRunAt"] is None
    resumed = await api.client.post("/api/admin/sync/ALPHA/resume", headers=headers)
    assert resumed.json()["paused"] is False

    bad = await api.client.put(
        "/api/admin/sync/ALPHA/schedule", json={"cron": "every hour"}, headers=headers
    )
    assert bad.status_code == 400
    assert "cron" in bad.json()["detail"]
    hourly = await api.client.put(
        "/api/admin/sync/ALPHA/schedule", json={"cron": "0 * * * *"}, headers=headers
    )
    assert hourly.json()["schedule"] == "0 * * * *"
    assert hourly.json()["customSchedule"] is True
    default = await api.client.put(
        "/api/admin/sync/ALPHA/schedule", json={"cron": None}, headers=headers
    )
    assert default.json()["customSchedule"] is False

    runs = await api.client.get("/api/admin/sync/runs", params={"org": "ALPHA"}, headers=headers)
    assert runs.status_code == 200
    assert [(r["id"], r["status"], r["requestedBy"]) for r in runs.json()] == [
        (run_id, "pending", "ada")
    ]
    forbidden = await api.client.get(
        "/api/admin/sync/runs", params={"org": "BETA"}, headers=headers
    )
    assert forbidden.status_code == 403


async def test_status_names_the_schedules_time_zone(api: Api, world: World, tmp_path: Path) -> None:
    """PFA_SYNC_TIMEZONE: 'hourly at :00' is the same in Kolkata (UTC+05:30) only at :30 UTC."""
    settings = api_settings(tmp_path / "tz", api.db_url, sync_timezone="Asia/Kolkata")
    async with running_api(settings, api.db_url) as kolkata:
        headers = await kolkata.login("ada")
        hourly = await kolkata.client.put(
            "/api/admin/sync/ALPHA/schedule", json={"cron": "0 * * * *"}, headers=headers
        )
        assert hourly.status_code == 200, hourly.text
        assert hourly.json()["timezone"] == "Asia/Kolkata"
        with psycopg.connect(api.db_url) as conn:
            conn.execute(
                "UPDATE organizations SET last_synced_at = %s WHERE code = 'ALPHA'",
                [datetime(2031, 1, 1, 10, 0, tzinfo=UTC)],
            )
        [alpha] = (await kolkata.client.get("/api/admin/sync", headers=headers)).json()
        assert alpha["nextRunAt"] == "2031-01-01T10:30:00Z"


async def test_status_shows_the_open_maintenance_window(api: Api, world: World) -> None:
    headers = await api.login("ada")
    [alpha] = (await api.client.get("/api/admin/sync", headers=headers)).json()
    assert alpha["maintenanceUntil"] is None
    with psycopg.connect(api.db_url) as conn:
        conn.execute(
            "INSERT INTO maintenance_windows (organization_id, cron, duration_minutes)"
            " SELECT id, '* * * * *', 120 FROM organizations WHERE code = 'ALPHA'"
        )
    [alpha] = (await api.client.get("/api/admin/sync", headers=headers)).json()
    until = datetime.fromisoformat(alpha["maintenanceUntil"])
    assert datetime.now(UTC) + timedelta(minutes=118) < until
    assert datetime.fromisoformat(alpha["nextRunAt"]) >= until  # no scheduled sync before


async def test_a_killed_workers_run_is_not_shown_as_running(api: Api, world: World) -> None:
    """A sync runs while it holds its organization's advisory lock; a worker killed mid-sync
    leaves its sync_runs row 'running' (until the next sync marks it abandoned) but its lock
    died with its session, so the admin screen must not show the organization as running."""
    headers = await api.login("ada")
    org_id = world.orgs["ALPHA"]
    with psycopg.connect(api.db_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO sync_runs (organization_id, kind, trigger, status, worker)"
            " VALUES (%s, 'full', 'schedule', 'running', 'killed-worker')",
            [org_id],
        )
    [alpha] = (await api.client.get("/api/admin/sync", headers=headers)).json()
    assert alpha["running"] is False
    assert alpha["lastRun"]["status"] == "running"  # the row as the dead worker left it

    with psycopg.connect(api.db_url, autocommit=True) as holder:  # a live sync holds the lock
        holder.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_NAMESPACE, org_id])
        try:
            [alpha] = (await api.client.get("/api/admin/sync", headers=headers)).json()
            assert alpha["running"] is True
        finally:
            holder.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, org_id])
