"""The alias -> PFA field mapping, kept as data (`field_map.json`, overridable per tenant), and
the pure conversions both ways: a PEMS row (all strings) to a `PemsRecord`, and a PFA value to
the typed screen value (TEXTDATA / NUMERICDATA / DATETIMEDATA) a write sends."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import orjson

from pfa_vanguard.domain.fields import FieldType
from pfa_vanguard.pems.records import PemsRecord

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]*(?:Z|[+-]\d{2}:?\d{2})?)?$")
_ORACLE_DATE = re.compile(r"^(\d{1,2})-([A-Za-z]{3})-(\d{4})$")
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1
    )
}
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)$")
_TRUE = frozenset({"-1", "true", "+", "yes", "y", "1", "on"})
_FALSE = frozenset({"0", "false", "-", "no", "n", "off", ""})
_MAX_EXACT_FLOAT = 2**53


class RowError(ValueError):
    """A row that cannot become a record at all (no pfs_id, no integer recordid)."""


@dataclass(frozen=True)
class FieldSpec:
    """One mapped column: PEMS alias, PFA field, value type, and the screen field of writes."""

    alias: str
    field: str
    type: FieldType
    screen: str


@dataclass(frozen=True)
class FieldMapping:
    """A tenant's mapping. Build with `load_mapping`; aliases are matched case-insensitively."""

    grid_name: str
    screen_name: str
    fields: tuple[FieldSpec, ...]
    id_alias: str = "pfs_id"
    org_alias: str = "pfs_a_org"
    version_alias: str = "recordid"
    modified_alias: str = "pfs_lastmodified"
    by_alias: dict[str, FieldSpec] = field(init=False, repr=False, compare=False)
    by_field: dict[str, FieldSpec] = field(init=False, repr=False, compare=False)
    # How `map_row` treats each alias seen so far (filled lazily; aliases are few).
    id_field: str = field(init=False, repr=False, compare=False)
    plans: dict[object, Plan] = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        by_alias = {spec.alias.lower(): spec for spec in self.fields}
        by_field = {spec.field: spec for spec in self.fields}
        if len(by_alias) != len(self.fields) or len(by_field) != len(self.fields):
            raise ValueError("field map: every alias and every field must appear once")
        for key in (self.id_alias, self.org_alias):
            if key.lower() not in by_alias:
                raise ValueError(f"field map: key alias {key!r} is not mapped")
        object.__setattr__(self, "by_alias", by_alias)
        object.__setattr__(self, "by_field", by_field)
        object.__setattr__(self, "id_field", by_alias[self.id_alias.lower()].field)


