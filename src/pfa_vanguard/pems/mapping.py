"""The alias -> PFA field mapping, kept as data (`field_map.json`, overridable per tenant), and
the pure conversions both ways: a grid row (strings formatted for the API user's profile) to a
`PemsRecord`, and PFA values to and from the typed screen values (TEXTDATA / NUMERICDATA /
DATETIMEDATA) of the screen service. The tenant's value formats (`TenantFormats`) are part of
the mapping, so one object says how to read and write that tenant."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import orjson

from pfa_vanguard.domain.fields import FieldType
from pfa_vanguard.pems.formats import (
    TenantFormats,
    datetimedata,
    numericdata,
    parse_date,
    parse_number,
    parse_timestamp,
    read_datetimedata,
    read_numericdata,
)
from pfa_vanguard.pems.records import PemsRecord

_TRUE = frozenset({"-1", "true", "+", "yes", "y", "1", "on"})
_FALSE = frozenset({"0", "false", "-", "no", "n", "off", ""})
_MAX_EXACT_FLOAT = 2**53
# A record's version without a counter column: the minute of its last-modified stamp in the
# high bits (so versions still order by time, which the sync and write-through rely on) and a
# hash of the row's values in the low 32 (so edits within one minute, or edits that leave the
# stamp alone, still change it).
_HASH_BITS = 32


class RowError(ValueError):
    """A row that cannot become a record at all (no pfs_id, no integer version counter)."""


@dataclass(frozen=True)
class FieldSpec:
    """One mapped column: PEMS alias, PFA field, value type, the screen field of writes, and
    for coded fields the tenant's code of each PFA value (`codes`: PFA value -> tenant code;
    compared case-insensitively when read)."""

    alias: str
    field: str
    type: FieldType
    screen: str
    codes: tuple[tuple[str, str], ...] = ()

    def tenant_code(self, value: str) -> str:
        return dict(self.codes).get(value, value)


@dataclass(frozen=True)
class FieldMapping:
    """A tenant's mapping. Build with `load_mapping`; aliases are matched case-insensitively.

    `version_alias` names the grid column that counts a record's updates, or is None when the
    tenant's grid has none (the usual case): then a record's version is derived from its
    last-modified stamp and a hash of its values (see `record_version`).
    """

    grid_name: str
    screen_name: str
    fields: tuple[FieldSpec, ...]
    id_alias: str = "pfs_id"
    org_alias: str = "pfs_a_org"
    version_alias: str | None = None
    modified_alias: str = "pfs_lastmodified"
    formats: TenantFormats = field(default_factory=TenantFormats)
    by_alias: dict[str, FieldSpec] = field(init=False, repr=False, compare=False)
    by_field: dict[str, FieldSpec] = field(init=False, repr=False, compare=False)
    by_screen: dict[str, FieldSpec] = field(init=False, repr=False, compare=False)
    id_field: str = field(init=False, repr=False, compare=False)
    # How `map_pairs` treats each alias seen so far, and memoized conversions (filled lazily).
    plans: dict[object, Plan] = field(init=False, repr=False, compare=False, default_factory=dict)
    memo: dict[str, dict[object, Converted]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        by_alias = {spec.alias.lower(): spec for spec in self.fields}
        by_field = {spec.field: spec for spec in self.fields}
        by_screen = {spec.screen.upper(): spec for spec in self.fields}
        if len(by_alias) != len(self.fields) or len(by_field) != len(self.fields):
            raise ValueError("field map: every alias and every field must appear once")
        if len(by_screen) != len(self.fields):
            raise ValueError("field map: every screen field must appear once")
        for key in (self.id_alias, self.org_alias):
            if key.lower() not in by_alias:
                raise ValueError(f"field map: key alias {key!r} is not mapped")
        object.__setattr__(self, "by_alias", by_alias)
        object.__setattr__(self, "by_field", by_field)
        object.__setattr__(self, "by_screen", by_screen)
        object.__setattr__(self, "id_field", by_alias[self.id_alias.lower()].field)

    def with_formats(self, formats: TenantFormats) -> FieldMapping:
        """The same mapping for a tenant with other value formats."""
        if formats == self.formats:
            return self
        return dataclasses.replace(self, formats=formats)

    @property
    def id_screen(self) -> str:
        return self.by_alias[self.id_alias.lower()].screen

    @property
    def org_screen(self) -> str:
        return self.by_alias[self.org_alias.lower()].screen


def _codes(item: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    codes = item.get("codes") or {}
    if not isinstance(codes, Mapping):
        raise TypeError("codes must be an object of PFA value -> tenant code")
    return tuple((str(k), str(v)) for k, v in codes.items())


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
                codes=_codes(item),
            )
            for item in document["fields"]
        )
        version = keys.get("version")
        return FieldMapping(
            grid_name=str(document.get("grid", "CUPFAG")),
            screen_name=str(document.get("screen", "CUPFA2")),
            fields=specs,
            id_alias=str(keys.get("id", "pfs_id")),
            org_alias=str(keys.get("organization", "pfs_a_org")),
            version_alias=None if version in (None, "") else str(version),
            modified_alias=str(keys.get("modified", "pfs_lastmodified")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{origin}: invalid field map: {exc}") from exc


@cache
def _shipped() -> FieldMapping:
    text = resources.files("pfa_vanguard.pems").joinpath("field_map.json").read_text("utf-8")
    return parse_mapping(json.loads(text), "shipped field_map.json")


def load_mapping(path: Path | None = None, formats: TenantFormats | None = None) -> FieldMapping:
    """The mapping in `path` (a whole replacement of the shipped one), or the shipped mapping,
    for a tenant with `formats` (the defaults if None)."""
    if path is None:
        mapping = _shipped()
    else:
        try:
            document = json.loads(path.read_text("utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ValueError(f"cannot read field map {path}: {exc}") from exc
        mapping = parse_mapping(document, str(path))
    return mapping.with_formats(formats) if formats is not None else mapping


# --- grid string -> PFA value -----------------------------------------------------------------
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


def _plain_number(number: Decimal) -> int | float:
    if number == number.to_integral_value() and abs(number) < _MAX_EXACT_FLOAT:
        return int(number)
    return float(number)


def convert_number(raw: str) -> Converted:
    try:
        number = parse_number(raw)
    except ValueError:
        return raw, f"{raw!r} is not a number"
    return (None if number is None else _plain_number(number)), None


def date_converter(formats: TenantFormats) -> Callable[[str], Converted]:
    def convert_date(raw: str) -> Converted:
        try:
            day = parse_date(raw, formats.date_order)
        except ValueError:
            return raw, f"{raw!r} is not a date ({formats.date_order} or YYYY-MM-DD)"
        return (None if day is None else day.isoformat()), None

    return convert_date


def code_converter(spec: FieldSpec) -> Callable[[str], Converted]:
    """Coded text: the tenant's code (any case) or the PFA value (any case) -> the PFA value."""
    known: dict[str, str] = {}
    for value, code in spec.codes:
        known[value.casefold()] = value
        known[code.casefold()] = value

    def convert_code(raw: str) -> Converted:
        text = raw.strip()
        if text == "":
            return None, None
        return known.get(text.casefold(), text), None

    return convert_code


