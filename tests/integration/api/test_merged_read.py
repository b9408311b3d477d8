"""GET /api/pfa/{org}: baseline + the caller's drafts, filters on merged values, ETag/304,
pagination, and catching up with mirror changes."""

from __future__ import annotations

import asyncio
import zlib
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest

from pfa_vanguard.api.state import app_state
from pfa_vanguard.domain.costs import with_derived
from pfa_vanguard.domain.values import to_date
from tests.integration.api.conftest import Api, World, api_settings, running_api


async def read(api: Api, user: str, org: str = "ALPHA", **params: Any) -> dict[str, Any]:
    resp = await api.client.get(f"/api/pfa/{org}", params=params, headers=await api.login(user))
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    return body


async def save(
    api: Api, user: str, record_id: str, changes: dict[str, Any], org: str = "ALPHA"
) -> Any:
    resp = await api.client.post(
        f"/api/pfa/{org}/draft",
        json={"recordId": record_id, "changes": changes},
        headers=await api.login(user),
    )
    assert resp.status_code == 200, resp.text
    return resp.json()


async def test_whole_org_is_every_record_in_id_order_with_derived_fields(
    api: Api, world: World
) -> None:
    body = await read(api, "victor")
    expected = sorted(world.records["ALPHA"], key=lambda r: r["pfaId"])
    assert body["total"] == len(expected) == len(body["records"])
    assert [r["id"] for r in body["records"]] == [r["pfaId"] for r in expected]
    for got, want in zip(body["records"], expected, strict=True):
        assert got["hasDraft"] is False
        assert got["state"] == "pristine"
        assert got["data"] == with_derived(want)
    assert body["nextCursor"] is None
    assert body["stale"] is False
    assert body["hasDrafts"] is False
    assert body["lastSyncedAt"]


async def test_the_whole_org_comes_compressed_and_identical_either_way(
    api: Api, world: World
) -> None:
    await save(
        api, "alice", "PFA-000005", {"dor": "BEO" if True else "PROJECT", "equipment": "EQ-X"}
    )
    headers = await api.login("alice")
    raw = await api.client.get("/api/pfa/ALPHA", headers={**headers, "Accept-Encoding": "identity"})
    packed = await api.client.get(
        "/api/pfa/ALPHA", headers={**headers, "Accept-Encoding": "deflate"}
    )
    assert raw.headers.get("content-encoding") is None
    assert packed.headers["content-encoding"] == "deflate"
    assert orjson.loads(raw.content) == orjson.loads(packed.content)
    async with api.client.stream(
        "GET", "/api/pfa/ALPHA", headers={**headers, "Accept-Encoding": "deflate"}
    ) as streamed:
        wire = b"".join([part async for part in streamed.aiter_raw()])
    assert orjson.loads(zlib.decompress(wire)) == orjson.loads(raw.content)


async def test_drafts_are_merged_for_their_owner_only(api: Api, world: World) -> None:
    record = world.records["ALPHA"][9]
    await save(
        api, "alice", record["pfaId"], {"forecastStart": "2026-01-01", "forecastEnd": "2026-12-31"}
    )
    mine = {r["id"]: r for r in (await read(api, "alice"))["records"]}
    theirs = {r["id"]: r for r in (await read(api, "bob"))["records"]}
    merged = mine[record["pfaId"]]
    assert merged["hasDraft"] is True
    assert merged["state"] == "draft"
    assert merged["data"] == with_derived(
        {**record, "forecastStart": "2026-01-01", "forecastEnd": "2026-12-31"}
    )
    assert theirs[record["pfaId"]]["data"] == with_derived(record)
    assert theirs[record["pfaId"]]["hasDraft"] is False
    assert len(mine) == len(theirs) == len(world.records["ALPHA"])


def _overlaps(r: dict[str, Any], start: date, end: date) -> bool:
    s, e = to_date(r.get("forecastStart")), to_date(r.get("forecastEnd"))
    return s is not None and e is not None and s <= end and e >= start


