"""The shipped deployment files name commands and options that exist, restart on failure and
read their settings from an environment file."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

import pytest
import typer
import yaml  # type: ignore[import-untyped]  # pyyaml comes with schemathesis (dev)

from pfa_vanguard.cli import app

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"


def _options_of(argv: list[str]) -> tuple[list[str], set[str]]:
    """The subcommand path and the options a `pfa ...` command line uses."""
    assert argv[0].endswith("pfa"), argv
    words = [a for a in argv[1:] if not a.startswith("-")]
    return words[:1], {a for a in argv[1:] if a.startswith("--")}


def _accepted(path: list[str]) -> set[str]:
    command = typer.main.get_command(app)
    for word in path:
        command = command.commands[word]  # type: ignore[attr-defined]
    if hasattr(command, "commands") and "now" in command.commands:  # pfa sync
        command = command.commands["now"]
    return {opt for param in command.params for opt in param.opts if opt.startswith("--")}


@pytest.mark.parametrize("unit", ["pfa-serve.service", "pfa-worker.service"])
def test_systemd_units(unit: str) -> None:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / "systemd" / unit)
    service = parser["Service"]
    assert service["Restart"] == "on-failure"
    assert service["EnvironmentFile"] == "/etc/pfa/pfa.env"
    path, options = _options_of(shlex.split(service["ExecStart"]))
    assert path == [unit.removeprefix("pfa-").removesuffix(".service")]
    assert options <= _accepted(path), options - _accepted(path)


def test_compose_runs_postgres_the_api_and_the_worker() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "api", "worker"}
    assert services["db"]["image"].startswith("postgres:")
    for name in ("api", "worker"):
        service = services[name]
        assert service["restart"] == "unless-stopped"
        assert service["env_file"] == "pfa.env"
        assert "PFA_DATABASE_URL" in service["environment"]
        argv = service["command"]
        path, options = _options_of(["pfa", *argv[1:]])
        assert path == [{"api": "serve", "worker": "worker"}[name]]
        assert options <= _accepted(path), options - _accepted(path)


def test_the_example_environment_names_only_real_settings() -> None:
    from pfa_vanguard.settings import Settings

    names = {
        line.split("=", 1)[0].lstrip("# ").strip()
        for line in (DEPLOY / "pfa.env.example").read_text().splitlines()
        if "=" in line and line.lstrip("# ").startswith("PFA_")
    }
    known = {f"PFA_{field.upper()}" for field in Settings.model_fields}
    assert names
    assert names <= known, names - known
