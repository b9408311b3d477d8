"""The domain rules against the cases the web UI's TypeScript rules must pass too
(tests/fixtures/domain_rules.json; web/src/domain/shared-cases.test.ts reads the same file):
a rule changed on one side only fails one of the two suites."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pfa_vanguard.domain.costs import record_costs, window_days
from pfa_vanguard.domain.drafts import apply_changes, date_range_errors
from pfa_vanguard.domain.values import to_bool, to_date, to_number
from pfa_vanguard.errors import ValidationFailed
from pfa_vanguard.kpi.figures import counts_in_figures as counts_in_kpi
from pfa_vanguard.settings import Settings

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "domain_rules.json"
CASES: dict[str, Any] = json.loads(FIXTURE.read_text())


def _cases(kind: str) -> list[Any]:
    return [pytest.param(case, id=str(i)) for i, case in enumerate(CASES[kind])]


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@pytest.mark.parametrize("case", _cases("windowDays"))
def test_window_days(case: dict[str, Any]) -> None:
    assert window_days(to_date(case["start"]), to_date(case["end"])) == case["days"]


@pytest.mark.parametrize("case", _cases("recordCosts"))
def test_record_costs(case: dict[str, Any]) -> None:
    costs = record_costs(case["record"])
    found = [float(costs.plan), float(costs.forecast), float(costs.actual)]
    assert found == [case["plan"], case["forecast"], case["actual"]]
    assert (costs.has_plan, costs.has_actuals) == (case["hasPlan"], case["hasActuals"])


@pytest.mark.parametrize("case", _cases("countsInKpi"))
def test_counts_in_kpi(case: dict[str, Any]) -> None:
    assert counts_in_kpi(case["record"]) is case["counts"]


@pytest.mark.parametrize("case", _cases("toDate"))
def test_to_date(case: dict[str, Any]) -> None:
    day = to_date(case["value"])
    assert (None if day is None else day.isoformat()) == case["date"]


@pytest.mark.parametrize("case", _cases("toNumber"))
def test_to_number(case: dict[str, Any]) -> None:
    assert _number(to_number(case["value"])) == case["number"]


@pytest.mark.parametrize("case", _cases("toBool"))
def test_to_bool(case: dict[str, Any]) -> None:
    assert to_bool(case["value"]) is case["bool"]


def _saved(baseline: Any, existing: Any, incoming: Any) -> dict[str, Any]:
    """What saving `incoming` gives, as the API checks it: the configured date range first
    (the defaults), then the draft rules. The refused fields, or the resulting draft."""
    defaults = Settings.model_fields
    years = (defaults["date_min_year"].default, defaults["date_max_year"].default)
    out_of_range = date_range_errors(incoming, *years)
    if out_of_range:
        return {"errors": out_of_range}
    try:
        return {"changes": apply_changes(baseline, existing, incoming)}
    except ValidationFailed as refused:
        return {"errors": refused.fields}


@pytest.mark.parametrize("case", [pytest.param(c, id=c["name"]) for c in CASES["applyChanges"]])
def test_apply_changes(case: dict[str, Any]) -> None:
    expected = {k: case[k] for k in ("changes", "errors") if k in case}
    assert _saved(case["baseline"], case["existing"], case["incoming"]) == expected
