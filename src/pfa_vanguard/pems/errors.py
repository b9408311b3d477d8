"""PEMS failures, classified as the caller needs them: transient (worth another try later) or
terminal (retrying cannot help). Messages name the organization, the page and what was wrong."""

from __future__ import annotations

from pfa_vanguard.errors import UpstreamError


class PemsError(UpstreamError):
    """Base of every PEMS failure. `org` and `cursor` say where it happened (None if unknown)."""

    kind = "PemsError"

    def __init__(self, detail: str, *, org: str | None = None, cursor: int | None = None) -> None:
        super().__init__(detail, org=org, cursor=cursor)
        self.org = org
        self.cursor = cursor


class PemsTransientError(PemsError):
    """PEMS stayed unavailable (timeouts, dropped connections, 5xx, 429) after every retry."""

    status_code = 503
    kind = "PemsUnavailable"


class PemsTerminalError(PemsError):
    """PEMS refused the call in a way no retry can fix: bad credentials (401), a request it
    rejected with an ErrorAlert, or an answer that cannot be parsed."""

    status_code = 502
    kind = "PemsError"


def where(org: str | None, cursor: int | None = None, pfa_id: str | None = None) -> str:
    """The 'where' part of a message: organization, page cursor and record, as known."""
    parts = [f"organization {org}" if org else "PEMS"]
    if cursor is not None:
        parts.append(f"page at cursor {cursor}")
    if pfa_id is not None:
        parts.append(f"record {pfa_id}")
    return ", ".join(parts)