def converter(spec: FieldSpec, formats: TenantFormats) -> Callable[[str], Converted]:
    if spec.type is FieldType.BOOL:
        return convert_bool
    if spec.type is FieldType.NUMBER:
        return convert_number
    if spec.type is FieldType.DATE:
        return date_converter(formats)
    return code_converter(spec) if spec.codes else convert_text


_TEXT, _CONVERT, _VERSION, _MODIFIED, _UNKNOWN = range(5)
_CACHE_LIMIT = 100_000

# How map_pairs treats one alias: (kind, key in data, memo of conversions, converter).
Plan = tuple[int, str, dict[object, Converted], Callable[[str], Converted]]


def _plan(mapping: FieldMapping, alias: object) -> Plan:
    name = str(alias)
    key = name.lower()
    spec = mapping.by_alias.get(key)
    if mapping.version_alias is not None and key == mapping.version_alias.lower():
        return _VERSION, name, {}, convert_text
    if key == mapping.modified_alias.lower():
        return _MODIFIED, name, {}, convert_text
    if spec is None:
        return _UNKNOWN, name, {}, convert_text
    if spec.type is FieldType.TEXT and not spec.codes:
        return _TEXT, spec.field, {}, convert_text
    memo = mapping.memo.setdefault(spec.field, {})
    return _CONVERT, spec.field, memo, converter(spec, mapping.formats)


def as_text(value: object) -> str:
    """A value as PEMS text: strings as they are, null empty, anything else its JSON text."""
    if isinstance(value, str):
        return value
    return "" if value is None else orjson.dumps(value).decode()


def _convert(plan: Plan, value: object) -> Converted:
    raw = as_text(value)
    memo = plan[2]
    if len(memo) >= _CACHE_LIMIT:
        memo.clear()
    result = memo[value] = plan[3](raw)
    return result


