"""The KPI board's rules and the delta that applies drafts."""

from __future__ import annotations

import random

from pfa_vanguard.kpi.board import apply_delta, board, cells_from_records
from tests.factories import make_record


def test_variance_and_percentage_follow_the_rules() -> None:
    rental = {
        "category": "Crane",
        "source": "Rental",
        "monthlyRate": 3044,
        "originalStart": "2025-01-01",
        "originalEnd": "2025-01-11",  # 10 days: 1000.00
        "forecastStart": "2025-01-01",
        "forecastEnd": "2025-01-21",  # 20 days: 2000.00
    }
    purchase = {
        "category": "Crane",
        "source": "Purchase",
        "purchasePrice": 500,
        "originalStart": "2025-01-01",
        "originalEnd": "2025-02-01",
        "forecastStart": "2025-01-01",
        "forecastEnd": "2025-03-01",
    }
    dropped = {**rental, "isDiscontinued": True}
    result = board(cells_from_records([rental, purchase, dropped]))
    totals = result["totals"]
    assert totals["recordCount"] == 2
    assert totals["plan"] == {"total": 1500.0, "rental": 1000.0, "purchase": 500.0}
    assert totals["forecast"] == {"total": 2500.0, "rental": 2000.0, "purchase": 500.0}
    assert totals["variance"] == 1000.0
    assert totals["variancePct"] == 66.67
    assert totals["overBudget"] is True
    assert [c["category"] for c in result["byCategory"]] == ["Crane"]
    assert [s["source"] for s in result["bySource"]] == ["Purchase", "Rental"]
    empty = board({})
    assert empty["totals"]["variancePct"] == 0.0
    assert empty["totals"]["overBudget"] is False


def test_a_delta_equals_recomputing_from_scratch() -> None:
    rng = random.Random(11)
    records = [make_record(rng, "X", n) for n in range(300)]
    changed = []
    after = list(records)
    for index in rng.sample(range(300), 40):
        new = {**records[index], "forecastEnd": "2029-01-01", "isDiscontinued": rng.random() < 0.3}
        changed.append((records[index], new))
        after[index] = new
    assert apply_delta(cells_from_records(records), changed) == cells_from_records(after)
