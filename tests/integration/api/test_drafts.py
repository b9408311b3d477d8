"""Saving drafts: validation, resets, all-or-nothing batches, parallel saves, scope, restarts,
orphans, and the record detail with conflicts."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import orjson

from tests.integration.api.conftest import Api, World, add_member, api_settings, running_api


async def _post(api: Api, user: str, body: Any, org: str = "ALPHA") -> Any:
    return await api.client.post(f"/api/pfa/{org}/draft", json=body, headers=await api.login(user))


async def _drafts(api: Api, user: str, org: str = "ALPHA") -> dict[str, Any]:
    resp = await api.client.get(f"/api/pfa/{org}/drafts", headers=await api.login(user))
    assert resp.status_code == 200, resp.text
    return {d["recordId"]: d for d in resp.json()}


def _record(world: World, record_id: str) -> dict[str, Any]:
    return next(r for r in world.records["ALPHA"] if r["pfaId"] == record_id)


async def test_a_save_merges_into_the_draft_and_captures_its_base(api: Api, world: World) -> None:
    record = _record(world, "PFA-000001")
    first = await _post(api, "alice", {"recordId": "PFA-000001", "changes": {"equipment": "EQ-1"}})
    assert first.status_code == 200, first.text
    [saved] = first.json()["saved"]
    assert saved["changes"] == {"equipment": "EQ-1"}
    assert saved["baseVersion"] == 1
    assert saved["baseValues"] == {"equipment": record["equipment"]}
    assert saved["state"] == "draft"
    second = await _post(
        api,
        "alice",
        {
            "recordId": "PFA-000001",
            "changes": {"dor": "BEO" if record["dor"] == "PROJECT" else "PROJECT"},
        },
    )
    [saved] = second.json()["saved"]
    assert set(saved["changes"]) == {"equipment", "dor"}
    assert set(saved["baseValues"]) == {"equipment", "dor"}


async def test_null_or_baseline_values_leave_the_draft_and_an_empty_draft_disappears(
    api: Api, world: World
) -> None:
    record = _record(world, "PFA-000002")
    await _post(
        api,
        "alice",
        {"recordId": "PFA-000002", "changes": {"equipment": "EQ-9", "forecastEnd": "2029-01-01"}},
    )
    reset = await _post(api, "alice", {"recordId": "PFA-000002", "changes": {"equipment": None}})
    assert reset.json()["saved"][0]["changes"] == {"forecastEnd": "2029-01-01"}
    back = await _post(
        api, "alice", {"recordId": "PFA-000002", "changes": {"forecastEnd": record["forecastEnd"]}}
    )
    assert back.json() == {"saved": [], "removed": ["PFA-000002"]}
    assert await _drafts(api, "alice") == {}
    noop = await _post(
        api, "alice", {"recordId": "PFA-000002", "changes": {"equipment": record["equipment"]}}
    )
    assert noop.json() == {"saved": [], "removed": ["PFA-000002"]}
    assert await _drafts(api, "alice") == {}


async def test_refusals_name_every_bad_field_and_save_nothing(api: Api, world: World) -> None:
    one = await _post(
        api,
        "alice",
        {
            "recordId": "PFA-000003",
            "changes": {"category": "X", "forecastStart": "2025-13-01", "dor": "NOPE"},
        },
    )
    assert one.status_code == 422
    body = one.json()
    assert body["error"] == "ValidationError"
    assert set(body["fields"]) == {"category", "forecastStart", "dor"}
    assert "editable fields are" in body["fields"]["category"]
    window = await _post(
        api,
        "alice",
        {
            "recordId": "PFA-000003",
            "changes": {"forecastStart": "2030-01-02", "forecastEnd": "2030-01-01"},
        },
    )
    assert window.status_code == 422
    assert "forecastEnd" in window.json()["fields"]
    batch = await _post(
        api,
        "alice",
        [
            {"recordId": "PFA-000004", "changes": {"equipment": "FINE"}},
            {"recordId": "PFA-000005", "changes": {"isFundsTransferable": "yes"}},
            {"recordId": "PFA-000006", "changes": {"pfaId": "X"}},
        ],
    )
    assert batch.status_code == 422
    records = {r["recordId"]: r["fields"] for r in batch.json()["records"]}
    assert set(records) == {"PFA-000005", "PFA-000006"}
    assert set(batch.json()["fields"]) == {"PFA-000005.isFundsTransferable", "PFA-000006.pfaId"}
    assert await _drafts(api, "alice") == {}  # the good one was not saved either
    unknown = await _post(
        api,
        "alice",
        [
            {"recordId": "PFA-000004", "changes": {"equipment": "E"}},
            {"recordId": "NOPE", "changes": {"equipment": "E"}},
        ],
    )
    assert unknown.status_code == 404
    assert await _drafts(api, "alice") == {}
    empty = await _post(api, "alice", {"recordId": "PFA-000004", "changes": {}})
    assert empty.status_code == 422
    malformed = await _post(api, "alice", {"record": "PFA-000004"})
    assert malformed.status_code == 422
    assert "recordId" in malformed.json()["fields"]


async def test_discontinued_records_cannot_be_reactivated(api: Api, world: World) -> None:
    record = next(r for r in world.records["ALPHA"] if r["isDiscontinued"])
    resp = await _post(
        api, "alice", {"recordId": record["pfaId"], "changes": {"isDiscontinued": False}}
    )
    # false is the baseline value? no: the record is discontinued, so false would reactivate
    assert resp.status_code == 422
    assert "reactivated" in resp.json()["fields"]["isDiscontinued"]


async def test_fifty_parallel_saves_by_one_user_lose_no_field(api: Api, world: World) -> None:
    ids = [f"PFA-{n:06d}" for n in range(20, 30)]
    saves = []
    for record_id in ids:
        for field, value in [
            ("equipment", f"EQ-{record_id}"),
            ("dor", "BEO"),
            ("forecastCategory", "Zeppelin"),
            ("isFundsTransferable", True),
            ("forecastEnd", "2031-01-01"),
        ]:
            saves.append({"recordId": record_id, "changes": {field: value}})
    assert len(saves) == 50
    await api.login("alice")
    results = await asyncio.gather(*(_post(api, "alice", body) for body in saves))
    assert all(r.status_code == 200 for r in results), [
        r.text for r in results if r.status_code != 200
    ]
    drafts = await _drafts(api, "alice")
    for record_id in ids:
        record = _record(world, record_id)
        expected = {
            "equipment": f"EQ-{record_id}",
            "dor": "BEO",
            "forecastCategory": "Zeppelin",
            "isFundsTransferable": True,
            "forecastEnd": "2031-01-01",
        }
        expected = {k: v for k, v in expected.items() if record.get(k) != v}
        assert drafts[record_id]["changes"] == expected, record_id


async def test_delete_and_discard_touch_only_the_callers_drafts_in_that_org(
    api: Api, world: World
) -> None:
    conn = await api.db()
    async with conn:
        await add_member(conn, "alice", world.orgs["BETA"], "editor")
        await conn.commit()
    await _post(
        api,
        "alice",
        [
            {"recordId": "PFA-000001", "changes": {"equipment": "A1"}},
            {"recordId": "PFA-000002", "changes": {"equipment": "A2"}},
        ],
    )
    await _post(
        api, "alice", {"recordId": "PFA-000001", "changes": {"equipment": "B1"}}, org="BETA"
    )
    await _post(api, "bob", {"recordId": "PFA-000001", "changes": {"equipment": "BOB"}})
    headers = await api.login("alice")
    gone = await api.client.delete("/api/pfa/ALPHA/drafts/PFA-000002", headers=headers)
    assert gone.status_code == 200
    again = await api.client.delete("/api/pfa/ALPHA/drafts/PFA-000002", headers=headers)
    assert again.status_code == 404
    discarded = await api.client.post("/api/pfa/ALPHA/discard", headers=headers)
    assert discarded.json() == {"discarded": ["PFA-000001"], "count": 1}
    assert await _drafts(api, "alice") == {}
    assert set(await _drafts(api, "alice", "BETA")) == {"PFA-000001"}
    assert set(await _drafts(api, "bob")) == {"PFA-000001"}


async def test_drafts_survive_a_restart(db_url: str, tmp_path: Path, world: World) -> None:
    settings = api_settings(tmp_path, db_url)
    async with running_api(settings, db_url) as first:
        resp = await _post(
            first, "alice", {"recordId": "PFA-000008", "changes": {"equipment": "KEEP"}}
        )
        assert resp.status_code == 200
        token = (await first.login("alice"))["Authorization"]
    async with running_api(settings, db_url) as second:
        drafts = await second.client.get("/api/pfa/ALPHA/drafts", headers={"Authorization": token})
        assert [d["changes"] for d in drafts.json()] == [{"equipment": "KEEP"}]
        merged = await second.client.get(
            "/api/pfa/ALPHA", params={"hasDraft": "true"}, headers={"Authorization": token}
        )
        assert [r["data"]["equipment"] for r in merged.json()["records"]] == ["KEEP"]


async def test_record_detail_shows_conflicts_and_orphans(api: Api, world: World) -> None:
    record = _record(world, "PFA-000010")
    await _post(
        api,
        "alice",
        {
            "recordId": "PFA-000010",
            "changes": {
                "equipment": "MINE",
                "dor": "BEO" if record["dor"] == "PROJECT" else "PROJECT",
            },
        },
    )
    headers = await api.login("alice")
    detail = (await api.client.get("/api/pfa/ALPHA/records/PFA-000010", headers=headers)).json()
    assert detail["state"] == "draft"
    assert detail["conflict"] is None
    assert detail["baseline"]["equipment"] == record["equipment"]
    assert detail["merged"]["equipment"] == "MINE"
    assert detail["baseVersion"] == detail["pemsVersion"] == 1
    conn = await api.db()
    async with conn:  # PEMS changed equipment (a sync brought version 2)
        await conn.execute(
            "UPDATE pfa_mirror m SET doc = m.data || %s::jsonb, pems_version = 2 "
            "WHERE organization_id = %s AND id = 'PFA-000010'",
            [orjson.dumps({"equipment": "THEIRS"}).decode(), world.orgs["ALPHA"]],
        )
        await conn.execute("UPDATE organizations SET mirror_version = mirror_version + 1")
        await conn.commit()
    detail = (await api.client.get("/api/pfa/ALPHA/records/PFA-000010", headers=headers)).json()
    assert detail["state"] == "conflict"
    assert detail["conflict"] == {
        "equipment": {"base": record["equipment"], "theirs": "THEIRS", "mine": "MINE"}
    }
    assert detail["pemsVersion"] == 2
    merged = (
        await api.client.get("/api/pfa/ALPHA", params={"hasDraft": "true"}, headers=headers)
    ).json()
    assert [(r["id"], r["state"]) for r in merged["records"]] == [("PFA-000010", "conflict")]
    async with await api.db() as conn:  # a full sync removed it from PEMS
        await conn.execute(
            "UPDATE pfa_modification d SET orphaned_at = now(), orphan_baseline = m.data "
            "FROM pfa_mirror m WHERE m.organization_id = d.organization_id "
            "AND m.id = d.record_id AND m.id = 'PFA-000010'"
        )
        await conn.execute(
            "DELETE FROM pfa_mirror WHERE id = 'PFA-000010' AND organization_id = %s",
            [world.orgs["ALPHA"]],
        )
        await conn.execute(
            "INSERT INTO pfa_mirror_removed (organization_id, id) VALUES (%s, 'PFA-000010')",
            [world.orgs["ALPHA"]],
        )
        await conn.execute("UPDATE organizations SET mirror_version = mirror_version + 1")
        await conn.commit()
    detail = (await api.client.get("/api/pfa/ALPHA/records/PFA-000010", headers=headers)).json()
    assert detail["state"] == "orphaned"
    assert detail["pemsVersion"] is None
    assert detail["baseline"]["equipment"] == "THEIRS"
    whole = (await api.client.get("/api/pfa/ALPHA", headers=headers)).json()
    orphan = [r for r in whole["records"] if r["id"] == "PFA-000010"]
    assert [(r["state"], r["data"]["equipment"]) for r in orphan] == [("orphaned", "MINE")]
    assert whole["total"] == len(world.records["ALPHA"])
    assert [r["id"] for r in whole["records"]] == sorted(r["id"] for r in whole["records"])
    others = (await api.client.get("/api/pfa/ALPHA", headers=await api.login("bob"))).json()
    assert others["total"] == len(world.records["ALPHA"]) - 1
    edit = await _post(api, "alice", {"recordId": "PFA-000010", "changes": {"equipment": "AGAIN"}})
    assert edit.status_code == 409
    assert (await api.client.get("/api/pfa/ALPHA/records/NOPE", headers=headers)).status_code == 404


async def test_lookalike_digits_and_absurd_dates_are_refused_and_save_nothing(
    api: Api, world: World
) -> None:
    """Fullwidth digits are no date (Python and SQL used to read them apart), years outside
    PFA_DATE_MIN_YEAR..PFA_DATE_MAX_YEAR (1990..2100 by default) are refused: 422, and the
    good record of the same batch is not saved either."""
    for value, why in (
        ("２０３０-01-01", "ASCII digits"),
        ("0001-01-01", "YYYY-MM-DD"),
        ("9999-12-31", "YYYY-MM-DD"),
        ("1989-12-31", "1990 to 2100"),
        ("2101-01-01", "1990 to 2100"),
    ):
        resp = await _post(
            api,
            "alice",
            [
                {"recordId": "PFA-000004", "changes": {"equipment": "FINE"}},
                {"recordId": "PFA-000003", "changes": {"forecastEnd": value}},
            ],
        )
        assert resp.status_code == 422, (value, resp.text)
        assert why in resp.json()["fields"]["PFA-000003.forecastEnd"], resp.text
    single = await _post(
        api, "alice", {"recordId": "PFA-000003", "changes": {"forecastStart": "2200-01-01"}}
    )
    assert single.status_code == 422
    assert "forecastStart" in single.json()["fields"]
    assert await _drafts(api, "alice") == {}
    fine = await _post(
        api, "alice", {"recordId": "PFA-000003", "changes": {"forecastEnd": "2100-12-31"}}
    )
    assert fine.status_code == 200, fine.text


async def test_non_finite_numbers_in_a_body_are_refused_clearly(api: Api, world: World) -> None:
    headers = {**await api.login("alice"), "Content-Type": "application/json"}
    for raw in (
        b'{"recordId": "PFA-000003", "changes": {"equipment": NaN}}',
        b'[{"recordId": "PFA-000003", "changes": {"forecastEnd": -Infinity}}]',
    ):
        resp = await api.client.post("/api/pfa/ALPHA/draft", content=raw, headers=headers)
        assert resp.status_code == 422, resp.text
        assert "finite number" in resp.json()["detail"]
    assert await _drafts(api, "alice") == {}


async def test_the_draft_date_range_is_configurable(
    db_url: str, tmp_path: Path, world: World
) -> None:
    settings = api_settings(tmp_path, db_url, date_min_year=2000, date_max_year=2050)
    async with running_api(settings, db_url) as api:
        early = await _post(
            api, "alice", {"recordId": "PFA-000003", "changes": {"forecastStart": "1995-01-01"}}
        )
        assert early.status_code == 422
        assert "2000 to 2050" in early.json()["fields"]["forecastStart"]
