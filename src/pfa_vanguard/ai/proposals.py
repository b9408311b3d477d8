"""AI change proposals: an instruction ("push all Area 4 crane forecasts two weeks later") becomes a
proposal — which records, which field changes, the cost impact — validated exactly like a
draft the user types (domain.drafts.apply_changes). Nothing is saved: the user posts the
proposal's changes to /api/pfa/{org}/draft to keep them.

The records are chosen by SQL over the caller's merged records, guarded and run by the scoped
executor like any question; the offline provider reads the instruction deterministically, a
remote model answers with JSON (selection SQL + action) that is checked the same way.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from pfa_vanguard.ai.errors import NotUnderstood
from pfa_vanguard.ai.offline import filters, phrases
from pfa_vanguard.ai.offline.phrases import Spec, Text, Vocabulary
from pfa_vanguard.ai.prompt import VIEW, build_prompt
from pfa_vanguard.ai.service import AiService, AuditEntry, outcome_of
from pfa_vanguard.db.queries import load
from pfa_vanguard.domain.costs import record_costs
from pfa_vanguard.domain.drafts import apply_changes, merge
from pfa_vanguard.domain.fields import EDITABLE_FIELDS
from pfa_vanguard.domain.values import to_date
from pfa_vanguard.errors import BadRequest, PfaError, UpstreamError, ValidationFailed

SHIFTABLE = ("forecastStart", "forecastEnd", "actualEnd")
MAX_SHIFT_DAYS = 3650
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
ACTIONS_HELP = (
    "I can propose: moving forecasts N days/weeks/months later or earlier (or only their start "
    "or end), extending or shortening forecast ends, setting dor to BEO or PROJECT, setting the "
    "forecast category, discontinuing, marking (not) funds transferable — for records chosen "
    "as in questions (category, area, source, dates, flags, over plan, ...)."
)


@dataclass
class DraftAction:
    """Days to add to date fields, calendar months to add, and values to set."""

    days: dict[str, int] = field(default_factory=dict)
    months: dict[str, int] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        parts = [f"{f} {d:+d} days" for f, d in self.days.items()]
        parts += [f"{f} {m:+d} months" for f, m in self.months.items()]
        parts += [f"{f} = {json.dumps(v)}" for f, v in self.values.items()]
        return ", ".join(parts)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for clamp in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, clamp)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def _take_action(text: Text, vocabulary: Vocabulary) -> DraftAction:
    action = DraftAction()
    dor = r"\bdor\s+(?:to|=|as)\s+(?P<v>beo|project)\b"
    for m in text.take(dor):
        action.values["dor"] = m["v"].upper()
    category = (
        r"\bforecast categor(?:y|ies)\s+(?:to|=|as)\s+(?P<v>[a-z0-9][a-z0-9 ]*?)"
        r"(?=\s+(?:for|of|on|in|where|when)\b|\s*$)"
    )
    for m in text.take(category):
        known = {n.lower(): n for n in (*vocabulary.categories, *vocabulary.forecast_categories)}
        if m["v"] not in known:
            raise NotUnderstood(
                f"unknown category {m['v']!r}; categories are: {', '.join(sorted(known.values()))}"
            )
        action.values["forecastCategory"] = known[m["v"]]
    for m in text.take(
        r"\b(?P<f>forecast\s+start|forecast\s+end|actual\s+end)(?:\s+dates?)?(?P<of>\s+of\s+\S+)?"
        r"\s+to\s+(?P<d>\d{4}-\d{2}-\d{2})\b"
    ):
        name = {"forecast start": "forecastStart", "forecast end": "forecastEnd"}.get(
            " ".join(m["f"].split()), "actualEnd"
        )
        action.values[name] = m["d"]
        if m["of"]:  # "... start of PFA-000001 to ...": give the record back to the filters
            text.text = text.text[: m.start("of")] + m["of"] + text.text[m.end("of") :]
    if text.take(r"\b(?:discontinue|cancel)\b"):
        action.values["isDiscontinued"] = True
    for m in text.take(r"\b(?:as\s+)?(?P<neg>not\s+|non\s+)?(?:funds\s+)?transferable\b"):
        action.values["isFundsTransferable"] = not m["neg"]
    # what-if wording: "what if I end ... two weeks early", "what would ... save"
    text.take(
        r"\b(?:what\s+(?:if|would\s+happen\s+if)|suppose|imagine|if)(?:\s+(?:i|we))?\b"
        r"|\b(?:what|how\s+much)\s+would\b|\bwould\s+(?:it\s+|that\s+|this\s+)?"
        r"(?:save|cost|change)(?:\s+(?:us|me))?\b|\bsave(?:\s+(?:us|me))?\b"
    )
    edges = [
        m["edge"]
        for m in text.take(
            r"(?<!actual )(?<!forecast )(?<!plan )"
            r"\b(?P<edge>end(?:ed|ing)?|finish(?:ed|ing)?|stop(?:ped|ping)?|releas(?:e|ed|ing)"
            r"|return(?:ed|ing)?|off\s+hir(?:e|ed|ing)|demobili[sz](?:e|ed|ing)"
            r"|start(?:ed|ing)?|begin(?:ning)?|mobili[sz](?:e|ed|ing))\b"
            r"(?=.*\b(?:days?|weeks?|months?)\b)"
        )
    ]
    number = r"\d+|" + "|".join(_NUMBERS)
    amounts = text.take(
        rf"\b(?:by\s+)?(?P<n>{number})\s+(?P<unit>days?|weeks?|months?)"
        r"(?:\s+(?P<dir>later|earlier|sooner|early|late|out|back|forward))?\b"
    )
    verbs = text.take(
        r"\b(?P<verb>push(?:\s+(?:out|back))?|move|shift|delay|postpone|slip|pull(?:\s+in)?"
        r"|bring(?:\s+forward)?|extend|prolong|shorten|set|change|switch|make|mark)\b"
    )
    fields = text.take(
        r"\b(?:the\s+|their\s+|its\s+)?(?P<f>forecast\s+starts?(?:\s+dates?)?"
        r"|forecast\s+ends?(?:\s+dates?)?|actual\s+ends?(?:\s+dates?)?"
        r"|forecast(?:s|ed)?(?:\s+(?:dates|windows?))?|start\s+dates?|end\s+dates?|starts|ends)\b"
    )
    directions = [
        m["dir"] for m in text.take(r"\b(?P<dir>later|earlier|sooner|early|late|forward)\b")
    ]
    verb = verbs[0]["verb"] if verbs else ""
    if amounts:
        m = amounts[0]
        n = int(m["n"]) if m["n"].isdigit() else _NUMBERS[m["n"]]
        direction = m["dir"] or (directions[0] if directions else "")
        if direction in ("later", "late", "out", "back"):
            sign = 1
        elif direction in ("earlier", "early", "sooner", "forward"):
            sign = -1
        elif verb.startswith(("push", "delay", "postpone", "slip", "extend", "prolong")):
            sign = 1
        elif verb.startswith(("pull", "bring", "shorten")):
            sign = -1
        else:
            raise NotUnderstood("say whether the dates move later or earlier. " + ACTIONS_HELP)
        names = " ".join(f["f"] for f in fields)
        if not names and edges:  # "end them two weeks early": the forecast end moves
            starts = ("start", "begin", "mobili")
            names = " ".join("start" if e.startswith(starts) else "end" for e in edges)
        if "actual" in names:
            targets = ["actualEnd"]
        elif ("start" in names) != ("end" in names):
            targets = ["forecastStart"] if "start" in names else ["forecastEnd"]
        elif verb.startswith(("extend", "prolong", "shorten")):
            targets = ["forecastEnd"]
        else:
            targets = ["forecastStart", "forecastEnd"]
        for target in targets:
            if m["unit"].startswith("month"):
                action.months[target] = sign * n
            else:
                action.days[target] = sign * n * (7 if m["unit"].startswith("week") else 1)
    return action


def parse_instruction(
    instruction: str, vocabulary: Vocabulary, today: date
) -> tuple[DraftAction, Spec]:
    """What to change and which records; NotUnderstood for anything else."""
    text = Text(instruction)
    action = _take_action(text, vocabulary)
    spec = Spec()
    filters.take_plan_comparisons(text, spec)
    filters.take_amounts(text, spec)
    filters.take_dates(text, spec, today)
    phrases.take_ranking(text, spec)
    filters.take_flags(text, spec)
    filters.take_values(text, spec, vocabulary)
    leftover = [w for w in text.leftover() if w not in ("them", "it", "records", "lines")]
    if leftover:
        words = ", ".join(f"'{w}'" for w in dict.fromkeys(leftover))
        raise NotUnderstood(f"I did not understand {words} in your instruction. {ACTIONS_HELP}")
    if not (action.days or action.months or action.values):
        raise NotUnderstood(f"I did not find a change to make. {ACTIONS_HELP}")
    return action, spec


def selection_sql(spec: Spec) -> str:
    """SELECT pfa_id of the records an instruction names."""
    conditions = [*spec.conditions, *filters.value_conditions(spec)]
    where = f"\nWHERE {' AND '.join(conditions)}" if conditions else ""
    order = "pfa_id"
    if spec.rank is not None:
        column, descending = spec.rank
        order = f"{column or 'forecast_cost'} {'DESC' if descending else 'ASC'} NULLS LAST, pfa_id"
    limit = f"\nLIMIT {spec.limit}" if spec.limit is not None else ""
    # values are quoted literals of recognized names; the SQL still passes the guard
    return f"SELECT pfa_id FROM {VIEW}{where}\nORDER BY {order}{limit}"  # noqa: S608


_PLAN_EXAMPLE = {
    "sql": "SELECT pfa_id FROM pfa_ai_records WHERE ...",
    "shift_days": {"forecastStart": 14, "forecastEnd": 14},
    "set": {"dor": "BEO"},
}
_DRAFT_INSTRUCTIONS = (
    "\nFor a change instruction, answer with ONE JSON object in a ```json block, nothing else:\n"
    f"{json.dumps(_PLAN_EXAMPLE)}\n"
    f"shift_days keys: {', '.join(SHIFTABLE)}; set keys: {', '.join(EDITABLE_FIELDS)}.\n"
)


def _parse_model_plan(reply: str) -> tuple[str, DraftAction]:
    text = reply.strip()
    if re.match(r"(?is)^cannot answer", text):
        raise NotUnderstood(f"the model cannot do this: {text[:200]}")
    fenced = re.search(r"(?is)```[a-z]*\s*\n?(.*?)```", text)
    try:
        plan = json.loads(fenced[1] if fenced else text)
        sql, shifts, values = plan["sql"], plan.get("shift_days") or {}, plan.get("set") or {}
        if not isinstance(sql, str) or not isinstance(shifts, dict) or not isinstance(values, dict):
            raise TypeError("sql must be text, shift_days and set objects")
    except (ValueError, KeyError, TypeError) as exc:
        raise UpstreamError(f"malformed draft plan from the model: {exc}: {text[:200]!r}") from None
    action = DraftAction(values=dict(values))
    for name, days in shifts.items():
        if name not in SHIFTABLE or not isinstance(days, int) or abs(days) > MAX_SHIFT_DAYS:
            raise UpstreamError(f"the model proposed an invalid shift {name}: {days!r}")
        action.days[name] = days
    return sql, action


@dataclass
class Proposal:
    changes: list[dict[str, Any]]
    skipped: list[dict[str, Any]]
    sql: str
    action: DraftAction
    forecast_before: Decimal = Decimal(0)
    forecast_after: Decimal = Decimal(0)
    plan_total: Decimal = Decimal(0)

    def to_json(self, provider: str) -> dict[str, Any]:
        delta = self.forecast_after - self.forecast_before
        summary = (
            f"{self.action.describe()} on {len(self.changes)} record(s); forecast cost "
            f"{self.forecast_before:,.2f} -> {self.forecast_after:,.2f} ({delta:+,.2f})."
        )
        if delta < 0:
            summary += f" It would save {-delta:,.2f} of forecast cost."
        if self.skipped:
            summary += f" {len(self.skipped)} record(s) skipped: the change is not valid for them."
        summary += " Nothing is saved until you post these changes as drafts."
        return {
            "changes": self.changes,
            "summary": summary,
            "recordCount": len(self.changes),
            "costImpact": {
                "planCost": float(self.plan_total),
                "forecastCostBefore": float(self.forecast_before),
                "forecastCostAfter": float(self.forecast_after),
                "forecastCostDelta": float(delta),
            },
            "skipped": self.skipped,
            "sql": self.sql,
            "provider": provider,
        }


def _incoming(merged: dict[str, Any], action: DraftAction) -> dict[str, Any]:
    incoming: dict[str, Any] = {}
    for name, days in action.days.items():
        if (day := to_date(merged.get(name))) is not None:
            incoming[name] = (day + timedelta(days=days)).isoformat()
    for name, months in action.months.items():
        if (day := to_date(merged.get(name))) is not None:
            incoming[name] = add_months(day, months).isoformat()
    incoming.update(action.values)
    return incoming


async def propose_draft(
    service: AiService,
    *,
    org_id: int,
    user_id: int,
    instruction: str,
    entry: AuditEntry | None = None,
) -> dict[str, Any]:
    """The proposal for `instruction` over the caller's records (JSON shape of POST
    /api/ai/draft). Saves nothing but the audit row (`entry`'s, when the request wrote one)."""
    if entry is None:
        entry = AuditEntry(org_id, user_id, "draft", service.provider.name, instruction[:4000])
    try:
        instruction = instruction.strip()
        if not instruction:
            raise BadRequest(
                "the instruction is empty; e.g. 'push Area 4 crane forecasts 2 weeks later'"
            )
        vocabulary = await service.vocabulary(org_id)
        complete = getattr(service.provider, "complete", None)
        if complete is None:
            action, spec = parse_instruction(instruction, vocabulary, service.today())
            raw = selection_sql(spec)
        else:
            prompt = build_prompt(service.today()) + _DRAFT_INSTRUCTIONS
            raw, action = _parse_model_plan(await complete(prompt, instruction))
        entry.sql = raw
        sql, result = await service.run_guarded(raw, org_id=org_id, user_id=user_id, entry=entry)
        if "pfa_id" not in result.columns:
            raise NotUnderstood("the selection must return pfa_id")
        if result.truncated:
            raise BadRequest(
                f"the instruction matches more than {service.executor.max_rows} records; "
                "narrow it down (category, area, dates, ...)"
            )
        column = result.columns.index("pfa_id")
        ids = list(dict.fromkeys(str(row[column]) for row in result.rows))
        proposal = await _build(service, org_id, user_id, ids, sql, action)
        entry.outcome, entry.row_count, entry.truncated = "ok", len(proposal.changes), False
        return proposal.to_json(service.provider.name)
    except PfaError as exc:
        entry.outcome, entry.detail = outcome_of(exc), exc.detail
        raise
    finally:
        await service.audit(entry)


async def _build(
    service: AiService, org_id: int, user_id: int, ids: list[str], sql: str, action: DraftAction
) -> Proposal:
    proposal = Proposal(changes=[], skipped=[], sql=sql, action=action)
    async with service.app_pool.connection() as conn:
        cur = await conn.execute(
            load("pfa_vanguard.ai")["draft_baselines"],
            {"org_id": org_id, "user_id": user_id, "ids": ids},
        )
        rows = await cur.fetchall()
    for row in rows:
        baseline, existing = row["data"], row["changes"]
        merged = merge(baseline, existing)
        incoming = _incoming(merged, action)
        if not incoming:
            proposal.skipped.append({"recordId": row["id"], "reason": "no date to move"})
            continue
        try:
            new_draft = apply_changes(baseline, existing, incoming)
        except ValidationFailed as exc:
            proposal.skipped.append(
                {"recordId": row["id"], "reason": exc.detail, "fields": exc.fields}
            )
            continue
        before, after = record_costs(merged), record_costs(merge(baseline, new_draft))
        proposal.forecast_before += before.forecast
        proposal.forecast_after += after.forecast
        proposal.plan_total += before.plan
        # base: the values the proposal was computed from, for the UI to send with the save
        base = {name: baseline.get(name) for name in incoming}
        proposal.changes.append({"recordId": row["id"], "changes": incoming, "base": base})
    return proposal