async def test_each_filter_applies_to_merged_values(api: Api, world: World) -> None:
    records = {r["pfaId"]: r for r in world.records["ALPHA"]}
    moved, recoloured = "PFA-000003", "PFA-000004"
    await save(api, "alice", moved, {"forecastStart": "2031-03-10", "forecastEnd": "2031-03-20"})
    new_dor = "BEO" if records[recoloured]["dor"] == "PROJECT" else "PROJECT"
    await save(api, "alice", recoloured, {"dor": new_dor, "forecastCategory": "Zeppelin"})
    merged = dict(records)
    merged[moved] = {**records[moved], "forecastStart": "2031-03-10", "forecastEnd": "2031-03-20"}
    merged[recoloured] = {**records[recoloured], "dor": new_dor, "forecastCategory": "Zeppelin"}

    async def ids(user: str, **params: Any) -> list[str]:
        return [r["id"] for r in (await read(api, user, **params))["records"]]

    march = {"from": "2031-03-01", "to": "2031-03-31"}
    assert await ids("alice", **march) == [moved]
    assert await ids("bob", **march) == []
    window = {"from": "2025-05-01", "to": "2025-05-31"}
    expected = sorted(
        i for i, r in merged.items() if _overlaps(r, date(2025, 5, 1), date(2025, 5, 31))
    )
    assert await ids("alice", **window) == expected
    for name, field in [
        ("dor", "dor"),
        ("category", "category"),
        ("source", "source"),
        ("area", "areaSilo"),
    ]:
        value = merged[recoloured][field]
        want = sorted(i for i, r in merged.items() if r.get(field) == value)
        assert await ids("alice", **{name: value}) == want, name
    assert await ids("alice", forecastCategory="Zeppelin") == [recoloured]
    assert await ids("bob", forecastCategory="Zeppelin") == []
    two = sorted(i for i, r in merged.items() if r["category"] in ("Crane", "Truck"))
    assert await ids("alice", category=["Crane", "Truck"]) == two
    assert await ids("alice", q="line 12") == sorted(
        i for i, r in merged.items() if "line 12" in r["description"]
    )
    assert await ids("alice", q="pfa-00000") == sorted(
        i for i in merged if i.startswith("PFA-00000")
    )
    assert await ids("alice", hasDraft="true") == [moved, recoloured]
    assert len(await ids("alice", hasDraft="false")) == len(merged) - 2
    body = await read(api, "alice", dor=new_dor, hasDraft="true")
    want = [i for i in (moved, recoloured) if merged[i]["dor"] == new_dor]
    assert [r["id"] for r in body["records"]] == want
    assert body["hasDrafts"] is True


async def test_sorting_and_cursor_pagination(api: Api, world: World) -> None:
    await save(api, "alice", "PFA-000007", {"forecastEnd": "2030-01-01"})
    whole = (await read(api, "alice", sort="-forecastCost"))["records"]
    costs = [r["data"]["forecastCost"] for r in whole]
    assert costs == sorted(costs, reverse=True)
    assert len(whole) == len(world.records["ALPHA"])
    pages: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"sort": "-forecastCost", "limit": 25}
        if cursor:
            params["cursor"] = cursor
        body = await read(api, "alice", **params)
        assert body["total"] == len(whole)
        pages.extend(body["records"])
        cursor = body["nextCursor"]
        if cursor is None:
            break
    assert [r["id"] for r in pages] == [r["id"] for r in whole]
    by_start = (await read(api, "alice", sort="forecastStart", limit=500))["records"]
    starts = [r["data"]["forecastStart"] for r in by_start]
    assert starts == sorted(starts)
    assert (
        await api.client.get(
            "/api/pfa/ALPHA", params={"sort": "bogus"}, headers=await api.login("alice")
        )
    ).status_code == 400


