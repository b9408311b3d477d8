"""Bulk planning in the grid: range selection, copy as tab-separated text, paste from a
spreadsheet (each value checked, refused ones listed, one undo step), fill-down, and the
relative change of many records at once, on the demo's data (`pfa demo`: 20,000 records,
seed 42)."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ORGS, LoginAs
from tests.browser.stack import LiveStack, create_database, drop_database, start_stack
from tests.browser.ui import cell, row, wait_saved

DEMO_RECORDS = 20_000
DEMO_SEED = 42


@pytest.fixture(scope="module")
def stack(
    ui_built: None, pg_admin_url: str, template_db: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveStack]:
    """The demo's data rather than the responsiveness figures' 50,000 records."""
    name = f"pfa_ui_{uuid.uuid4().hex[:10]}"
    db_url = create_database(pg_admin_url, template_db, name)
    live = start_stack(
        db_url, tmp_path_factory.mktemp("ui-data"), ORGS, DEMO_RECORDS, seed=DEMO_SEED
    )
    try:
        yield live
    finally:
        live.stop()
        drop_database(pg_admin_url, name)


def visible_ids(page: Page) -> list[str]:
    ids: list[str] = page.eval_on_selector_all(
        '[role="row"][data-record-id]',
        "(rows) => rows.map((r) => [r.getBoundingClientRect().top, r.dataset.recordId])"
        ".sort((a, b) => a[0] - b[0]).map((x) => x[1])",
    )
    return ids


def clipboard(page: Page) -> str:
    text: str = page.evaluate("() => navigator.clipboard.readText()")
    return text


def set_clipboard(page: Page, text: str) -> None:
    page.evaluate("(t) => navigator.clipboard.writeText(t)", text)


def selected_count(page: Page) -> int:
    return page.locator('[role="gridcell"].selected').count()


def open_with_clipboard(login_as: LoginAs, stack: LiveStack) -> Page:
    page = login_as("alice")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=stack.base_url)
    return page


def cranes_in_a01_ending_2026(stack: LiveStack) -> tuple[str, dict[str, str]]:
    """The A01 area's name and {id: forecast end} of its cranes whose forecast ends in 2026."""
    api = stack.api("admin")
    try:
        cranes = api.get("/api/pfa/RIO", params={"category": "Crane", "limit": 5000}).json()
    finally:
        api.close()
    area = next(
        r["data"]["areaSilo"] for r in cranes["records"] if r["data"]["areaSilo"].startswith("A01")
    )
    target = {
        r["id"]: r["data"]["forecastEnd"]
        for r in cranes["records"]
        if r["data"]["areaSilo"] == area and str(r["data"]["forecastEnd"]).startswith("2026")
    }
    return area, target


