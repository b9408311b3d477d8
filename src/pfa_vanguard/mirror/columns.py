"""The merged read as columns, for the web grid (media type `COLUMNS_TYPE`, asked for with
`Accept`; JSON rows stay the default). The same records as the JSON read, in the same order,
with the same metadata; only the layout differs:

    {"columns": 1, "count": n, "ids": [...],
     "drafted": [row indexes with hasDraft], "states": {"draft": [row indexes], ...},
     "fields": [{"name": f, "values": [...]}                     plain values, row by row
               | {"name": f, "dict": [...], "codes": [...]}       codes index into dict
               | {"name": f, "sameAs": "id"}                      the record's id again
               ...],
     "total", "nextCursor", "lastSyncedAt", "stale", "hasDrafts"}

Each field is on a line of its own (after a first line ending with `"fields":[`), so that a
browser can parse the body a field at a time.

A field absent from a record has code -1 (dictionary fields) or is listed in the field's
"absent" (row indexes; plain fields hold null there). Strings that repeat (category, area,
source, DOR, dates...) and booleans are dictionary-encoded; numbers stay numbers. Rows are
rebuilt as
`{"id": ids[i], "data": {f: value}, "hasDraft": i in drafted, "state": the state listing
i, else "pristine"}`.
"""

from __future__ import annotations

from itertools import repeat
from typing import Any

import orjson

COLUMNS_TYPE = "application/vnd.pfa.columns+json"

# A string field is dictionary-encoded when its distinct values are at most this share of rows.
DICT_SHARE = 0.5
_ABSENT = object()
_NUMBERS = {bool, int, float}
_CODABLE = {str, type(None), *_NUMBERS}


def wants_columns(accept: str | None) -> bool:
    """Does the Accept header ask for the columns (and prefer them to plain JSON)?"""
    best_columns = best_json = 0.0
    for part in (accept or "").split(","):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        media = media.lower()
        if media == COLUMNS_TYPE:
            best_columns = max(best_columns, q)
        elif media in {"application/json", "application/*", "*/*"}:
            best_json = max(best_json, q)
    return best_columns > 0 and best_columns >= best_json


def to_columns(body: bytes) -> bytes:
    """The JSON read's body (`{"records": [...], ...meta}`) as the columns body."""
    parsed: dict[str, Any] = orjson.loads(body)
    records: list[dict[str, Any]] = parsed.pop("records")
    count = len(records)
    ids = [r["id"] for r in records]
    datas = [r["data"] for r in records]
    names: dict[str, None] = {}
    for data in datas:
        if len(data) != len(names) or any(k not in names for k in data):
            names.update(dict.fromkeys(data))
    fields = [
        _column(name, list(map(dict.get, datas, repeat(name), repeat(_ABSENT))), ids)
        for name in names
    ]
    states: dict[str, list[int]] = {}
    for i, r in enumerate(records):
        state = r["state"]
        if state != "pristine":
            states.setdefault(state, []).append(i)
    head = {
        "columns": 1,
        "count": count,
        "ids": ids,
        "drafted": [i for i, r in enumerate(records) if r["hasDraft"]],
        "states": states,
        **parsed,
    }
    # One field a line (JSON allows the whitespace; no string holds a raw newline): a client
    # can parse the body a field at a time, between frames, instead of in one long task.
    lines = [orjson.dumps(head)[:-1] + b',"fields":[', b",\n".join(map(orjson.dumps, fields))]
    return b"\n".join([*lines, b"]}"]) if fields else lines[0] + b"]}"


def _column(name: str, values: list[Any], ids: list[str]) -> dict[str, Any]:
    """One field's column: the record's own id again (`"sameAs": "id"`), codes into a table of
    its distinct values when they repeat (strings, booleans, a few numbers), or plain values."""
    if values == ids:
        return {"name": name, "sameAs": "id"}
    present = values
    absent: list[int] = []
    if _ABSENT in values:
        absent = [i for i, v in enumerate(values) if v is _ABSENT]
        present = [v for v in values if v is not _ABSENT]
    kinds = set(map(type, present))
    # Keyed by type and value when True and 1 (or 1 and 1.0) could share a code.
    mixed = len(kinds & _NUMBERS) > 1
    keys = list(zip(map(type, present), present, strict=True)) if mixed else present
    distinct = dict.fromkeys(keys)
    if len(distinct) <= max(2, int(len(values) * DICT_SHARE)) and kinds <= _CODABLE:
        table = list(distinct)
        index: dict[Any, int] = {v: i for i, v in enumerate(table)}
        if mixed:
            table = [v for _, v in table]
        if absent:
            codes = [-1 if v is _ABSENT else index[(type(v), v) if mixed else v] for v in values]
        elif mixed:
            codes = [index[k] for k in keys]
        else:
            codes = list(map(index.__getitem__, values))
        return {"name": name, "dict": table, "codes": codes}
    column: dict[str, Any] = {"name": name}
    if absent:
        values = [None if v is _ABSENT else v for v in values]
        column["absent"] = absent
    column["values"] = values
    return column


def from_columns(body: bytes) -> dict[str, Any]:
    """The columns body back as the JSON read's body (for tests and API clients)."""
    parsed: dict[str, Any] = orjson.loads(body)
    count = parsed.pop("count")
    ids = parsed.pop("ids")
    drafted = set(parsed.pop("drafted"))
    state_of = {i: s for s, rows in parsed.pop("states").items() for i in rows}
    parsed.pop("columns")
    datas: list[dict[str, Any]] = [{} for _ in range(count)]
    for field in parsed.pop("fields"):
        name = field["name"]
        if "sameAs" in field:
            for data, record_id in zip(datas, ids, strict=True):
                data[name] = record_id
        elif "dict" in field:
            table = field["dict"]
            for data, code in zip(datas, field["codes"], strict=True):
                if code >= 0:
                    data[name] = table[code]
        else:
            absent = set(field.get("absent", ()))
            for i, (data, value) in enumerate(zip(datas, field["values"], strict=True)):
                if i not in absent:
                    data[name] = value
    records = [
        {
            "id": ids[i],
            "data": datas[i],
            "hasDraft": i in drafted,
            "state": state_of.get(i, "pristine"),
        }
        for i in range(count)
    ]
    return {"records": records, **parsed}
