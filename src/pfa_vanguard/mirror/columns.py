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

from collections.abc import Sequence
from dataclasses import dataclass
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
    ids = [r["id"] for r in records]
    fields = _fields(ids, [r["data"] for r in records])
    states: dict[str, list[int]] = {}
    for i, r in enumerate(records):
        state = r["state"]
        if state != "pristine":
            states.setdefault(state, []).append(i)
    drafted = [i for i, r in enumerate(records) if r["hasDraft"]]
    return _body(ids, drafted, states, parsed, [f.json() for f in fields])


def _body(
    ids: list[str],
    drafted: list[int],
    states: dict[str, list[int]],
    meta: dict[str, Any],
    fields: list[dict[str, Any]],
) -> bytes:
    head = {
        "columns": 1,
        "count": len(ids),
        "ids": ids,
        "drafted": drafted,
        "states": states,
        **meta,
    }
    # One field a line (JSON allows the whitespace; no string holds a raw newline): a client
    # can parse the body a field at a time, between frames, instead of in one long task.
    lines = [orjson.dumps(head)[:-1] + b',"fields":[', b",\n".join(map(orjson.dumps, fields))]
    return b"\n".join([*lines, b"]}"]) if fields else lines[0] + b"]}"


def _fields(ids: list[str], datas: list[dict[str, Any]]) -> list[_Field]:
    names: dict[str, None] = {}
    for data in datas:
        if len(data) != len(names) or any(k not in names for k in data):
            names.update(dict.fromkeys(data))
    return [
        _column(name, list(map(dict.get, datas, repeat(name), repeat(_ABSENT))), ids)
        for name in names
    ]


@dataclass(frozen=True, slots=True)
class _Field:
    """One field's column, as sent: the id again, codes into a table, or plain values."""

    name: str
    same_as_id: bool = False
    table: list[Any] | None = None  # the distinct values (dictionary-encoded)
    index: dict[Any, int] | None = None  # a value's code (keyed by (type, value) when mixed)
    mixed: bool = False
    kinds: frozenset[type] = frozenset()
    codes: list[int] | None = None
    values: list[Any] | None = None  # plain values (None where absent)
    absent: tuple[int, ...] = ()

    def json(self) -> dict[str, Any]:
        if self.same_as_id:
            return {"name": self.name, "sameAs": "id"}
        if self.table is not None:
            return {"name": self.name, "dict": self.table, "codes": self.codes}
        column: dict[str, Any] = {"name": self.name}
        if self.absent:
            column["absent"] = list(self.absent)
        column["values"] = self.values
        return column


def _column(name: str, values: list[Any], ids: list[str]) -> _Field:
    """One field's column: the record's own id again (`"sameAs": "id"`), codes into a table of
    its distinct values when they repeat (strings, booleans, a few numbers), or plain values."""
    if values == ids:
        return _Field(name, same_as_id=True)
    present = values
    absent: list[int] = []
    if _ABSENT in values:
        absent = [i for i, v in enumerate(values) if v is _ABSENT]
        present = [v for v in values if v is not _ABSENT]
    kinds = frozenset(map(type, present))
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
        return _Field(name, table=table, index=index, mixed=mixed, kinds=kinds, codes=codes)
    if absent:
        values = [None if v is _ABSENT else v for v in values]
    return _Field(name, values=values, absent=tuple(absent))


@dataclass(frozen=True)
class BaselineColumns:
    """An organization's baseline (a snapshot, no drafts) as columns, kept so that a caller's
    read is these columns with the drafted rows patched in: no parsing, no encoding of the
    50K records again."""

    ids: list[str]
    position: dict[str, int]
    fields: list[_Field]

    @classmethod
    def from_rows(cls, body: bytes) -> BaselineColumns:
        """From the JSON read's body of the baseline (every record pristine, in id order)."""
        records: list[dict[str, Any]] = orjson.loads(body)["records"]
        ids = [r["id"] for r in records]
        fields = _fields(ids, [r["data"] for r in records])
        return cls(ids, {i: n for n, i in enumerate(ids)}, fields)

    def with_drafts(self, entries: Sequence[bytes], meta: dict[str, Any]) -> bytes | None:
        """The columns body of the baseline with these drafted records (their encoded entries)
        in place of theirs; None when that cannot be patched (a drafted record the baseline
        lacks, a field it never had, a value that would need another encoding)."""
        drafted = [orjson.loads(e) for e in entries]
        rows: list[tuple[int, dict[str, Any]]] = []
        states: dict[str, list[int]] = {}
        marked: list[int] = []
        names = {f.name for f in self.fields}
        for record in drafted:
            at = self.position.get(record["id"])
            if at is None or not names.issuperset(record["data"]):
                return None
            rows.append((at, record["data"]))
            if record["hasDraft"]:
                marked.append(at)
            if record["state"] != "pristine":
                states.setdefault(record["state"], []).append(at)
        fields = []
        for field in self.fields:
            patched = _patched(field, rows, self.ids)
            if patched is None:
                return None
            fields.append(patched)
        for found in states.values():
            found.sort()
        return _body(self.ids, sorted(marked), states, meta, fields)


def _patched(
    field: _Field, rows: list[tuple[int, dict[str, Any]]], ids: list[str]
) -> dict[str, Any] | None:
    """`field`'s column (as sent) with the values of `rows` (position, data) put in."""
    name = field.name
    if not rows:
        return field.json()
    if field.same_as_id:
        if all(data.get(name, _ABSENT) == ids[at] for at, data in rows):
            return field.json()
        return None  # (a drafted pfaId unlike the id: the slow way)
    if field.table is not None and field.codes is not None and field.index is not None:
        codes = field.codes.copy()
        table = field.table
        added: dict[Any, int] = {}
        for at, data in rows:
            value = data.get(name, _ABSENT)
            if value is _ABSENT:
                codes[at] = -1
                continue
            kind = type(value)
            clash = kind in _NUMBERS and not field.mixed and (field.kinds & _NUMBERS) - {kind}
            if kind not in _CODABLE or clash:
                return None  # would need keys by type (True and 1): the slow way
            key = (kind, value) if field.mixed else value
            code = field.index.get(key)
            if code is None:
                code = added.get(key)
            if code is None:
                if not added:
                    table = table.copy()
                code = added[key] = len(table)
                table.append(value)
            codes[at] = code
        return {"name": name, "dict": table, "codes": codes}
    assert field.values is not None
    values = field.values.copy()
    absent = set(field.absent)
    for at, data in rows:
        value = data.get(name, _ABSENT)
        if value is _ABSENT:
            values[at] = None
            absent.add(at)
        else:
            values[at] = value
            absent.discard(at)
    column: dict[str, Any] = {"name": name}
    if absent:
        column["absent"] = sorted(absent)
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
