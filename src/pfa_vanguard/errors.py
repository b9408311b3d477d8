"""The project's exceptions. Each maps to one HTTP status and one error kind."""

from __future__ import annotations

from typing import Any


class PfaError(Exception):
    """Base of every error the project raises on purpose."""

    status_code = 500
    kind = "InternalError"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class BadRequest(PfaError):
    status_code = 400
    kind = "BadRequest"


class Unauthorized(PfaError):
    status_code = 401
    kind = "Unauthorized"


class Forbidden(PfaError):
    status_code = 403
    kind = "Forbidden"


class NotFound(PfaError):
    status_code = 404
    kind = "NotFound"


class Conflict(PfaError):
    status_code = 409
    kind = "Conflict"


class ValidationFailed(PfaError):
    """A draft or request whose fields break the rules; `fields` names each bad field."""

    status_code = 422
    kind = "ValidationError"

    def __init__(self, fields: dict[str, str], detail: str | None = None) -> None:
        summary = detail or "; ".join(f"{name}: {why}" for name, why in fields.items())
        super().__init__(summary, fields=fields)
        self.fields = fields


class TooManyRequests(PfaError):
    status_code = 429
    kind = "TooManyRequests"


class DatabaseUnavailable(PfaError):
    status_code = 503
    kind = "DatabaseUnavailable"


class ServerBusy(PfaError):
    """Every database connection of this process stayed in use for the pool's timeout: an
    overload, not an outage. Answered 503 with Retry-After."""

    status_code = 503
    kind = "ServerBusy"


class UpstreamError(PfaError):
    """PEMS (or an AI provider) failed in a way the caller cannot fix by retrying the request."""

    status_code = 502
    kind = "UpstreamError"
