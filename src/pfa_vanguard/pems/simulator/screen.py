"""`POST /userdefinedscreenservices` on screen CUPFA2: GET a record with every screen field
typed and its update counter `recordid`, and a FULL UPDATE guarded by that counter (a field
not sent is blanked, as the tenant's full update does). The screen's definition is the
simulator's own, independent of the client's field map, so a client that sends the wrong
name or the wrong typed value is caught."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pfa_vanguard.pems.simulator.formats import day_of
from pfa_vanguard.pems.simulator.generator import CODES
from pfa_vanguard.pems.simulator.options import TenantOptions, YearFormat
from pfa_vanguard.pems.simulator.state import SimError, SimulatorState
from pfa_vanguard.pems.simulator.typed import (
    TypedValueError,
    read_datetime,
    read_number,
    write_date,
    write_datetime,
    write_number,
)

# Screen field -> (alias, kind). Keys identify the record; the plan window is the budget
# baseline, protected on the screen (accepted unchanged, refused when changed).
SCREEN_FIELDS: dict[str, tuple[str, str]] = {
    "PFS_ID": ("pfs_id", "key"), "PFS_A_ORG": ("pfs_a_org", "key"),
    "DESCRIPTION": ("description", "text"), "PFS_F_AREA": ("pfs_f_area", "text"),
    "PFS_F_CATEGORY": ("pfs_f_category", "text"), "PFS_F_CATDESC": ("pfs_f_catdesc", "text"),
    "PFS_F_CLASS": ("pfs_f_class", "text"), "PFS_F_SOURCE": ("pfs_f_source", "code"),
    "PFS_F_DOR": ("pfs_f_dor", "code"), "PFS_F_ACTUALIZED": ("pfs_f_actualized", "bool"),
    "PFA_DIS": ("pfs_f_discontinued", "bool"), "PFS_FT": ("pfs_f_fundstrans", "bool"),
    "PFS_F_RENTAL": ("pfs_f_rental", "number"), "PFS_F_PURCHASE": ("pfs_f_purchase", "number"),
    "PFS_F_MANUFACTURER": ("pfs_f_manufacturer", "text"), "PFS_F_MODEL": ("pfs_f_model", "text"),
    "PFS_P_STARTDATE": ("pfs_p_startdate", "protected"),
    "PFS_P_ENDDATE": ("pfs_p_enddate", "protected"),
    "PFS_F_STARTDATE": ("pfs_f_startdate", "date"), "PFS_F_ENDDATE": ("pfs_f_enddate", "date"),
    "PFS_A_STARTDATE": ("pfs_a_startdate", "date"), "PFS_A_ENDDATE": ("pfs_a_enddate", "date"),
    "PFS_P_PROJCODE": ("pfs_p_projcode", "text"), "PFS_EQUIPMENT": ("pfs_equipment_tag", "text"),
}  # fmt: skip
CONTAINER = {
    "key": "TEXTDATA", "text": "TEXTDATA", "code": "TEXTDATA", "bool": "TEXTDATA",
    "number": "NUMERICDATA", "date": "DATETIMEDATA", "protected": "DATETIMEDATA",
}  # fmt: skip
MODIFIED_BY_ANOTHER_USER = (
    "com.dstm.mp.common.ApplicationException: This record has been modified by another user."
    " Reload the record to view and/or edit the updated record."
)
ACTIONS = ("GET", "UPDATE")


class Confirmation(SimError):
    """The tenant asks for a confirmation instead of applying the update (HTTP 400 with a
    ConfirmationAlert, nothing changed)."""


def envelope(data: Mapping[str, Any]) -> dict[str, Any]:
    """A success answer in the tenant's envelope."""
    return {"Result": {"ResultData": data, "InfoAlert": None, "WarningAlert": None},
            "ErrorAlert": None, "ConfirmationAlert": None}  # fmt: skip


