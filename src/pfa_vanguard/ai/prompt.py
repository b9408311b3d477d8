"""What a model is told: the curated views' columns and the domain's cost rules — the schema
only, never a row. The same column lists are checked against the database by the tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    meaning: str


VIEW = "pfa_ai_records"
VIEW_COLUMNS: tuple[Column, ...] = (
    Column("pfa_id", "text", "record key"),
    Column("description", "text", "line description"),
    Column("area_silo", "text", "work area: code and name"),
    Column("category", "text", "equipment category (plan)"),
    Column("forecast_category", "text", "category the forecast uses"),
    Column("equipment_class", "text", "equipment class"),
    Column("source", "text", "'Rental' or 'Purchase'"),
    Column("dor", "text", "who pays: 'BEO' (enterprise overhead) or 'PROJECT'"),
    Column("is_actualized", "boolean", "on site and billing"),
    Column("is_discontinued", "boolean", "requirement cancelled"),
    Column("is_funds_transferable", "boolean", "budget may move to other lines"),
    Column("monthly_rate", "numeric", "rental rate per month"),
    Column("purchase_price", "numeric", "purchase price"),
    Column("manufacturer", "text", "make"),
    Column("model", "text", "model"),
    Column("contract", "text", "contract reference"),
    Column("equipment", "text", "asset tag of the assigned machine"),
    Column("original_start", "date", "plan window start"),
    Column("original_end", "date", "plan window end"),
    Column("forecast_start", "date", "forecast window start"),
    Column("forecast_end", "date", "forecast window end"),
    Column("actual_start", "date", "actual (billing) window start"),
    Column("actual_end", "date", "actual window end"),
    Column("has_plan", "boolean", "both plan dates present"),
    Column("has_actuals", "boolean", "both actual dates present"),
    Column("plan_cost", "numeric", "cost of the plan window (the budget)"),
    Column("forecast_cost", "numeric", "cost of the forecast window"),
    Column("actual_cost", "numeric", "cost of the actual window"),
    Column("variance", "numeric", "forecast_cost - plan_cost; > 0 is over plan"),
    Column("has_draft", "boolean", "the user changed this record (an uncommitted draft)"),
    Column("last_changed", "date", "day PEMS last changed the record"),
    Column("draft_changed", "date", "day the user last edited their draft (NULL: no draft)"),
    Column("pems_forecast_cost", "numeric", "forecast cost in PEMS, before the user's draft"),
)

# The record history: one row per field-level change (found by a sync or made by a commit).
CHANGES_VIEW = "pfa_ai_changes"
CHANGES_COLUMNS: tuple[Column, ...] = (
    Column("pfa_id", "text", "record key"),
    Column("description", "text", "the record's description"),
    Column("category", "text", "the record's category"),
    Column("area_silo", "text", "the record's area"),
    Column("field", "text", "field changed ('forecastEnd'; 'record': record deleted/archived)"),
    Column("old_value", "text", "value before"),
    Column("new_value", "text", "value after"),
    Column("source", "text", "'sync' (PEMS changed it), 'commit' (the team did), 'archive'"),
    Column("changed_at", "timestamp with time zone", "when the change was found or committed"),
    Column("changed_on", "date", "day of changed_at"),
    Column("changed_by", "text", "who committed it (NULL for syncs)"),
    Column("pems_answer", "text", "PEMS's answer to a commit"),
    Column("applied", "boolean", "took effect in PEMS"),
    Column("cost_before", "numeric", "record's counted forecast cost before the change"),
    Column("cost_after", "numeric", "record's counted forecast cost after the change"),
    Column("cost_change", "numeric", "cost_after - cost_before (0 unless applied)"),
)

_RULES = """\
Cost rules: rental cost of a window = whole days from start to end / 30.44 * monthly_rate;
purchase cost = purchase_price whatever the length; an incomplete window costs 0. Cost totals
leave out records that are discontinued or funds-transferable. Variance % = variance /
plan_cost * 100 (0 when plan_cost is 0). "Over plan" / "over budget" means variance > 0.
Rows are already limited to the user's organization and show the user's drafts applied."""

_FORMATS = """\
Value formats: area_silo is a code and a name ('B02 North Yard'); category and
forecast_category are singular names ('Crane', 'Light Tower'); equipment_class is a tag and a
code ('GEN-500'); equipment is an asset tag ('GEN-01234'); text compares exactly (case too).
Dates are DATE: compare with DATE 'YYYY-MM-DD'; a duration in days is forecast_end -
forecast_start. Costs are plain numbers in the project currency. Weeks start on Monday.
Use for names only the literals listed under "Names in this question"."""

_ANSWER = """\
Answer with ONE PostgreSQL SELECT over {view} (or {changes} for what changed when) only, in
a ```sql block, nothing else.
Allowed: WHERE, GROUP BY, ORDER BY, LIMIT, WITH, aggregates, date/time, math and text
functions, CASE, COALESCE, casts. No other tables, no writes, no settings, no system functions.
If the columns cannot answer the question, reply exactly: CANNOT ANSWER: <short reason>
Today is {today}."""

EXAMPLES: tuple[tuple[str, str], ...] = (
    (
        "total forecast cost of rental cranes in B02 starting after June 2025\n"
        "(Names: category = 'Crane', area_silo = 'B02 North Yard')",
        "SELECT sum(forecast_cost) AS total_forecast_cost FROM pfa_ai_records\n"
        "WHERE category = 'Crane' AND source = 'Rental' AND area_silo = 'B02 North Yard'\n"
        "  AND forecast_start > DATE '2025-06-30'",
    ),
    (
        "which generators are over plan (Names: category = 'Generator')",
        "SELECT pfa_id, description, plan_cost, forecast_cost, variance FROM pfa_ai_records\n"
        "WHERE category = 'Generator' AND variance > 0 ORDER BY variance DESC",
    ),
    (
        "average rental duration by area",
        "SELECT area_silo, round(avg(forecast_end - forecast_start), 2) AS average_days\n"
        "FROM pfa_ai_records WHERE source = 'Rental' GROUP BY area_silo ORDER BY area_silo",
    ),
    (
        "what is the cost impact of my drafts",
        "SELECT sum(forecast_cost - pems_forecast_cost) AS cost_impact FROM pfa_ai_records\n"
        "WHERE has_draft",
    ),
)


def build_prompt(today: date) -> str:
    """The system prompt for SQL generation: view, columns, rules, examples. No data."""
    columns = "\n".join(f"  {c.name} {c.type} -- {c.meaning}" for c in VIEW_COLUMNS)
    changes = "\n".join(f"  {c.name} {c.type} -- {c.meaning}" for c in CHANGES_COLUMNS)
    examples = "\n".join(f"Q: {q}\n```sql\n{sql}\n```" for q, sql in EXAMPLES)
    return (
        "You write PostgreSQL for project managers asking about their equipment budget "
        "(PFA = Plan-Forecast-Actual records; one row per equipment requirement).\n"
        f"View {VIEW}:\n{columns}\nView {CHANGES_VIEW} (the history of changes):\n{changes}\n"
        f"{_RULES}\n{_FORMATS}\n"
        f"{_ANSWER.format(view=VIEW, changes=CHANGES_VIEW, today=today)}\n"
        f"Examples:\n{examples}\n"
    )


def estimated_tokens(text: str) -> int:
    """Rough token count of `text` (about 4 characters per token)."""
    return (len(text) + 3) // 4