def test_ranges_copy_paste_and_fill_down(stack: LiveStack, login_as: LoginAs) -> None:
    page = open_with_clipboard(login_as, stack)
    page.get_by_label("Search text").fill("PFA-00012")
    expect(page.get_by_test_id("row-count")).to_contain_text("10 of")
    ids = visible_ids(page)[:10]
    assert len(ids) == 10
    api = stack.api("alice")
    try:
        data = {i: api.get(f"/api/pfa/RIO/records/{i}").json()["merged"] for i in ids}
    finally:
        api.close()

    # Shift+click spans a rectangle; Ctrl+C puts it on the clipboard as tab-separated rows.
    cell(page, ids[0], "pfaId").click()
    cell(page, ids[2], "description").click(modifiers=["Shift"])
    assert selected_count(page) == 6
    page.keyboard.press("Control+c")
    expected = "\r\n".join(f"{data[i]['pfaId']}\t{data[i]['description']}" for i in ids[:3])
    assert clipboard(page) == expected

    # Shift+arrows extend from the anchor; a mouse drag spans what it passes over.
    cell(page, ids[0], "forecastStart").click()
    page.keyboard.press("Shift+ArrowDown")
    page.keyboard.press("Shift+ArrowDown")
    page.keyboard.press("Shift+ArrowRight")
    assert selected_count(page) == 6
    start = cell(page, ids[1], "category").bounding_box()
    end = cell(page, ids[4], "areaSilo").bounding_box()
    assert start
    assert end
    page.mouse.move(start["x"] + 5, start["y"] + 5)
    page.mouse.down()
    page.mouse.move(end["x"] + 5, end["y"] + 5, steps=6)
    page.mouse.up()
    assert selected_count(page) == 4 * 3

    # Whole rows (the row's gutter) and whole columns (Ctrl+Space).
    row(page, ids[3]).locator('[role="rowheader"]').click()
    expect(row(page, ids[3]).locator('[role="gridcell"].selected')).to_have_count(
        row(page, ids[3]).locator('[role="gridcell"]').count()
    )
    cell(page, ids[0], "dor").click()
    page.keyboard.press("Control+Space")
    expect(cell(page, ids[9], "dor")).to_have_class(re.compile(r"\bselected\b"))

    # A column pasted from a spreadsheet fills down from the active cell, each value read as
    # ISO or in the browser's locale, and checked by the draft rules: refused ones are listed.
    cell(page, ids[0], "forecastEnd").click()
    set_clipboard(page, "2027-12-31\r\n12/30/2027\r\n2027-02-30\r\n1995-01-01\r\n")
    page.keyboard.press("Control+v")
    report = page.get_by_test_id("range-report")
    expect(report).to_contain_text("Paste: 2 values applied, 2 skipped (one undo step).")
    skipped = page.get_by_test_id("skipped-values").locator("li")
    expect(skipped).to_have_count(2)
    expect(skipped.nth(0)).to_contain_text(
        f"{data[ids[2]]['pfaId']} Forecast end: 2027-02-30 — must be a date as YYYY-MM-DD"
    )
    expect(skipped.nth(1)).to_contain_text("forecastStart must not be after forecastEnd")
    expect(cell(page, ids[0], "forecastEnd")).to_have_text("2027-12-31")
    expect(cell(page, ids[1], "forecastEnd")).to_have_text("2027-12-30")
    expect(cell(page, ids[2], "forecastEnd")).to_have_text(str(data[ids[2]]["forecastEnd"]))
    expect(page.get_by_test_id("draft-count")).to_contain_text("2 drafts")
    # The whole paste is one undo step.
    page.keyboard.press("Control+z")
    expect(page.get_by_test_id("draft-count")).to_contain_text("0 drafts")
    expect(cell(page, ids[0], "forecastEnd")).to_have_text(str(data[ids[0]]["forecastEnd"]))
    page.keyboard.press("Control+y")
    expect(cell(page, ids[1], "forecastEnd")).to_have_text("2027-12-30")

    # One value fills the whole selection (choices read in any case).
    cell(page, ids[4], "dor").click()
    cell(page, ids[6], "dor").click(modifiers=["Shift"])
    set_clipboard(page, "project\n")
    page.keyboard.press("Control+v")
    for i in ids[4:7]:
        expect(cell(page, i, "dor")).to_have_text("PROJECT")

    # Fill-down: the top cell's value into the selected cells below it.
    cell(page, ids[7], "equipment").click()
    page.keyboard.press("Enter")
    page.keyboard.type("EQ-FILL-1")
    page.keyboard.press("Enter")
    cell(page, ids[7], "equipment").click()
    cell(page, ids[9], "equipment").click(modifiers=["Shift"])
    page.keyboard.press("Control+d")
    for i in ids[7:10]:
        expect(cell(page, i, "equipment")).to_have_text("EQ-FILL-1")
    wait_saved(page)
    api = stack.api("alice")
    try:
        drafts = {d["recordId"]: d["changes"] for d in api.get("/api/pfa/RIO/drafts").json()}
    finally:
        api.close()
    assert drafts[ids[9]] == {"equipment": "EQ-FILL-1"}
    assert drafts[ids[1]] == {"forecastEnd": "2027-12-30"}
    assert ids[2] not in drafts
    api = stack.api("alice")
    try:
        api.post("/api/pfa/RIO/discard")
    finally:
        api.close()


