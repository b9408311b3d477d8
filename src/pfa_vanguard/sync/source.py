"""What a sync reads from: anything that yields pages of PEMS records (the PEMS client does).

Structural types, so that the apply side can be fed by the real client, the simulator's rows
mapped without HTTP, or a list in a test, without depending on how the client is built.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol


class SourceRecord(Protocol):
    """One PEMS record as the client maps it (`pems.records.PemsRecord` has this shape)."""

    @property
    def pfa_id(self) -> str: ...

    @property
    def data(self) -> Mapping[str, Any]: ...

    @property
    def version(self) -> int: ...

    @property
    def modified_at(self) -> datetime | None: ...


class RecordSource(Protocol):
    """A reader of one organization's records, page by page (`pems.client.PemsClient`)."""

    def iter_pages(
        self, org: str, *, changed_since: datetime | None = None
    ) -> AsyncIterator[Sequence[SourceRecord]]: ...
