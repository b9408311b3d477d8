"""Request and response bodies of the API's small routes (camelCase on the wire)."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
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
    orgs: list[HealthOrg] | None = Field(
        default=None,
        description="only with a valid token: the caller's organizations (none without one:"
        " organization codes are not for the unauthenticated)",
    )


class MergedRecord(Wire):
    id: str
    data: dict[str, Any] = Field(description="the merged record with derived fields")
    has_draft: bool
    state: Literal["pristine", "draft", "conflict", "orphaned"]
    archived: bool | None = Field(
        default=None, description="true for an archived record (read with archived=true only)"
    )


class MergedRecords(Wire):
    """GET /api/pfa/{org} (documented only: the body is assembled from cached bytes)."""

    records: list[MergedRecord]
    total: int = Field(description="records the filters select (all pages)")
    next_cursor: str | None
    last_synced_at: datetime | None
    stale: bool
    has_drafts: bool = Field(description="the caller has drafts in this organization")


class FieldConflict(BaseModel):
    base: Any
    theirs: Any
    mine: Any


class PemsChange(BaseModel):
    base: Any = Field(description="the value when the draft began")
    theirs: Any = Field(description="PEMS's value now")


class RecordDetail(Wire):
    id: str
    baseline: dict[str, Any]
    draft: dict[str, Any] | None
    merged: dict[str, Any]
    base_version: int | None
    pems_version: int | None
    state: Literal["pristine", "draft", "conflict", "orphaned"]
    conflict: dict[str, FieldConflict] | None
    last_synced_at: datetime | None = None
    draft_modified_at: datetime | None = None
    orphaned_at: datetime | None = None


def finite_json(value: Any) -> Any:
    """`value` unchanged; `ValueError` when it holds NaN or Infinity (which Python's JSON
    parser lets through, but JSON, PostgreSQL and the rules do not know)."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value} is not a number JSON allows: send a finite number")
    if isinstance(value, dict):
        for item in value.values():
            finite_json(item)
    elif isinstance(value, list):
        for item in value:
            finite_json(item)
    return value


class DraftIn(Wire):
    record_id: str = Field(min_length=1, max_length=200)
    changes: dict[str, Any] = Field(description="field: value; null resets a field to baseline")
    base: dict[str, Any] | None = Field(
        default=None,
        description="field: the value the user saw, for changed fields; where the mirror now "
        "holds another value the field is saved in conflict. A field's first base is kept.",
    )

    _finite_changes = field_validator("changes")(finite_json)


class DraftOut(Wire):
    record_id: str
    changes: dict[str, Any]
    base_version: int
    base_values: dict[str, Any]
    pems_version: int | None
    state: Literal["draft", "conflict", "orphaned"]
    conflict: dict[str, FieldConflict] | None
    merged: dict[str, Any] = Field(description="baseline + changes, derived fields recomputed")
    created_at: datetime
    modified_at: datetime
    orphaned_at: datetime | None


class SaveDraftsResponse(Wire):
    saved: list[DraftOut] = Field(description="the drafts of the records saved, as they are now")
    removed: list[str] = Field(description="records whose draft became empty and was deleted")


class DiscardResponse(Wire):
    discarded: list[str]
    count: int


class TimelineBounds(Wire):
    min_start: date | None
    max_end: date | None
    drafts: bool = Field(description="the caller's drafts are applied")


class WindowCost(BaseModel):
    total: float
    rental: float
    purchase: float


class Figures(BaseModel):
    recordCount: int
    plan: WindowCost
    forecast: WindowCost
    actual: WindowCost
    variance: float = Field(description="forecast - plan")
    variancePct: float = Field(description="variance / plan x 100 (0 when plan is 0)")
    overBudget: bool


class CategoryFigures(Figures):
    category: str


class SourceFigures(Figures):
    source: str


class KpiBoard(BaseModel):
    totals: Figures
    byCategory: list[CategoryFigures]
    bySource: list[SourceFigures]


class ImpactFigures(BaseModel):
    recordCount: int
    plan: WindowCost
    forecast: WindowCost
    actual: WindowCost
    variance: float


class ExclusionCounts(BaseModel):
    discontinued: int
    fundsTransferable: int = Field(description="funds-transferable and not discontinued")
    text: str = Field(description="the note shown next to the figures")


class KpiExclusions(BaseModel):
    current: ExclusionCounts
    pending: ExclusionCounts | None