def test_crane_scenario_in_under_20_keystrokes_and_20_seconds(
    stack: LiveStack, login_as: LoginAs, figures: dict[str, float | int | str]
) -> None:
    """'Push the end of every crane in A01 that ends in 2026 by 30 days', with the grid alone:
    filter, select, shift by 30 days, review, commit."""
    area, target = cranes_in_a01_ending_2026(stack)
    assert len(target) > 50, "the demo data has a hundred-odd such cranes"

    page = login_as("alice")
    keys = 0
    clicks = 0

    def press(key: str) -> None:
        nonlocal keys
        keys += 1
        page.keyboard.press(key)

    started = time.monotonic()
    # Filter: three menus (a click to open and one to choose, each).
    page.get_by_label("Filter by Category").select_option("Crane")
    page.get_by_label("Filter by Area").select_option(area)
    page.get_by_label("Forecast ends in").select_option("2026")
    clicks += 6
    expect(page.get_by_test_id("row-count")).to_contain_text(f"{len(target)} of")
    # Select every matching record.
    first = visible_ids(page)[0]
    cell(page, first, "pfaId").click()
    clicks += 1
    press("Control+a")
    expect(page.get_by_test_id("bulk-open")).to_have_text(f"Change {len(target)} selected…")
    # Shift the forecast end by 30 days: the form opens on the amount, Enter previews.
    page.get_by_test_id("bulk-open").click()
    clicks += 1
    for key in "30":
        press(key)
    press("Enter")
    preview = page.get_by_test_id("bulk-preview-result")
    expect(preview).to_contain_text(f"{len(target)} records change")
    some = next(iter(target))
    expect(page.get_by_test_id("bulk-table")).to_contain_text("Forecast end:")
    # Review done: Enter applies (one undo step).
    press("Enter")
    expect(page.get_by_test_id("draft-count")).to_contain_text(f"{len(target)} drafts")
    # Commit: the review opens, then the commit button.
    page.get_by_test_id("commit-open").click()
    page.get_by_test_id("commit-confirm").click()
    clicks += 2
    expect(page.get_by_test_id("commit-results")).to_contain_text(
        f"{len(target)} committed, 0 failed", timeout=30_000
    )
    elapsed = time.monotonic() - started
    figures["crane_scenario_records"] = len(target)
    figures["crane_scenario_keystrokes"] = keys
    figures["crane_scenario_clicks"] = clicks
    figures["crane_scenario_s"] = round(elapsed, 2)
    assert keys < 20
    assert elapsed < 20, f"the crane scenario took {elapsed:.1f} s"

    # PEMS holds every new end, 30 days later; nothing else moved.
    api = stack.api("admin")
    try:
        after = api.get("/api/pfa/RIO", params={"category": "Crane", "limit": 5000}).json()
    finally:
        api.close()
    ends = {r["id"]: r["data"]["forecastEnd"] for r in after["records"]}
    for rid, end in target.items():
        expected = (date.fromisoformat(end) + timedelta(days=30)).isoformat()
        assert ends[rid] == expected, (rid, end, ends[rid])
    assert some in ends


def test_bulk_change_of_all_matching_records_is_one_undo_step(
    stack: LiveStack, login_as: LoginAs
) -> None:
    page = login_as("alice")
    page.get_by_label("Search text").fill("PFA-00013")
    expect(page.get_by_test_id("row-count")).to_contain_text("10 of")
    page.get_by_test_id("bulk-open").click()
    dialog = page.get_by_test_id("bulk-dialog")
    expect(dialog.get_by_label("All 10 records matching the filters")).to_be_checked()
    dialog.get_by_label("Change").select_option("set")
    dialog.get_by_label("Field").select_option("equipment")
    dialog.get_by_label("To").fill("EQ-BULK")
    dialog.get_by_test_id("bulk-preview").click()
    expect(dialog.get_by_test_id("bulk-preview-result")).to_contain_text("10 records change")
    expect(dialog.get_by_test_id("bulk-table").locator("tbody tr")).to_have_count(10)
    dialog.get_by_test_id("bulk-apply").click()
    expect(page.get_by_test_id("notice")).to_contain_text(
        "Set Equipment to EQ-BULK: 10 records changed (10 values, one undo step)."
    )
    expect(page.get_by_test_id("draft-count")).to_contain_text("10 drafts")
    for rid in visible_ids(page)[:10]:
        expect(cell(page, rid, "equipment")).to_have_text("EQ-BULK")
    page.get_by_role("button", name="↶ Undo").click()
    expect(page.get_by_test_id("draft-count")).to_contain_text("0 drafts")
    # A shift whose result breaks a rule is refused by name in the preview, nothing applied.
    page.get_by_test_id("bulk-open").click()
    dialog.get_by_label("Dates").select_option("forecastStart")
    dialog.get_by_label("By (± number)").fill("40")
    dialog.get_by_label("Unit").select_option("months")
    dialog.get_by_test_id("bulk-preview").click()
    expect(dialog.get_by_test_id("bulk-skipped")).to_contain_text(
        "Forecast start: the forecast window would start"
    )
    dialog.get_by_role("button", name="Cancel").click()
    expect(page.get_by_test_id("draft-count")).to_contain_text("0 drafts")


