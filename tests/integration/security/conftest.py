"""Fixtures of the security tests: the API tests' app and world, plus planted canaries.

Canaries are unique strings stored where only their owner may see them: a record of the other
organization (BETA), another user's draft (bob's, in ALPHA), the other organization's member's
draft (olivia's, in BETA). A response that contains one leaked data it must not.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson
import pytest
from psycopg import AsyncConnection
from psycopg.rows import dict_row

from tests.integration.api.conftest import World, api, seed_world  # noqa: F401

ALPHA_CANARY = "CANARY-ALPHA-7f3a91"
BETA_CANARY = "CANARY-BETA-c0ffee"
BOB_DRAFT_CANARY = "CANARY-BOB-DRAFT-51d2"
OLIVIA_DRAFT_CANARY = "CANARY-OLIVIA-DRAFT-9e44"
RECORD = "PFA-000001"


@dataclass(frozen=True)
class Planted:
    world: World
    record: str = RECORD


async def plant_canaries(db_url: str, world: World) -> None:
    """Canaries in both organizations' mirrors and in two users' drafts."""
    async with await AsyncConnection.connect(db_url, row_factory=dict_row) as conn:
        for code, canary in (("ALPHA", ALPHA_CANARY), ("BETA", BETA_CANARY)):
            await conn.execute(
                "UPDATE pfa_mirror m SET doc = m.data || %s::jsonb"
                " WHERE organization_id = %s AND id = %s",
                [orjson.dumps({"contract": canary}).decode(), world.orgs[code], RECORD],
            )
        for username, code, canary in (
            ("bob", "ALPHA", BOB_DRAFT_CANARY),
            ("olivia", "BETA", OLIVIA_DRAFT_CANARY),
        ):
            await conn.execute(
                "INSERT INTO pfa_modification (user_id, organization_id, record_id, changes,"
                " base_version, base_values)"
                " SELECT u.id, %s, %s, %s::jsonb, 1, '{}' FROM users u WHERE u.username = %s",
                [world.orgs[code], RECORD, orjson.dumps({"equipment": canary}).decode(), username],
            )
        await conn.execute("UPDATE organizations SET mirror_version = mirror_version + 1")
        await conn.commit()


@pytest.fixture
async def planted(db_url: str) -> Planted:
    world = await seed_world(db_url)
    await plant_canaries(db_url, world)
    return Planted(world=world)
