"""One definition per figure: for the same records, the KPI board, the impact of drafts shown
before a commit, the assistant's cost answers and the exports' totals are equal, and each says
which records it leaves out and in which currency it is."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from typing import Any

from pfa_vanguard.kpi.board import board, cells_from_records
from pfa_vanguard.kpi.figures import exclusion_counts
from tests.integration.api.conftest import Api, World


async def _get(api: Api, user: str, path: str, **params: Any) -> Any:
    resp = await api.client.get(path, params=params, headers=await api.login(user))
    assert resp.status_code == 200, resp.text
    return resp


async def _ask(api: Api, user: str, question: str) -> list[list[Any]]:
    resp = await api.client.post(
        "/api/ai/query",
        json={"org": "ALPHA", "question": question},
        headers=await api.login(user),
    )
    assert resp.status_code == 200, resp.text
    rows: list[list[Any]] = resp.json()["rows"]
    return rows


def _csv_totals(body: str) -> tuple[list[list[str]], list[str], list[str]]:
    lines = list(csv.reader(io.StringIO(body)))
    return lines[:2], lines[2], lines[-1]


def _xlsx_last_row(content: bytes) -> dict[str, str]:
    """Column letter -> value of the workbook's last row (numbers as written)."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    rows = re.findall(r"<row [^>]*>(.*?)</row>", sheet)
    cells = re.findall(r'<c r="([A-Z]+)\d+"[^>]*?(?:/>|>(.*?)</c>)', rows[-1])
    values = {}
    for column, inner in cells:
        found = re.search(r"<v>(.*?)</v>|<t[^>]*>(.*?)</t>", inner or "")
        if found:
            values[column] = found[1] if found[1] is not None else found[2]
    return values


def _letter(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


async def _draft(api: Api, record_id: str, changes: dict[str, Any]) -> None:
    resp = await api.client.post(
        "/api/pfa/ALPHA/draft",
        json={"recordId": record_id, "changes": changes},
        headers=await api.login("alice"),
    )
    assert resp.status_code == 200, resp.text


async def test_every_screen_shows_the_same_figures_for_the_same_records(
    api: Api, world: World
) -> None:
    baseline = {r["pfaId"]: dict(r) for r in world.records["ALPHA"]}
    active = [
        i for i, r in baseline.items() if not r["isDiscontinued"] and not r["isFundsTransferable"]
    ]
    movable = [
        i for i, r in baseline.items() if r["isFundsTransferable"] and not r["isDiscontinued"]
    ]
    assert movable, "the seeded records include funds-transferable ones"
    edits: dict[str, dict[str, Any]] = {
        active[0]: {"forecastEnd": "2028-06-30"},
        active[1]: {"isDiscontinued": True},  # its whole cost leaves the figures
        movable[0]: {"isFundsTransferable": False},  # and this one comes in
    }
    merged = dict(baseline)
    for record_id, changes in edits.items():
        await _draft(api, record_id, changes)
        merged[record_id] = {**merged[record_id], **changes}

    kpi = (await _get(api, "alice", "/api/pfa/ALPHA/kpi", drafts="true")).json()
    current, pending = kpi["current"], kpi["pending"]
    # the board: recomputed from the records by the one definition
    assert current == board(cells_from_records(baseline.values()))
    assert pending == board(cells_from_records(merged.values()))
    # what the figures leave out, as counted and as said
    want_current = exclusion_counts(baseline.values())
    want_pending = exclusion_counts(merged.values())
    assert {k: kpi["exclusions"]["current"][k] for k in want_current} == want_current
    assert {k: kpi["exclusions"]["pending"][k] for k in want_pending} == want_pending
    assert kpi["exclusions"]["current"]["text"] == (
        f"excludes {want_current['discontinued']} discontinued and "
        f"{want_current['fundsTransferable']} funds-transferable records"
    )
    assert kpi["currency"] == "USD"
    # the review dialog's impact: the pending board minus the committed one
    impact = kpi["impact"]
    for window in ("plan", "forecast", "actual"):
        assert impact[window]["total"] == round(
            pending["totals"][window]["total"] - current["totals"][window]["total"], 2
        )
    assert impact["variance"] == round(
        pending["totals"]["variance"] - current["totals"]["variance"], 2
    )
    assert impact["recordCount"] == 0  # one record out, one back in

    # the assistant, asked for the same figures (it sees alice's drafts, as the board does)
    totals = pending["totals"]
    [[forecast]] = await _ask(api, "alice", "total forecast cost")
    assert round(forecast, 2) == totals["forecast"]["total"]
    [[plan]] = await _ask(api, "alice", "total plan cost")
    assert round(plan, 2) == totals["plan"]["total"]
    [[variance]] = await _ask(api, "alice", "total variance")
    assert round(variance, 2) == totals["variance"]
    by_source = await _ask(api, "alice", "forecast cost by source")
    assert {s: round(v, 2) for s, v in by_source} == {
        s["source"]: s["forecast"]["total"] for s in pending["bySource"]
    }
    crane = next(c for c in pending["byCategory"] if c["category"] == "Crane")
    [[crane_variance]] = await _ask(api, "alice", "total variance of cranes")
    assert round(crane_variance, 2) == crane["variance"]

    # the exports of the whole view: alice's (with her drafts) and victor's (none)
    for user, figures, excluded in (("alice", totals, want_pending),
                                    ("victor", current["totals"], want_current)):  # fmt: skip
        body = (await _get(api, user, "/api/pfa/ALPHA/export.csv")).text
        top, header, last = _csv_totals(body)
        assert "amounts in USD" in top[0][0]
        assert last[0] == (
            f"Total ({figures['recordCount']} records; excludes {excluded['discontinued']}"
            f" discontinued and {excluded['fundsTransferable']} funds-transferable records)"
        )
        for name, window in (("planCost", "plan"), ("forecastCost", "forecast")):
            assert float(last[header.index(name)]) == figures[window]["total"]
        assert float(last[header.index("variance")]) == figures["variance"]

        content = (await _get(api, user, "/api/pfa/ALPHA/export.xlsx")).content
        row = _xlsx_last_row(content)
        assert float(row[_letter(header.index("forecastCost"))]) == figures["forecast"]["total"]
        assert float(row[_letter(header.index("variance"))]) == figures["variance"]


async def test_the_currency_is_the_organizations(api: Api, world: World) -> None:
    async with await api.db() as conn:
        await conn.execute("UPDATE organizations SET currency = 'EUR' WHERE code = 'ALPHA'")
        await conn.commit()
    kpi = (await _get(api, "victor", "/api/pfa/ALPHA/kpi")).json()
    assert kpi["currency"] == "EUR"
    body = (await _get(api, "victor", "/api/pfa/ALPHA/export.csv")).text
    assert body.startswith("# ALPHA: amounts in EUR")
    other = (await _get(api, "olivia", "/api/pfa/BETA/kpi")).json()
    assert other["currency"] == "USD"