def test_global_change_with_conditions_and_an_expression(
    stack: LiveStack, login_as: LoginAs
) -> None:
    """P6's Global Change: where category = Crane, area starts with A01 and the forecast ends in
    2026, set forecastEnd = forecastEnd + 30 days; previewed, applied as one undo step."""
    _, target = cranes_in_a01_ending_2026(stack)
    page = login_as("alice")
    page.get_by_test_id("bulk-open").click()
    dialog = page.get_by_test_id("bulk-dialog")
    dialog.get_by_label("Change").select_option("global")
    conditions = [
        ("category", "=", "crane"),
        ("areaSilo", "starts with", "A01"),
        ("forecastEnd", "≥", "2026-01-01"),
        ("forecastEnd", "≤", "12/31/2026"),
    ]
    for n, (field, op, value) in enumerate(conditions, start=1):
        if n > 1:
            dialog.get_by_role("button", name="+ Condition").click()
        dialog.get_by_label(f"Condition {n} field").select_option(field)
        dialog.get_by_label(f"Condition {n} operator").select_option(op)
        dialog.get_by_label(f"Condition {n} value").fill(value)
    dialog.get_by_label("Assignment 1 field").select_option("forecastEnd")
    dialog.get_by_label("Assignment 1 expression").fill("forecastEnd + 30 weeks")
    dialog.get_by_test_id("bulk-preview").click()
    expect(dialog.get_by_test_id("bulk-preview-result")).to_contain_text(
        f"{len(target)} records change"
    )
    some, end = next(iter(target.items()))
    expected = (date.fromisoformat(end) + timedelta(weeks=30)).isoformat()
    line = dialog.get_by_test_id("bulk-table").locator("tr", has_text=some)
    expect(line).to_contain_text(f"Forecast end: {end} → {expected}")
    expect(dialog.get_by_test_id("bulk-impact")).to_have_text(re.compile(r"^\+"))
    # An expression it cannot read is named, nothing is previewed.
    dialog.get_by_label("Assignment 1 expression").fill("forecastEnd + 30 fortnights")
    dialog.get_by_test_id("bulk-preview").click()
    expect(dialog.get_by_role("alert")).to_contain_text("unknown unit fortnights")
    dialog.get_by_label("Assignment 1 expression").fill("forecastEnd + 30 days")
    dialog.get_by_test_id("bulk-preview").click()
    dialog.get_by_test_id("bulk-apply").click()
    expect(page.get_by_test_id("draft-count")).to_contain_text(f"{len(target)} drafts")
    expect(page.get_by_test_id("notice")).to_contain_text("one undo step")
    page.get_by_role("button", name="↶ Undo").click()
    expect(page.get_by_test_id("draft-count")).to_contain_text("0 drafts")


def test_the_fill_handle_repeats_the_selection_down(stack: LiveStack, login_as: LoginAs) -> None:
    page = login_as("bob")
    page.get_by_label("Search text").fill("PFA-00014")
    expect(page.get_by_test_id("row-count")).to_contain_text("10 of")
    ids = visible_ids(page)[:10]
    for rid, value in ((ids[0], "EQ-H1"), (ids[1], "EQ-H2")):
        cell(page, rid, "equipment").click()
        page.keyboard.type(value)
        page.keyboard.press("Enter")
    cell(page, ids[0], "equipment").click()
    cell(page, ids[1], "equipment").click(modifiers=["Shift"])
    handle = cell(page, ids[1], "equipment").get_by_test_id("fill-handle")
    box = handle.bounding_box()
    target = cell(page, ids[5], "equipment").bounding_box()
    assert box
    assert target
    page.mouse.move(box["x"] + 3, box["y"] + 3)
    page.mouse.down()
    page.mouse.move(target["x"] + 20, target["y"] + 10, steps=8)
    page.mouse.up()
    for rid, value in zip(ids[2:6], ["EQ-H1", "EQ-H2", "EQ-H1", "EQ-H2"], strict=True):
        expect(cell(page, rid, "equipment")).to_have_text(value)
    expect(page.get_by_test_id("draft-count")).to_contain_text("6 drafts")
    page.keyboard.press("Control+z")
    expect(page.get_by_test_id("draft-count")).to_contain_text("2 drafts")
    # Text the column cuts off has a tooltip; short text has none.
    titles = page.eval_on_selector_all(
        '[role="gridcell"][data-field="description"]',
        "(cs) => cs.map((c) => [c.textContent, c.title, c.scrollWidth > c.clientWidth])",
    )
    assert any(cut for _, _, cut in titles)
    for text, title, cut in titles:
        if cut:
            assert title == text
    wait_saved(page)
    api = stack.api("bob")
    try:
        api.post("/api/pfa/RIO/discard")
    finally:
        api.close()