def _decode(name: str, kind: str, container: object, options: TenantOptions) -> str:
    """A received typed value as the canonical text the simulator stores."""
    expected = CONTAINER[kind]
    if not isinstance(container, Mapping) or set(container) != {expected}:
        raise SimError(f"{name} expects {expected}, got {container!r}", "WSR-INVALID-TYPE")
    value = container[expected]
    if expected == "TEXTDATA":
        if not isinstance(value, str):
            raise SimError(f"{name}: TEXTDATA must be a string, got {value!r}", "WSR-INVALID-TYPE")
        if kind == "bool":
            if value.lower() not in ("true", "false"):
                raise SimError(f"{name}: a checkbox takes 'true' or 'false', got {value!r}")
            return "-1" if value.lower() == "true" else "0"
        if kind == "code":
            alias = SCREEN_FIELDS[name][0]
            if value and value.upper() not in CODES[alias]:
                raise SimError(f"{name}: {value!r} is not one of {', '.join(CODES[alias])}")
            return value.upper()
        return value
    if value is None:
        return ""
    try:
        if expected == "NUMERICDATA":
            return read_number(value, options.numeric_value)
        return read_datetime(value, options.year_format).date().isoformat()
    except TypedValueError as exc:
        raise SimError(f"{name}: invalid {expected}: {exc}", "WSR-INVALID-TYPE") from None


def _encode(kind: str, text: str, options: TenantOptions) -> dict[str, Any]:
    """Stored text as the typed value the screen shows."""
    if kind == "bool":
        return {"TEXTDATA": "true" if text == "-1" else "false"}
    if kind == "number":
        return {"NUMERICDATA": write_number(text, options.numeric_value) if text else None}
    if kind in ("date", "protected"):
        day = day_of(text)
        return {"DATETIMEDATA": write_date(day, options.year_format) if day else None}
    return {"TEXTDATA": text}


def _stamp(text: str, year_format: YearFormat) -> dict[str, Any] | None:
    try:
        return write_datetime(datetime.fromisoformat(text), year_format)
    except ValueError:
        return None


def screen_record(state: SimulatorState, row: Mapping[str, str], action: str) -> dict[str, Any]:
    """A record as the screen service answers it (GET, or the echo of an UPDATE)."""
    options = state.options
    pairs = [
        {"USERDEFINEDSCREENFIELDNAME": name,
         "USERDEFINEDSCREENFIELDVALUE": _encode(kind, row.get(alias, ""), options)}
        for name, (alias, kind) in SCREEN_FIELDS.items()
    ]  # fmt: skip
    return {
        "UserDefinedScreenService": {
            "USERDEFINEDSCREENNAME": state.screen_name,
            "USERDEFINEDSERVICEACTION": action,
            "recordid": int(row.get("recordid") or 0),
            "DATEUPDATED": _stamp(row.get("pfs_lastmodified", ""), options.year_format),
            "USERDEFINEDSCREENFIELDVALUELIST": {"USERDEFINEDSCREENFIELDVALUEPAIR": pairs},
        }
    }


def _received(state: SimulatorState, body: Mapping[str, Any]) -> dict[str, object]:
    """Screen field -> typed container, as sent (unknown and repeated fields refused)."""
    listing = body.get("USERDEFINEDSCREENFIELDVALUELIST")
    pairs = listing.get("USERDEFINEDSCREENFIELDVALUEPAIR") if isinstance(listing, Mapping) else None
    if isinstance(pairs, Mapping):
        pairs = [pairs]
    if not isinstance(pairs, list):
        raise SimError(
            "USERDEFINEDSCREENFIELDVALUELIST.USERDEFINEDSCREENFIELDVALUEPAIR is required"
        )
    received: dict[str, object] = {}
    for pair in pairs:
        if not isinstance(pair, Mapping):
            raise SimError(f"each USERDEFINEDSCREENFIELDVALUEPAIR must be an object, got {pair!r}")
        name = pair.get("USERDEFINEDSCREENFIELDNAME")
        if not isinstance(name, str) or name not in SCREEN_FIELDS:
            raise SimError(f"Field {name!r} is not on screen {state.screen_name}")
        if name in received:
            raise SimError(f"Field {name} is sent twice")
        received[name] = pair.get("USERDEFINEDSCREENFIELDVALUE")
    return received


