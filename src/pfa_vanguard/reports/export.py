"""The current view as CSV and as a real .xlsx workbook, and the KPI board as a workbook.

Both view formats hold the same rows in the grid's order, typed as the fields are (numbers as
numbers, dates as dates in the workbook), the filter and the currency written above the rows,
and a totals row computed by the one definition of the figures (the KPI board's, over these
rows: it says what it leaves out). The CSV is produced row by row as it is sent; the workbook
is written in XlsxWriter's constant-memory mode (one row in memory at a time) to a temporary
file, then sent in chunks.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import xlsxwriter

from pfa_vanguard.domain.fields import FIELDS, FieldType
from pfa_vanguard.domain.values import to_bool, to_date, to_number
from pfa_vanguard.mirror.filters import RecordFilter, SortOrder
from pfa_vanguard.reports.view import View, ViewRecord

# (header, key, type): every PEMS field, then the derived costs and the variance.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("Record", "@id", "text"),
    *((f.name, f.name, f.type.value) for f in FIELDS if f.name != "pfaId"),
    ("planCost", "planCost", "money"),
    ("forecastCost", "forecastCost", "money"),
    ("actualCost", "actualCost", "money"),
    ("variance", "@variance", "money"),
    ("hasDraft", "@draft", "bool"),
)
_TOTALS = {"planCost": "plan", "forecastCost": "forecast", "actualCost": "actual"}
_CHUNK = 256 * 1024


def describe_filter(where: RecordFilter, order: SortOrder) -> str:
    """The filter and order in words, as written above the rows."""
    parts: list[str] = []
    for attr, label in (
        ("category", "category"), ("forecast_category", "forecast category"),
        ("source", "source"), ("area", "area"), ("dor", "DOR"),
    ):  # fmt: skip
        values = getattr(where, attr)
        if values:
            parts.append(f"{label} in {', '.join(values)}")
    if where.date_from or where.date_to:
        low = where.date_from.isoformat() if where.date_from else "any time"
        high = where.date_to.isoformat() if where.date_to else "any time"
        verb = {"overlaps": "overlaps", "starts": "starts in", "ends": "ends in"}[where.date_mode]
        parts.append(f"forecast window {verb} {low} .. {high}")
    if where.q:
        parts.append(f"text contains {where.q!r}")
    if where.has_draft is not None:
        parts.append("with my drafts" if where.has_draft else "without my drafts")
    text = "; ".join(parts) if parts else "all records"
    sort = f"{'-' if order.descending else ''}{order.field or 'id'}"
    return f"Filter: {text}. Sorted by {sort}."


def _number(raw: Any) -> float | None:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw)
    number = to_number(raw)
    return float(number) if number is not None else None


def _date(raw: Any) -> date | None:
    if isinstance(raw, str) and len(raw) == 10:
        try:
            return date.fromisoformat(raw)  # the stored form; anything else is parsed below
        except ValueError:
            pass
    return to_date(raw)


def _bool(raw: Any) -> bool | None:
    return to_bool(raw) if raw is not None else None


def _text(raw: Any) -> str | None:
    return raw if raw is None or isinstance(raw, str) else str(raw)


_CONVERT: dict[str, Callable[[Any], Any]] = {
    "money": _number, FieldType.NUMBER.value: _number, FieldType.DATE.value: _date,
    FieldType.BOOL.value: _bool, FieldType.TEXT.value: _text,
}  # fmt: skip


def _values(item: ViewRecord) -> list[Any]:
    """The record's cells in COLUMNS order, typed."""
    data = item.data
    out: list[Any] = []
    for _, key, kind in COLUMNS:
        if key == "@id":
            out.append(item.record_id)
        elif key == "@draft":
            out.append(item.has_draft)
        elif key == "@variance":
            out.append(float(item.costs.forecast - item.costs.plan))
        else:
            out.append(_CONVERT[kind](data.get(key)))
    return out


def _totals_row(totals: Mapping[str, Any]) -> list[Any]:
    row: list[Any] = []
    for header, key, _ in COLUMNS:
        if key == "@id":
            row.append(f"Total ({totals['recordCount']} records; {totals['exclusions']['text']})")
        elif header in _TOTALS:
            row.append(totals[_TOTALS[header]]["total"])
        elif key == "@variance":
            row.append(totals["variance"])
        else:
            row.append(None)
    return row


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float | Decimal):
        return f"{value:.2f}" if isinstance(value, float) else str(value)
    return str(value)


