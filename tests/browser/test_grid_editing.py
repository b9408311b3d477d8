"""Editing comfort: no keystroke lost at any typing speed (down to the bottom visible row and
past it), typed dates in ISO or the user's locale, and a viewer's read-only grid."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import LoginAs
from tests.browser.stack import LiveStack
from tests.browser.ui import cell, wait_saved


def rows_in_view(page: Page) -> list[str]:
    """Ids of the rows wholly inside the grid's viewport, top to bottom."""
    ids: list[str] = page.evaluate(
        """() => {
          const grid = document.querySelector('[data-testid="grid"]').getBoundingClientRect();
          return [...document.querySelectorAll('[role="row"][data-record-id]')]
            .map((r) => [r.getBoundingClientRect(), r.dataset.recordId])
            .filter(([b]) => b.top >= grid.top + 30 && b.bottom <= grid.bottom)
            .sort((a, b) => a[0].top - b[0].top)
            .map((x) => x[1]);
        }"""
    )
    return ids


def type_entries_past_the_bottom_row(page: Page, search: str, delay: float) -> dict[str, str]:
    """Type 8 entries (text + Enter each) into consecutive Equipment cells, starting four rows
    above the bottom visible row; returns what each record should now hold."""
    page.get_by_label("Search text").fill(search)
    expect(page.get_by_test_id("row-count")).to_contain_text("100 of")
    others = f'[role="row"][data-record-id]:not([data-record-id^="{search}"])'
    expect(page.locator(others)).to_have_count(0)  # the rows of this search are drawn
    start = rows_in_view(page)[-4]
    cell(page, start, "equipment").click()
    entries = [f"FAST-{delay:g}-{i}-abcdef" for i in range(8)]
    page.keyboard.type("".join(f"{e}\n" for e in entries), delay=delay)
    ordered: list[str] = page.eval_on_selector_all(
        '[role="row"][data-record-id]',
        "(rows) => rows.map((r) => [r.getBoundingClientRect().top, r.dataset.recordId])"
        ".sort((a, b) => a[0] - b[0]).map((x) => x[1])",
    )
    first = ordered.index(start)
    return dict(zip(ordered[first : first + len(entries)], entries, strict=True))


def test_typing_at_5_ms_a_key_or_faster_loses_nothing_past_the_bottom_row(
    stack: LiveStack, login_as: LoginAs
) -> None:
    page = login_as("bob")
    expected = type_entries_past_the_bottom_row(page, "PFA-0002", 5)
    # No pause at all between keys (what lost the first keys of an entry before).
    expected |= type_entries_past_the_bottom_row(page, "PFA-0003", 0)
    wait_saved(page)
    api = stack.api("bob")
    try:
        drafts = {d["recordId"]: d["changes"] for d in api.get("/api/pfa/RIO/drafts").json()}
        assert {rid: d.get("equipment") for rid, d in drafts.items()} == expected
    finally:
        api.post("/api/pfa/RIO/discard")
        api.close()


def test_date_cells_take_typed_locale_and_iso_dates_and_a_picker(
    stack: LiveStack, login_as: LoginAs
) -> None:
    page = login_as("bob")  # the browser's locale is en-US: month first
    assert page.evaluate("() => navigator.language") == "en-US"
    page.get_by_label("Search text").fill("PFA-0004")
    expect(page.get_by_test_id("row-count")).to_contain_text("100 of")
    ids = rows_in_view(page)[:3]
    for rid, typed in zip(ids, ["12/30/2027", "29-Dec-2027"], strict=False):
        cell(page, rid, "forecastEnd").click()
        page.keyboard.type(typed)
        page.keyboard.press("Enter")
    expect(cell(page, ids[0], "forecastEnd")).to_have_text("2027-12-30")
    expect(cell(page, ids[1], "forecastEnd")).to_have_text("2027-12-29")
    # The picker: a native date input under the text field.
    cell(page, ids[2], "forecastEnd").click()
    page.keyboard.press("Enter")
    expect(cell(page, ids[2], "forecastEnd").locator("input")).to_have_count(1)
    page.get_by_role("button", name="Pick a date (Alt+Down)").click()
    page.get_by_test_id("date-picker").fill("2027-12-28")
    expect(cell(page, ids[2], "forecastEnd").locator("input.cell-input")).to_have_value(
        "2027-12-28"
    )
    page.keyboard.press("Enter")
    expect(cell(page, ids[2], "forecastEnd")).to_have_text("2027-12-28")
    # What is no date is refused with the rules' words, the editor stays open.
    cell(page, ids[0], "forecastStart").click()
    page.keyboard.type("13/45/2027")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("cell-error")).to_contain_text("must be a date as YYYY-MM-DD")
    page.keyboard.press("Escape")
    wait_saved(page)
    api = stack.api("bob")
    try:
        api.post("/api/pfa/RIO/discard")
    finally:
        api.close()


def test_a_viewer_sees_no_edit_cues_and_is_told_when_trying(
    stack: LiveStack, login_as: LoginAs
) -> None:
    page = login_as("victor")
    grid = page.get_by_test_id("grid")
    expect(grid.locator(".pencil")).to_have_count(0)
    expect(page.locator(".legend .pencil")).to_have_count(0)
    expect(page.locator(".grid-meta")).not_to_contain_text("Enter edits")
    expect(grid.locator(".editable, .editable-col")).to_have_count(0)
    expect(page.get_by_test_id("bulk-open")).to_have_count(0)
    first = page.locator('[role="row"][data-record-id]').first
    first.locator('[data-field="forecastEnd"]').click()
    expect(page.get_by_test_id("read-only-message")).to_have_count(0)
    page.keyboard.press("Enter")
    message = page.get_by_test_id("read-only-message")
    expect(message).to_contain_text("Read only: your role in RIO is viewer")
    message.get_by_role("button", name="Dismiss").click()
    page.keyboard.type("2")
    expect(message).to_be_visible()
    expect(first.locator("input")).to_have_count(0)
    expect(page.get_by_test_id("draft-count")).to_contain_text("0 drafts")
