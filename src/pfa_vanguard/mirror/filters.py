"""Filters and sort orders of the merged read, each in two forms with the same meaning:
SQL on the mirror's indexed generated columns (for the baseline) and Python on a merged
record (for the caller's drafted records, whose merged values may differ from the baseline).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from psycopg import sql

from pfa_vanguard.domain.costs import record_costs
from pfa_vanguard.domain.values import to_date, to_number
from pfa_vanguard.errors import BadRequest

# Fields searched by `q` (case-insensitive substring), in SQL and in Python alike.
TEXT_FIELDS = (
    "pfaId",
    "description",
    "category",
    "forecastCategory",
    "areaSilo",
    "class",
    "equipment",
    "manufacturer",
    "model",
    "contract",
)
# Where each searched field lives in a mirror row: its typed column, or the JSON of what no
# typed column holds (`doc`, migration 0070).
_TEXT_COLUMNS = {
    "category": "category",
    "forecastCategory": "forecast_category",
    "areaSilo": "area_silo",
}
_TEXT_SQL = sql.SQL("concat_ws(' ', id, {})").format(
    sql.SQL(", ").join(
        sql.Identifier(_TEXT_COLUMNS[f])
        if f in _TEXT_COLUMNS
        else sql.SQL("doc ->> {}").format(sql.Literal(f))
        for f in TEXT_FIELDS[1:]
    )
)


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _text_of(record: Mapping[str, Any], record_id: str) -> str:
    values = [record_id, *(record.get(f) for f in TEXT_FIELDS[1:])]
    return " ".join(v if isinstance(v, str) else str(v) for v in values if v is not None)


DateMode = Literal["overlaps", "starts", "ends"]
# (column compared with from, column compared with to) per date mode
_DATE_COLUMNS: dict[str, tuple[str, str]] = {
    "overlaps": ("forecast_end", "forecast_start"),
    "starts": ("forecast_start", "forecast_start"),
    "ends": ("forecast_end", "forecast_end"),
}
_DATE_FIELDS: dict[str, tuple[str, str]] = {
    "overlaps": ("forecastEnd", "forecastStart"),
    "starts": ("forecastStart", "forecastStart"),
    "ends": ("forecastEnd", "forecastEnd"),
}


@dataclass(frozen=True)
class RecordFilter:
    """The merged read's filters; an empty filter selects everything."""

    category: tuple[str, ...] = ()
    forecast_category: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    area: tuple[str, ...] = ()
    dor: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    q: str | None = None
    has_draft: bool | None = None
    # what from/to select by the forecast window: "overlaps" (the window meets [from, to]),
    # "starts" (it starts within), "ends" (it ends within)
    date_mode: DateMode = "overlaps"

    def __post_init__(self) -> None:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise BadRequest(f"from ({self.date_from}) is after to ({self.date_to})")

    @property
    def is_empty(self) -> bool:
        return self == RecordFilter()

    @property
    def selects_baseline(self) -> bool:
        """False when only drafted records can match (hasDraft=true)."""
        return self.has_draft is not True

    def canonical(self) -> str:
        """A stable text form (for ETags and caches)."""
        return repr(self)

    _COLUMNS = (
        ("category", "category", "category"),
        ("forecast_category", "forecast_category", "forecastCategory"),
        ("source", "source", "source"),
        ("area", "area_silo", "areaSilo"),
        ("dor", "dor", "dor"),
    )

    def where(self) -> tuple[sql.Composable, dict[str, Any]]:
        """SQL conditions (after `organization_id = %(org_id)s`) and their parameters."""
        parts: list[sql.Composable] = []
        params: dict[str, Any] = {}
        for attr, column, _ in self._COLUMNS:
            values = getattr(self, attr)
            if values:
                parts.append(
                    sql.SQL("{} = ANY({})").format(sql.Identifier(column), sql.Placeholder(attr))
                )
                params[attr] = list(values)
        low, high = _DATE_COLUMNS[self.date_mode]
        if self.date_to is not None:
            parts.append(sql.SQL("{} <= %(date_to)s").format(sql.Identifier(high)))
            params["date_to"] = self.date_to
        if self.date_from is not None:
            parts.append(sql.SQL("{} >= %(date_from)s").format(sql.Identifier(low)))
            params["date_from"] = self.date_from
        if self.q:
            parts.append(sql.SQL("{} ILIKE %(q)s").format(_TEXT_SQL))
            params["q"] = _like_pattern(self.q)
        if not parts:
            return sql.SQL(""), params
        return sql.SQL(" AND ") + sql.SQL(" AND ").join(parts), params

    def matches(self, record_id: str, merged: Mapping[str, Any], has_draft: bool) -> bool:
        """The Python twin of `where` (plus hasDraft), on a merged record."""
        if self.has_draft is not None and self.has_draft != has_draft:
            return False
        for attr, _, name in self._COLUMNS:
            values = getattr(self, attr)
            if values and merged.get(name) not in values:
                return False
        low, high = _DATE_FIELDS[self.date_mode]
        if self.date_to is not None:
            value = to_date(merged.get(high))
            if value is None or value > self.date_to:
                return False
        if self.date_from is not None:
            value = to_date(merged.get(low))
            if value is None or value < self.date_from:
                return False
        return not (self.q and self.q.lower() not in _text_of(merged, record_id).lower())


