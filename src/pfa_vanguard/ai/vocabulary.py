"""The names a question refers to, matched locally against the organization's own values.

A question says "cranes", "A01", "process train 1", "the tank farm", "crn-twr" or "BEO"; the
records say 'Crane', 'A01 Process Train 1', 'A04 Tank Farm', 'CRN-TWR', 'BEO'. The matching
runs here, on the application's side, over the organization's distinct values (categories,
forecast categories, areas, DOR, sources, equipment classes, equipment tags): case- and
punctuation-insensitive, singular or plural, an area by its code ("A04", "a4"), its name
("tank farm") or the initials of its name with its number ("pt1"), and small typos
("generater"). Only the values a question matched are given to a model, as the literals it may
use; the rest of the vocabulary, and every record, stay in the building.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from pfa_vanguard.ai.offline.phrases import STOPWORDS, Vocabulary, normalise, quote

# (column of pfa_ai_records, what the column is called in plain words)
COLUMNS: tuple[tuple[str, str], ...] = (
    ("category", "category"),
    ("forecast_category", "forecast category"),
    ("area_silo", "area"),
    ("dor", "DOR (who pays)"),
    ("source", "source"),
    ("equipment_class", "equipment class"),
    ("equipment", "equipment tag"),
)
_FIELDS = {
    "category": "categories",
    "forecast_category": "forecast_categories",
    "area_silo": "areas",
    "dor": "dors",
    "source": "sources",
    "equipment_class": "classes",
    "equipment": "equipment",
}
_SOURCE_WORDS = {
    "rental": ("rental", "rentals", "rented", "hired", "hire"),
    "purchase": ("purchase", "purchases", "purchased", "bought", "owned"),
}
_MAX_WORDS = 5


@dataclass(frozen=True)
class NameMatch:
    column: str  # of pfa_ai_records
    value: str  # the organization's own value, exactly
    phrase: str  # the words of the question that named it


def _plurals(words: list[str]) -> Iterator[str]:
    last = words[-1]
    if not last.isalpha():
        return
    forms = [f"{last}s", f"{last}es", f"{last}ing"]
    if last.endswith("y"):
        forms.append(f"{last[:-1]}ies")
    for form in forms:
        yield " ".join([*words[:-1], form])


def aliases(column: str, value: str) -> set[str]:
    """The normalised ways a question may name `value` of `column`."""
    name = normalise(value)
    words = name.split()
    if not words:
        return set()
    found = {name, *_plurals(words)}
    if column == "source":
        found.update(_SOURCE_WORDS.get(name, ()))
    if len(words) > 1 and any(c.isdigit() for c in words[0]):  # "a04 tank farm"
        code, rest = words[0], words[1:]
        found |= {code, re.sub(r"(?<=[a-z])0+(?=\d)", "", code), " ".join(rest)}
        found |= set(_plurals(rest))
        if len(rest) > 1 and rest[-1].isdigit():  # "process train 1": "pt1", "pt 1"
            initials = "".join(w[0] for w in rest[:-1])
            found |= {f"{initials}{rest[-1]}", f"{initials} {rest[-1]}"}
    if column in ("equipment_class", "equipment"):
        found.add(name.replace(" ", ""))
    return {a for a in found if a and a not in STOPWORDS}


@dataclass(frozen=True)
class _Index:
    exact: dict[str, list[tuple[str, str]]]  # alias -> [(column, value)]
    fuzzy: tuple[str, ...]  # single-word aliases long enough for typo matching


_INDEXES: dict[Vocabulary, _Index] = {}


def _index(vocabulary: Vocabulary) -> _Index:
    index = _INDEXES.get(vocabulary)
    if index is None:
        exact: dict[str, list[tuple[str, str]]] = {}
        for column, field in _FIELDS.items():
            for value in getattr(vocabulary, field):
                for alias in aliases(column, value):
                    if (column, value) not in exact.setdefault(alias, []):
                        exact[alias].append((column, value))
        fuzzy = tuple(a for a in exact if " " not in a and len(a) >= 5 and a.isalpha())
        index = _Index(exact, fuzzy)
        if len(_INDEXES) > 64:
            _INDEXES.clear()
        _INDEXES[vocabulary] = index
    return index


def match_names(question: str, vocabulary: Vocabulary) -> list[NameMatch]:
    """The organization's values that `question` names, longest phrases first, each phrase
    used once; a word that is not a name (filler, "how", "total") never matches."""
    index = _index(vocabulary)
    words = normalise(question).replace("'", " ").split()
    taken = [False] * len(words)
    matches: list[NameMatch] = []
    for size in range(min(_MAX_WORDS, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            if any(taken[start : start + size]):
                continue
            phrase = " ".join(words[start : start + size])
            found = index.exact.get(phrase) or index.exact.get(phrase.replace(" ", ""))
            if not found and size == 1 and len(phrase) >= 5 and phrase not in STOPWORDS:
                close = difflib.get_close_matches(phrase, index.fuzzy, n=1, cutoff=0.85)
                found = index.exact.get(close[0]) if close else None
            if not found:
                continue
            for i in range(start, start + size):
                taken[i] = True
            for column, value in found:
                if not any(m.column == column and m.value == value for m in matches):
                    matches.append(NameMatch(column, value, phrase))
    return matches


def names_prompt(matches: list[NameMatch]) -> str:
    """The part of a model's prompt that lists the names of this question (and nothing else
    of the organization's)."""
    if not matches:
        return (
            "Names in this question: none matched this organization's categories, areas, DOR, "
            "sources, classes or equipment tags. If the question names one, reply CANNOT "
            "ANSWER: <the name> matched nothing.\n"
        )
    lines = [f'  {m.column} = {quote(m.value)}  -- "{m.phrase}"' for m in matches]
    return (
        "Names in this question, matched to this organization's own values (use these exact "
        "literals for them; any other name in the question matched nothing: reply CANNOT "
        "ANSWER: <the name> matched nothing):\n" + "\n".join(lines) + "\n"
    )