def csv_stream(view: View, org: str, currency: str) -> Iterator[bytes]:
    """The view as CSV (UTF-8): two comment lines (organization, currency, filter), the
    header, the rows, then the totals row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> bytes:
        data = buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
        return data

    writer.writerow([f"# {org}: amounts in {currency}"])
    writer.writerow([f"# {describe_filter(view.filter, view.sort)}"])
    writer.writerow([header for header, _, _ in COLUMNS])
    for n, item in enumerate(view, 1):
        writer.writerow([_csv_text(v) for v in _values(item)])
        if n % 2000 == 0:
            yield flush()
    writer.writerow(_csv_text(v) for v in _totals_row(view.totals()))
    yield flush()


_EPOCH = date(1899, 12, 30)  # Excel's day 0 (with its 1900 leap-year quirk behind it)


def _cell_writer(sheet: Any, kind: str, money: Any, number: Any, day: Any) -> Callable[..., Any]:
    if kind == "money":
        return lambda r, c, v: sheet.write_number(r, c, v, money)
    if kind == FieldType.NUMBER.value:
        return lambda r, c, v: sheet.write_number(r, c, v, number)
    if kind == FieldType.DATE.value:
        return lambda r, c, v: sheet.write_number(r, c, (v - _EPOCH).days, day)
    if kind == FieldType.BOOL.value:
        return lambda r, c, v: sheet.write_boolean(r, c, v)
    return lambda r, c, v: sheet.write_string(r, c, v)


def _chunks(path: str) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            yield chunk


def xlsx_file(view: View, org: str, currency: str) -> Iterator[bytes]:
    """The view as an .xlsx workbook: title and filter lines, a frozen header, typed cells
    (numbers, ISO dates, booleans), a bold totals row."""
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        book = xlsxwriter.Workbook(tmp.name, {"constant_memory": True})
        sheet = book.add_worksheet("View")
        bold = book.add_format({"bold": True})
        money = book.add_format({"num_format": f'#,##0.00 "{currency}"'})
        number = book.add_format({"num_format": "#,##0.00"})
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        total_money = book.add_format({"bold": True, "num_format": f'#,##0.00 "{currency}"'})
        sheet.write_string(0, 0, f"{org}: amounts in {currency}", bold)
        sheet.write_string(1, 0, describe_filter(view.filter, view.sort))
        for col, (header, _, _) in enumerate(COLUMNS):
            sheet.write_string(3, col, header, bold)
        sheet.freeze_panes(4, 1)
        # one writer per column, chosen once (dates as Excel serial numbers, formatted as dates)
        writers = [_cell_writer(sheet, kind, money, number, day) for _, _, kind in COLUMNS]
        row = 4
        for item in view:
            for col, value in enumerate(_values(item)):
                if value is not None:
                    writers[col](row, col, value)
            row += 1
        for col, value in enumerate(_totals_row(view.totals())):
            if isinstance(value, float):
                sheet.write_number(row, col, value, total_money)
            elif value is not None:
                sheet.write_string(row, col, value, bold)
        book.close()
        yield from _chunks(tmp.name)


def kpi_xlsx(body: Mapping[str, Any], org: str) -> Iterator[bytes]:
    """The KPI board (the API's body, with drafts when it has them) as a workbook: totals, by
    category and by source, each with plan / forecast / actual, variance and variance %."""
    currency = body["currency"]
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        book = xlsxwriter.Workbook(tmp.name)
        bold = book.add_format({"bold": True})
        money = book.add_format({"num_format": f'#,##0.00 "{currency}"'})
        boards = [("Committed", body["current"], body["exclusions"]["current"])]
        if body.get("pending"):
            boards.append(("With my drafts", body["pending"], body["exclusions"]["pending"]))
        for title, board, excluded in boards:
            sheet = book.add_worksheet(title)
            sheet.write_string(
                0, 0, f"{org} KPI board ({title.lower()}): amounts in {currency}", bold
            )
            sheet.write_string(1, 0, f"{body['rule']} This board {excluded['text']}.")
            headers = ["Group", "Records", "Plan", "Forecast", "Actual", "Variance", "Variance %"]
            row = 3
            for label, groups in (
                ("Total", [("All", board["totals"])]),
                ("By category", [(g["category"] or "(none)", g) for g in board["byCategory"]]),
                ("By source", [(g["source"] or "(none)", g) for g in board["bySource"]]),
            ):
                sheet.write_string(row, 0, label, bold)
                row += 1
                for col, header in enumerate(headers):
                    sheet.write_string(row, col, header, bold)
                row += 1
                for name, figures in groups:
                    sheet.write_string(row, 0, name)
                    sheet.write_number(row, 1, figures["recordCount"])
                    for col, window in enumerate(("plan", "forecast", "actual"), 2):
                        sheet.write_number(row, col, figures[window]["total"], money)
                    sheet.write_number(row, 5, figures["variance"], money)
                    sheet.write_number(row, 6, figures["variancePct"])
                    row += 1
                row += 1
            sheet.set_column(0, 0, 24)
            sheet.set_column(2, 5, 18)
        book.close()
        yield from _chunks(tmp.name)
