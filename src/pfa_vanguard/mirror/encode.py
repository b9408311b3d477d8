"""How one record is written in the merged read: `{"id", "data", "hasDraft", "state"}` where
`data` is the record with its derived fields (hasPlan, hasActuals, planCost, forecastCost,
actualCost). Encoded with orjson, once per change of the record (baseline) or of the draft."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import orjson
from psycopg.adapt import Loader

from pfa_vanguard.domain.costs import with_derived


class FastJsonLoader(Loader):
    """jsonb with orjson (falls back to the standard parser for what orjson refuses, such as
    integers beyond 64 bits)."""

    def load(self, data: bytes | bytearray | memoryview) -> Any:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            return json.loads(bytes(data))


def encode_baseline_row(row: Mapping[str, Any]) -> bytes:
    """A pristine record from a `rows_since` row (derived fields from the generated columns)."""
    data = row["data"]
    data["hasPlan"] = row["has_plan"]
    data["hasActuals"] = row["has_actuals"]
    data["planCost"] = row["plan_cost"]
    data["forecastCost"] = row["forecast_cost"]
    data["actualCost"] = row["actual_cost"] if row["has_actuals"] else 0.0
    return orjson.dumps({"id": row["id"], "data": data, "hasDraft": False, "state": "pristine"})


def encode_record(
    record_id: str, merged: Mapping[str, Any], *, has_draft: bool, state: str
) -> bytes:
    """A record computed in Python (a drafted record's merged view)."""
    return orjson.dumps(
        {"id": record_id, "data": with_derived(merged), "hasDraft": has_draft, "state": state}
    )
