"""Names in a question matched locally against the organization's own values: case-,
plural- and abbreviation-insensitive, small typos, and nothing for filler words."""

from __future__ import annotations

import pytest

from pfa_vanguard.ai.offline import Vocabulary
from pfa_vanguard.ai.vocabulary import match_names, names_prompt

VOCABULARY = Vocabulary(
    categories=("Crane", "Generator", "Light Tower", "Scaffold", "Welding Machine"),
    forecast_categories=("Crane",),
    areas=("A01 Process Train 1", "A02 Process Train 2", "A04 Tank Farm",
           "A10 Admin & Workshops"),
    dors=("BEO", "PROJECT"),
    sources=("Rental", "Purchase"),
    classes=("CRN-TWR", "GEN-500"),
    equipment=("CRN-12345", "GEN-55555"),
)  # fmt: skip


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("how many cranes in A01", {("category", "Crane"), ("forecast_category", "Crane"),
                                    ("area_silo", "A01 Process Train 1")}),
        ("light towers in process train 1", {("category", "Light Tower"),
                                             ("area_silo", "A01 Process Train 1")}),
        ("LIGHT TOWER in a1", {("category", "Light Tower"), ("area_silo", "A01 Process Train 1")}),
        ("pt2 welding machines", {("category", "Welding Machine"),
                                  ("area_silo", "A02 Process Train 2")}),
        ("rented generaters in the tank farm", {("source", "Rental"), ("category", "Generator"),
                                                ("area_silo", "A04 Tank Farm")}),
        ("crn-twr in a4", {("equipment_class", "CRN-TWR"), ("area_silo", "A04 Tank Farm")}),
        ("where is crn-12345", {("equipment", "CRN-12345")}),
        ("scaffolding for admin & workshops", {("category", "Scaffold"),
                                               ("area_silo", "A10 Admin & Workshops")}),
        ("beo records bought", {("dor", "BEO"), ("source", "Purchase")}),
        ("how many records are there in total", set()),
        ("how many unicorns", set()),
    ],
)  # fmt: skip
def test_names_are_matched_to_the_organizations_values(
    question: str, expected: set[tuple[str, str]]
) -> None:
    assert {(m.column, m.value) for m in match_names(question, VOCABULARY)} == expected


def test_the_prompt_lists_the_matched_literals_only() -> None:
    text = names_prompt(match_names("cranes in A04", VOCABULARY))
    assert "category = 'Crane'" in text
    assert "area_silo = 'A04 Tank Farm'" in text
    assert "Process Train" not in text
    assert "Generator" not in text
    assert "none matched" in names_prompt([])
