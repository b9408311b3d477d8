"""`pfa pems check` against the simulator over HTTP: what it reports with the right settings,
with a wrong one, and when the tenant cannot be read; it never writes."""

from __future__ import annotations

import httpx
import pytest
from typer.testing import CliRunner

from pfa_vanguard.cli import app
from pfa_vanguard.pems.simulator import RunningSimulator


def options(sim: RunningSimulator, **values: object) -> None:
    response = httpx.post(f"{sim.control_url}/_sim/options", json=values)
    assert response.status_code == 200, response.text


@pytest.fixture
def runner(sim: RunningSimulator, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("PFA_PEMS_URL", sim.url)
    for name in ("PFA_PEMS_DATE_ORDER", "PFA_PEMS_ORGANIZATION", "PFA_PEMS_YEAR_FORMAT",
                 "PFA_PEMS_NUMERIC_VALUE"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    return CliRunner()


def test_the_right_settings_understand_every_value(
    sim: RunningSimulator, runner: CliRunner
) -> None:
    result = runner.invoke(app, ["pems", "check", "RIO"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "every value was understood" in result.output
    assert "PFA-000001" in result.output
    assert "pfs_lastmodified minute + hash" in result.output
    assert "recordid" in result.output  # the screen record's counter is shown
    assert sim.state.writes_for() == []


def test_a_wrong_date_order_is_caught(
    sim: RunningSimulator, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    options(sim, dateOrder="DMY")
    result = runner.invoke(app, ["pems", "check", "RIO"], terminal_width=200)
    assert result.exit_code == 1, result.output
    assert "not understood" in result.output
    monkeypatch.setenv("PFA_PEMS_DATE_ORDER", "DMY")
    result = runner.invoke(app, ["pems", "check", "RIO", "--record", "PFA-000007"])
    assert result.exit_code == 0, result.output
    assert "PFA-000007" in result.output


def test_a_wrong_reading_of_numericdata_value_is_caught(
    sim: RunningSimulator, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    options(sim, numericValue="plain")
    result = runner.invoke(app, ["pems", "check", "RIO"], terminal_width=200)
    assert result.exit_code == 1, result.output
    assert "monthlyRate: the grid says" in result.output
    monkeypatch.setenv("PFA_PEMS_NUMERIC_VALUE", "plain")
    result = runner.invoke(app, ["pems", "check", "RIO"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "every value was understood" in result.output
    assert sim.state.writes_for() == []


def test_a_tenant_that_cannot_be_read_exits_2(sim: RunningSimulator, runner: CliRunner) -> None:
    options(sim, apiOrganization="ENTERPRISE")
    result = runner.invoke(app, ["pems", "check", "RIO"], terminal_width=200)
    assert result.exit_code == 2, result.output
    assert "cannot read PEMS" in result.output
    assert "HTTP 400" in result.output