def record_version(modified_at: datetime | None, digest: bytes) -> int:
    """The version of a record without a counter column: the minute of `modified_at` (0 when
    unknown) in the high bits, 32 bits of `digest` (a hash of the row's values) below."""
    minute = 0 if modified_at is None else max(0, int(modified_at.timestamp()) // 60)
    return (minute << _HASH_BITS) | int.from_bytes(digest[:4], "big")


def screen_version(now: datetime, digest: bytes) -> int:
    """The version of a record read from the screen service (a GET, or an UPDATE's echo)
    without a counter column. Such a record is PEMS *now*: it must order after every grid row
    read before it (stamped this minute at the latest) and after earlier screen reads, so the
    mirror's write-through never keeps an older row. So: the next minute in the high bits, then
    the milliseconds into this minute, then 16 bits of the values' hash. The next sync replaces
    it with the grid's own version (same values, so nothing else changes)."""
    seconds = now.timestamp()
    minute = max(0, int(seconds) // 60)
    into_minute = int((seconds - minute * 60) * 1000)
    low = (min(into_minute, 0xFFFF) << 16) | int.from_bytes(digest[:2], "big")
    return ((minute + 1) << _HASH_BITS) | low


def row_digest(pairs: list[tuple[object, object]]) -> bytes:
    """A hash of a row's (alias, value) pairs, in the order the tenant sent them."""
    return hashlib.blake2b(orjson.dumps(pairs), digest_size=8).digest()


def map_row(row: Mapping[str, object], mapping: FieldMapping | None = None) -> PemsRecord:
    """Convert one alias-level row (values as PEMS sends them) into a `PemsRecord`.

    Pure and total for values: a value that does not convert is kept raw and reported in
    `problems`. Raises `RowError` only when the row has no `pfs_id`, or the mapping names a
    version counter column and the row's value is not an integer. `mapping` defaults to the
    shipped one with the default formats.
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
    seen = pairs if isinstance(pairs, list) else list(pairs)
    for alias, value in seen:
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
    modified_at = None
    if modified_raw:
        try:
            modified_at = parse_timestamp(as_text(modified_raw), mapping.formats)
        except ValueError:
            problems.append(f"{mapping.modified_alias}: {modified_raw!r} is not a timestamp")
    if mapping.version_alias is None:
        version = record_version(modified_at, row_digest(seen))
    else:
        try:
            version = int(as_text(version_raw).strip())
        except ValueError:
            raise RowError(
                f"row {pfa_id}: {mapping.version_alias} {version_raw!r} is not an integer"
            ) from None
    return PemsRecord(pfa_id, data, version, modified_at, tuple(problems))


# --- PFA value <-> screen value ---------------------------------------------------------------


def _as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.isascii():
        try:
            day = parse_date(value, "YMD")
        except ValueError:
            day = None
        if day is not None:
            return day
    raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)")


def _as_decimal(value: object) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str) and "," not in value:
        try:
            parsed = parse_number(value)
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValueError(f"{value!r} is not a number")
        number = parsed
    else:
        raise ValueError(f"{value!r} is not a number")
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return number


def normalize_value(spec: FieldSpec, value: object) -> Any:
    """`value` in the form `map_row` gives that field (to compare PEMS's value with ours).
    Raises ValueError when the value has the wrong type for the field."""
    if value is None:
        return False if spec.type is FieldType.BOOL else None
    if spec.type is FieldType.TEXT:
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not text")
        if spec.codes:
            return code_converter(spec)(value)[0]
        return value if value != "" else None
    if spec.type is FieldType.BOOL:
        if not isinstance(value, bool):
            raise ValueError(f"{value!r} is not a boolean")
        return value
    if spec.type is FieldType.DATE:
        return _as_date(value).isoformat()
    return _plain_number(_as_decimal(value))


def screen_value(spec: FieldSpec, value: object, formats: TenantFormats) -> dict[str, Any]:
    """The typed screen value of one field for a write. Raises ValueError naming the problem.

    Text and booleans (`"true"`/`"false"`) go in TEXTDATA, coded text as the tenant's code;
    dates in a complete DATETIMEDATA (YEAR per `formats.year_format`); numbers in a complete
    NUMERICDATA. None clears the field (empty TEXTDATA, null DATETIMEDATA / NUMERICDATA).
    """
    if spec.type is FieldType.TEXT:
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{value!r} is not text")
        return {"TEXTDATA": spec.tenant_code(value) if value else ""}
    if spec.type is FieldType.BOOL:
        if not isinstance(value, bool):
            raise ValueError(f"{value!r} is not a boolean")
        return {"TEXTDATA": "true" if value else "false"}
    if spec.type is FieldType.DATE:
        if value is None:
            return {"DATETIMEDATA": None}
        return {"DATETIMEDATA": datetimedata(_as_date(value), formats)}
    if value is None:
        return {"NUMERICDATA": None}
    return {"NUMERICDATA": numericdata(_as_decimal(value), formats)}


def from_screen_value(spec: FieldSpec, container: object, formats: TenantFormats) -> Any:
    """The PFA value of one typed screen value (as `map_row` gives that field). Raises
    ValueError when the container does not hold what the field's type needs."""
    if not isinstance(container, Mapping):
        raise ValueError(f"{spec.screen}: the value is not an object")
    if spec.type is FieldType.DATE:
        held = container.get("DATETIMEDATA")
        if held is None:
            return None
        if not isinstance(held, Mapping):
            raise ValueError(f"{spec.screen}: DATETIMEDATA is not an object")
        return read_datetimedata(held, formats).isoformat()
    if spec.type is FieldType.NUMBER:
        held = container.get("NUMERICDATA")
        if held is None:
            text = container.get("TEXTDATA")
            return None if not text else convert_number(as_text(text))[0]
        if not isinstance(held, Mapping):
            raise ValueError(f"{spec.screen}: NUMERICDATA is not an object")
        return _plain_number(read_numericdata(held, formats.numeric_value))
    text = container.get("TEXTDATA")
    if text is not None and not isinstance(text, str):
        text = as_text(text)
    if spec.type is FieldType.BOOL:
        value, problem = convert_bool(text or "")
        if problem is not None:
            raise ValueError(f"{spec.screen}: {problem}")
        return value
    if spec.codes:
        return code_converter(spec)(text or "")[0]
    return text or None
