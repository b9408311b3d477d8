"""The grid's columns arranged by the user: hidden, moved, pinned and resized from the grid
itself; kept in the address (a link shows the same columns to whoever opens it) and in the
browser (a visit without a link finds them as they were left)."""

from __future__ import annotations

from playwright.sync_api import Page, Response, expect

from tests.browser.conftest import LoginAs
from tests.browser.stack import LiveStack
from tests.browser.test_grid_bulk import stack  # noqa: F401  (the demo's data)


def header_keys(page: Page) -> list[str]:
    grid = page.get_by_test_id("grid")
    grid.evaluate("el => { el.scrollLeft = 0; }")
    keys: list[str] = grid.locator('.grid-header [role="columnheader"][data-field]').evaluate_all(
        "els => els.map(e => e.dataset.field)"
    )
    return keys


def test_hide_move_pin_and_resize_columns_follow_the_link(
    stack: LiveStack,  # noqa: F811
    login_as: LoginAs,
) -> None:
    page = login_as("alice")
    assert header_keys(page)[:3] == ["pfaId", "description", "category"]
    page.get_by_test_id("columns-open").click()
    panel = page.get_by_test_id("columns-panel")
    panel.locator('li[data-column="category"]').get_by_role("checkbox").uncheck()
    for _ in range(7):
        panel.get_by_role("button", name="Move Forecast end left").click()
    panel.get_by_role("button", name="Pin the columns through Description").click()
    panel.get_by_role("button", name="Done").click()
    expect(page.get_by_test_id("columns-open")).to_have_text("Columns (1 hidden)")
    keys = header_keys(page)
    assert keys[:3] == ["pfaId", "forecastEnd", "description"], keys
    assert "category" not in keys

    # Resize the description by dragging its header's edge.
    description = page.locator('.grid-header [data-field="description"]')
    before = description.bounding_box()
    handle = page.get_by_test_id("resize-description").bounding_box()
    assert before is not None
    assert handle is not None
    grab = handle["x"] + handle["width"] / 2
    page.mouse.move(grab, handle["y"] + 5)
    page.mouse.down()
    page.mouse.move(grab + 120, handle["y"] + 5, steps=5)
    page.mouse.up()
    expect(description).to_have_css("width", f"{round(before['width'] + 120)}px")

    # Pinned: the description stays in view when the grid scrolls right.
    grid = page.get_by_test_id("grid")
    grid.evaluate("el => { el.scrollLeft = 1500; }")
    page.wait_for_timeout(200)
    box = description.bounding_box()
    grid_box = grid.bounding_box()
    assert box is not None
    assert grid_box is not None
    assert grid_box["x"] <= box["x"] < grid_box["x"] + 700
    assert "cols=" in page.url
    assert "hide=category" in page.url
    assert "pin=3" in page.url
    assert "description%3A" in page.url or "description:" in page.url

    # The link, opened by someone else in another browser, shows the same columns.
    link = page.url
    other = login_as("bob")
    assert header_keys(other)[:3] == ["pfaId", "description", "category"]
    other.goto(link)
    expect(other.locator('.grid-header [data-field="category"]')).to_have_count(0)
    assert header_keys(other)[:3] == ["pfaId", "forecastEnd", "description"]
    expect(other.locator('.grid-header [data-field="description"]')).to_have_css(
        "width", f"{round(before['width'] + 120)}px"
    )

    # Without a link, the browser keeps the last arrangement; Default columns brings it back.
    page.goto("/#/org/RIO/grid")
    page.reload()
    expect(page.get_by_test_id("row-count")).to_contain_text("records")
    assert "cols=" in page.url
    assert header_keys(page)[:3] == ["pfaId", "forecastEnd", "description"]
    page.get_by_test_id("columns-open").click()
    page.get_by_test_id("columns-reset").click()
    assert header_keys(page)[:3] == ["pfaId", "description", "category"]
    assert "cols=" not in page.url


def test_a_long_header_keeps_its_sort_arrow_and_a_tooltip(
    stack: LiveStack,  # noqa: F811
    login_as: LoginAs,
) -> None:
    page = login_as("alice")
    header = page.locator('.grid-header [data-field="isFundsTransferable"]')
    page.get_by_test_id("grid").evaluate("el => { el.scrollLeft = 2200; }")
    expect(header).to_be_in_viewport()
    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    arrow = header.locator(".sort-arrow")
    expect(arrow).to_be_visible()
    arrow_box, cell_box = arrow.bounding_box(), header.bounding_box()
    assert arrow_box is not None
    assert cell_box is not None
    assert arrow_box["x"] + arrow_box["width"] <= cell_box["x"] + cell_box["width"]
    expect(header.get_by_role("button")).to_have_attribute(
        "title", "Funds transferable — sort by it (editable); Ctrl+click selects the column"
    )


def _column_layout_saved(response: Response) -> bool:
    return response.url.endswith("/columns") and response.request.method == "PUT"


def test_the_arrangement_follows_the_user_to_another_browser(
    stack: LiveStack,  # noqa: F811
    login_as: LoginAs,
) -> None:
    page = login_as("alice")
    page.get_by_test_id("columns-open").click()
    panel = page.get_by_test_id("columns-panel")
    if page.get_by_test_id("columns-open").inner_text() != "Columns":  # left by another test
        with page.expect_response(_column_layout_saved):
            page.get_by_test_id("columns-reset").click()
        page.get_by_test_id("columns-open").click()
    # kept on the server shortly after the change: wait until it is there
    with page.expect_response(_column_layout_saved):
        panel.locator('li[data-column="dor"]').get_by_role("checkbox").uncheck()
    panel.get_by_role("button", name="Done").click()
    expect(page.get_by_test_id("columns-open")).to_have_text("Columns (1 hidden)")

    # another browser (nothing kept in it), no link: alice finds her arrangement; bob his own
    elsewhere = login_as("alice")
    expect(elsewhere.get_by_test_id("columns-open")).to_have_text("Columns (1 hidden)")
    expect(elsewhere.locator('.grid-header [data-field="dor"]')).to_have_count(0)
    bob = login_as("bob")
    expect(bob.get_by_test_id("columns-open")).to_have_text("Columns")

    # back to the default: everywhere
    elsewhere.get_by_test_id("columns-open").click()
    with elsewhere.expect_response(
        lambda r: r.url.endswith("/columns") and r.request.method == "PUT"
    ):
        elsewhere.get_by_test_id("columns-reset").click()
    third = login_as("alice")
    expect(third.get_by_test_id("columns-open")).to_have_text("Columns")
