"""The columns layout of the merged read: negotiation and an exact round trip."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from pfa_vanguard.mirror.columns import (
    COLUMNS_TYPE,
    BaselineColumns,
    from_columns,
    to_columns,
    wants_columns,
)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (COLUMNS_TYPE, True),
        (f"{COLUMNS_TYPE}, application/json;q=0.9", True),
        (f"application/json, {COLUMNS_TYPE};q=0.5", False),
        (f"{COLUMNS_TYPE};q=0", False),
        (f"{COLUMNS_TYPE};q=oops", False),
        ("application/json", False),
        ("*/*", False),
        (None, False),
    ],
)
def test_negotiation(accept: str | None, expected: bool) -> None:
    assert wants_columns(accept) is expected


def test_round_trip_keeps_absent_fields_nulls_types_and_states() -> None:
    body = {
        "records": [
            {
                "id": "A",
                "data": {"c": "x", "n": 1.5, "b": True, "t": "u1"},
                "hasDraft": False,
                "state": "pristine",
            },
            {
                "id": "B",
                "data": {"c": "x", "n": None, "t": "u2", "extra": 3},
                "hasDraft": True,
                "state": "conflict",
            },
            {
                "id": "C",
                "data": {"c": None, "n": 2, "b": False, "t": "u3"},
                "hasDraft": True,
                "state": "draft",
            },
            {"id": "D", "data": {}, "hasDraft": False, "state": "orphaned"},
        ],
        "total": 4,
        "nextCursor": None,
        "lastSyncedAt": "2026-01-01T00:00:00Z",
        "stale": False,
        "hasDrafts": True,
    }
    packed = to_columns(orjson.dumps(body))
    assert from_columns(packed) == body
    fields = {f["name"]: f for f in orjson.loads(packed)["fields"]}
    assert fields["c"]["dict"] == ["x", None]
    assert fields["c"]["codes"] == [0, 0, 1, -1]
    assert fields["n"]["values"] == [1.5, None, 2, None]
    assert fields["n"]["absent"] == [3]
    assert "dict" not in fields["t"]  # every value differs: kept plain


def test_an_empty_read() -> None:
    body = {
        "records": [],
        "total": 0,
        "nextCursor": None,
        "lastSyncedAt": None,
        "stale": False,
        "hasDrafts": False,
    }
    assert from_columns(to_columns(orjson.dumps(body))) == body


def test_the_id_again_is_sent_once_and_equal_numbers_of_other_types_keep_their_type() -> None:
    values = [1, True, 1.0, 1, True, 1, 1.0, 1]
    body = {
        "records": [
            {
                "id": f"R{i}",
                "data": {"pfaId": f"R{i}", "v": v},
                "hasDraft": False,
                "state": "pristine",
            }
            for i, v in enumerate(values)
        ],
        "total": len(values),
    }
    packed = to_columns(orjson.dumps(body))
    fields = {f["name"]: f for f in orjson.loads(packed)["fields"]}
    assert fields["pfaId"] == {"name": "pfaId", "sameAs": "id"}
    assert fields["v"]["dict"] == [1, True, 1.0]
    back = from_columns(packed)
    assert back == body
    assert [type(r["data"]["v"]) for r in back["records"]] == list(map(type, values))


def test_each_field_is_a_line_of_its_own() -> None:
    body = {
        "records": [
            {"id": "A", "data": {"x": "a\nb", "y": 2}, "hasDraft": False, "state": "pristine"},
            {"id": "B", "data": {"x": "c", "y": 3}, "hasDraft": False, "state": "pristine"},
        ],
        "total": 2,
    }
    lines = to_columns(orjson.dumps(body)).split(b"\n")
    assert lines[0].endswith(b'"fields":[')
    assert [orjson.loads(line.rstrip(b","))["name"] for line in lines[1:-1]] == ["x", "y"]
    assert lines[-1] == b"]}"


def _rows(records: list[dict[str, Any]], **meta: Any) -> bytes:
    return orjson.dumps({"records": records, **meta})


def test_drafts_patched_into_the_baseline_columns_decode_as_the_rows_would() -> None:
    base: list[dict[str, Any]] = [
        {
            "id": f"R{i}",
            "data": {
                "pfaId": f"R{i}",
                "cat": "AB"[i % 2],
                "n": i * 1.5,
                "flag": i % 3 == 0,
                "opt": "x" if i % 4 else None,
            },
            "hasDraft": False,
            "state": "pristine",
        }
        for i in range(12)
    ]
    baseline = BaselineColumns.from_rows(_rows(base))
    datas: list[dict[str, Any]] = [r["data"] for r in base]
    drafts: list[dict[str, Any]] = [
        # a value the table lacks, a number that was a string's place, a field removed
        {
            "id": "R3",
            "data": {"pfaId": "R3", "cat": "NEW", "n": None, "flag": False},
            "hasDraft": True,
            "state": "draft",
        },
        {
            "id": "R8",
            "data": {**datas[8], "cat": "A", "n": 99},
            "hasDraft": True,
            "state": "conflict",
        },
    ]
    meta = {
        "total": 12,
        "nextCursor": None,
        "lastSyncedAt": None,
        "stale": False,
        "hasDrafts": True,
    }
    patched = baseline.with_drafts([orjson.dumps(d) for d in drafts], meta)
    assert patched is not None
    merged = [next((d for d in drafts if d["id"] == r["id"]), r) for r in base]
    assert from_columns(patched) == from_columns(to_columns(_rows(merged, **meta)))
    assert from_columns(patched)["records"][3]["data"] == drafts[0]["data"]
    # What a patch cannot do is left to the caller (made from the rows instead).
    stranger = {"id": "R99", "data": {}, "hasDraft": True, "state": "orphaned"}
    assert baseline.with_drafts([orjson.dumps(stranger)], meta) is None
    renamed = {"id": "R1", "data": {"pfaId": "other"}, "hasDraft": True, "state": "draft"}
    assert baseline.with_drafts([orjson.dumps(renamed)], meta) is None
    as_int = {
        "id": "R1",
        "data": {**datas[1], "flag": 1},
        "hasDraft": True,
        "state": "draft",
    }
    assert baseline.with_drafts([orjson.dumps(as_int)], meta) is None
    assert from_columns(baseline.with_drafts([], meta) or b"") == from_columns(
        to_columns(_rows(base, **meta))
    )