class MonthSeries(BaseModel):
    plan: list[float]
    forecast: list[float]
    actual: list[float]
    planCumulative: list[float]
    forecastCumulative: list[float]
    actualCumulative: list[float]


class GroupSeries(MonthSeries):
    key: str


class Profile(BaseModel):
    months: list[str] = Field(description="YYYY-MM, every month from the first to the last")
    total: MonthSeries
    groups: list[GroupSeries]


class SpendProfile(BaseModel):
    org: str
    by: str | None
    currency: str
    current: Profile = Field(description="the committed baseline")
    pending: Profile | None = Field(description="with the caller's drafts (drafts=true)")


class ViewTotals(Figures):
    org: str
    currency: str
    records: int = Field(description="records in the view (recordCount: those the totals count)")
    exclusions: ExclusionCounts


class KpiResponse(BaseModel):
    org: str
    current: KpiBoard = Field(description="the committed baseline")
    pending: KpiBoard | None = Field(description="with the caller's drafts (drafts=true)")
    draftCount: int
    impact: ImpactFigures | None = Field(
        description="the impact of the caller's drafts: pending minus current totals"
    )
    exclusions: KpiExclusions = Field(description="records the figures leave out")
    rule: str = Field(description="which records the figures count")
    currency: str = Field(description="ISO 4217 code of every amount")


class HistoryChange(Wire):
    id: int
    record_id: str
    field: str
    old: Any = Field(
        description="the value before (null: absent); field 'record': the whole record removed"
    )
    new: Any = Field(description="the value after (null: absent; always for field 'record')")
    source: Literal["sync", "commit", "archive"]
    detected_at: datetime = Field(description="when a sync found it, or the commit made it")
    run_id: int | None = Field(description="the sync run or the commit run")
    user: str | None = Field(description="who committed (None for syncs)")
    pems_answer: str | None = Field(description="commits: PEMS's outcome and message")


class HistoryPage(Wire):
    org: str
    changes: list[HistoryChange]
    next_cursor: str | None = Field(description="pass as cursor for the next page; None: last")


class SyncRun(Wire):
    id: int
    org: str
    kind: str
    trigger: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    duration_ms: int | None
    fetched: int
    inserted: int
    updated: int
    unchanged: int
    deleted: int
    error: str | None
    requested_by: str | None = None
    worker: str | None = None


class OrgSyncStatus(Wire):
    code: str
    name: str
    active: bool
    schedule: str = Field(description="effective cron, read in `timezone`")
    timezone: str = Field(description="the IANA time zone of every schedule (PFA_SYNC_TIMEZONE)")
    custom_schedule: bool = Field(description="false: the default PFA_SYNC_SCHEDULE")
    paused: bool
    running: bool
    pending_run_id: int | None
    last_run: SyncRun | None
    last_synced_at: datetime | None
    last_full_sync_at: datetime | None
    next_run_at: datetime | None = Field(
        description="None when paused or inactive; never inside a maintenance window"
    )
    maintenance_until: datetime | None = Field(
        default=None,
        description="end of the maintenance window open now (no scheduled sync, no commit)",
    )
    stale: bool
    late: bool


class RunRequested(Wire):
    run_id: int


class ScheduleIn(BaseModel):
    cron: str | None = Field(
        description="5-field cron (read in PFA_SYNC_TIMEZONE), e.g. '*/15 * * * *'; null: back"
        " to the default",
        max_length=200,
    )


class ChangedRecord(Wire):
    id: str
    data: dict[str, Any] = Field(description="the merged record with derived fields")
    baseline: dict[str, Any] | None = Field(
        default=None,
        description="drafted records only: the mirror's record now, with derived fields "
        "(otherwise it is `data`)",
    )
    has_draft: bool
    state: Literal["pristine", "draft", "conflict", "orphaned"]
    conflict: dict[str, FieldConflict] | None = None


class OrgChanges(Wire):
    """GET /api/pfa/{org}/changes: what changed since `since`, and the mark to ask from next."""

    since: int | None
    version: int = Field(description="pass as `since` next time")
    records: list[ChangedRecord] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list, description="ids no longer in PEMS")
    reload: bool = Field(default=False, description="too many changes: read everything again")
    last_synced_at: datetime | None = None
    stale: bool = Field(description="late by the organization's own schedule, or never synced")
    next_sync_at: datetime | None = Field(
        default=None, description="when the next scheduled sync is due (none: paused)"
    )
