"""An organization's currency: set from the CLI's service, checked, shown with its figures."""

from __future__ import annotations

from typing import Any

import pytest
from psycopg import AsyncConnection
from psycopg.rows import dict_row

from pfa_vanguard.errors import BadRequest, NotFound
from pfa_vanguard.kpi.service import currency
from pfa_vanguard.orgs.service import add_organization, set_currency


async def test_currency_defaults_to_usd_and_is_set_per_organization(db_url: str) -> None:
    async with await AsyncConnection.connect(db_url, row_factory=dict_row) as conn:
        one: dict[str, Any] = await add_organization(conn, "CUR1")
        two: dict[str, Any] = await add_organization(conn, "CUR2")
        assert await currency(conn, one["id"]) == "USD"
        await set_currency(conn, "CUR1", " eur ")
        assert await currency(conn, one["id"]) == "EUR"
        assert await currency(conn, two["id"]) == "USD"
        with pytest.raises(BadRequest, match="ISO 4217"):
            await set_currency(conn, "CUR1", "euro")
        with pytest.raises(NotFound):
            await set_currency(conn, "NOPE", "GBP")
        assert await currency(conn, one["id"]) == "EUR"
