"""How to reach one PEMS tenant: URL, credentials, the `organization` header, its value
formats, paging and retry bounds."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pfa_vanguard.pems.errors import PemsTerminalError
from pfa_vanguard.pems.formats import TenantFormats
from pfa_vanguard.settings import Settings


@dataclass(frozen=True)
class PemsConfig:
    """Connection settings of a `PemsClient`.

    `base_url` ends in `/axis/restservices`. Credentials: `user`/`password` (Basic) or
    `api_key` (`X-API-KEY`); neither is sent when unset. `organization` is the `organization`
    header of every call: the API user's EAM organization (`*` for all), not the PFA
    organization, which is a grid filter. `formats` says how the tenant formats values. A call
    is tried `1 + max_retries` times at most, waiting `backoff_base_s * 2**attempt`
    (jittered, capped at `backoff_max_s`, or what `Retry-After` asks) in between.
    """

    base_url: str
    tenant: str = "PFA"
    user: str | None = None
    password: str | None = None
    api_key: str | None = None
    timeout_s: float = 60.0
    page_size: int = 10_000
    max_retries: int = 5
    backoff_base_s: float = 0.2
    backoff_max_s: float = 10.0
    field_map_path: Path | None = None
    organization: str = "*"
    formats: TenantFormats = field(default_factory=TenantFormats)

    def __post_init__(self) -> None:
        if not self.base_url.startswith(("http://", "https://")):
            raise PemsTerminalError(
                f"PEMS URL must be http(s)://…/axis/restservices, got {self.base_url!r}"
            )
        if not 1 <= self.page_size <= 10_000:
            raise PemsTerminalError(f"PEMS page size must be 1..10000, got {self.page_size}")
        if self.max_retries < 0 or self.timeout_s <= 0:
            raise PemsTerminalError("PEMS max_retries must be >= 0 and timeout_s > 0")
        if not self.organization.strip():
            raise PemsTerminalError("the PEMS organization header must not be empty (use *)")

    @classmethod
    def from_settings(cls, settings: Settings, base_url: str | None = None) -> PemsConfig:
        """The configuration from `PFA_PEMS_*` settings; `base_url` (e.g. a running simulator)
        wins over `PFA_PEMS_URL`. Raises PemsTerminalError when no URL is known."""
        url = base_url or settings.pems_url
        if not url:
            raise PemsTerminalError(
                "no PEMS URL configured: set PFA_PEMS_URL (…/axis/restservices)"
            )
        return cls(
            base_url=url.rstrip("/"),
            tenant=settings.pems_tenant,
            user=settings.pems_user,
            password=settings.pems_password.get_secret_value() if settings.pems_password else None,
            api_key=settings.pems_api_key.get_secret_value() if settings.pems_api_key else None,
            timeout_s=settings.pems_timeout_s,
            field_map_path=settings.pems_field_map,
            organization=settings.pems_organization,
            formats=tenant_formats(settings),
        )


def tenant_formats(settings: Settings) -> TenantFormats:
    """The tenant's value formats from `PFA_PEMS_*` settings; PemsTerminalError when one is
    not valid (an offset like +0000, a three-letter currency)."""
    try:
        return TenantFormats(
            date_order=settings.pems_date_order,
            year_format=settings.pems_year_format,
            filter_format=settings.pems_date_filter_format,
            timezone=settings.pems_timezone,
            currency=settings.pems_currency,
            numeric_value=settings.pems_numeric_value,
        )
    except ValueError as exc:
        raise PemsTerminalError(f"PEMS settings: {exc}") from None
