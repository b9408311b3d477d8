"""The HxGN EAM REST wire format (pems-api.md): request bodies for the grid data service and the
user-defined screen service, and strict parsing of their answers. Pure functions, no I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pfa_vanguard.pems.mapping import FieldMapping, as_text

Row = dict[str, str | None]  # alias -> value as PEMS sent it


class WireError(ValueError):
    """An answer that does not have the documented shape."""


@dataclass(frozen=True)
class GridPage:
    """One grid answer. `records` (the DATARECORD entries, not yet checked one by one) is None
    when the page came back without DATARECORD; `next_cursor` is None when NEXTCURSORPOSITION
    was absent, null or empty."""

    records: list[Any] | None
    next_cursor: int | None
    current_cursor: int | None

    def rows(self) -> list[Row]:
        """The records as alias -> value rows; raises WireError for a malformed record."""
        return [record_to_row(record, index) for index, record in enumerate(self.records or ())]


def record_to_row(record: object, index: int) -> Row:
    """One DATARECORD entry as a row; raises WireError naming the entry when malformed."""
    if not isinstance(record, Mapping):
        raise WireError(f"DATARECORD[{index}] is not an object")
    return datafields_to_row(record.get("DATAFIELD"), f"DATARECORD[{index}]")


def format_timestamp(moment: datetime) -> str:
    """A moment as PEMS filter text: UTC, milliseconds, `Z` (truncation only ever widens a
    "changed since" filter, so nothing is missed)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def grid_body(
    mapping: FieldMapping,
    org: str,
    cursor: int,
    page_size: int,
    *,
    changed_since: datetime | None = None,
    pfa_id: str | None = None,
) -> dict[str, Any]:
    """`POST /grids` body: one organization, sorted on pfs_id, from `cursor`."""
    filters: list[dict[str, Any]] = [
        {"ALIAS_NAME": mapping.org_alias, "OPERATOR": "=", "VALUE": org},
    ]
    if changed_since is not None:
        filters.append(
            {
                "ALIAS_NAME": mapping.modified_alias,
                "OPERATOR": ">",
                "VALUE": format_timestamp(changed_since),
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
    if isinstance(value, str):
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


def error_alerts(payload: object) -> list[str]:
    """The messages of an envelope's ErrorAlert (`Name: Message`), empty when there are none."""
    if not isinstance(payload, Mapping):
        return []
    alerts = payload.get("ErrorAlert")
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


def is_modified_by_another_user(messages: Sequence[str]) -> bool:
    """Whether a 400's ErrorAlert is PEMS's optimistic-lock refusal (a conflict)."""
    return any("modified by another user" in message.lower() for message in messages)


def update_body(
    mapping: FieldMapping,
    org: str,
    pfa_id: str,
    base_version: int,
    values: Mapping[str, dict[str, Any]],
) -> dict[str, Any]:
    """`POST /userdefinedscreenservices` UPDATE of one record: the keys, then `values`
    (screen field name -> typed screen value), carrying the version the edit started from."""
    pairs = [
        {
            "USERDEFINEDSCREENFIELDNAME": mapping.by_alias[mapping.id_alias.lower()].screen,
            "USERDEFINEDSCREENFIELDVALUE": {"TEXTDATA": pfa_id},
        },
        {
            "USERDEFINEDSCREENFIELDNAME": mapping.by_alias[mapping.org_alias.lower()].screen,
            "USERDEFINEDSCREENFIELDVALUE": {"TEXTDATA": org},
        },
    ]
    pairs.extend(
        {"USERDEFINEDSCREENFIELDNAME": name, "USERDEFINEDSCREENFIELDVALUE": value}
        for name, value in values.items()
    )
    return {
        "USERDEFINEDSCREENNAME": mapping.screen_name,
        "USERDEFINEDSERVICEACTION": "UPDATE",
        "recordid": base_version,
        "USERDEFINEDSCREENFIELDVALUELIST": {"USERDEFINEDSCREENFIELDVALUEPAIR": pairs},
    }


def update_echo(payload: object) -> Row | None:
    """The record an accepted update echoes, as a row, or None when the answer carries none
    (then the caller reads the record back)."""
    try:
        data = result_data(payload)
        fields = data.get("DATAFIELD")
        if fields is None and isinstance(data.get("DATARECORD"), Mapping):
            fields = data["DATARECORD"].get("DATAFIELD")
        if fields is None:
            return None
        return datafields_to_row(fields, "update answer")
    except WireError:
        return None
