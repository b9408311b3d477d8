"""KPI board and timeline bounds, with and without the caller's drafts."""

from __future__ import annotations

from typing import Any

from pfa_vanguard.domain.values import to_date
from pfa_vanguard.kpi.board import board, cells_from_records
from tests.integration.api.conftest import Api, World


async def _get(api: Api, user: str, path: str, **params: Any) -> Any:
    resp = await api.client.get(path, params=params, headers=await api.login(user))
    assert resp.status_code == 200, resp.text
    return resp.json()


async def test_baseline_kpi_equals_the_board_recomputed_from_records(
    api: Api, world: World
) -> None:
    body = await _get(api, "victor", "/api/pfa/ALPHA/kpi")
    assert body["current"] == board(cells_from_records(world.records["ALPHA"]))
    assert body["pending"] is None
    totals = body["current"]["totals"]
    assert totals["recordCount"] == sum(
        1
        for r in world.records["ALPHA"]
        if not r["isDiscontinued"] and not r["isFundsTransferable"]
    )
    assert totals["plan"]["total"] > 0


async def test_draft_aware_kpi_equals_kpi_recomputed_from_merged_records(
    api: Api, world: World
) -> None:
    records = {r["pfaId"]: dict(r) for r in world.records["ALPHA"]}
    active = [
        i for i, r in records.items() if not r["isDiscontinued"] and not r["isFundsTransferable"]
    ]
    edits: dict[str, dict[str, Any]] = {
        active[0]: {"forecastEnd": "2027-12-31"},
        active[1]: {"isDiscontinued": True},
        active[2]: {"isFundsTransferable": True, "dor": "BEO"},
        active[3]: {"forecastStart": "2025-01-02", "forecastEnd": "2025-01-03"},
    }
    for record_id, changes in edits.items():
        resp = await api.client.post(
            "/api/pfa/ALPHA/draft",
            json={"recordId": record_id, "changes": changes},
            headers=await api.login("alice"),
        )
        assert resp.status_code == 200, resp.text
        records[record_id] = {**records[record_id], **changes}
    mine = await _get(api, "alice", "/api/pfa/ALPHA/kpi", drafts="true")
    assert mine["pending"] == board(cells_from_records(records.values()))
    assert mine["current"] == board(cells_from_records(world.records["ALPHA"]))
    assert mine["draftCount"] == 4
    assert mine["pending"] != mine["current"]
    # bob's view is untouched by alice's drafts
    theirs = await _get(api, "bob", "/api/pfa/ALPHA/kpi", drafts="true")
    assert theirs["pending"] == theirs["current"] == mine["current"]


async def test_timeline_bounds_with_and_without_drafts(api: Api, world: World) -> None:
    records = world.records["ALPHA"]
    starts = [to_date(r["forecastStart"]) for r in records]
    ends = [to_date(r["forecastEnd"]) for r in records]
    body = await _get(api, "victor", "/api/pfa/ALPHA/timeline-bounds")
    assert body == {
        "minStart": min(s for s in starts if s).isoformat(),
        "maxEnd": max(e for e in ends if e).isoformat(),
        "drafts": False,
    }
    earliest = min(records, key=lambda r: r["forecastStart"])
    headers = await api.login("alice")
    resp = await api.client.post(
        "/api/pfa/ALPHA/draft",
        json=[
            {
                "recordId": earliest["pfaId"],
                "changes": {"forecastStart": "2033-01-01", "forecastEnd": "2040-06-30"},
            },
        ],
        headers=headers,
    )
    assert resp.status_code == 200, resp.text
    merged_starts = [s for r, s in zip(records, starts, strict=True) if r is not earliest and s]
    mine = await _get(api, "alice", "/api/pfa/ALPHA/timeline-bounds", drafts="true")
    assert mine == {
        "minStart": min(merged_starts).isoformat(),
        "maxEnd": "2040-06-30",
        "drafts": True,
    }
    assert (await _get(api, "alice", "/api/pfa/ALPHA/timeline-bounds"))["maxEnd"] == body["maxEnd"]
