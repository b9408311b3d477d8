"""Hostile or oversized input is refused with a clear JSON error, never a 5xx: request bodies,
list lengths, string lengths, page sizes, nesting depth, bytes PostgreSQL cannot store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.integration.api.conftest import Api
from tests.integration.security.conftest import RECORD, Planted

ORG = "/api/pfa/ALPHA"
MB = 1024 * 1024


def _error(resp: Any, status: int, kind: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.text[:500]
    body: dict[str, Any] = resp.json()
    assert body["error"] == kind, body
    assert isinstance(body["detail"], str)
    assert body["detail"]
    return body


async def test_a_body_over_one_megabyte_is_refused(api: Api, planted: Planted) -> None:
    headers = await api.login("alice")
    big = {"recordId": RECORD, "changes": {"equipment": "x" * (MB + 10)}}
    body = _error(
        await api.client.post(f"{ORG}/draft", json=big, headers=headers), 413, "PayloadTooLarge"
    )
    assert "1048576" in body["detail"] or "1 MB" in body["detail"]
    # the same without a Content-Length header (chunked upload)

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"recordId": "PFA-000001", "changes": {"equipment": "'
        for _ in range(20):
            yield b"y" * 65536
        yield b'"}}'

    resp = await api.client.post(
        f"{ORG}/draft",
        content=chunks(),
        headers={**headers, "Content-Type": "application/json"},
    )
    _error(resp, 413, "PayloadTooLarge")
    # and at login, before any authentication
    resp = await api.client.post(
        "/api/auth/login", json={"username": "alice", "password": "p" * (2 * MB)}
    )
    _error(resp, 413, "PayloadTooLarge")


async def test_too_many_drafts_in_one_request(api: Api, planted: Planted) -> None:
    headers = await api.login("alice")
    many = [{"recordId": f"PFA-{n:06d}", "changes": {"equipment": "E"}} for n in range(5001)]
    body = _error(
        await api.client.post(f"{ORG}/draft", json=many, headers=headers), 400, "BadRequest"
    )
    assert "at most 5000" in body["detail"]
    _error(await api.client.post(f"{ORG}/draft", json=[], headers=headers), 400, "BadRequest")


async def test_long_strings_are_refused_by_name(api: Api, planted: Planted) -> None:
    headers = await api.login("alice")
    body = _error(
        await api.client.post(
            f"{ORG}/draft",
            json={"recordId": RECORD, "changes": {"equipment": "E" * 5000}},
            headers=headers,
        ),
        422,
        "ValidationError",
    )
    assert "equipment" in body["fields"]
    assert "at most" in body["fields"]["equipment"]
    body = _error(
        await api.client.post(
            f"{ORG}/draft",
            json={"recordId": "R" * 300, "changes": {"equipment": "E"}},
            headers=headers,
        ),
        422,
        "ValidationError",
    )
    assert "recordId" in body["fields"]
    body = _error(
        await api.client.get(ORG, params={"q": "q" * 201}, headers=headers), 422, "ValidationError"
    )
    assert "q" in body["fields"]
    _error(await api.client.get(f"/api/pfa/{'A' * 51}", headers=headers), 422, "ValidationError")
    _error(
        await api.client.get(f"{ORG}/records/{'R' * 201}", headers=headers), 422, "ValidationError"
    )
    _error(
        await api.client.post("/api/auth/login", json={"username": "u" * 65, "password": "x"}),
        422,
        "ValidationError",
    )
    resp = await api.client.post(
        "/api/ai/query", json={"org": "ALPHA", "question": "how many " * 500}, headers=headers
    )
    assert resp.status_code in (400, 422), resp.text
    assert "1000" in resp.json()["detail"]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        (ORG, {"limit": "0"}),
        (ORG, {"limit": "-5"}),
        (ORG, {"limit": "100001"}),
        (ORG, {"limit": "many"}),
        (ORG, {"category": [f"C{n}" for n in range(51)]}),
        (ORG, {"from": "2025-13-45"}),
        (ORG, {"hasDraft": "perhaps"}),
        (f"{ORG}/commits", {"limit": "1001"}),
        (f"{ORG}/commits", {"before": "0"}),
        ("/api/admin/sync/runs", {"limit": "0"}),
        ("/api/admin/sync/runs", {"limit": "1001"}),
    ],
)
async def test_page_sizes_and_parameters_out_of_bounds(
    api: Api, planted: Planted, path: str, params: dict[str, Any]
) -> None:
    headers = await api.login("ada")
    resp = await api.client.get(path, params=params, headers=headers)
    body = _error(resp, 422, "ValidationError")
    assert body["fields"], body


async def test_bad_sort_and_cursor_are_bad_requests(api: Api, planted: Planted) -> None:
    headers = await api.login("alice")
    body = _error(
        await api.client.get(ORG, params={"sort": "password"}, headers=headers), 400, "BadRequest"
    )
    assert "sortable fields" in body["detail"]
    resp = await api.client.get(ORG, params={"cursor": "garbage!!", "limit": "5"}, headers=headers)
    _error(resp, 400, "BadRequest")
    resp = await api.client.get(
        ORG, params={"from": "2025-06-01", "to": "2025-01-01"}, headers=headers
    )
    _error(resp, 400, "BadRequest")


async def test_too_many_commit_ids(api: Api, planted: Planted) -> None:
    headers = await api.login("alice")
    ids = [f"P{n}" for n in range(50_001)]
    resp = await api.client.post(f"{ORG}/commit", json={"recordIds": ids}, headers=headers)
    _error(resp, 422, "ValidationError")


async def test_deeply_nested_json_is_refused(api: Api, planted: Planted) -> None:
    headers = {**await api.login("alice"), "Content-Type": "application/json"}
    deep = (
        '{"recordId": "PFA-000001", "changes": {"equipment": '
        + "[" * 100_000
        + "]" * 100_000
        + "}}"
    )
    resp = await api.client.post(f"{ORG}/draft", content=deep.encode(), headers=headers)
    assert resp.status_code in (400, 422), resp.text[:300]
    assert resp.json()["error"] in ("BadRequest", "ValidationError")


async def test_malformed_json_and_wrong_types(api: Api, planted: Planted) -> None:
    headers = {**await api.login("alice"), "Content-Type": "application/json"}
    for raw in (b"{", b"\xff\xfe", b"null", b'"text"', b"12", b'{"recordId": 5, "changes": []}'):
        resp = await api.client.post(f"{ORG}/draft", content=raw, headers=headers)
        assert resp.status_code in (400, 422), (raw, resp.status_code, resp.text[:300])
        assert resp.json()["error"] in ("BadRequest", "ValidationError")


@pytest.mark.parametrize("text", ["a\x00b", "\x00"])
async def test_nul_characters_are_refused_not_crashing(
    api: Api, planted: Planted, text: str
) -> None:
    """PostgreSQL cannot store U+0000 in text or jsonb: a clear 4xx, never a 500."""
    headers = await api.login("alice")
    checks = [
        await api.client.get(ORG, params={"q": text}, headers=headers),
        await api.client.get(ORG, params={"category": text}, headers=headers),
        await api.client.get(f"{ORG}/records/{text.replace(chr(0), '%00')}", headers=headers),
        await api.client.post(
            f"{ORG}/draft",
            json={"recordId": RECORD, "changes": {"equipment": text}},
            headers=headers,
        ),
        await api.client.post(
            f"{ORG}/draft", json={"recordId": text, "changes": {"equipment": "x"}}, headers=headers
        ),
        await api.client.post("/api/auth/login", json={"username": text, "password": text}),
    ]
    for resp in checks:
        assert 400 <= resp.status_code < 500, (resp.request.url, resp.status_code, resp.text[:300])
        assert resp.json()["error"]


async def test_nul_characters_are_refused_before_any_route_sees_them(
    api: Api, planted: Planted, caplog: pytest.LogCaptureFixture
) -> None:
    """A JSON body with U+0000 anywhere gets 400 at the door: no route (the assistant's
    audit included) tries to store it and logs a failure; the text "\\u0000" (a backslash,
    then u0000) is ordinary text and is kept."""
    headers = await api.login("alice")
    for path, body in (
        ("/api/ai/query", {"org": "ALPHA", "question": "how many\x00 records"}),
        ("/api/ai/draft", {"org": "ALPHA", "instruction": "set equipment to \x00"}),
        (f"{ORG}/draft", [{"recordId": RECORD, "changes": {"equipment\x00": "x"}}]),
    ):
        with caplog.at_level("INFO"):
            resp = await api.client.post(path, json=body, headers=headers)
        assert "NUL" in _error(resp, 400, "BadRequest")["detail"], path
    no_type = await api.client.post(
        f"{ORG}/draft",
        content=b'{"recordId": "PFA-000001", "changes": {"equipment": "a\\u0000"}}',
        headers=headers,
    )
    _error(no_type, 400, "BadRequest")
    assert not [r for r in caplog.records if r.exc_info], "nothing failed behind the refusal"
    literal = await api.client.post(
        f"{ORG}/draft", json={"recordId": RECORD, "changes": {"equipment": "a\\u0000b"}},
        headers=headers,
    )  # fmt: skip
    assert literal.status_code == 200, literal.text
    assert literal.json()["saved"][0]["changes"]["equipment"] == "a\\u0000b"
