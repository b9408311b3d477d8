"""The grid's view as query parameters, declared once: the filters (per column, each with any
number of values: `category=Crane&category=Generator` is category IN {Crane, Generator}), the
forecast-window dates and what they select, the text search, and the sort. The merged read,
the view's totals and its exports take them from here, so a view sent as a link selects the
same records on every one of them."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Query
from pydantic import WithJsonSchema

from pfa_vanguard.mirror.filters import SORT_VALUES, DateMode, RecordFilter, SortOrder

_Values = Annotated[
    list[str] | None,
    Query(max_length=50, description="any of these values (repeat the parameter for more)"),
]
# Declared as the values SortOrder.parse accepts; checked there (400 naming the sortable fields).
_Sort = Annotated[str, WithJsonSchema({"type": "string", "enum": list(SORT_VALUES)})]


def record_filter(
    category: _Values = None,
    forecast_category: Annotated[
        list[str] | None,
        Query(alias="forecastCategory", description="any of these forecast categories"),
    ] = None,
    source: _Values = None,
    area: _Values = None,
    dor: _Values = None,
    date_from: Annotated[
        date | None, Query(alias="from", description="forecast window ends on or after")
    ] = None,
    date_to: Annotated[
        date | None, Query(alias="to", description="forecast window starts on or before")
    ] = None,
    date_mode: Annotated[
        DateMode,
        Query(
            alias="dateMode",
            description="what from/to select: overlaps (the forecast window meets the range),"
            " starts (it starts within), ends (it ends within)",
        ),
    ] = "overlaps",
    q: Annotated[str | None, Query(max_length=200, description="text search")] = None,
    has_draft: Annotated[bool | None, Query(alias="hasDraft")] = None,
) -> RecordFilter:
    """The filters of the request's query string (400 when from is after to)."""
    return RecordFilter(
        category=tuple(category or ()),
        forecast_category=tuple(forecast_category or ()),
        source=tuple(source or ()),
        area=tuple(area or ()),
        dor=tuple(dor or ()),
        date_from=date_from,
        date_to=date_to,
        date_mode=date_mode,
        q=q or None,
        has_draft=has_draft,
    )


def sort_order(
    sort: Annotated[
        _Sort | None, Query(description="field, -field for descending; default id")
    ] = None,
) -> SortOrder:
    """The sort of the request's query string (400 naming the sortable fields)."""
    return SortOrder.parse(sort)


ViewFilter = Annotated[RecordFilter, Depends(record_filter)]
ViewSort = Annotated[SortOrder, Depends(sort_order)]
