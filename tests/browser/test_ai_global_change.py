"""The AI's change proposals become the Global Change form, filled in: the proposal's records as
the scope, the values they share as conditions, the change as an expression to review, change
and apply as one undo step; a phrasing the assistant refuses still leaves an empty form."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import LoginAs
from tests.browser.stack import LiveStack
from tests.browser.test_grid_bulk import stack  # noqa: F401  (the demo's data)


def test_a_proposal_opens_as_a_filled_in_global_change(
    stack: LiveStack,  # noqa: F811
    login_as: LoginAs,
) -> None:
    page = login_as("alice")
    page.get_by_role("link", name="AI assistant").click()
    page.get_by_label("Instruction").fill("Push all A01 crane forecasts two weeks later")
    page.get_by_role("button", name="Propose drafts").click()
    proposal = page.get_by_test_id("ai-proposal")
    expect(proposal).to_be_visible(timeout=30_000)
    found = re.search(r"on (\d+) record", proposal.inner_text())
    assert found, proposal.inner_text()
    count = int(found.group(1))
    assert count > 1
    proposal.get_by_test_id("ai-to-global").click()

    form = page.get_by_test_id("global-change")
    expect(form).to_be_visible()
    expect(form.get_by_label("Condition 1 field")).to_have_value("category")
    expect(form.get_by_label("Condition 1 value")).to_have_value("Crane")
    fields = [
        form.get_by_label(f"Assignment {n} field").input_value()
        for n in (1, 2)
        if form.get_by_label(f"Assignment {n} field").count()
    ]
    assert sorted(fields) == ["forecastEnd", "forecastStart"], fields
    for n, name in enumerate(fields, start=1):
        expect(form.get_by_label(f"Assignment {n} expression")).to_have_value(f"{name} + 2 weeks")

    # The user finishes it their way: one week instead of two, then preview and apply.
    for n, name in enumerate(fields, start=1):
        form.get_by_label(f"Assignment {n} expression").fill(f"{name} + 1 week")
    dialog = page.get_by_role("dialog")
    dialog.get_by_test_id("bulk-preview").click()
    expect(dialog.get_by_test_id("bulk-table")).to_be_visible()
    dialog.get_by_test_id("bulk-apply").click()
    expect(page.get_by_test_id("draft-count")).to_contain_text(f"{count} draft")
    page.keyboard.press("Control+z")
    expect(page.get_by_test_id("draft-count")).to_contain_text("0 drafts")


def test_a_refused_phrasing_still_leaves_a_form_to_finish(
    stack: LiveStack,  # noqa: F811
    login_as: LoginAs,
) -> None:
    page = login_as("alice")
    page.get_by_role("link", name="AI assistant").click()
    page.get_by_label("Instruction").fill("cranes in area 4")
    page.get_by_role("button", name="Propose drafts").click()
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("did not find a change", timeout=30_000)
    refusal.get_by_test_id("ai-fill-global").click()
    form = page.get_by_test_id("global-change")
    expect(form).to_be_visible()
    expect(form.get_by_label("Assignment 1 expression")).to_have_value("")
