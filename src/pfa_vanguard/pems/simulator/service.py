"""What the simulated PEMS answers to the grid data service and the user-defined screen service
(pems-api.md). Its own screen definition, independent of the client's field map, so a test
catches a client that sends the wrong name or the wrong typed value."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson

from pfa_vanguard.pems.simulator.generator import COLUMNS, format_modified
from pfa_vanguard.pems.simulator.state import OrgData, SimError, SimulatorState

# Screen CUPFA2: screen field -> (alias, kind). Keys identify the record; the plan window is
# the budget baseline and is protected.
SCREEN_FIELDS: dict[str, tuple[str, str]] = {
    "PFS_ID": ("pfs_id", "key"), "PFS_A_ORG": ("pfs_a_org", "key"),
    "DESCRIPTION": ("description", "text"), "PFS_F_AREA": ("pfs_f_area", "text"),
    "PFS_F_CATEGORY": ("pfs_f_category", "text"), "PFS_F_CATDESC": ("pfs_f_catdesc", "text"),
    "PFS_F_CLASS": ("pfs_f_class", "text"), "PFS_F_SOURCE": ("pfs_f_source", "text"),
    "PFS_F_DOR": ("pfs_f_dor", "text"), "PFS_F_ACTUALIZED": ("pfs_f_actualized", "bool"),
    "PFA_DIS": ("pfs_f_discontinued", "bool"), "PFS_FT": ("pfs_f_fundstrans", "bool"),
    "PFS_F_RENTAL": ("pfs_f_rental", "number"), "PFS_F_PURCHASE": ("pfs_f_purchase", "number"),
    "PFS_F_MANUFACTURER": ("pfs_f_manufacturer", "text"), "PFS_F_MODEL": ("pfs_f_model", "text"),
    "PFS_P_STARTDATE": ("pfs_p_startdate", "protected"),
    "PFS_P_ENDDATE": ("pfs_p_enddate", "protected"),
    "PFS_F_STARTDATE": ("pfs_f_startdate", "date"), "PFS_F_ENDDATE": ("pfs_f_enddate", "date"),
    "PFS_A_STARTDATE": ("pfs_a_startdate", "date"), "PFS_A_ENDDATE": ("pfs_a_enddate", "date"),
    "PFS_P_PROJCODE": ("pfs_p_projcode", "text"), "PFS_EQUIPMENT": ("pfs_equipment_tag", "text"),
}  # fmt: skip
CHOICES: dict[str, tuple[str, ...]] = {
    "pfs_f_dor": ("BEO", "PROJECT"),
    "pfs_f_source": ("Rental", "Purchase"),
}
MODIFIED_BY_ANOTHER_USER = (
    "The record has been modified by another user. Please refresh the record and try again."
)
_OPERATORS = {"=", "!=", "<>", ">", ">=", "<", "<="}


def envelope(result: Mapping[str, Any]) -> dict[str, Any]:
    return {"ErrorAlert": [], "Result": {"ResultData": result}}


def datafields(state: SimulatorState, row: Mapping[str, str]) -> list[dict[str, str]]:
    drift = state.drift
    return [
        {
            "FIELDNAME": alias,
            "FIELDVALUE": value,
            "DATATYPE": COLUMNS.get(alias) or drift.get(alias, ("", "VARCHAR"))[1],
        }
        for alias, value in row.items()
    ]


# --- grid -------------------------------------------------------------------------------------


def _int(value: object, name: str, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(str(value))
    except ValueError:
        raise SimError(f"{name} must be an integer, got {value!r}") from None
    if number < 0:
        raise SimError(f"{name} must not be negative")
    return number


def _filters(body: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    block = body.get("MULTIADDON_FILTERS") or {}
    items = block.get("MADDON_FILTER", []) if isinstance(block, Mapping) else None
    if isinstance(items, Mapping):
        items = [items]
    if not isinstance(items, list):
        raise SimError("MULTIADDON_FILTERS.MADDON_FILTER must be a list")
    filters = []
    for item in sorted(items, key=lambda f: _int(f.get("SEQNUM"), "SEQNUM", 0)):
        alias, operator = str(item.get("ALIAS_NAME", "")), str(item.get("OPERATOR", "="))
        if operator not in _OPERATORS:
            raise SimError(f"filter operator {operator!r} is not supported")
        if str(item.get("JOINER", "AND")).upper() != "AND":
            raise SimError("only AND filters are supported")
        value = "" if item.get("VALUE") is None else str(item["VALUE"])
        if alias == "pfs_lastmodified":
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                raise SimError(f"pfs_lastmodified filter {value!r} is not a timestamp") from None
            value = format_modified(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
        filters.append((alias, operator, value))
    return filters


def _matches(row: Mapping[str, str], filters: list[tuple[str, str, str]]) -> bool:
    for alias, operator, wanted in filters:
        held: Any = row.get(alias, "")
        target: Any = wanted
        if alias == "recordid":
            held, target = int(held or 0), int(wanted or 0)
        ok = {
            "=": held == target, "!=": held != target, "<>": held != target,
            ">": held > target, ">=": held >= target, "<": held < target, "<=": held <= target,
        }[operator]  # fmt: skip
        if not ok:
            return False
    return True


def _encoded(state: SimulatorState, data: OrgData, pfa_id: str) -> bytes:
    """One DATARECORD as JSON, cached until the row is replaced or the columns drift."""
    row = data.rows[pfa_id]
    hit = data.encoded.get(pfa_id)
    if hit is not None and hit[0] is row:
        return hit[1]
    blob = orjson.dumps({"DATAFIELD": datafields(state, state.view(row))})
    data.encoded[pfa_id] = (row, blob)
    return blob


def answer_grid(state: SimulatorState, header_org: str, body: Mapping[str, Any]) -> bytes:
    """One page of `POST /grids` (cursor pagination, sorted on pfs_id), as JSON bytes."""
    grid = body.get("GRID")
    if not isinstance(grid, Mapping):
        raise SimError("GRID is required")
    if grid.get("GRID_NAME") != state.grid_name:
        raise SimError(f"Grid {grid.get('GRID_NAME')!r} does not exist", "WSR-GRID-NOT-FOUND")
    size = min(
        _int(grid.get("NUMBER_OF_ROWS_FIRST_RETURNED"), "NUMBER_OF_ROWS_FIRST_RETURNED", 10_000),
        state.options.max_page_size,
    )
    if size == 0:
        raise SimError("NUMBER_OF_ROWS_FIRST_RETURNED must be positive")
    cursor = _int(grid.get("CURSOR_POSITION"), "CURSOR_POSITION", 0)
    sort = body.get("ADDON_SORT") or {"ALIAS_NAME": "pfs_id", "TYPE": "ASC"}
    if sort.get("ALIAS_NAME") != "pfs_id":
        raise SimError("the simulator sorts on pfs_id only")
    descending = str(sort.get("TYPE", "ASC")).upper() == "DESC"
    filters = _filters(body)
    org = next((v for a, op, v in filters if a == "pfs_a_org" and op == "="), None)
    org = org or (header_org if header_org != "*" else None)
    if org is None:
        raise SimError("a pfs_a_org filter or an organization header is required")
    if header_org not in (org, "*"):
        raise SimError(f"organization header {header_org!r} does not match the filter {org!r}")
    rest = [f for f in filters if f[0] != "pfs_a_org"]
    with state.lock:
        data = state.org(org)
        ids = data.ids[::-1] if descending else data.ids
        if rest:
            rows, view = data.rows, (state.view if state.drift else None)
            ids = [i for i in ids if _matches(view(rows[i]) if view else rows[i], rest)]
        total, page = len(ids), ids[cursor : cursor + size]
        records = [_encoded(state, data, pfa_id) for pfa_id in page]
        options = state.options
    result: dict[str, Any] = {"CURRENTCURSORPOSITION": cursor}
    end = cursor + len(page)
    if not page:
        result["NEXTCURSORPOSITION"] = cursor + size if options.cursor_end == "nodata" else None
    elif end < total:
        result["NEXTCURSORPOSITION"] = end
    else:
        result["NEXTCURSORPOSITION"] = {"null": None, "empty": "", "same": cursor, "nodata": end}[
            options.cursor_end
        ]
    if options.send_count:
        result["RECORDS"] = len(page)
    inner = orjson.dumps(result)
    if page:
        inner = inner[:-1] + b',"DATARECORD":[' + b",".join(records) + b"]}"
    return b'{"ErrorAlert":[],"Result":{"ResultData":' + inner + b"}}"


# --- screen writes ----------------------------------------------------------------------------


def _decode(name: str, kind: str, container: object) -> str:
    """A typed screen value as the string PEMS stores, or SimError when the type is wrong."""
    expected = {"text": "TEXTDATA", "bool": "TEXTDATA", "key": "TEXTDATA",
                "date": "DATETIMEDATA", "number": "NUMERICDATA"}[kind]  # fmt: skip
    if not isinstance(container, Mapping) or set(container) != {expected}:
        raise SimError(f"{name} expects {expected}, got {container!r}", "WSR-INVALID-TYPE")
    value = container[expected]
    if kind in ("text", "key"):
        if not isinstance(value, str):
            raise SimError(f"{name}: TEXTDATA must be a string", "WSR-INVALID-TYPE")
        return value
    if kind == "bool":
        if not isinstance(value, str) or value.lower() not in ("true", "false"):
            raise SimError(f"{name}: a checkbox takes 'true' or 'false', got {value!r}")
        return "-1" if value.lower() == "true" else "0"
    if value is None:
        return ""
    if not isinstance(value, Mapping):
        raise SimError(f"{name}: {expected} must be an object", "WSR-INVALID-TYPE")
    if kind == "date":
        try:
            return date(int(value["YEAR"]), int(value["MONTH"]), int(value["DAY"])).isoformat()
        except (KeyError, TypeError, ValueError):
            raise SimError(f"{name}: invalid DATETIMEDATA {dict(value)!r}") from None
    try:
        digits = Decimal(str(value["VALUE"]))
        scale = int(value.get("NUMOFDEC", 0))
        number = digits.scaleb(-scale)
        if str(value.get("SIGN", "+")) == "-":
            number = -abs(number)
    except (KeyError, TypeError, ValueError, InvalidOperation):
        raise SimError(f"{name}: invalid NUMERICDATA {dict(value)!r}") from None
    return format(number, "f")


def answer_update(
    state: SimulatorState, header_org: str, body: Mapping[str, Any]
) -> dict[str, Any]:
    """`POST /userdefinedscreenservices` UPDATE: optimistic lock on `recordid`, typed values."""
    if body.get("USERDEFINEDSCREENNAME") != state.screen_name:
        raise SimError(f"Screen {body.get('USERDEFINEDSCREENNAME')!r} does not exist")
    action = body.get("USERDEFINEDSERVICEACTION")
    if action != "UPDATE":
        raise SimError(f"Action {action!r} is not allowed on {state.screen_name} (UPDATE only)")
    base = body.get("recordid")
    if isinstance(base, bool) or not isinstance(base, int | str) or not str(base).isdigit():
        raise SimError(f"recordid must be an integer, got {base!r}")
    listing = body.get("USERDEFINEDSCREENFIELDVALUELIST") or {}
    pairs = listing.get("USERDEFINEDSCREENFIELDVALUEPAIR") if isinstance(listing, Mapping) else None
    if isinstance(pairs, Mapping):
        pairs = [pairs]
    if not isinstance(pairs, list):
        raise SimError(
            "USERDEFINEDSCREENFIELDVALUELIST.USERDEFINEDSCREENFIELDVALUEPAIR is required"
        )
    received: dict[str, Any] = {}
    values: dict[str, str] = {}
    keys: dict[str, str] = {}
    for pair in pairs:
        name = str(pair.get("USERDEFINEDSCREENFIELDNAME", "")) if isinstance(pair, Mapping) else ""
        if name in received:
            raise SimError(f"Field {name} is sent twice")
        definition = SCREEN_FIELDS.get(name)
        if definition is None:
            raise SimError(f"Field {name!r} is not on screen {state.screen_name}")
        alias, kind = definition
        if kind == "protected":
            raise SimError(f"Field {name} is protected on screen {state.screen_name}")
        container = pair.get("USERDEFINEDSCREENFIELDVALUE")
        received[name] = container
        text = _decode(name, kind, container)
        if alias in CHOICES and text not in CHOICES[alias]:
            raise SimError(f"{name}: {text!r} is not one of {', '.join(CHOICES[alias])}")
        (keys if kind == "key" else values)[alias] = text
    pfa_id, org = keys.get("pfs_id"), keys.get("pfs_a_org")
    if not pfa_id or not org:
        raise SimError("PFS_ID and PFS_A_ORG are required")
    if header_org not in (org, "*"):
        raise SimError(f"organization header {header_org!r} does not match PFS_A_ORG {org!r}")
    with state.lock:
        data = state.org(org)
        row = data.rows.get(pfa_id)
        if row is None:
            raise SimError(f"Record {pfa_id} does not exist in {org}", "WSR-RECORD-NOT-FOUND")
        if int(row.get("recordid") or 0) != int(base):
            raise SimError(MODIFIED_BY_ANOTHER_USER, "WSR-RECORD-MODIFIED")
        new = state.bump(row, values)
        data.put(new)
        state.record_write(
            {
                "org": org,
                "pfaId": pfa_id,
                "recordid": int(base),
                "newRecordid": int(new["recordid"]),
                "receivedAt": new["pfs_lastmodified"],
                "fields": received,
                "values": values,
            }
        )
        served = state.view(new)
        fields = datafields(state, served)
    return envelope(
        {
            "USERDEFINEDSCREENNAME": state.screen_name,
            "recordid": int(new["recordid"]),
            "DATEUPDATED": new["pfs_lastmodified"],
            "DATAFIELD": fields,
        }
    )
