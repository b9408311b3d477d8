"""Answers a PM can check, in the browser: "show these records in the grid" opens the grid
filtered to exactly the answer's records (a removable chip says so), and a grouped answer
gets a bar chart under its table."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LoginAs
from tests.browser.stack import LiveStack

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]


def ask(page: Page, question: str) -> None:
    page.get_by_role("link", name="AI assistant").click()
    page.get_by_label("Question").fill(question)
    page.get_by_role("button", name="Ask", exact=True).click()
    expect(page.get_by_test_id("ai-answer")).to_be_visible()


def grid_ids(page: Page) -> set[str]:
    rows = page.locator('[role="row"][data-record-id]')
    return {str(rows.nth(i).get_attribute("data-record-id")) for i in range(rows.count())}


def test_show_the_answers_records_in_the_grid(stack: LiveStack, login_as: LoginAs) -> None:
    org = stack.orgs[1]  # the small organization: every row of the grid is on the page
    page = login_as("alice", org)
    total = page.get_by_test_id("row-count").inner_text()
    ask(page, "top 5 rentals by forecast cost")
    table = page.get_by_test_id("ai-table")
    expect(table.locator("tbody tr")).to_have_count(5)
    headers = table.locator("thead th").all_inner_texts()
    column = headers.index("pfa_id") + 1
    listed = set(table.locator(f"tbody tr td:nth-child({column})").all_inner_texts())
    assert len(listed) == 5
    expect(page.get_by_test_id("ai-chart")).to_have_count(0)  # a listing: no chart

    page.get_by_test_id("ai-show-records").click()
    expect(page.get_by_test_id("ai-records-chip")).to_contain_text("AI answer: 5 records")
    expect(page.get_by_test_id("row-count")).to_contain_text("5 of ")
    expect(page.locator('[role="row"][data-record-id]')).to_have_count(5)
    assert grid_ids(page) == listed

    page.get_by_role("button", name="Clear the AI answer filter: show all records").click()
    expect(page.get_by_test_id("ai-records-chip")).to_have_count(0)
    expect(page.get_by_test_id("row-count")).to_have_text(total)


def test_a_count_shows_exactly_the_records_it_counted(stack: LiveStack, login_as: LoginAs) -> None:
    page = login_as("alice", stack.orgs[1])
    ask(page, "how many rentals")
    count = int(page.get_by_test_id("ai-table").locator("tbody td").first.inner_text())
    assert count > 0
    button = page.get_by_test_id("ai-show-records")
    expect(button).to_contain_text(f"Show these {count:,} record")
    button.click()
    expect(page.get_by_test_id("row-count")).to_contain_text(f"{count:,} of ")
    # the grid's own source filter agrees: rentals only, and all of them
    expect(page.get_by_test_id("ai-records-chip")).to_contain_text(f"{count:,} record")
    page.get_by_label("Filter by source").select_option("Rental")
    expect(page.get_by_test_id("row-count")).to_contain_text(f"{count:,} of ")


def test_a_grouped_answer_has_a_chart_under_its_table(stack: LiveStack, login_as: LoginAs) -> None:
    page = login_as("alice", stack.orgs[1])
    ask(page, "total forecast cost by source")
    answer = page.get_by_test_id("ai-answer")
    expect(answer.get_by_test_id("ai-table").locator("tbody tr")).to_have_count(2)
    chart = answer.get_by_test_id("ai-chart")
    expect(chart).to_be_visible()
    expect(chart.get_by_role("img")).to_have_attribute(
        "aria-label", "Bar chart: total_forecast_cost by source, 2 bars"
    )
    expect(chart.locator(".recharts-bar-rectangle")).to_have_count(2)
