"""Request and response bodies of the API's small routes (camelCase on the wire)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class Wire(BaseModel):
    """Base of every body: camelCase names on the wire, snake_case in Python."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the scheme name, not a secret
    expires_in: int = Field(description="seconds until the token expires")


class OrgSummary(Wire):
    code: str
    name: str
    role: str
    last_synced_at: datetime | None
    stale: bool


class MeResponse(Wire):
    id: int
    username: str
    orgs: list[OrgSummary]


class HealthOrg(Wire):
    code: str
    last_synced_at: datetime | None
    late: bool


class HealthResponse(Wire):
    status: str = Field(description="ok | degraded (a sync is later than twice its interval)")
    database: str
    orgs: list[HealthOrg]
