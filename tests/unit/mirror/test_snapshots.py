"""Snapshots patched by changes equal snapshots built from scratch."""

from __future__ import annotations

import random
import zlib
from typing import Any

import orjson

from pfa_vanguard.mirror.deflate import zlib_body
from pfa_vanguard.mirror.snapshots import OrgSnapshot, apply_changes, build_snapshot


def _row(record_id: str, seq: int, value: int) -> dict[str, Any]:
    return {
        "id": record_id,
        "data_text": orjson.dumps({"pfaId": record_id, "v": value}).decode(),
        "change_seq": seq,
        "plan_cost": 1.0,
        "forecast_cost": 2.0,
        "actual_cost": 0.0,
        "has_plan": True,
        "has_actuals": False,
    }


def _records(snapshot: OrgSnapshot) -> list[Any]:
    """The records of every chunk, in order (each chunk decoded on its own)."""
    decoded: list[Any] = []
    for chunk in snapshot.chunks:
        decoded.extend(orjson.loads(b"[" + zlib.decompress(zlib_body([chunk.segment])) + b"]"))
    return decoded


def test_changes_and_removals_patch_only_what_they_touch() -> None:
    rng = random.Random(1)
    ids = [f"R{n:05d}" for n in rng.sample(range(100_000), 500)]
    rows = [_row(i, n + 1, 0) for n, i in enumerate(ids)]
    base = build_snapshot(7, 1, rows, 0, chunk_records=16)
    assert [r["id"] for r in _records(base)] == sorted(ids)
    assert base.watermark == 500

    seq = 1000
    updates, removed = [], []
    for record_id in rng.sample(ids, 30):
        seq += 1
        updates.append(_row(record_id, seq, 1))
    for record_id in rng.sample(ids, 20):
        seq += 1
        removed.append({"id": record_id, "change_seq": seq})
    added = [f"R{n:05d}X" for n in range(60)] + ["A0", "ZZZ"]  # before, inside, after
    for record_id in added:
        seq += 1
        updates.append(_row(record_id, seq, 2))
    gone = {r["id"] for r in removed} - {u["id"] for u in updates}
    patched = apply_changes(base, 2, updates, removed, chunk_records=16)

    final_rows = {r["id"]: r for r in rows if r["id"] not in gone}
    final_rows.update({u["id"]: u for u in updates})
    fresh = build_snapshot(7, 2, list(final_rows.values()), 0, chunk_records=16)
    assert _records(patched) == _records(fresh)
    assert patched.entries == fresh.entries
    assert patched.watermark == seq
    assert patched.version == 2
    assert all(len(c.ids) <= 32 for c in patched.chunks)
    untouched = {c.serial for c in base.chunks} & {c.serial for c in patched.chunks}
    assert untouched  # chunks nobody changed were kept as compressed
    for record_id in ["A0", "ZZZ", *ids[:3]]:
        chunk = patched.chunks[patched.chunk_index(record_id)]
        assert record_id in chunk.ids or record_id in gone


def test_an_empty_organization_can_grow() -> None:
    empty = build_snapshot(1, 0, [], 0, chunk_records=4)
    assert len(empty) == 0
    assert empty.chunks == ()
    grown = apply_changes(empty, 1, [_row(f"R{n}", n + 1, 0) for n in range(10)], [], 4)
    assert [r["id"] for r in _records(grown)] == sorted(f"R{n}" for n in range(10))
