from __future__ import annotations

from typing import Any

import pytest

from pfa_vanguard.domain.drafts import apply_changes, merge
from pfa_vanguard.domain.fields import EDITABLE_FIELDS
from pfa_vanguard.errors import ValidationFailed

BASE: dict[str, Any] = {
    "pfaId": "PFA-1",
    "source": "Rental",
    "dor": "PROJECT",
    "forecastStart": "2025-03-01",
    "forecastEnd": "2025-06-30",
    "actualStart": "2025-03-05",
    "actualEnd": "2025-05-01",
    "isActualized": True,
    "isDiscontinued": False,
    "isFundsTransferable": False,
    "monthlyRate": 1000,
}


def refusal(incoming: dict[str, Any], baseline: dict[str, Any] = BASE) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        apply_changes(baseline, {}, incoming)
    return caught.value.fields


def test_editable_fields_are_those_of_the_domain() -> None:
    assert set(EDITABLE_FIELDS) == {
        "forecastCategory", "dor", "isDiscontinued", "isFundsTransferable",
        "forecastStart", "forecastEnd", "actualEnd", "equipment",
    }  # fmt: skip


def test_merge_overlays_changes_and_keeps_unknown_fields() -> None:
    merged = merge({**BASE, "pfs_new": "x"}, {"dor": "BEO"})
    assert merged["dor"] == "BEO"
    assert merged["pfs_new"] == "x"
    assert merged["forecastStart"] == "2025-03-01"


def test_non_editable_field_is_refused_by_name() -> None:
    fields = refusal({"monthlyRate": 5, "originalStart": "2025-01-01"})
    assert set(fields) == {"monthlyRate", "originalStart"}
    assert "forecastStart" in fields["monthlyRate"]  # says what is allowed


@pytest.mark.parametrize(
    ("field", "value", "needle"),
    [
        ("forecastStart", "2025-13-01", "YYYY-MM-DD"),
        ("forecastStart", "01/03/2025", "YYYY-MM-DD"),
        ("forecastEnd", 20250301, "YYYY-MM-DD"),
        ("dor", "CLIENT", "BEO, PROJECT"),
        ("isFundsTransferable", "yes", "true or false"),
        ("equipment", 42, "text"),
        ("equipment", "x" * 201, "200"),
    ],
)
def test_wrong_types_are_refused(field: str, value: Any, needle: str) -> None:
    assert needle in refusal({field: value})[field]


def test_window_start_after_end_is_refused_on_the_merged_record() -> None:
    fields = refusal({"forecastStart": "2025-07-01"})
    assert "after it ends" in fields["forecastStart"]
    fields = refusal({"forecastEnd": "2025-02-01"})
    assert "forecastEnd" in fields


def test_both_dates_moved_together_is_fine() -> None:
    changes = apply_changes(BASE, {}, {"forecastStart": "2025-08-01", "forecastEnd": "2025-09-01"})
    assert changes == {"forecastStart": "2025-08-01", "forecastEnd": "2025-09-01"}


def test_discontinued_record_cannot_be_reactivated() -> None:
    baseline = {**BASE, "isDiscontinued": True}
    assert "reactivated" in refusal({"isDiscontinued": False}, baseline)["isDiscontinued"]
    assert apply_changes(BASE, {}, {"isDiscontinued": True}) == {"isDiscontinued": True}


def test_actual_end_only_on_actualized_and_only_later() -> None:
    assert (
        "actualized"
        in refusal({"actualEnd": "2025-06-01"}, {**BASE, "isActualized": False})["actualEnd"]
    )
    assert "later" in refusal({"actualEnd": "2025-04-01"})["actualEnd"]
    assert apply_changes(BASE, {}, {"actualEnd": "2025-06-01"}) == {"actualEnd": "2025-06-01"}


def test_null_or_baseline_value_leaves_the_draft() -> None:
    existing = {"dor": "BEO", "forecastEnd": "2025-07-31"}
    assert apply_changes(BASE, existing, {"dor": None}) == {"forecastEnd": "2025-07-31"}
    assert apply_changes(BASE, existing, {"forecastEnd": "2025-06-30"}) == {"dor": "BEO"}
    assert apply_changes(BASE, {"dor": "BEO"}, {"dor": "PROJECT"}) == {}


def test_new_changes_merge_into_the_existing_draft() -> None:
    changes = apply_changes(BASE, {"dor": "BEO"}, {"equipment": "CR-77"})
    assert changes == {"dor": "BEO", "equipment": "CR-77"}


def test_a_refusal_applies_nothing_and_names_every_bad_field() -> None:
    existing = {"dor": "BEO"}
    with pytest.raises(ValidationFailed) as caught:
        apply_changes(BASE, existing, {"equipment": "ok", "dor": "X", "pfaId": "P"})
    assert set(caught.value.fields) == {"dor", "pfaId"}
    assert existing == {"dor": "BEO"}


def test_empty_changes_are_refused() -> None:
    assert "changes" in refusal({})
