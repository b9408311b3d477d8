"""One settings class, read from the environment (or a `.env` file) in the entry points."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


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

    sync_schedule: str = "*/15 * * * *"
    full_sync_every_hours: float = 24.0
    stale_after_minutes: int = 30

    secret_key: SecretStr | None = None
    token_ttl_minutes: int = 12 * 60

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

    @property
    def resolved_data_dir(self) -> Path:
        """The data directory as an absolute path (created on first use by its consumers)."""
        return self.data_dir.expanduser().resolve()
