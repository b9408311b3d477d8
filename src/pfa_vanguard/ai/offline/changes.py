"""Questions about the record history ("what changed since last week", "... and what does it
cost", "how much did the changes in PEMS this month cost"), answered from the view
pfa_ai_changes: one row per field-level change found by a sync or made by a commit, with
what the change did to the forecast cost figure (cost_change, counted by the rule every cost
figure follows).

Only questions about *the changes themselves* come here; a question about records ("which
cranes changed since ...", "how many records changed this month") keeps reading the records'
last change day in pfa_ai_records."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pfa_vanguard.ai.offline.filters import edge_condition
from pfa_vanguard.ai.offline.periods import PERIOD, parse_period
from pfa_vanguard.ai.prompt import CHANGES_VIEW

_CHANGED = r"(?:changed|been changed|been modified|modified|been updated|updated)"
_WHO = (
    r"(?:\s+(?P<who>in pems|by pems|by a sync|by the syncs?|by commits?|by the team|"
    r"by us|committed by the team))?"
)
_WHEN = rf"(?:\s+(?P<op>since|after|from|in|during|over|on))?\s+(?P<period>{PERIOD})"
_COST = (
    r"(?P<cost>\s+(?:and|,)\s+(?:what|how much)\s+(?:does|did|do|will|would)\s+"
    r"(?:it|that|this|they|those|these|all that)\s+cost(?:\s+us)?"
    r"|\s+(?:and|,)\s+(?:what is|what's|what was)\s+(?:the|its|their)\s+cost(?:\s+impact)?)?"
)
# "what changed since last week", "what has changed in PEMS this month and what does it cost"
_WHAT_CHANGED = re.compile(
    rf"^(?:show(?: me)?|list|tell me)?\s*(?:what|which fields?)\s+(?:has\s+|have\s+)?"
    rf"{_CHANGED}{_WHO}{_WHEN}{_COST}$"
)
# "changes since last week", "show me the changes made in PEMS this month"
_CHANGES = re.compile(
    rf"^(?:show(?: me)?|list|give me)?\s*(?:all\s+)?(?:the\s+)?(?:field\s+)?changes"
    rf"(?:\s+(?:made|found|recorded))?{_WHO}{_WHEN}{_COST}$"
)
# "how much did the changes since last week cost", "cost of the changes this month", "what is
# the cost impact of the changes in PEMS since November 1"
_COST_OF = (
    re.compile(
        rf"^(?:how much|what)\s+(?:did|do|does|have|has)\s+(?:the\s+)?changes{_WHO}{_WHEN}"
        r"\s+(?:cost(?:\s+us)?|add(?:ed)?(?:\s+to\s+the\s+forecast)?)$"
    ),
    re.compile(
        r"^(?:(?:what is|what's|what was)\s+)?(?:the\s+)?(?:total\s+)?cost(?:\s+impact)?\s+of\s+"
        rf"(?:the\s+)?changes{_WHO}{_WHEN}$"
    ),
)

_SOURCE_OF_WHO = {
    "in pems": "sync", "by pems": "sync", "by a sync": "sync", "by the sync": "sync",
    "by the syncs": "sync", "by commit": "commit", "by commits": "commit",
    "by the team": "commit", "by us": "commit", "committed by the team": "commit",
}  # fmt: skip

LISTING = (
    "pfa_id, description, field, old_value, new_value, source, changed_at, changed_by, "
    "pems_answer, cost_change"
)


@dataclass(frozen=True)
class ChangesQuestion:
    conditions: tuple[str, ...]
    shape: str  # "listing": each change; "costed": each record, its cost; "total": one row


def recognise(text: str, today: date) -> ChangesQuestion | None:
    """The history question `text` (normalised) asks, or None when it is not one."""
    shape = None
    m = None
    shapes = ((_WHAT_CHANGED, "listing"), (_CHANGES, "listing"), *((p, "total") for p in _COST_OF))
    for pattern, kind in shapes:
        m = pattern.fullmatch(text)
        if m:
            shape = "costed" if kind == "listing" and m["cost"] else kind
            break
    if m is None or shape is None:
        return None
    period = parse_period(m["period"], today)
    # no word before the period: within it ("what changed last week", "changes this month")
    op = {"over": "in", "during": "in", None: "in"}.get(m["op"], m["op"])
    day = edge_condition("changed_on", op, period)
    conditions = [day]
    source = _SOURCE_OF_WHO.get(m["who"] or "")
    if source:
        conditions.append(f"source = '{source}'")
    return ChangesQuestion(tuple(conditions), shape)


def build_sql(question: ChangesQuestion) -> str:
    """The SQL of a history question (it still goes through the guard before it runs)."""
    where = " AND ".join(question.conditions)
    if question.shape == "total":
        return (
            "SELECT count(*) AS changes, count(DISTINCT pfa_id) AS records,\n"
            "       sum(cost_change) AS cost_change\n"
            f"FROM {CHANGES_VIEW}\nWHERE {where}"
        )
    if question.shape == "costed":
        return (
            "SELECT pfa_id, description, string_agg(DISTINCT field, ', ') AS fields,\n"
            "       count(*) AS changes, sum(cost_change) AS cost_change,\n"
            "       sum(sum(cost_change)) OVER () AS total_cost_change\n"
            f"FROM {CHANGES_VIEW}\nWHERE {where}\nGROUP BY pfa_id, description\n"
            "ORDER BY abs(sum(cost_change)) DESC, pfa_id"
        )
    return (
        f"SELECT {LISTING}\nFROM {CHANGES_VIEW}\nWHERE {where}\n"
        "ORDER BY changed_at DESC, pfa_id, field"
    )
