"""How the simulated tenant is set up: the points on which real HxGN EAM tenants differ (install
parameters, the API user's profile), each an option whose default is the client's tenant."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Literal, get_args

YearFormat = Literal["epoch-ms", "calendar"]
DateOrder = Literal["MDY", "DMY", "YMD"]
FilterFormat = Literal["user", "iso", "oracle"]
CursorEnd = Literal["null", "empty", "same", "nodata"]
NumericValue = Literal["unscaled", "plain"]


class OptionsError(ValueError):
    """Options that do not make sense (the control route answers 400)."""


@dataclass
class TenantOptions:
    """The tenant's set-up.

    year_format: how DATETIMEDATA.YEAR is read and written (`epoch-ms`: epoch milliseconds of a
    moment in the year; `calendar`: the year itself). date_order: the API user's date format in
    grid values and `user` date filters. page_cap: rows per grid page at most, whatever the
    request asks. grid_counter: whether the grid serves the `recordid` column.
    filter_format: the format of date/time filter values. api_organization: the value the
    `organization` header must carry (the API user's EAM organization). confirmation_alert:
    when set, every screen UPDATE is answered with that ConfirmationAlert and changes nothing.
    cursor_end / send_count: how the last grid page ends (`null`/`empty` NEXTCURSORPOSITION,
    `same` cursor, or `nodata`: a larger cursor then a page without rows) and whether
    METADATA.RECORDS is sent, to exercise every stop condition of a client.
    numeric_value: what NUMERICDATA.VALUE holds (`unscaled`: the digits without the decimal
    point, NUMOFDEC their scale; `plain`: the number itself, NUMOFDEC the decimals shown).
    """

    year_format: YearFormat = "epoch-ms"
    date_order: DateOrder = "MDY"
    page_cap: int = 5000
    grid_counter: bool = False
    filter_format: FilterFormat = "user"
    api_organization: str = "*"
    confirmation_alert: str | None = None
    cursor_end: CursorEnd = "null"
    send_count: bool = True
    numeric_value: NumericValue = "unscaled"

    def __post_init__(self) -> None:
        _choice("year_format", self.year_format, YearFormat)
        _choice("date_order", self.date_order, DateOrder)
        _choice("filter_format", self.filter_format, FilterFormat)
        _choice("cursor_end", self.cursor_end, CursorEnd)
        _choice("numeric_value", self.numeric_value, NumericValue)
        if isinstance(self.page_cap, bool) or not isinstance(self.page_cap, int):
            raise OptionsError(f"page_cap must be a positive integer, got {self.page_cap!r}")
        if self.page_cap < 1:
            raise OptionsError(f"page_cap must be a positive integer, got {self.page_cap!r}")
        for name in ("grid_counter", "send_count"):
            if not isinstance(getattr(self, name), bool):
                raise OptionsError(f"{name} must be true or false")
        if not isinstance(self.api_organization, str) or not self.api_organization:
            raise OptionsError("api_organization must be a non-empty string")
        if self.confirmation_alert is not None and not isinstance(self.confirmation_alert, str):
            raise OptionsError("confirmation_alert must be a string or null")

    def updated(self, changes: Mapping[str, Any]) -> TenantOptions:
        """A copy with `changes` (camelCase keys, as the control route takes them) applied."""
        names = {_camel(f.name): f.name for f in fields(self)}
        unknown = sorted(set(changes) - set(names))
        if unknown:
            raise OptionsError(f"unknown options {unknown}; allowed: {sorted(names)}")
        return replace(self, **{names[key]: value for key, value in changes.items()})

    def to_json(self) -> dict[str, Any]:
        return {_camel(name): value for name, value in asdict(self).items()}


def _choice(name: str, value: object, allowed: Any) -> None:
    if value not in get_args(allowed):
        raise OptionsError(f"{name} must be one of {', '.join(get_args(allowed))}, got {value!r}")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
