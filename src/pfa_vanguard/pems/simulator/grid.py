"""`POST /grids`: one page of the CUPFAG grid in the tenant's shape (METADATA, DATARECORD of
DATAFIELD with FIELDLABEL and ISKEYFIELD, values formatted for the API user), paged by cursor
and capped by the tenant whatever the request asks."""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from typing import Any, TypeVar

import orjson

from pfa_vanguard.pems.simulator.filters import compile_filter
from pfa_vanguard.pems.simulator.formats import grid_value
from pfa_vanguard.pems.simulator.state import Column, OrgData, SimError, SimulatorState

KEY_ALIAS = "pfs_id"


def _int(value: object, name: str, default: int) -> int:
    if value is None or value == "":
        return default
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise SimError(f"{name} must be an integer, got {value!r}")
    if value < 0:
        raise SimError(f"{name} must not be negative")
    return value


# alias, label, datatype, default value, is the key field, formats the value for the user
Prefix = tuple[str, str, str, str, bool, bool]
_FORMATTED = frozenset({"DATE", "DATETIME", "DECIMAL"})


def _prefixes(columns: tuple[Column, ...]) -> list[Prefix]:
    return [
        (c.alias, c.label, c.datatype, c.value, c.alias == KEY_ALIAS, c.datatype in _FORMATTED)
        for c in columns
    ]


def _encoded(state: SimulatorState, data: OrgData, pfa_id: str,
             prefixes: list[Prefix]) -> bytes:  # fmt: skip
    """One DATARECORD as JSON, cached until the row is replaced or the columns/formats change."""
    row = data.rows[pfa_id]
    hit = data.encoded.get(pfa_id)
    if hit is not None and hit[0] is row:
        return hit[1]
    order = state.options.date_order
    fields = [
        {"FIELDNAME": alias, "FIELDLABEL": label, "DATATYPE": datatype,
         "FIELDVALUE": grid_value(datatype, row.get(alias, default), order) if formatted
         else row.get(alias, default), "ISKEYFIELD": key}
        for alias, label, datatype, default, key, formatted in prefixes
    ]  # fmt: skip
    blob = orjson.dumps({"DATAFIELD": fields})
    data.encoded[pfa_id] = (row, blob)
    return blob


def _page_size(grid: Mapping[str, Any], cap: int) -> int:
    asked = _int(grid.get("NUMBER_OF_ROWS_FIRST_RETURNED"), "NUMBER_OF_ROWS_FIRST_RETURNED", cap)
    _int(grid.get("WSGRIDSZ_OVERRIDE"), "WSGRIDSZ_OVERRIDE", 0)  # asks; the cap still holds
    if asked == 0:
        raise SimError("NUMBER_OF_ROWS_FIRST_RETURNED must be positive")
    return min(asked, cap)


_T = TypeVar("_T")


def _window(items: list[_T], start: int, size: int, descending: bool) -> list[_T]:
    if not descending:
        return items[start : start + size]
    stop = len(items) - start
    return items[max(stop - size, 0) : max(stop, 0)][::-1]


def _descending(body: Mapping[str, Any]) -> bool:
    sort = body.get("ADDON_SORT")
    if sort is None:
        return False
    if not isinstance(sort, Mapping):
        raise SimError("ADDON_SORT must be an object")
    if sort.get("ALIAS_NAME", KEY_ALIAS) != KEY_ALIAS:
        raise SimError("the simulator sorts on pfs_id only")
    order = sort.get("TYPE", "ASC")
    if not isinstance(order, str) or order.upper() not in ("ASC", "DESC"):
        raise SimError(f"ADDON_SORT.TYPE must be ASC or DESC, got {order!r}")
    return order.upper() == "DESC"


def answer_grid(state: SimulatorState, body: Mapping[str, Any]) -> bytes:
    """One page of `POST /grids`, as JSON bytes. CURSOR_POSITION is the 1-based position of the
    page's first row (0 or 1: the first page); NEXTCURSORPOSITION the position after the page."""
    grid = body.get("GRID")
    if not isinstance(grid, Mapping):
        raise SimError("GRID (an object) is required")
    if grid.get("GRID_NAME") != state.grid_name:
        raise SimError(f"Grid {grid.get('GRID_NAME')!r} does not exist", "WSR-GRID-NOT-FOUND")
    grid_type = body.get("GRID_TYPE")
    if grid_type is not None and not isinstance(grid_type, Mapping):
        raise SimError("GRID_TYPE must be an object")
    request_type = body.get("REQUEST_TYPE")
    if request_type is not None and not isinstance(request_type, str):
        raise SimError("REQUEST_TYPE must be a string")
    with state.lock:
        options = state.options
        columns = state.columns
        size = _page_size(grid, options.page_cap)
        cursor = _int(grid.get("CURSOR_POSITION"), "CURSOR_POSITION", 0)
        descending = _descending(body)
        flt = compile_filter(body, {c.alias: c.datatype for c in columns}, options)
        orgs = list(state.orgs.values())
        if flt.all_and:  # a pfs_a_org = X condition narrows to one organization
            for cond in flt.conditions:
                if cond.alias == "pfs_a_org" and cond.operator == "=":
                    orgs = [o for o in orgs if o.code.casefold() == cond.value.casefold()]
        rest = [c for c in flt.conditions if not (c.alias == "pfs_a_org" and c.operator == "=")]
        needs_test = bool(rest) or not flt.all_and
        selected = [
            (data, data.ids if not needs_test else [i for i in data.ids if flt.test(data.rows[i])])
            for data in orgs
        ]
        start = max(cursor - 1, 0)
        prefixes = _prefixes(columns)
        if len(selected) == 1:  # one organization: slice its sorted ids, no pairs to build
            data, ids = selected[0]
            total = len(ids)
            window = _window(ids, start, size, descending)
            records = [_encoded(state, data, pfa_id, prefixes) for pfa_id in window]
        else:
            merged = list(heapq.merge(*([(i, d.code, d) for i in ids] for d, ids in selected)))
            total = len(merged)
            pairs = _window(merged, start, size, descending)
            records = [_encoded(state, data, pfa_id, prefixes) for pfa_id, _, data in pairs]
    page = records
    end = start + len(page)
    following: int | str | None
    if not page:
        following = cursor + size if options.cursor_end == "nodata" else None
    elif end < total:
        following = end + 1
    else:
        following = {"null": None, "empty": "", "same": cursor, "nodata": end + 1}[
            options.cursor_end
        ]
    metadata: dict[str, Any] = {"GRIDNAME": state.grid_name, "CLIENTROWS": len(page)}
    if options.send_count:
        metadata = {"RECORDS": str(len(page)), **metadata}
    head = orjson.dumps({"DATAENTITYNAME": state.grid_name, "CURRENTCURSORPOSITION": cursor,
                         "NEXTCURSORPOSITION": following, "METADATA": metadata})  # fmt: skip
    inner = head[:-1] + b',"DATARECORD":[' + b",".join(records) + b"]}"
    return (b'{"Result":{"ResultData":' + inner + b',"InfoAlert":null,"WarningAlert":null},'
            b'"ErrorAlert":null,"ConfirmationAlert":null}')  # fmt: skip
