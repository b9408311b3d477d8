"""How one record is written in the merged read: `{"id", "data", "hasDraft", "state"}` where
`data` is the record with its derived fields (hasPlan, hasActuals, planCost, forecastCost,
actualCost). Encoded with orjson, once per change of the record (baseline) or of the draft."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from pfa_vanguard.domain.costs import with_derived

_PRISTINE_TAIL = b'},"hasDraft":false,"state":"pristine"}'


def encode_baseline_row(row: Mapping[str, Any]) -> bytes:
    """A pristine record from a `rows_since` row: PostgreSQL's JSON text of the record with
    the derived fields (from the generated columns) spliced in before its closing brace.
    Splicing instead of parsing and re-encoding makes a 50K-record snapshot ~3x cheaper."""
    text: str = row["data_text"].rstrip()
    derived = orjson.dumps(
        {
            "hasPlan": row["has_plan"],
            "hasActuals": row["has_actuals"],
            "planCost": row["plan_cost"],
            "forecastCost": row["forecast_cost"],
            "actualCost": row["actual_cost"] if row["has_actuals"] else 0.0,
        }
    )
    separator = b"," if text != "{}" else b""
    return b"".join(
        (
            b'{"id":',
            orjson.dumps(row["id"]),
            b',"data":',
            text[:-1].encode(),
            separator,
            derived[1:-1],
            _PRISTINE_TAIL,
        )
    )


def encode_record(
    record_id: str, merged: Mapping[str, Any], *, has_draft: bool, state: str
) -> bytes:
    """A record computed in Python (a drafted record's merged view)."""
    return orjson.dumps(
        {"id": record_id, "data": with_derived(merged), "hasDraft": has_draft, "state": state}
    )
