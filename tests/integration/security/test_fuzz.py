"""API fuzzing with schemathesis against the OpenAPI document of a real `pfa serve`.

Every operation of /openapi.json gets `FUZZ_EXAMPLES` generated requests (valid and invalid
parameters and bodies), sent over HTTP once as an admin of ALPHA and once as an editor (the
role of the demo's alice and bob); half of them aim at ALPHA so that they get past the
membership check into the routes' own logic. Each response must not be a
5xx and must conform to the document: a declared status, the declared content type, and a
body valid against the declared schema. The number of examples is bounded to keep the run
near a minute (`PFA_FUZZ_EXAMPLES` raises it for a deeper run).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from psycopg import AsyncConnection, sql
from psycopg.rows import dict_row
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from pfa_vanguard.accounts.repository import add_user
from pfa_vanguard.pems.client import PemsClient
from pfa_vanguard.pems.config import PemsConfig
from pfa_vanguard.pems.simulator import start_simulator
from pfa_vanguard.sync.service import sync_org
from tests.integration.scaleout.processes import clean_env, serve

FUZZ_EXAMPLES = int(os.environ.get("PFA_FUZZ_EXAMPLES", "20"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@dataclass(frozen=True)
class FuzzTarget:
    url: str

    def login(self, username: str) -> dict[str, str]:
        """A fresh token of `username` (password pw) as request headers."""
        login = httpx.post(
            f"{self.url}/api/auth/login", json={"username": username, "password": "pw"}
        )
        assert login.status_code == 200, login.text
        return {"Authorization": f"Bearer {login.json()['access_token']}"}


async def seed_from_pems(db_url: str, pems_url: str) -> None:
    """ALPHA and BETA synced from the simulator; ada admin, alice and lou editors of ALPHA,
    olivia editor of BETA (password pw)."""
    async with await AsyncConnection.connect(db_url, row_factory=dict_row) as conn:
        for username, org, role in (
            ("ada", "ALPHA", "admin"),
            ("alice", "ALPHA", "editor"),
            ("lou", "ALPHA", "editor"),
            ("olivia", "BETA", "editor"),
        ):
            await add_user(conn, username, "pw", org, role)
        await conn.commit()
        async with PemsClient(PemsConfig(base_url=pems_url)) as client:
            for org in ("ALPHA", "BETA"):
                result = await sync_org(conn, client, org, full=True)
                assert result.status == "succeeded", result


@pytest.fixture(scope="module")
def fuzz_target(
    pg_admin_url: str, template_db: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FuzzTarget]:
    """A database of its own synced from a PEMS simulator, and a `pfa serve` on both (so
    commits really reach PEMS); a token of ALPHA's admin."""
    name = f"pfa_fuzz_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template_db)
            )
        )
    url = psycopg.conninfo.make_conninfo(pg_admin_url, dbname=name)
    workdir = tmp_path_factory.mktemp("fuzz")
    try:
        with start_simulator(("ALPHA", "BETA"), records=150, seed=7) as sim:
            asyncio.run(seed_from_pems(url, sim.url))
            env = clean_env(database_url=url, data_dir=str(workdir / "data"), pems_url=sim.url)
            with serve(env, workdir) as api:
                yield FuzzTarget(api.url)
                output = api.output()
                assert "Traceback" not in output, output[-5000:]
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(scope="module")
def fuzz_schema(fuzz_target: FuzzTarget) -> Any:
    return schemathesis.openapi.from_url(f"{fuzz_target.url}/openapi.json")


def _aim_at_alpha(case: Any) -> None:
    """Half the generated organizations (chosen by content, so reproducibly) become ALPHA."""

    def heads(value: Any) -> bool:
        return hashlib.blake2b(repr(value).encode(), digest_size=1).digest()[0] % 2 == 0

    if case.path_parameters and heads(case.path_parameters.get("org")):
        case.path_parameters["org"] = "ALPHA"
    if isinstance(case.body, dict) and "org" in case.body and heads(case.body["org"]):
        case.body["org"] = "ALPHA"


def _fuzz(operation: Any, url: str, headers: dict[str, str], other: dict[str, str]) -> None:
    """`headers` authenticate every request but a logout's, which ends `other`'s sessions (a
    logout with the caller's own token would end the run's authentication)."""
    # each login costs an Argon2 verification (on purpose): fewer examples there
    examples = max(FUZZ_EXAMPLES // 4, 3) if operation.path == "/api/auth/login" else FUZZ_EXAMPLES
    headers = other if operation.path == "/api/auth/logout" else headers

    @given(case=operation.as_strategy())
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        _aim_at_alpha(case)
        case.call_and_validate(base_url=url, headers=headers, checks=CHECKS, timeout=60)

    run()


@pytest.mark.parametrize("username", ["ada", "alice"])
def test_api_conforms_to_its_openapi_document(
    fuzz_schema: Any, fuzz_target: FuzzTarget, username: str
) -> None:
    """Each operation in turn (schemathesis' pytest plugin predates pytest 9); every failing
    operation is reported, not only the first."""
    headers, other = fuzz_target.login(username), fuzz_target.login("lou")
    failures: list[str] = []
    operations = 0
    for result in fuzz_schema.get_all_operations():
        operation = result.ok()
        operations += 1
        try:
            _fuzz(operation, fuzz_target.url, headers, other)
        except (Exception, BaseExceptionGroup) as exc:  # collected, reported below
            failures.append(f"{operation.label}: {exc}")
    assert operations >= 20
    assert not failures, "\n\n".join(failures)


def test_the_fuzzed_server_left_no_trace(fuzz_target: FuzzTarget, tmp_path: Path) -> None:
    """After the fuzzing the server still answers and still refuses strangers."""
    assert httpx.get(f"{fuzz_target.url}/api/health").status_code == 200
    assert httpx.get(f"{fuzz_target.url}/api/me").status_code == 401
    me = httpx.get(f"{fuzz_target.url}/api/me", headers=fuzz_target.login("ada"))
    assert me.status_code == 200
