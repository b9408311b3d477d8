"""Which drafted fields conflict with PEMS, and what each resolution strategy drops."""

from __future__ import annotations

import pytest

from pfa_vanguard.drafts.conflicts import (
    Strategy,
    field_conflicts,
    fields_to_drop,
    pems_changes,
    rebased,
)
from pfa_vanguard.errors import BadRequest, ValidationFailed

BASE = {"forecastStart": "2025-03-01", "forecastEnd": "2025-06-30", "dor": "BEO"}


def test_nothing_conflicts_while_pems_holds_the_base_values() -> None:
    theirs = {**BASE, "dor": "PROJECT"}
    mine = {"forecastEnd": "2025-07-31"}
    assert field_conflicts(mine, BASE, theirs) == {}


def test_a_stale_base_conflicts_whatever_the_versions_say() -> None:
    # the draft began at PEMS's current version, from values seen before PEMS changed them
    theirs = {**BASE, "forecastEnd": "2025-09-30"}
    mine = {"forecastEnd": "2025-07-31"}
    found = field_conflicts(mine, BASE, theirs, base_version=6, current_version=6)
    assert found == {
        "forecastEnd": {"base": "2025-06-30", "theirs": "2025-09-30", "mine": "2025-07-31"}
    }


def test_a_field_both_changed_differently_conflicts() -> None:
    theirs = {**BASE, "forecastEnd": "2025-09-30"}
    mine = {"forecastEnd": "2025-07-31"}
    found = field_conflicts(mine, BASE, theirs, base_version=5, current_version=6)
    assert found == {
        "forecastEnd": {"base": "2025-06-30", "theirs": "2025-09-30", "mine": "2025-07-31"}
    }


def test_fields_only_pems_changed_or_changed_alike_are_not_conflicts() -> None:
    theirs = {**BASE, "dor": "PROJECT", "forecastEnd": "2025-07-31"}
    mine = {"forecastEnd": "2025-07-31", "forecastStart": "2025-04-01"}
    assert field_conflicts(mine, BASE, theirs, base_version=5, current_version=9) == {}


def test_a_field_without_captured_base_conflicts_only_when_marked() -> None:
    theirs = {**BASE, "equipment": "EQ-2"}
    mine = {"equipment": "EQ-3"}
    assert field_conflicts(mine, {}, theirs, base_version=1, current_version=2) == {}
    marked = field_conflicts(
        mine, {}, theirs, base_version=1, current_version=2, stored={"equipment": "EQ-2"}
    )
    assert marked["equipment"]["theirs"] == "EQ-2"


def test_strategies_drop_the_right_fields() -> None:
    conflicts: dict[str, dict[str, str]] = {"forecastEnd": {}, "dor": {}}
    assert fields_to_drop(Strategy.KEEP_MINE, conflicts, None) == set()
    assert fields_to_drop(Strategy.USE_THEIRS, conflicts, None) == {"forecastEnd", "dor"}
    choices = {"forecastEnd": "mine", "dor": "theirs"}
    assert fields_to_drop(Strategy.MERGE, conflicts, choices) == {"dor"}


def test_a_merge_must_choose_for_every_conflicting_field() -> None:
    with pytest.raises(BadRequest, match="dor"):
        fields_to_drop(Strategy.MERGE, {"forecastEnd": {}, "dor": {}}, {"forecastEnd": "mine"})
    with pytest.raises(BadRequest, match="mine"):
        fields_to_drop(Strategy.MERGE, {"dor": {}}, {"dor": "both"})
    with pytest.raises(BadRequest, match="strategies"):
        Strategy.parse("ours")


def test_rebase_drops_values_pems_now_holds_and_validates_the_merged_record() -> None:
    current = {**BASE, "forecastStart": "2025-05-01"}
    assert rebased({"forecastStart": "2025-05-01", "dor": "PROJECT"}, current) == {"dor": "PROJECT"}
    assert rebased({"dor": "PROJECT"}, current, {"dor"}) == {}
    with pytest.raises(ValidationFailed) as refused:
        rebased({"forecastEnd": "2025-04-01"}, current)
    assert "forecastEnd" in refused.value.fields


def test_pems_changes_lists_the_fields_only_pems_changed_since_the_draft_began() -> None:
    base = {"pfaId": "P1", "forecastStart": "2026-01-01", "forecastEnd": "2026-06-30", "dor": "BEO"}
    now = {**base, "forecastStart": "2025-12-20", "forecastEnd": "2026-08-01", "pfaId": "P1"}
    changes = {"forecastEnd": "2026-07-30"}

    assert pems_changes(changes, base, now) == {
        "forecastStart": {"base": "2026-01-01", "theirs": "2025-12-20"}
    }
    assert pems_changes(changes, None, now) == {}, "a draft without its record: nothing known"
    assert pems_changes(changes, base, base) == {}
