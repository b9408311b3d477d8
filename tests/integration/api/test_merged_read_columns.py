"""GET /api/pfa/{org} as columns (Accept: application/vnd.pfa.columns+json): the same
records as the JSON read, with ETags of their own, 304 until something changes, filters and
pages, compressed or not; JSON stays the default."""

from __future__ import annotations

import zlib
from typing import Any

import orjson

from pfa_vanguard.mirror.columns import COLUMNS_TYPE, from_columns
from tests.integration.api.conftest import Api, World
from tests.integration.api.test_merged_read import save

COLUMNS = {"Accept": COLUMNS_TYPE}


async def both(api: Api, user: str, **params: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    headers = await api.login(user)
    rows = await api.client.get("/api/pfa/ALPHA", params=params, headers=headers)
    cols = await api.client.get("/api/pfa/ALPHA", params=params, headers={**headers, **COLUMNS})
    assert rows.status_code == cols.status_code == 200
    assert rows.headers["content-type"].startswith("application/json")
    assert cols.headers["content-type"].startswith(COLUMNS_TYPE)
    assert "Accept" in cols.headers["vary"]
    return rows.json(), from_columns(cols.content)


async def test_json_stays_the_default(api: Api, world: World) -> None:
    headers = await api.login("victor")
    for accept in (None, "application/json", "*/*", f"{COLUMNS_TYPE};q=0.5, application/json"):
        sent = {**headers, "Accept": accept} if accept else headers
        resp = await api.client.get("/api/pfa/ALPHA", headers=sent)
        assert resp.headers["content-type"].startswith("application/json"), accept
        assert "records" in resp.json()


async def test_columns_decode_to_the_same_records_with_drafts_and_states(
    api: Api, world: World
) -> None:
    await save(api, "alice", "PFA-000005", {"dor": "BEO", "equipment": "EQ-X"})
    await save(api, "alice", "PFA-000007", {"equipment": "EQ-Y"})
    rows, cols = await both(api, "alice")
    assert cols == rows
    assert any(r["hasDraft"] for r in cols["records"])
    # Filters, sort and pages too.
    rows, cols = await both(api, "alice", dor="BEO", sort="-forecastEnd", limit=7)
    assert cols == rows
    assert cols["nextCursor"]
    rows, cols = await both(api, "alice", q="PFA-00000", hasDraft=True)
    assert cols == rows
    assert len(cols["records"]) == 2


async def test_codes_are_dictionary_encoded_and_numbers_stay_numbers(
    api: Api, world: World
) -> None:
    resp = await api.client.get("/api/pfa/ALPHA", headers={**await api.login("victor"), **COLUMNS})
    body = orjson.loads(resp.content)
    fields = {f["name"]: f for f in body["fields"]}
    assert body["count"] == len(body["ids"]) == len(world.records["ALPHA"])
    for code in ("category", "source", "dor"):
        assert "dict" in fields[code], code
        assert len(fields[code]["dict"]) < body["count"]
    assert all(isinstance(v, (int, float)) for v in fields["planCost"]["values"])


async def test_compressed_or_not_the_same_body(api: Api, world: World) -> None:
    headers = {**await api.login("alice"), **COLUMNS}
    raw = await api.client.get("/api/pfa/ALPHA", headers={**headers, "Accept-Encoding": "identity"})
    async with api.client.stream(
        "GET", "/api/pfa/ALPHA", headers={**headers, "Accept-Encoding": "deflate"}
    ) as streamed:
        wire = b"".join([part async for part in streamed.aiter_raw()])
        assert streamed.headers["content-encoding"] == "deflate"
    assert zlib.decompress(wire) == raw.content
    assert len(wire) < len(raw.content) / 3


async def test_columns_have_etags_of_their_own_and_answer_304_until_something_changes(
    api: Api, world: World
) -> None:
    headers = await api.login("alice")
    as_rows = await api.client.get("/api/pfa/ALPHA", headers=headers)
    first = await api.client.get("/api/pfa/ALPHA", headers={**headers, **COLUMNS})
    etag = first.headers["ETag"]
    assert etag != as_rows.headers["ETag"]
    # One representation's ETag never validates the other.
    crossed = await api.client.get("/api/pfa/ALPHA", headers={**headers, "If-None-Match": etag})
    assert crossed.status_code == 200
    assert crossed.headers["content-type"].startswith("application/json")
    again = await api.client.get(
        "/api/pfa/ALPHA", headers={**headers, **COLUMNS, "If-None-Match": etag}
    )
    assert again.status_code == 304
    assert again.content == b""
    other = await api.client.get(
        "/api/pfa/ALPHA", headers={**await api.login("bob"), **COLUMNS, "If-None-Match": etag}
    )
    assert other.status_code == 304  # same baseline, no drafts either
    await save(api, "alice", "PFA-000002", {"equipment": "EQ-NEW"})
    changed = await api.client.get(
        "/api/pfa/ALPHA", headers={**headers, **COLUMNS, "If-None-Match": etag}
    )
    assert changed.status_code == 200
    record = next(r for r in from_columns(changed.content)["records"] if r["id"] == "PFA-000002")
    assert record["data"]["equipment"] == "EQ-NEW"
    assert record["state"] == "draft"


async def test_changes_since_a_columns_read_bring_it_up_to_date(api: Api, world: World) -> None:
    """The delta is the same for either representation: the change number read before the
    columns, then /changes?since= that mark, gives what a fresh read shows."""
    headers = await api.login("alice")
    mark = (await api.client.get("/api/pfa/ALPHA/changes", headers=headers)).json()["version"]
    before = await api.client.get("/api/pfa/ALPHA", headers={**headers, **COLUMNS})
    await save(api, "alice", "PFA-000003", {"equipment": "EQ-DELTA"})
    records = {r["id"]: r for r in from_columns(before.content)["records"]}
    delta = await api.client.get("/api/pfa/ALPHA/changes", params={"since": mark}, headers=headers)
    assert delta.status_code == 200
    for r in delta.json().get("records") or []:
        records[r["id"]] = {k: r[k] for k in ("id", "data", "hasDraft", "state")}
    fresh = await api.client.get("/api/pfa/ALPHA", headers={**headers, **COLUMNS})
    now = {r["id"]: r for r in from_columns(fresh.content)["records"]}
    assert now["PFA-000003"]["data"]["equipment"] == "EQ-DELTA"
    assert set(records) == set(now)