def parse_mapping(document: Mapping[str, Any], origin: str = "field map") -> FieldMapping:
    """A mapping from its JSON document (format of the shipped `field_map.json`)."""
    try:
        keys = document.get("keys", {})
        specs = tuple(
            FieldSpec(
                alias=str(item["alias"]),
                field=str(item["field"]),
                type=FieldType(item.get("type", "text")),
                screen=str(item.get("screen") or item["alias"]).upper(),
            )
            for item in document["fields"]
        )
        return FieldMapping(
            grid_name=str(document.get("grid", "CUPFAG")),
            screen_name=str(document.get("screen", "CUPFA2")),
            fields=specs,
            id_alias=str(keys.get("id", "pfs_id")),
            org_alias=str(keys.get("organization", "pfs_a_org")),
            version_alias=str(keys.get("version", "recordid")),
            modified_alias=str(keys.get("modified", "pfs_lastmodified")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{origin}: invalid field map: {exc}") from exc


@cache
def _shipped() -> FieldMapping:
    text = resources.files("pfa_vanguard.pems").joinpath("field_map.json").read_text("utf-8")
    return parse_mapping(json.loads(text), "shipped field_map.json")


def load_mapping(path: Path | None = None) -> FieldMapping:
    """The mapping in `path` (a whole replacement of the shipped one), or the shipped mapping."""
    if path is None:
        return _shipped()
    try:
        document = json.loads(path.read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read field map {path}: {exc}") from exc
    return parse_mapping(document, str(path))


# --- PEMS string -> PFA value ---------------------------------------------------------------
# Each converter returns (value, problem); on a problem the value is the raw string.

Converted = tuple[Any, str | None]


def convert_text(raw: str) -> Converted:
    return (raw if raw != "" else None), None


def convert_bool(raw: str) -> Converted:
    key = raw.strip().lower()
    if key in _TRUE:
        return True, None
    if key in _FALSE:
        return False, None
    return raw, f"{raw!r} is not a CHKBOOLEAN value (-1/true/+/Yes or 0/false/-/No)"


def convert_number(raw: str) -> Converted:
    text = raw.strip()
    if text == "":
        return None, None
    if not _NUMBER.match(text):
        return raw, f"{raw!r} is not a number"
    if "." not in text:
        return int(text), None
    number = float(text)
    if number.is_integer() and abs(number) < _MAX_EXACT_FLOAT:
        return int(number), None
    return number, None


def convert_date(raw: str) -> Converted:
    text = raw.strip()
    if text == "":
        return None, None
    match = _DATE.match(text)
    try:
        if match:
            return date(int(match[1]), int(match[2]), int(match[3])).isoformat(), None
        match = _ORACLE_DATE.match(text)
        if match and match[2].upper() in _MONTHS:
            return date(int(match[3]), _MONTHS[match[2].upper()], int(match[1])).isoformat(), None
    except ValueError:
        pass
    return raw, f"{raw!r} is not a date (YYYY-MM-DD)"


CONVERTERS: dict[FieldType, Callable[[str], Converted]] = {
    FieldType.TEXT: convert_text,
    FieldType.BOOL: convert_bool,
    FieldType.NUMBER: convert_number,
    FieldType.DATE: convert_date,
}


def parse_timestamp(raw: str) -> datetime | None:
    """An ISO timestamp (`Z`, offset, or naive = UTC; `T` or space) as an aware UTC datetime."""
    text = raw.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


_TEXT, _CONVERT, _VERSION, _MODIFIED, _UNKNOWN = range(5)
_CACHE_LIMIT = 100_000
# Converted values by type, memoized: PEMS columns repeat few distinct values (dates, rates,
# flags), and a 50K-record read converts over a million of them.
_caches: dict[FieldType, dict[object, Converted]] = {t: {} for t in FieldType}

# How map_row treats one alias: (kind, key in data, memo of conversions, converter).
Plan = tuple[int, str, dict[object, Converted], Callable[[str], Converted]]


def _plan(mapping: FieldMapping, alias: object) -> Plan:
    name = str(alias)
    key = name.lower()
    spec = mapping.by_alias.get(key)
    if key == mapping.version_alias.lower():
        kind = _VERSION
    elif key == mapping.modified_alias.lower():
        kind = _MODIFIED
    elif spec is None:
        kind = _UNKNOWN
    else:
        kind = _TEXT if spec.type is FieldType.TEXT else _CONVERT
        return kind, spec.field, _caches[spec.type], CONVERTERS[spec.type]
    return kind, name, _caches[FieldType.TEXT], convert_text


def as_text(value: object) -> str:
    """A value as PEMS text: strings as they are, null empty, anything else its JSON text."""
    if isinstance(value, str):
        return value
    return "" if value is None else orjson.dumps(value).decode()


def _convert(plan: Plan, value: object) -> Converted:
    raw = as_text(value)
    cache = plan[2]
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    result = cache[value] = plan[3](raw)
    return result


def map_row(row: Mapping[str, object], mapping: FieldMapping | None = None) -> PemsRecord:
    """Convert one alias-level row (values as PEMS sends them) into a `PemsRecord`.

    Pure and total for values: a value that does not convert is kept raw and reported in
    `problems`. Raises `RowError` only when the row has no `pfs_id` or no integer `recordid`,
    since such a row cannot be identified or versioned. `mapping` defaults to the shipped one.
    """
    return map_pairs(row.items(), mapping or _shipped())


def map_pairs(pairs: Iterable[tuple[object, object]], mapping: FieldMapping) -> PemsRecord:
    """`map_row` over (alias, value) pairs, e.g. straight from a DATAFIELD list.
    May raise TypeError for an unhashable value (a JSON list or object)."""
    plans = mapping.plans
    data: dict[str, Any] = {}
    problems: list[str] = []
    version_raw: object = None
    modified_raw: object = None
    for alias, value in pairs:
        plan = plans.get(alias)
        if plan is None:
            plan = plans[alias] = _plan(mapping, alias)
        kind = plan[0]
        if kind == _TEXT:
            data[plan[1]] = (value or None) if value.__class__ is str else _convert(plan, value)[0]
        elif kind == _CONVERT:
            converted = plan[2].get(value)
            if converted is None:
                converted = _convert(plan, value)
            data[plan[1]] = converted[0]
            if converted[1] is not None:
                problems.append(f"{plan[1]}: {converted[1]}")
        elif kind == _UNKNOWN:
            data[plan[1]] = value if value.__class__ is str else as_text(value)
        elif kind == _VERSION:
            version_raw = value
        else:
            modified_raw = value
    pfa_id = data.get(mapping.id_field)
    if not isinstance(pfa_id, str) or not pfa_id.strip():
        raise RowError(f"a row has no {mapping.id_alias}")
    try:
        version = int(as_text(version_raw).strip())
    except ValueError:
        raise RowError(
            f"row {pfa_id}: {mapping.version_alias} {version_raw!r} is not an integer"
        ) from None
    modified_at = None
    if modified_raw:
        modified_at = parse_timestamp(as_text(modified_raw))
        if modified_at is None:
            problems.append(f"{mapping.modified_alias}: {modified_raw!r} is not an ISO timestamp")
    return PemsRecord(pfa_id, data, version, modified_at, tuple(problems))


# --- PFA value -> screen value ----------------------------------------------------------------


def _as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        converted, problem = convert_date(value)
        if problem is None and converted is not None:
            return date.fromisoformat(converted)
    raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)")


def _as_decimal(value: object) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str) and _NUMBER.match(value.strip()):
        try:
            return Decimal(value.strip())
        except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
            pass
    raise ValueError(f"{value!r} is not a number")


def normalize_value(spec: FieldSpec, value: object) -> Any:
    """`value` in the form `map_row` gives that field (to compare a read-back with a write).
    Raises ValueError when the value has the wrong type for the field."""
    if value is None:
        return False if spec.type is FieldType.BOOL else None
    if spec.type is FieldType.TEXT:
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not text")
        return value if value != "" else None
    if spec.type is FieldType.BOOL:
        if not isinstance(value, bool):
            raise ValueError(f"{value!r} is not a boolean")
        return value
    if spec.type is FieldType.DATE:
        return _as_date(value).isoformat()
    number = _as_decimal(value)
    return convert_number(format(number, "f"))[0]


def screen_value(spec: FieldSpec, value: object) -> dict[str, Any]:
    """The typed screen value of one field for a write. Raises ValueError naming the problem.

    Text and booleans (`"true"`/`"false"`) go in TEXTDATA; dates in DATETIMEDATA
    `{YEAR, MONTH, DAY}`; numbers in NUMERICDATA `{VALUE, NUMOFDEC, SIGN}` where VALUE is the
    unsigned digits without the decimal point (EAM's convention: 1250.5 -> 12505, 1, "+").
    None clears the field (empty TEXTDATA, null DATETIMEDATA / NUMERICDATA).
    """
    if spec.type is FieldType.TEXT:
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{value!r} is not text")
        return {"TEXTDATA": value or ""}
    if spec.type is FieldType.BOOL:
        if not isinstance(value, bool):
            raise ValueError(f"{value!r} is not a boolean")
        return {"TEXTDATA": "true" if value else "false"}
    if spec.type is FieldType.DATE:
        if value is None:
            return {"DATETIMEDATA": None}
        day = _as_date(value)
        return {"DATETIMEDATA": {"YEAR": day.year, "MONTH": day.month, "DAY": day.day}}
    if value is None:
        return {"NUMERICDATA": None}
    number = _as_decimal(value)
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    scale = max(0, -exponent)
    unscaled = int("".join(map(str, digits)) or "0") * (10 ** max(0, exponent))
    return {"NUMERICDATA": {"VALUE": unscaled, "NUMOFDEC": scale, "SIGN": "-" if sign else "+"}}
