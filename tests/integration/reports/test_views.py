"""Views: explicit date filters (starts in, ends in, overlaps) in the grid's read and the
exports, the totals of a filtered view, and named views saved per user, optionally shared."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from pfa_vanguard.kpi.board import board, cells_from_records
from tests.integration.api.conftest import Api, World


async def _get(api: Api, user: str, path: str, **params: Any) -> Any:
    resp = await api.client.get(path, params=params, headers=await api.login(user))
    assert resp.status_code == 200, resp.text[:300]
    return resp.json()


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


SELECTS = {
    "overlaps": lambda s, e, lo, hi: s is not None and e is not None and s <= hi and e >= lo,
    "starts": lambda s, e, lo, hi: s is not None and lo <= s <= hi,
    "ends": lambda s, e, lo, hi: e is not None and lo <= e <= hi,
}


@pytest.mark.parametrize("mode", ["overlaps", "starts", "ends"])
async def test_date_filters_say_what_they_select(api: Api, world: World, mode: str) -> None:
    low, high = date(2025, 6, 1), date(2025, 9, 30)
    body = await _get(api, "victor", "/api/pfa/ALPHA", **{"from": low.isoformat(),
                      "to": high.isoformat(), "dateMode": mode})  # fmt: skip
    got = sorted(r["id"] for r in body["records"])
    want = sorted(
        r["pfaId"]
        for r in world.records["ALPHA"]
        if SELECTS[mode](_day(r.get("forecastStart")), _day(r.get("forecastEnd")), low, high)
    )
    assert got == want
    assert 0 < len(want) < len(world.records["ALPHA"])
    totals = await _get(api, "victor", "/api/pfa/ALPHA/totals", **{"from": low.isoformat(),
                        "to": high.isoformat(), "dateMode": mode})  # fmt: skip
    chosen = [r for r in world.records["ALPHA"] if r["pfaId"] in set(want)]
    figures = board(cells_from_records(chosen))["totals"]
    assert totals["records"] == len(want)
    assert totals["forecast"] == figures["forecast"]
    assert totals["variance"] == figures["variance"]
    assert totals["currency"] == "USD"
    assert totals["exclusions"]["text"].startswith("excludes ")


async def test_the_starts_and_ends_filters_differ_from_overlaps(api: Api, world: World) -> None:
    params = {"from": "2025-06-01", "to": "2025-09-30"}
    counts = {
        mode: len((await _get(api, "victor", "/api/pfa/ALPHA", **params, dateMode=mode))["records"])
        for mode in ("overlaps", "starts", "ends")
    }
    assert counts["overlaps"] > counts["starts"]
    assert counts["overlaps"] > counts["ends"]
    resp = await api.client.get(
        "/api/pfa/ALPHA", params={**params, "dateMode": "during"}, headers=await api.login("victor")
    )
    assert resp.status_code == 422


async def test_named_views_are_per_user_and_optionally_shared(api: Api, world: World) -> None:
    alice, bob = await api.login("alice"), await api.login("bob")
    url = "/api/pfa/ALPHA/views"
    resp = await api.client.post(
        url, json={"name": "A01 cranes", "query": "category=Crane&sort=-forecastEnd"}, headers=alice
    )
    assert resp.status_code == 200, resp.text
    private = resp.json()
    resp = await api.client.post(
        url, json={"name": "Rentals", "query": "source=Rental", "shared": True}, headers=alice
    )
    shared = resp.json()
    # saving again under a name replaces it
    resp = await api.client.post(
        url,
        json={
            "name": "Rentals",
            "query": "source=Rental&dateMode=starts&from=2026-01-01",
            "shared": True,
        },
        headers=alice,
    )
    assert resp.json()["id"] == shared["id"]
    mine = (await api.client.get(url, headers=alice)).json()
    assert [v["name"] for v in mine] == ["A01 cranes", "Rentals"]
    theirs = (await api.client.get(url, headers=bob)).json()
    assert [(v["name"], v["owner"], v["mine"]) for v in theirs] == [("Rentals", "alice", False)]
    assert theirs[0]["query"] == "source=Rental&dateMode=starts&from=2026-01-01"
    # only the owner deletes; another organization sees nothing
    resp = await api.client.delete(f"{url}/{shared['id']}", headers=bob)
    assert resp.status_code == 404
    olivia = await api.login("olivia")
    assert (await api.client.get("/api/pfa/BETA/views", headers=olivia)).json() == []
    resp = await api.client.delete(f"{url}/{private['id']}", headers=alice)
    assert resp.status_code == 204
    assert [v["name"] for v in (await api.client.get(url, headers=alice)).json()] == ["Rentals"]


@pytest.mark.parametrize(
    "body",
    [
        {"name": "", "query": "category=Crane"},
        {"name": "x" * 81, "query": ""},
        {"name": "bad", "query": "drop=table"},
        {"name": "bad", "query": "category"},
        {"name": "bad", "query": "q=" + "x" * 2000},
    ],
)
async def test_bad_views_are_refused(api: Api, world: World, body: dict[str, Any]) -> None:
    resp = await api.client.post(
        "/api/pfa/ALPHA/views", json=body, headers=await api.login("alice")
    )
    assert resp.status_code in (400, 422), resp.text
    assert resp.json()["detail"]
    assert (
        await api.client.get("/api/pfa/ALPHA/views", headers=await api.login("alice"))
    ).json() == []


async def test_the_column_layout_is_kept_per_user_and_organization(api: Api, world: World) -> None:
    alice, bob, olivia = [await api.login(u) for u in ("alice", "bob", "olivia")]
    url = "/api/pfa/ALPHA/columns"
    assert (await api.client.get(url, headers=alice)).json() == {"query": "", "updatedAt": None}
    layout = "cols=id,forecastEnd,category&widths=description:320&hide=dor,source&pin=2"
    resp = await api.client.put(url, json={"query": layout}, headers=alice)
    assert resp.status_code == 200, resp.text
    assert resp.json()["query"] == layout
    assert (await api.client.get(url, headers=alice)).json()["query"] == layout
    # another user, or the same user in another organization, keeps their own
    assert (await api.client.get(url, headers=bob)).json()["query"] == ""
    assert (await api.client.get("/api/pfa/BETA/columns", headers=olivia)).json()["query"] == ""
    # anything but the columns' parameters is refused and changes nothing
    for bad in ("category=Crane", "cols=id&evil=1", "a" * 2001, "=&&="):
        resp = await api.client.put(url, json={"query": bad}, headers=alice)
        assert resp.status_code in (400, 422), (bad, resp.text)
        assert set(resp.json()) >= {"error", "detail"}
    assert (await api.client.get(url, headers=alice)).json()["query"] == layout
    # an empty layout is the default again
    resp = await api.client.put(url, json={"query": ""}, headers=alice)
    assert resp.json() == {"query": "", "updatedAt": None}
    assert (await api.client.get(url, headers=alice)).json()["query"] == ""


async def test_a_named_view_keeps_grouping_and_columns(api: Api, world: World) -> None:
    alice = await api.login("alice")
    query = "category=Crane&category=Generator&group=areaSilo&cols=id,forecastEnd&pin=2"
    resp = await api.client.post(
        "/api/pfa/ALPHA/views", json={"name": "by area", "query": query}, headers=alice
    )
    assert resp.status_code == 200, resp.text
    views = (await api.client.get("/api/pfa/ALPHA/views", headers=alice)).json()
    assert [v["query"] for v in views if v["name"] == "by area"] == [query]
