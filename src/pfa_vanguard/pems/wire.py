"""The HxGN EAM REST wire format: request bodies for the grid data service and the user-defined
screen service (GET and full-row UPDATE), and strict parsing of their answers. Pure functions,
no I/O. docs/pems.md describes the shapes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec
import orjson

from pfa_vanguard.pems.formats import format_filter_moment
from pfa_vanguard.pems.mapping import FieldMapping, as_text

Row = dict[str, str | None]  # alias -> value as PEMS sent it


class WireError(ValueError):
    """An answer that does not have the documented shape."""


class GridField(msgspec.Struct, gc=False):
    """A DATAFIELD entry as the fast decoder keeps it: the alias and the value as sent (any
    JSON value); the tenant's FIELDLABEL, DATATYPE and ISKEYFIELD are skipped unread."""

    FIELDNAME: str
    FIELDVALUE: Any = None


class GridRecord(msgspec.Struct, gc=False):
    """A DATARECORD entry as the fast decoder keeps it."""

    DATAFIELD: list[GridField]


class _GridData(msgspec.Struct, gc=False):
    DATARECORD: list[GridRecord] | None = None
    NEXTCURSORPOSITION: Any = None
    CURRENTCURSORPOSITION: Any = None


class _GridResult(msgspec.Struct, gc=False):
    ResultData: _GridData


class _GridEnvelope(msgspec.Struct, gc=False):
    Result: _GridResult


_GRID_DECODER = msgspec.json.Decoder(_GridEnvelope)


@dataclass(frozen=True)
class GridPage:
    """One grid answer. `records` (the DATARECORD entries, not yet checked one by one: JSON
    objects, or `GridRecord`s from `decode_grid_page`) is None when the page came back without
    DATARECORD; `next_cursor` is None when NEXTCURSORPOSITION was absent, null or empty."""

    records: list[Any] | None
    next_cursor: int | None
    current_cursor: int | None

    def rows(self) -> list[Row]:
        """The records as alias -> value rows; raises WireError for a malformed record."""
        return [record_to_row(record, index) for index, record in enumerate(self.records or ())]


def record_to_row(record: object, index: int) -> Row:
    """One DATARECORD entry as a row; raises WireError naming the entry when malformed."""
    if isinstance(record, GridRecord):
        fields = [{"FIELDNAME": f.FIELDNAME, "FIELDVALUE": f.FIELDVALUE} for f in record.DATAFIELD]
        return datafields_to_row(fields, f"DATARECORD[{index}]")
    if not isinstance(record, Mapping):
        raise WireError(f"DATARECORD[{index}] is not an object")
    return datafields_to_row(record.get("DATAFIELD"), f"DATARECORD[{index}]")


def grid_body(
    mapping: FieldMapping,
    org: str,
    cursor: int,
    page_size: int,
    *,
    changed_since: datetime | None = None,
    pfa_id: str | None = None,
) -> dict[str, Any]:
    """`POST /grids` body: one PFA organization (a filter, not the header), sorted on pfs_id,
    from `cursor`. `changed_since` becomes `pfs_lastmodified >= <moment>` in the tenant's
    filter format; the format's truncation (to the minute or day) only widens it."""
    filters: list[dict[str, Any]] = [
        {"ALIAS_NAME": mapping.org_alias, "OPERATOR": "=", "VALUE": org},
    ]
    if changed_since is not None:
        filters.append(
            {
                "ALIAS_NAME": mapping.modified_alias,
                "OPERATOR": ">=",
                "VALUE": format_filter_moment(changed_since, mapping.formats),
            }
        )
    if pfa_id is not None:
        filters.append({"ALIAS_NAME": mapping.id_alias, "OPERATOR": "=", "VALUE": pfa_id})
    for seq, item in enumerate(filters, 1):
        item["SEQNUM"] = seq
        item["JOINER"] = "AND"
    return {
        "GRID": {
            "GRID_NAME": mapping.grid_name,
            "NUMBER_OF_ROWS_FIRST_RETURNED": page_size,
            "CURSOR_POSITION": cursor,
            "WSGRIDSZ_OVERRIDE": page_size,
        },
        "GRID_TYPE": {"TYPE": "LIST"},
        "ADDON_SORT": {"ALIAS_NAME": mapping.id_alias, "TYPE": "ASC"},
        "MULTIADDON_FILTERS": {"MADDON_FILTER": filters},
        "REQUEST_TYPE": "LIST.HEAD_DATA.STORED",
    }