async def test_etag_revalidation_answers_304_until_something_changes(
    api: Api, world: World
) -> None:
    headers = await api.login("alice")
    first = await api.client.get("/api/pfa/ALPHA", headers=headers)
    etag = first.headers["ETag"]
    again = await api.client.get("/api/pfa/ALPHA", headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    other = await api.client.get(
        "/api/pfa/ALPHA", headers={**await api.login("bob"), "If-None-Match": etag}
    )
    assert other.status_code == 304  # same baseline, no drafts either
    await save(api, "alice", "PFA-000002", {"equipment": "EQ-NEW"})
    changed = await api.client.get("/api/pfa/ALPHA", headers={**headers, "If-None-Match": etag})
    assert changed.status_code == 200
    still = await api.client.get(
        "/api/pfa/ALPHA", headers={**await api.login("bob"), "If-None-Match": etag}
    )
    assert still.status_code == 304
    filtered = await api.client.get(
        "/api/pfa/ALPHA", params={"dor": "BEO"}, headers={**headers, "If-None-Match": etag}
    )
    assert filtered.status_code == 200


async def test_the_snapshot_catches_up_with_mirror_writes_and_removals(
    api: Api, world: World
) -> None:
    await read(api, "victor")
    conn = await api.db()
    async with conn:
        await conn.execute(
            'UPDATE pfa_mirror m SET doc = m.data || \'{"equipment": "EQ-SYNCED"}\','
            " pems_version = 2 "
            "WHERE organization_id = %s AND id = 'PFA-000011'",
            [world.orgs["ALPHA"]],
        )
        await conn.execute(
            "DELETE FROM pfa_mirror WHERE organization_id = %s AND id = 'PFA-000012'",
            [world.orgs["ALPHA"]],
        )
        await conn.execute(
            "INSERT INTO pfa_mirror_removed (organization_id, id) VALUES (%s, 'PFA-000012')",
            [world.orgs["ALPHA"]],
        )
        new = {**world.records["ALPHA"][0], "pfaId": "PFA-000000A"}
        await conn.execute(
            "INSERT INTO pfa_mirror (organization_id, id, doc, pems_version) "
            "VALUES (%s, %s, %s, 1)",
            [world.orgs["ALPHA"], new["pfaId"], orjson.dumps(new).decode()],
        )
        await conn.execute("UPDATE organizations SET mirror_version = mirror_version + 1")
        await conn.commit()
    body = await read(api, "victor")
    by_id = {r["id"]: r for r in body["records"]}
    assert by_id["PFA-000011"]["data"]["equipment"] == "EQ-SYNCED"
    assert "PFA-000012" not in by_id
    assert by_id["PFA-000000A"]["data"] == with_derived(new)
    assert [r["id"] for r in body["records"]] == sorted(by_id)
    assert body["total"] == len(world.records["ALPHA"])


async def test_other_organizations_are_forbidden(api: Api, world: World) -> None:
    headers = await api.login("alice")
    for path in [
        "/api/pfa/BETA",
        "/api/pfa/NOPE",
        "/api/pfa/BETA/records/PFA-000001",
        "/api/pfa/BETA/drafts",
    ]:
        resp = await api.client.get(path, headers=headers)
        assert resp.status_code == 403, path
        assert resp.json()["error"] == "Forbidden"
    assert (await api.client.get("/api/pfa/ALPHA")).status_code == 401


async def test_a_sync_notification_catches_the_snapshot_up_in_the_background(
    api: Api, world: World
) -> None:
    await read(api, "victor")
    caches = app_state(api.app).caches
    before = caches.snapshots.peek(world.orgs["ALPHA"])
    assert before is not None
    async with await api.db() as conn:
        await conn.execute(
            'UPDATE pfa_mirror m SET doc = m.data || \'{"equipment": "EQ-WARM"}\' '
            "WHERE organization_id = %s AND id = 'PFA-000021'",
            [world.orgs["ALPHA"]],
        )
        await conn.execute("UPDATE organizations SET mirror_version = mirror_version + 1")
        await conn.execute("SELECT pg_notify('pfa_mirror_changed', 'ALPHA')")
        await conn.commit()
    for _ in range(200):
        current = caches.snapshots.peek(world.orgs["ALPHA"])
        if current is not None and current.version > before.version:
            break
        await asyncio.sleep(0.05)
    else:
        pytest.fail("the snapshot was not refreshed after the notification")
    assert b"EQ-WARM" in current.entries["PFA-000021"]


async def test_a_small_mirror_is_encoded_at_start_up(
    db_url: str, world: World, tmp_path: Path
) -> None:
    async with running_api(api_settings(tmp_path, db_url), db_url) as started:
        snapshots = app_state(started.app).caches.snapshots
        for _ in range(200):
            if all(snapshots.peek(org_id) is not None for org_id in world.orgs.values()):
                break
            await asyncio.sleep(0.05)
        else:
            pytest.fail("the organizations were not encoded at start-up")
