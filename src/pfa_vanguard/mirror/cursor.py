"""Opaque pagination cursors: the sort key of the last record of a page (keyset pagination,
so a page boundary survives records being added or removed before it)."""

from __future__ import annotations

import base64
import binascii
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson

from pfa_vanguard.errors import BadRequest
from pfa_vanguard.mirror.filters import SortOrder


def encode_cursor(order: SortOrder, record_id: str, value: Any) -> str:
    if isinstance(value, date):
        text: str | None = value.isoformat()
    elif value is None:
        text = None
    else:
        text = str(value)
    raw = orjson.dumps([order.field, order.descending, record_id, text])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(order: SortOrder, cursor: str) -> tuple[Any, ...]:
    """The sort key after which the next page starts; `BadRequest` for a foreign cursor."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        field, descending, record_id, text = orjson.loads(raw)
        if field != order.field or descending != order.descending:
            raise BadRequest("this cursor belongs to another sort order; start again without it")
        value: Any = None
        if text is not None and order.field is not None:
            column = order.column or ""
            if column.endswith(("_start", "_end")):
                value = date.fromisoformat(text)
            elif column.endswith(("_cost", "_rate", "_price")):
                value = Decimal(text)
            else:
                value = str(text)
        return order.key(str(record_id), value)
    except (ValueError, TypeError, binascii.Error, InvalidOperation, orjson.JSONDecodeError):
        raise BadRequest("invalid cursor; use nextCursor from the previous page") from None
