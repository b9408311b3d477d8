"""The chrome above the grid leaves room for the records: at 1280×720 at least 20 rows are in
view, and at 1024 wide the filter bar stays on a usable layout and the forecast end can be
reached."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import LoginAs
from tests.browser.stack import LiveStack
from tests.browser.test_grid_bulk import stack  # noqa: F401  (the demo's data)

ROW_HEIGHT = 30


def visible_rows(page: Page) -> int:
    """Rows whose whole height is inside the grid's scroll area (below its header)."""
    rows: int = page.get_by_test_id("grid").evaluate(
        """grid => {
            const area = grid.getBoundingClientRect();
            const header = grid.querySelector('.grid-header').getBoundingClientRect();
            const bottom = Math.min(area.bottom, window.innerHeight);
            return [...grid.querySelectorAll('[role="row"][data-record-id]')].filter(r => {
                const b = r.getBoundingClientRect();
                return b.top >= header.bottom - 1 && b.bottom <= bottom + 1;
            }).length;
        }"""
    )
    return rows


def test_twenty_rows_at_1280_by_720_and_a_usable_layout_at_1024(
    stack: LiveStack,  # noqa: F811
    login_as: LoginAs,
    figures: dict[str, float | int | str],
) -> None:
    page = login_as("alice")
    page.set_viewport_size({"width": 1280, "height": 720})
    page.wait_for_timeout(300)
    rows = visible_rows(page)
    top = page.get_by_test_id("grid").evaluate(
        "g => Math.round(g.querySelector('.grid-header').getBoundingClientRect().bottom)"
    )
    figures["grid_rows_visible_1280x720"] = rows
    figures["chrome_above_rows_px_1280x720"] = top
    assert rows >= 20, f"{rows} rows in view at 1280×720 (the rows start {top} px down)"

    # Everything of the chrome is still there: the drafts bar, the tabs, the freshness.
    expect(page.get_by_test_id("commit-open")).to_be_in_viewport()
    expect(page.get_by_role("link", name="KPIs")).to_be_in_viewport()
    expect(page.get_by_test_id("last-synced")).to_be_in_viewport()

    page.set_viewport_size({"width": 1024, "height": 720})
    page.wait_for_timeout(300)
    assert visible_rows(page) >= 20
    expect(page.get_by_test_id("commit-open")).to_be_in_viewport()
    drafts_bar = page.locator(".sandbox-bar").bounding_box()
    assert drafts_bar is not None
    assert drafts_bar["height"] <= 40, "the drafts bar stays on one line"
    expect(page.get_by_test_id("last-synced")).to_be_in_viewport()
    # The filters unfold; their controls stay on at most two lines, none squeezed below a usable
    # width, and the grid keeps rows in view.
    page.get_by_test_id("filters-toggle").click()
    bar = page.locator(".filter-bar")
    expect(bar).to_be_visible()
    box = bar.bounding_box()
    assert box is not None
    figures["filter_bar_height_px_1024"] = round(box["height"])
    lines = bar.evaluate(
        "b => new Set([...b.children].map(c => Math.round(c.getBoundingClientRect().bottom))).size"
    )
    assert lines <= 2, f"the filter bar wraps onto {lines} lines at 1024 wide"
    assert visible_rows(page) >= 8
    for control in bar.locator("input:not([type=checkbox]), select").all():
        if control.is_visible():
            b = control.bounding_box()
            assert b is not None
            assert b["width"] >= 60, control.evaluate("e => e.outerHTML")
            assert b["x"] + b["width"] <= 1024
    # Nothing wider than the window: no page-level horizontal scroll.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    # The forecast end: reached by the grid's own scroll (Tab-free: arrows to the right).
    grid = page.get_by_test_id("grid")
    grid.focus()
    for _ in range(8):
        page.keyboard.press("ArrowRight")
    header = page.locator('.grid-header [data-field="forecastEnd"]')
    expect(header).to_be_in_viewport()
    hb = header.bounding_box()
    assert hb is not None
    assert hb["x"] + hb["width"] <= 1024