# sort field -> (SQL column, Python value of a merged record)
_Getter = Callable[[Mapping[str, Any]], Any]


def _text(name: str) -> _Getter:
    return lambda r: r.get(name) if isinstance(r.get(name), str) else None


def _date(name: str) -> _Getter:
    return lambda r: to_date(r.get(name))


def _number(name: str) -> _Getter:
    return lambda r: to_number(r.get(name))


def _cost(window: str) -> _Getter:
    return lambda r: getattr(record_costs(r), window)


SORTS: dict[str, tuple[str, _Getter]] = {
    "category": ("category", _text("category")),
    "forecastCategory": ("forecast_category", _text("forecastCategory")),
    "source": ("source", _text("source")),
    "dor": ("dor", _text("dor")),
    "areaSilo": ("area_silo", _text("areaSilo")),
    "originalStart": ("original_start", _date("originalStart")),
    "originalEnd": ("original_end", _date("originalEnd")),
    "forecastStart": ("forecast_start", _date("forecastStart")),
    "forecastEnd": ("forecast_end", _date("forecastEnd")),
    "actualStart": ("actual_start", _date("actualStart")),
    "actualEnd": ("actual_end", _date("actualEnd")),
    "monthlyRate": ("monthly_rate", _number("monthlyRate")),
    "purchasePrice": ("purchase_price", _number("purchasePrice")),
    "planCost": ("plan_cost", _cost("plan")),
    "forecastCost": ("forecast_cost", _cost("forecast")),
    "actualCost": ("actual_cost", _cost("actual")),
}

# Every value `SortOrder.parse` accepts (besides an empty one, which is the default), as the
# API declares them.
SORT_VALUES: tuple[str, ...] = tuple(
    value for name in ("id", "pfaId", *SORTS) for value in (name, f"-{name}")
)


class _Desc:
    """Reverses the order of a value inside a sort key."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: _Desc) -> bool:
        return bool(other.value < self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Desc) and self.value == other.value

    def __hash__(self) -> int:
        return hash(self.value)


@dataclass(frozen=True)
class SortOrder:
    """`id` (default), or a field (`-field`: descending); nulls last; ties by id."""

    field: str | None = None
    descending: bool = False

    @classmethod
    def parse(cls, value: str | None) -> SortOrder:
        if not value or value in ("id", "pfaId"):
            return cls()
        if value in ("-id", "-pfaId"):
            return cls(None, True)
        name = value.removeprefix("-")
        if name not in SORTS:
            allowed = ", ".join(["id", *SORTS])
            raise BadRequest(
                f"cannot sort by {name!r}; sortable fields: {allowed} (prefix - for descending)"
            )
        return cls(name, value.startswith("-"))

    @property
    def column(self) -> str | None:
        return SORTS[self.field][0] if self.field else None

    def python_value(self, merged: Mapping[str, Any]) -> Any:
        return SORTS[self.field][1](merged) if self.field else None

    def key(self, record_id: str, value: Any) -> tuple[Any, ...]:
        """The total-order key of a record (ascending in every case)."""
        if self.field is None:
            return (_Desc(record_id),) if self.descending else (record_id,)
        if isinstance(value, Decimal | float | int):
            value = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        if value is None:
            return (1, 0, _Desc(record_id) if self.descending else record_id)
        if self.descending:
            return (0, _Desc(value), _Desc(record_id))
        return (0, value, record_id)