def _cursor(value: object, name: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise WireError(f"{name} {value!r} is not an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii():
        try:
            return int(value.strip())
        except ValueError:
            pass
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise WireError(f"{name} {value!r} is not an integer")


def result_data(payload: object) -> Mapping[str, Any]:
    """`Result.ResultData` of an envelope; raises WireError when the envelope is malformed."""
    if not isinstance(payload, Mapping):
        raise WireError("the answer is not a JSON object")
    result = payload.get("Result")
    if not isinstance(result, Mapping):
        raise WireError("the answer has no Result object")
    data = result.get("ResultData")
    if not isinstance(data, Mapping):
        raise WireError("the answer has no Result.ResultData object")
    return data


def datafields_to_row(fields: object, where: str) -> Row:
    """A `DATAFIELD` list as an alias -> string row, checked entry by entry (values other than
    strings and null become their JSON text); raises WireError naming what is malformed."""
    if not isinstance(fields, Sequence) or isinstance(fields, str | bytes):
        raise WireError(f"{where}: DATAFIELD is not a list")
    row = {}
    for item in fields:
        if not isinstance(item, Mapping) or not isinstance(item.get("FIELDNAME"), str):
            raise WireError(f"{where}: a DATAFIELD entry has no FIELDNAME")
        value = item.get("FIELDVALUE")
        row[item["FIELDNAME"]] = None if value is None else as_text(value)
    return row


def parse_grid_page(payload: object) -> GridPage:
    """Parse a grid answer; raises WireError saying what is wrong with it."""
    data = result_data(payload)
    next_cursor = _cursor(data.get("NEXTCURSORPOSITION"), "NEXTCURSORPOSITION")
    current = _cursor(data.get("CURRENTCURSORPOSITION"), "CURRENTCURSORPOSITION")
    records = data.get("DATARECORD")
    if records is None:
        return GridPage(None, next_cursor, current)
    if isinstance(records, Mapping):  # some tenants send a lone record unwrapped
        records = [records]
    if not isinstance(records, list):
        raise WireError("DATARECORD is not a list")
    return GridPage(records, next_cursor, current)


def decode_grid_page(content: bytes) -> GridPage:
    """A grid answer straight from its bytes. The usual answer is decoded by a typed decoder
    that keeps only each field's alias and value (the tenant repeats a label, a type and a key
    flag in every field of every row); any other shape (a lone record unwrapped, an error
    envelope, a malformed entry) goes through `parse_grid_page`, which says what is wrong.
    Raises WireError when the answer is not JSON or not a grid answer."""
    try:
        data = _GRID_DECODER.decode(content).Result.ResultData
    except msgspec.ValidationError:
        try:
            payload = orjson.loads(content)
        except orjson.JSONDecodeError as exc:
            raise WireError(f"the answer is not JSON ({exc})") from None
        return parse_grid_page(payload)
    except msgspec.DecodeError as exc:
        raise WireError(f"the answer is not JSON ({exc})") from None
    return GridPage(
        data.DATARECORD,
        _cursor(data.NEXTCURSORPOSITION, "NEXTCURSORPOSITION"),
        _cursor(data.CURRENTCURSORPOSITION, "CURRENTCURSORPOSITION"),
    )


def _alert_messages(alerts: object) -> list[str]:
    if isinstance(alerts, Mapping):
        alerts = [alerts]
    if not isinstance(alerts, Sequence) or isinstance(alerts, str | bytes):
        return []
    messages = []
    for alert in alerts:
        if isinstance(alert, Mapping):
            name, message = alert.get("Name"), alert.get("Message")
            messages.append(f"{name}: {message}" if name and message else str(message or name))
        elif alert:
            messages.append(str(alert))
    return [m for m in messages if m and m != "None"]


def error_alerts(payload: object) -> list[str]:
    """The messages of an envelope's ErrorAlert and ConfirmationAlert (`Name: Message`; a
    tenant may refuse with either), empty when there are none."""
    if not isinstance(payload, Mapping):
        return []
    return _alert_messages(payload.get("ErrorAlert")) + [
        f"confirmation needed: {message}"
        for message in _alert_messages(payload.get("ConfirmationAlert"))
    ]


def is_modified_by_another_user(messages: Sequence[str]) -> bool:
    """Whether a 400's ErrorAlert is PEMS's optimistic-lock refusal (a conflict)."""
    return any("modified by another user" in message.lower() for message in messages)


def is_record_missing(messages: Sequence[str]) -> bool:
    """Whether a 400's alerts say the record is not in PEMS."""
    return any(
        "does not exist" in message.lower() or "not found" in message.lower()
        for message in messages
    )


ScreenPair = tuple[str, Any]  # screen field name -> its typed value container, as sent


def _pairs_body(
    mapping: FieldMapping, action: str, pairs: Sequence[ScreenPair], recordid: int | None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "USERDEFINEDSCREENNAME": mapping.screen_name,
        "USERDEFINEDSERVICEACTION": action,
        "USERDEFINEDSCREENFIELDVALUELIST": {
            "USERDEFINEDSCREENFIELDVALUEPAIR": [
                {"USERDEFINEDSCREENFIELDNAME": name, "USERDEFINEDSCREENFIELDVALUE": value}
                for name, value in pairs
            ]
        },
    }
    if recordid is not None:
        body["recordid"] = recordid
    return body


def screen_get_body(mapping: FieldMapping, org: str, pfa_id: str) -> dict[str, Any]:
    """`POST /userdefinedscreenservices` GET of one record, identified by its keys."""
    keys = [(mapping.id_screen, {"TEXTDATA": pfa_id}), (mapping.org_screen, {"TEXTDATA": org})]
    return _pairs_body(mapping, "GET", keys, None)


def screen_update_body(
    mapping: FieldMapping, recordid: int, pairs: Sequence[ScreenPair]
) -> dict[str, Any]:
    """UPDATE of one record: `pairs` must be the WHOLE row (a tenant blanks what is not sent),
    `recordid` the counter of the GET the row came from (the optimistic lock)."""
    return _pairs_body(mapping, "UPDATE", pairs, recordid)


@dataclass(frozen=True)
class ScreenAnswer:
    """A screen service answer's record: its update counter and every field as sent."""

    recordid: int
    pairs: list[ScreenPair]


def parse_screen_answer(payload: object) -> ScreenAnswer:
    """`Result.ResultData.UserDefinedScreenService` of a GET or UPDATE answer; raises
    WireError saying what is wrong with it."""
    data = result_data(payload)
    service = data.get("UserDefinedScreenService")
    if not isinstance(service, Mapping):
        raise WireError("the answer has no Result.ResultData.UserDefinedScreenService object")
    recordid = _cursor(service.get("recordid"), "recordid")
    if recordid is None:
        raise WireError("the answer's record has no recordid")
    listing = service.get("USERDEFINEDSCREENFIELDVALUELIST")
    items = listing.get("USERDEFINEDSCREENFIELDVALUEPAIR") if isinstance(listing, Mapping) else None
    if isinstance(items, Mapping):
        items = [items]
    if not isinstance(items, list):
        raise WireError("the answer's record has no USERDEFINEDSCREENFIELDVALUEPAIR list")
    pairs: list[ScreenPair] = []
    for item in items:
        if not isinstance(item, Mapping) or not isinstance(
            item.get("USERDEFINEDSCREENFIELDNAME"), str
        ):
            raise WireError("a USERDEFINEDSCREENFIELDVALUEPAIR has no USERDEFINEDSCREENFIELDNAME")
        value = item.get("USERDEFINEDSCREENFIELDVALUE")
        if value is not None and not isinstance(value, Mapping):
            raise WireError(f"{item['USERDEFINEDSCREENFIELDNAME']}: the value is not an object")
        pairs.append((item["USERDEFINEDSCREENFIELDNAME"].upper(), value))
    return ScreenAnswer(recordid, pairs)
