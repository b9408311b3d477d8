"""Keyboard and accessibility: focus lands in the workspace after login, a skip link reaches
the grid in one Tab, the screen regions have headings, and axe-core (the npm package, injected
into the page) finds no serious or critical violation on the grid, its dialogs and the login."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import LoginAs
from tests.browser.stack import LiveStack
from tests.browser.test_grid_bulk import stack  # noqa: F401  (the demo's data)

AXE = Path(__file__).resolve().parents[2] / "web" / "node_modules" / "axe-core" / "axe.min.js"


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations of impact serious or critical on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated by the driver, not loaded as a script: the page's CSP stays as it is.
        page.evaluate(AXE.read_text())
    found: list[dict[str, Any]] = page.evaluate(
        """async () => {
          const result = await axe.run(document, { resultTypes: ['violations'] });
          return result.violations
            .filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                           nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
        }"""
    )
    return found


def test_focus_skip_link_headings(stack: LiveStack, login_as: LoginAs) -> None:  # noqa: F811
    page = login_as("alice")
    grid = page.get_by_test_id("grid")
    expect(grid).to_be_focused()  # focus moved into the workspace after login
    headings = page.locator("h1, h2").all_inner_texts()
    assert "RIO: Grid" in headings
    assert {"Drafts", "Filters", "Records"} <= set(headings)
    # The skip link is the page's first stop (before the organization menu).
    first_stop = page.evaluate(
        """() => document.querySelector(
          'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])'
        ).textContent"""
    )
    assert first_stop == "Skip to records"
    page.get_by_label("Organization").focus()
    page.keyboard.press("Shift+Tab")
    skip = page.get_by_role("link", name="Skip to records")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(grid).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.locator('[role="gridcell"].active')).to_have_count(1)


def test_axe_finds_no_serious_violation(stack: LiveStack, login_as: LoginAs) -> None:  # noqa: F811
    page = login_as("alice")
    found = {"grid": serious_violations(page)}
    page.get_by_label("Search text").fill("PFA-00015")
    expect(page.get_by_test_id("row-count")).to_contain_text("10 of")
    page.get_by_test_id("bulk-open").click()
    page.get_by_label("By (± number)").fill("7")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("bulk-preview-result")).to_be_visible()
    found["bulk change"] = serious_violations(page)
    page.get_by_test_id("bulk-apply").click()
    page.get_by_test_id("commit-open").click()
    expect(page.get_by_test_id("review-table")).to_be_visible()
    found["commit review"] = serious_violations(page)
    page.get_by_role("button", name="Cancel").click()
    page.get_by_role("button", name="Discard…").click()
    page.get_by_role("button", name="Discard 10 drafts").click()
    viewer = login_as("victor")
    found["viewer grid"] = serious_violations(viewer)
    viewer.get_by_role("button", name="Log out").click()
    expect(viewer.get_by_label("Username")).to_be_visible()
    found["login"] = serious_violations(viewer)
    assert found == {key: [] for key in found}, found
