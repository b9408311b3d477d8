"""The spend profile by month through the API: its months add up to the KPI board's totals (with
and without drafts), by group too, and a draft moving a window moves its spend."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.api.conftest import Api, World


async def _get(api: Api, user: str, path: str, **params: Any) -> Any:
    resp = await api.client.get(path, params=params, headers=await api.login(user))
    assert resp.status_code == 200, resp.text[:300]
    return resp.json()


def _sum(values: list[float]) -> float:
    return round(sum(values), 2)


async def test_months_add_up_to_the_board_with_and_without_drafts(api: Api, world: World) -> None:
    records = [r for r in world.records["ALPHA"] if r["source"] == "Rental"
               and not r["isDiscontinued"] and not r["isFundsTransferable"]]  # fmt: skip
    resp = await api.client.post(
        "/api/pfa/ALPHA/draft",
        json={"recordId": records[0]["pfaId"], "changes": {"forecastEnd": "2028-12-31"}},
        headers=await api.login("alice"),
    )
    assert resp.status_code == 200, resp.text
    kpi = await _get(api, "alice", "/api/pfa/ALPHA/kpi", drafts="true")
    body = await _get(api, "alice", "/api/pfa/ALPHA/kpi/months", drafts="true")
    assert body["currency"] == "USD"
    for side in ("current", "pending"):
        profile, board = body[side], kpi[side]["totals"]
        for window in ("plan", "forecast", "actual"):
            assert _sum(profile["total"][window]) == board[window]["total"], (side, window)
            assert profile["total"][f"{window}Cumulative"][-1] == pytest.approx(
                board[window]["total"], abs=0.01
            )
        assert len(profile["months"]) == len(profile["total"]["forecast"])
    assert body["pending"]["months"][-1] == "2028-12"
    assert body["current"]["months"][-1] < "2028-12"


@pytest.mark.parametrize(("by", "field"), [("category", "category"), ("areaSilo", "areaSilo"),
                                           ("dor", "dor"), ("source", "source")])  # fmt: skip
async def test_groups_add_up_to_the_boards_groups(
    api: Api, world: World, by: str, field: str
) -> None:
    body = await _get(api, "victor", "/api/pfa/ALPHA/kpi/months", by=by)
    groups = {
        g["key"]: _sum(g["forecast"]) for g in body["current"]["groups"] if any(g["forecast"])
    }
    assert _sum(list(groups.values())) == _sum(body["current"]["total"]["forecast"])
    if by == "category":
        kpi = await _get(api, "victor", "/api/pfa/ALPHA/kpi")
        board = kpi["current"]["byCategory"]
        assert groups == {c["category"]: c["forecast"]["total"] for c in board
                          if c["forecast"]["total"]}  # fmt: skip
    assert body["pending"] is None


async def test_a_bad_group_is_refused(api: Api, world: World) -> None:
    resp = await api.client.get(
        "/api/pfa/ALPHA/kpi/months", params={"by": "colour"}, headers=await api.login("victor")
    )
    assert resp.status_code == 422
    assert resp.json()["detail"]
