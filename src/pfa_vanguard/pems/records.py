"""One PEMS record as the rest of the system sees it: PFA field names, converted values, and
the version and last-modified stamp that the mirror and incremental sync use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class PemsRecord:
    """A PEMS row after the field mapping.

    `data` holds PFA field names (`domain.fields`) with converted values: dates as `YYYY-MM-DD`
    strings, numbers as int (integral) or float, booleans as bool, empty values as None.
    Columns the mapping does not know are kept under their alias with the raw string. A value
    that does not convert is kept raw (string) and described in `problems`; it is never fatal.
    `version` is the grid's counter column where the tenant has one, else derived from the
    last-modified stamp and the row's values (`mapping.record_version`); `modified_at` is
    `pfs_lastmodified` (aware, UTC).
    """

    pfa_id: str
    data: dict[str, Any]
    version: int
    modified_at: datetime | None
    problems: tuple[str, ...] = ()
