"""A record as the screen service holds it (GET, or the echo of an UPDATE): its update counter,
every screen field as the tenant sent it (to send the whole row back), and the PFA values of the
mapped fields (to compare with what the user saw)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pfa_vanguard.pems.mapping import (
    FieldMapping,
    from_screen_value,
    row_digest,
    screen_version,
)
from pfa_vanguard.pems.records import PemsRecord
from pfa_vanguard.pems.wire import ScreenAnswer, ScreenPair, WireError


@dataclass(frozen=True)
class ScreenRecord:
    """One record of the screen service.

    `recordid` guards the next UPDATE; `pairs` are the screen fields as received; `record`
    holds the mapped fields' PFA values. Its `version` is the counter where the grid has a
    counter column, else `mapping.screen_version`: a screen answer is PEMS *now*, so it orders
    after every grid row and every screen answer read before it.
    """

    recordid: int
    pairs: list[ScreenPair]
    record: PemsRecord

    def full_row(self, replaced: Mapping[str, Any]) -> list[ScreenPair]:
        """Every screen field as received, with `replaced` (screen name -> typed value) put in
        place; replaced fields the answer lacked are added at the end."""
        row = [(name, replaced.get(name, value)) for name, value in self.pairs]
        held = {name for name, _ in self.pairs}
        row.extend((name, value) for name, value in replaced.items() if name not in held)
        return row


def screen_record(answer: ScreenAnswer, mapping: FieldMapping, pfa_id: str) -> ScreenRecord:
    """The answer as a `ScreenRecord`. Values that do not convert are kept raw and described
    in the record's `problems`; raises WireError when the answer is for another record."""
    data: dict[str, Any] = {}
    problems: list[str] = []
    for name, container in answer.pairs:
        spec = mapping.by_screen.get(name)
        if spec is None:
            continue
        try:
            data[spec.field] = from_screen_value(spec, container, mapping.formats)
        except ValueError as exc:
            data[spec.field] = container
            problems.append(f"{spec.field}: {exc}")
    held_id = data.get(mapping.id_field)
    if held_id not in (None, pfa_id):
        raise WireError(f"the answer is for record {held_id!r}, not {pfa_id!r}")
    data[mapping.id_field] = pfa_id
    if mapping.version_alias is None:
        version = screen_version(datetime.now(UTC), row_digest(list(answer.pairs)))
    else:
        version = answer.recordid
    record = PemsRecord(pfa_id, data, version, None, tuple(problems))
    return ScreenRecord(answer.recordid, list(answer.pairs), record)
