"""Draft rules (docs/domain.md): which changes are allowed, how a draft merges with its baseline.

A draft holds only the fields that differ from the baseline. Setting a field to null, or back
to its baseline value, takes it out of the draft; an empty draft is no draft.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pfa_vanguard.domain.fields import (
    EDITABLE_FIELDS,
    FIELDS_BY_NAME,
    MAX_TEXT_LENGTH,
    WINDOWS,
    FieldType,
)
from pfa_vanguard.domain.values import to_bool, to_date
from pfa_vanguard.errors import ValidationFailed

Record = Mapping[str, Any]


def merge(baseline: Record, changes: Record) -> dict[str, Any]:
    """The record a user sees: the baseline with the draft's fields laid over it (shallow)."""
    return {**baseline, **changes}


def _type_error(name: str, value: Any) -> str | None:
    """Why `value` is not a valid value of editable field `name`, or None when it is."""
    field = FIELDS_BY_NAME[name]
    if field.type is FieldType.DATE:
        if not isinstance(value, str) or to_date(value) is None:
            return f"must be a date as YYYY-MM-DD (ASCII digits), got {value!r}"
    elif field.type is FieldType.BOOL:
        if not isinstance(value, bool):
            return f"must be true or false, got {value!r}"
    elif field.type is FieldType.TEXT:
        if not isinstance(value, str):
            return f"must be text, got {value!r}"
        if field.choices and value not in field.choices:
            return f"must be one of {', '.join(field.choices)}, got {value!r}"
        if len(value) > MAX_TEXT_LENGTH:
            return f"must be at most {MAX_TEXT_LENGTH} characters, got {len(value)}"
    return None


def date_range_errors(incoming: Mapping[str, Any], min_year: int, max_year: int) -> dict[str, str]:
    """The editable date fields of `incoming` set to a date outside `min_year`..`max_year`
    (settings `PFA_DATE_MIN_YEAR` / `PFA_DATE_MAX_YEAR`), each with why."""
    errors: dict[str, str] = {}
    for name, value in incoming.items():
        field = FIELDS_BY_NAME.get(name)
        if field is None or not field.editable or field.type is not FieldType.DATE:
            continue
        day = to_date(value)
        if day is not None and not min_year <= day.year <= max_year:
            errors[name] = f"must be a date in the years {min_year} to {max_year}, got {value!r}"
    return errors


def apply_changes(
    baseline: Record, existing: Record, incoming: Mapping[str, Any]
) -> dict[str, Any]:
    """The new draft after `incoming` is saved over `existing`, validated against `baseline`.

    Returns only the fields that differ from the baseline (possibly empty: no draft left).
    Raises `ValidationFailed` naming every bad field; nothing is applied in that case.
    """
    errors: dict[str, str] = {}
    if not isinstance(incoming, Mapping) or not incoming:
        raise ValidationFailed({"changes": "must be a non-empty object of field: value"})
    for name, value in incoming.items():
        if name not in EDITABLE_FIELDS:
            errors[name] = (
                f"is not editable in a draft; editable fields are: {', '.join(EDITABLE_FIELDS)}"
            )
        elif value is not None and (why := _type_error(name, value)) is not None:
            errors[name] = why
    if errors:
        raise ValidationFailed(errors)

    changes = dict(existing)
    for name, value in incoming.items():
        if value is None or value == baseline.get(name):
            changes.pop(name, None)
        else:
            changes[name] = value

    errors.update(_rule_errors(baseline, changes))
    if errors:
        raise ValidationFailed(errors)
    return changes


def _rule_errors(baseline: Record, changes: Record) -> dict[str, str]:
    """Rules on the merged record, checked only where the draft changes something."""
    errors: dict[str, str] = {}
    merged = merge(baseline, changes)
    for window, (start_field, end_field) in WINDOWS.items():
        if start_field not in changes and end_field not in changes:
            continue
        start, end = to_date(merged.get(start_field)), to_date(merged.get(end_field))
        if start is not None and end is not None and start > end:
            bad = end_field if end_field in changes else start_field
            errors[bad] = (
                f"the {window} window would start ({start}) after it ends ({end}); "
                f"{start_field} must not be after {end_field}"
            )
    reactivating = changes.get("isDiscontinued") is False
    if reactivating and to_bool(baseline.get("isDiscontinued")):
        errors["isDiscontinued"] = "a discontinued record cannot be reactivated"
    if "actualEnd" in changes:
        if not to_bool(baseline.get("isActualized")):
            errors["actualEnd"] = "may only be changed on an actualized record"
        else:
            before = to_date(baseline.get("actualEnd"))
            after = to_date(changes["actualEnd"])
            if before is not None and after is not None and after <= before:
                errors["actualEnd"] = f"may only move later than {before}, got {after}"
    return errors
