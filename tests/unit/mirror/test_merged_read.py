"""The merged read's pure parts, and its place below the HTTP layer."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import pfa_vanguard.mirror
from pfa_vanguard.mirror.merged_read import accepts_deflate

_HTTP_PACKAGES = ("fastapi", "starlette", "pfa_vanguard.api")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip, deflate, br", True),
        ("deflate", True),
        ("gzip;q=1.0, deflate;q=0.5", True),
        ("gzip, deflate;q=0", False),
        ("gzip", False),
        (None, False),
        ("identity", False),
    ],
)
def test_deflate_negotiation(header: str | None, expected: bool) -> None:
    assert accepts_deflate(header) is expected


def test_the_read_engine_does_not_depend_on_the_http_layer() -> None:
    """The mirror package (snapshots, read planning, splicing) is used by the API, never the
    other way round: no module of it imports FastAPI, Starlette or the api package."""
    offenders = []
    for path in Path(next(iter(pfa_vanguard.mirror.__path__))).glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.name}: {n}"
                for n in names
                if any(n == p or n.startswith(p + ".") for p in _HTTP_PACKAGES)
            ]
    assert offenders == []
