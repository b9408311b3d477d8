"""The application's state is one typed object: reached through `app_state`, never through
untyped `app.state` attributes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from fastapi import FastAPI

import pfa_vanguard
from pfa_vanguard.api.state import app_state, started_state

SRC = Path(next(iter(pfa_vanguard.__path__)))


def test_before_start_up_there_is_no_state() -> None:
    app = FastAPI()
    assert started_state(app) is None
    with pytest.raises(RuntimeError, match="has not started"):
        app_state(app)


def test_no_module_but_api_state_touches_app_state_attributes() -> None:
    """`<something>.app.state.x` or `app.state.x` outside api/state.py is an untyped access."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if path.relative_to(SRC).as_posix() == "api/state.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "state"
                and (
                    (isinstance(node.value, ast.Name) and node.value.id == "app")
                    or (isinstance(node.value, ast.Attribute) and node.value.attr == "app")
                )
            ):
                found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert found == []
