"""The shipped alert rules and dashboard name only metrics (and labels) that the code really
exports: `pfa serve` and `pfa worker --metrics-port` run as processes against a real database
and the PEMS simulator, and both are scraped over HTTP."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
import yaml  # type: ignore[import-untyped]  # pyyaml comes with schemathesis (dev)
from prometheus_client.parser import text_string_to_metric_families

from pfa_vanguard.pems.simulator import start_simulator
from pfa_vanguard.pems.simulator.faults import Fault, Faults
from tests.integration.api.conftest import PASSWORD, seed_world

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
_METRIC = re.compile(r"\b(pfa_[a-z_]+)(\{[^}]*\})?")
_LABEL = re.compile(r"([a-z_]+)\s*(?:=~|!~|!=|=)")

Exported = dict[str, set[str]]  # sample name -> label names seen on it


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def alert_expressions() -> list[str]:
    rules = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    found = [rule["expr"] for group in rules["groups"] for rule in group["rules"]]
    assert len(found) >= 7
    return found


def dashboard_expressions() -> list[str]:
    board = json.loads((DEPLOY / "grafana" / "pfa.json").read_text())
    return [t["expr"] for panel in board["panels"] for t in panel.get("targets", [])]


def referenced(expressions: list[str]) -> dict[str, set[str]]:
    """Metric names in the expressions, with the label names their selectors use."""
    names: dict[str, set[str]] = {}
    for expr in expressions:
        for name, selector in _METRIC.findall(expr):
            names.setdefault(name, set()).update(_LABEL.findall(selector or ""))
    return names


def scrape(url: str) -> Exported:
    text = httpx.get(url, timeout=10).text
    exported: Exported = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            exported.setdefault(sample.name, set()).update(sample.labels)
    return exported


@pytest.fixture
def processes(db_url: str, tmp_path: Path) -> Iterator[tuple[str, str, str]]:
    """(API base URL, API metrics URL, worker metrics URL) of running processes: ALPHA syncs
    from the simulator (after one retry), BETA fails (the simulator has no such
    organization)."""
    import asyncio

    asyncio.run(seed_world(db_url, alpha_records=50, beta_records=5))
    with psycopg.connect(db_url) as conn:  # the API reads ALPHA's last sync from here
        conn.execute("UPDATE organizations SET last_synced_at = now() WHERE code = 'ALPHA'")
        conn.execute("UPDATE organizations SET last_synced_at = NULL")  # both due at once
    pfa = str(Path(sys.executable).with_name("pfa"))
    api_port, worker_port = _free_port(), _free_port()
    with (
        start_simulator(("ALPHA",), records=50, seed=3) as sim,
        (tmp_path / "log").open("ab") as log,
    ):
        # The first call to PEMS answers 503: the client retries (pfa_pems_retries_total).
        sim.state.set_faults(Faults(script=[Fault("error", status=503)]))
        env = {
            **os.environ,
            "PFA_DATABASE_URL": db_url,
            "PFA_DATA_DIR": str(tmp_path),
            "PFA_PEMS_URL": sim.url,
            "PFA_DATABASE_BUDGET_BYTES": str(10 * 2**30),
        }
        argvs = [
            [pfa, "serve", "--port", str(api_port)],
            [pfa, "worker", "--metrics-port", str(worker_port)],
        ]
        procs = [
            subprocess.Popen(argv, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=log)
            for argv in argvs
        ]
        try:
            yield (
                f"http://127.0.0.1:{api_port}",
                f"http://127.0.0.1:{api_port}/metrics",
                f"http://127.0.0.1:{worker_port}/metrics",
            )
        finally:
            for proc in procs:
                proc.send_signal(signal.SIGINT)
            for proc in procs:
                proc.wait(timeout=30)


def test_alerts_and_dashboard_reference_only_exported_metrics(
    processes: tuple[str, str, str],
) -> None:
    api, api_metrics, worker_metrics = processes
    worker_exported = _wait_until_worker_ready(worker_metrics)
    api_exported = _exercise_api(api, api_metrics)
    exported = {**api_exported}
    for name, labels in worker_exported.items():
        exported.setdefault(name, set()).update(labels)

    wanted = referenced(alert_expressions() + dashboard_expressions())
    missing = sorted(set(wanted) - set(exported))
    assert missing == [], f"referenced but not exported: {missing}"
    for name, labels in wanted.items():
        assert labels <= exported[name], f"{name} has no label(s) {labels - exported[name]}"
    # The storage metric covers the families the alert sums.
    families = {
        line.split('family="')[1].split('"')[0]
        for line in httpx.get(worker_metrics, timeout=10).text.splitlines()
        if line.startswith("pfa_database_bytes{")
    }
    assert {"mirror", "tombstones", "drafts", "sync_history", "commit_audit"} <= families


def _wait_until_worker_ready(url: str) -> Exported:
    deadline = time.monotonic() + 90
    exported: Exported = {}
    ready = ["pfa_sync_last_success_timestamp_seconds", "pfa_sync_failures_total",
             "pfa_database_bytes", "pfa_database_budget_bytes", "pfa_sync_late",
             "pfa_pems_requests_total", "pfa_pems_retries_total",
             "pfa_sync_records_total"]  # fmt: skip
    while True:
        try:
            exported = scrape(url)
            if all(name in exported for name in ready):
                return exported
        except httpx.TransportError:
            pass
        missing = [name for name in ready if name not in exported]
        assert time.monotonic() < deadline, f"the worker never exported {missing}"
        time.sleep(0.3)


def _exercise_api(base: str, metrics_url: str) -> Exported:
    deadline = time.monotonic() + 60
    with httpx.Client(base_url=base, timeout=30) as client:
        while True:
            try:
                if client.get("/api/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "pfa serve did not come up"
            time.sleep(0.2)
        login = client.post("/api/auth/login", json={"username": "ada", "password": PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        assert client.get("/api/pfa/ALPHA", headers=headers).status_code == 200
        assert client.get("/api/pfa/NOPE", headers=headers).status_code in (403, 404)
        client.post("/api/ai/query", json={"org": "ALPHA", "question": "how many records?"},
                    headers=headers)  # fmt: skip
    return scrape(metrics_url)