def _keys(state: SimulatorState, received: Mapping[str, object]) -> tuple[str, str]:
    keys = [_decode(n, "key", received.get(n), state.options)
            if n in received else "" for n in ("PFS_ID", "PFS_A_ORG")]  # fmt: skip
    if not keys[0] or not keys[1]:
        raise SimError("PFS_ID and PFS_A_ORG (TEXTDATA) are required")
    return keys[0], keys[1]


def _record(state: SimulatorState, pfa_id: str, org: str) -> dict[str, str]:
    data = state.orgs.get(org)
    row = None if data is None else data.rows.get(pfa_id)
    if row is None:
        raise SimError(f"Record {pfa_id} of organization {org} does not exist",
                       "WSR-RECORD-NOT-FOUND")  # fmt: skip
    return row


def answer_screen(state: SimulatorState, body: Mapping[str, Any]) -> dict[str, Any]:
    """`POST /userdefinedscreenservices`: GET or UPDATE one record of the screen."""
    if body.get("USERDEFINEDSCREENNAME") != state.screen_name:
        raise SimError(f"Screen {body.get('USERDEFINEDSCREENNAME')!r} does not exist")
    action = body.get("USERDEFINEDSERVICEACTION")
    if action not in ACTIONS:
        raise SimError(f"Action {action!r} is not allowed on {state.screen_name} "
                       f"({' or '.join(ACTIONS)})")  # fmt: skip
    received = _received(state, body)
    pfa_id, org = _keys(state, received)
    if action == "GET":
        with state.lock:
            return envelope(screen_record(state, _record(state, pfa_id, org), "GET"))
    return envelope(_update(state, body, received, pfa_id, org))


def _update(state: SimulatorState, body: Mapping[str, Any], received: Mapping[str, object],
            pfa_id: str, org: str) -> dict[str, Any]:  # fmt: skip
    base = body.get("recordid")
    if isinstance(base, str) and base.isascii() and base.isdigit() and len(base) < 19:
        base = int(base)
    if isinstance(base, bool) or not isinstance(base, int) or base < 0:
        raise SimError(f"recordid must be a non-negative integer, got {base!r}")
    with state.lock:
        sent = {
            SCREEN_FIELDS[name][0]: _decode(name, SCREEN_FIELDS[name][1], container, state.options)
            for name, container in received.items()
        }
        row = _record(state, pfa_id, org)
        if int(row.get("recordid") or 0) != base:
            raise SimError(MODIFIED_BY_ANOTHER_USER, "WSR-RECORD-MODIFIED")
        values: dict[str, str] = {}
        for name, (alias, kind) in SCREEN_FIELDS.items():
            if kind == "key":
                continue
            held = row.get(alias, "")
            if kind == "protected":
                if alias in sent and sent[alias] != held:
                    raise SimError(f"Field {name} is protected on screen {state.screen_name}")
                continue
            values[alias] = sent.get(alias, "0" if kind == "bool" else "")
        if state.options.confirmation_alert is not None:
            raise Confirmation(state.options.confirmation_alert, "WSR-CONFIRMATION")
        changed = [alias for alias, text in values.items() if row.get(alias, "") != text]
        new = state.bump(row, values)
        state.org(org).put(new)
        state.record_write({
            "org": org, "pfaId": pfa_id, "recordid": base, "newRecordid": int(new["recordid"]),
            "receivedAt": new["pfs_lastmodified"], "fields": dict(received), "values": sent,
            "changed": changed,
        })  # fmt: skip
        return screen_record(state, new, "UPDATE")
