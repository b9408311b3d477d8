"""Errors of the AI assistant; each maps to one HTTP status and says what was wrong."""

from __future__ import annotations

from pfa_vanguard.errors import PfaError, UpstreamError


class SqlRefused(PfaError):
    """The SQL guard refused a statement: the detail says what was wrong and what is allowed."""

    status_code = 400
    kind = "SqlRefused"


class NotUnderstood(PfaError):
    """The provider could not turn the question into SQL (it says so rather than guessing)."""

    status_code = 400
    kind = "NotUnderstood"


class QueryFailed(PfaError):
    """PostgreSQL refused or failed the (guarded) SQL, e.g. an unknown column."""

    status_code = 422
    kind = "QueryFailed"


class QueryTimeout(PfaError):
    """The SQL ran longer than the AI statement timeout and was cancelled."""

    status_code = 422
    kind = "QueryTimeout"


class AnswerTooLarge(PfaError):
    """The answer would be larger than PFA_AI_MAX_ANSWER_BYTES; it was stopped while fetched."""

    status_code = 422
    kind = "AnswerTooLarge"


class ProviderTimeout(UpstreamError):
    """The AI provider did not answer in time."""

    status_code = 504
    kind = "UpstreamTimeout"
