"""One settings class, read from the environment (or a `.env` file) in the entry points."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Tokens are signed with HMAC-SHA256: a shorter key is guessable offline from one token.
MIN_SECRET_KEY_BYTES = 32


class Settings(BaseSettings):
    """Configuration of every process (API, worker, CLI). Built once and passed down."""

    model_config = SettingsConfigDict(
        env_prefix="PFA_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str | None = Field(
        default=None, description="Any PostgreSQL >= 15; unset: the embedded server"
    )
    database_replica_url: str | None = Field(
        default=None, description="Optional read replica for read-only queries"
    )
    data_dir: Path = Field(default=Path(".pfa"), description="Embedded database and local state")
    db_pool_min: int = 2
    db_pool_max: int = 10
    db_pool_timeout_s: float = Field(
        default=10.0,
        description="How long a request waits for a free database connection before a 503"
        " ServerBusy with Retry-After",
    )

    pems_url: str | None = Field(default=None, description="…/axis/restservices")
    pems_tenant: str = "PFA"
    pems_user: str | None = None
    pems_password: SecretStr | None = None
    pems_api_key: SecretStr | None = None
    pems_field_map: Path | None = Field(
        default=None, description="JSON file overriding the shipped alias -> field mapping"
    )
    pems_timeout_s: float = 60.0
    pems_organization: str = Field(
        default="*",
        description="The `organization` header: the API user's EAM organization (the PFA"
        " organization is a grid filter, not this)",
    )
    pems_year_format: Literal["epoch-ms", "calendar"] = Field(
        default="epoch-ms",
        description="How DATETIMEDATA.YEAR is written: epoch-ms (tenant default, RSYRYYYY=NO)"
        " or calendar (RSYRYYYY=YES)",
    )
    pems_date_order: Literal["MDY", "DMY", "YMD"] = Field(
        default="MDY", description="Day/month order of the API user's dates in grid values"
    )
    pems_date_filter_format: Literal["user", "iso", "oracle"] = Field(
        default="user",
        description="Value format of date/time grid filters: user (the date order + HH:MM),"
        " iso (YYYY-MM-DD HH:MM) or oracle (DD-MON-YYYY)",
    )
    pems_timezone: str = Field(
        default="+0000", description="The tenant's UTC offset for timestamps and DATETIMEDATA"
    )
    pems_currency: str = Field(default="USD", description="NUMERICDATA.CURRENCY of writes")
    pems_numeric_value: Literal["unscaled", "plain"] = Field(
        default="unscaled",
        description="What NUMERICDATA.VALUE holds: unscaled (digits without the decimal point,"
        " NUMOFDEC their scale: 12500.00 is 1250000/2) or plain (the number: 12500/2)",
    )

    sync_schedule: str = "*/15 * * * *"
    sync_timezone: str = Field(
        default="UTC",
        description="IANA time zone every sync cron (and maintenance window) is read in",
    )
    full_sync_every_hours: float = 24.0

    database_budget_bytes: int | None = Field(
        default=None,
        ge=1,
        description="Storage budget: exported as pfa_database_budget_bytes; alert past 80 %",
    )
    retain_sync_runs_days: int = Field(default=90, ge=0, description="0 keeps forever")
    retain_tombstones_days: int = Field(default=90, ge=0, description="0 keeps forever")
    retain_commit_audit_days: int = Field(default=730, ge=0, description="0 keeps forever")
    retain_ai_audit_days: int = Field(default=365, ge=0, description="0 keeps forever")
    archive_after_years: int = Field(
        default=2,
        ge=0,
        le=100,
        description="Records whose forecast and actual windows ended more than this many years"
        " ago leave the mirror for the archive (worker, hourly; `pfa db archive`); 0 never",
    )
    retain_history_days: int = Field(default=365, ge=0, description="0 keeps forever")

    secret_key: SecretStr | None = None
    token_ttl_minutes: int = 12 * 60
    metrics_token: SecretStr | None = Field(
        default=None,
        description="Bearer token a /metrics scrape must send; unset: /metrics answers anyone"
        " but leaves out every series labelled by organization",
    )
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated addresses or networks of reverse proxies whose"
        " X-Forwarded-For is believed (login throttling per client); none by default",
    )
    login_hash_concurrency: int = Field(
        default=2, ge=1, description="Password checks (Argon2) running at once per API process"
    )
    login_hash_queue: int = Field(
        default=16,
        ge=0,
        description="Logins waiting for a password check per API process; more get 429",
    )

    ai_provider: str = "offline"
    ai_base_url: str | None = None
    ai_api_key: SecretStr | None = None
    ai_model: str | None = None
    ai_timeout_s: float = 30.0
    ai_database_url: str | None = Field(
        default=None, description="Login of the AI executor (role pfa_ai); unset: the app URL's"
    )
    ai_database_replica_url: str | None = Field(
        default=None,
        description="Login of the AI executor on the read replica; unset: the replica URL's",
    )
    ai_replica_wait_ms: int = Field(
        default=1000,
        description="How long an AI query waits for the replica to replay its scope before it"
        " runs on the primary instead",
    )
    ai_max_rows: int = 1000
    ai_requests_per_minute: int = Field(
        default=30, description="AI questions + instructions per user per minute (429 beyond)"
    )
    ai_statement_timeout_ms: int = 3000
    ai_max_concurrency: int = Field(
        default=4,
        ge=1,
        description="AI questions + instructions running at once per API process (more wait,"
        " then 503); also the size of the assistant's own connection pools",
    )
    ai_max_concurrency_per_user: int = Field(
        default=2, ge=1, description="AI requests of one user running at once (429 beyond)"
    )
    ai_max_answer_bytes: int = Field(
        default=2 * 1024 * 1024,
        ge=1024,
        description="Largest AI answer (rows as text); a larger one is refused while fetched",
    )

    cache_mb: int = 1024

    date_min_year: int = Field(
        default=1990, description="Earliest year a draft may set a date to (422 before it)"
    )
    date_max_year: int = Field(
        default=2100, description="Latest year a draft may set a date to (422 after it)"
    )

    @field_validator("secret_key")
    @classmethod
    def _secret_key_is_long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value():
            size = len(value.get_secret_value().encode())
            if size < MIN_SECRET_KEY_BYTES:
                raise ValueError(
                    f"PFA_SECRET_KEY is {size} bytes; it must be at least {MIN_SECRET_KEY_BYTES}"
                    " (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`),"
                    " or unset it to have a key generated into the data directory"
                )
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_addresses(cls, value: str) -> str:
        from pfa_vanguard.api.login_guard import parse_networks

        parse_networks(value)
        return value

    @field_validator("sync_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from pfa_vanguard.sync.schedule import check_timezone

        return check_timezone(value)

    @model_validator(mode="after")
    def _date_range_is_readable(self) -> Settings:
        # Stored dates outside the parse range read as no date at all (domain/values.py).
        from pfa_vanguard.domain.values import PARSE_MAX_YEAR, PARSE_MIN_YEAR

        if not PARSE_MIN_YEAR <= self.date_min_year <= self.date_max_year <= PARSE_MAX_YEAR:
            raise ValueError(
                f"PFA_DATE_MIN_YEAR ({self.date_min_year}) .. PFA_DATE_MAX_YEAR"
                f" ({self.date_max_year}) must be an ascending range within"
                f" {PARSE_MIN_YEAR}..{PARSE_MAX_YEAR}"
            )
        return self

    @property
    def resolved_data_dir(self) -> Path:
        """The data directory as an absolute path (created on first use by its consumers)."""
        return self.data_dir.expanduser().resolve()
