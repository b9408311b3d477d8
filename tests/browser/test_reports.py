"""Reporting in the browser: the figures say what they count and in which currency, the review's
impact is the API's, the view lives in the address and survives a reload, its totals, exports,
saved views, a record's history and the organization's changes, and the KPI board's print
layout."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LoginAs
from tests.browser.stack import LiveStack
from tests.browser.ui import cell, edit_cell, pick_records, show_record, wait_saved

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]


def later(iso: str, days: int) -> str:
    return (date.fromisoformat(iso) + timedelta(days=days)).isoformat()


def test_figures_say_what_they_count_and_the_review_shows_the_apis_impact(
    stack: LiveStack, login_as: LoginAs, used_ids: set[str]
) -> None:
    (record,) = pick_records(stack, "RIO", 1, used_ids)
    rid = record["id"]
    page = login_as("olivia")
    page.get_by_role("link", name="KPIs").click()
    note = page.get_by_test_id("figures-note")
    expect(note).to_contain_text("Amounts in USD")
    expect(note).to_contain_text(
        re.compile(r"excludes [\d,]+ discontinued and [\d,]+ funds-transferable records")
    )

    page.get_by_role("link", name="Grid").click()
    show_record(page, rid)
    edit_cell(page, rid, "forecastEnd", later(record["forecastEnd"], 30))
    expect(cell(page, rid, "forecastEnd")).to_have_attribute("data-changed", "true")
    wait_saved(page)
    client = stack.api("olivia")
    try:
        impact = client.get("/api/pfa/RIO/kpi", params={"drafts": "true"}).json()["impact"]
    finally:
        client.close()
    page.get_by_test_id("commit-open").click()
    dialog = page.get_by_test_id("commit-dialog")
    shown = f"+{round(impact['forecast']['total']):,}"
    expect(dialog.get_by_test_id("cost-impact")).to_have_text(f"{shown} USD")
    # the KPI table of the same dialog shows the same change
    expect(dialog.get_by_test_id("kpi-delta").locator("tr", has_text="Forecast")).to_contain_text(
        shown
    )
    dialog.get_by_role("button", name="Cancel").click()


def test_the_view_is_in_the_address_with_its_totals_exports_and_saved_views(
    stack: LiveStack, login_as: LoginAs
) -> None:
    page = login_as("admin")
    page.get_by_label("Filter by Source").select_option("Rental")
    page.get_by_test_id("date-mode").select_option("starts")
    page.get_by_label("Forecast window from").fill("2026-01-01")
    page.get_by_label("Forecast window to").fill("2026-12-31")
    expect(page).to_have_url(re.compile(r"source=Rental.*dateMode=starts"))
    totals = page.get_by_test_id("view-totals")
    expect(totals).to_contain_text("excludes")
    count = page.get_by_test_id("row-count").inner_text()
    forecast = page.get_by_test_id("totals-forecast").inner_text()

    page.reload()
    expect(page.get_by_label("Filter by Source")).to_have_value("Rental")
    expect(page.get_by_test_id("date-mode")).to_have_value("starts")
    expect(page.get_by_test_id("row-count")).to_have_text(count)
    expect(page.get_by_test_id("totals-forecast")).to_have_text(forecast)

    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    assert download.value.suggested_filename == "RIO-view.csv"
    body = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Filter: source in Rental; forecast window starts in 2026-01-01 .. 2026-12-31" in body
    with page.expect_download() as download:
        page.get_by_test_id("export-xlsx").click()
    assert download.value.suggested_filename == "RIO-view.xlsx"

    page.get_by_test_id("saved-view-name").fill("Rentals starting 2026")
    page.get_by_test_id("saved-view-save").click()
    page.get_by_role("button", name="Clear").click()
    expect(page.get_by_label("Filter by Source")).to_have_value("")
    page.get_by_test_id("saved-view-open").select_option(label="Rentals starting 2026")
    expect(page.get_by_label("Filter by Source")).to_have_value("Rental")
    expect(page.get_by_test_id("row-count")).to_have_text(count)


def test_history_of_a_record_and_the_organizations_changes(
    stack: LiveStack, login_as: LoginAs
) -> None:
    page = login_as("admin")
    page.get_by_role("link", name="Changes").click()
    expect(page.get_by_test_id("changes-screen")).to_be_visible()
    expect(
        page.get_by_test_id("history-table").or_(page.get_by_test_id("history-empty"))
    ).to_be_visible()
    page.get_by_role("link", name="Grid").click()
    page.locator('[role="row"][data-record-id] [role="gridcell"]').first.click()
    page.get_by_test_id("history-open").click()
    panel = page.get_by_test_id("history-panel")
    expect(
        panel.get_by_test_id("history-table").or_(panel.get_by_test_id("history-empty"))
    ).to_be_visible()


def test_the_kpi_board_prints_alone(stack: LiveStack, login_as: LoginAs) -> None:
    page = login_as("admin")
    page.get_by_role("link", name="KPIs").click()
    expect(page.get_by_test_id("kpi-forecast")).to_be_visible()
    profile = page.get_by_test_id("spend-profile")
    expect(profile).to_contain_text("Spend profile by month (USD)")
    profile.get_by_test_id("profile-by").select_option("category")
    expect(profile.locator(".recharts-bar-rectangle").first).to_be_attached()
    page.emulate_media(media="print")
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.get_by_test_id("kpi-print")).to_be_hidden()
    expect(page.get_by_test_id("kpi-forecast")).to_be_visible()
    with page.expect_download() as download:
        page.emulate_media(media="screen")
        page.get_by_test_id("kpi-export-xlsx").click()
    assert download.value.suggested_filename == "RIO-kpi.xlsx"


def test_a_kpi_row_drills_down_to_its_records_in_the_grid(
    stack: LiveStack, login_as: LoginAs
) -> None:
    page = login_as("admin")
    page.get_by_role("link", name="KPIs").click()
    drill = page.get_by_test_id("kpi-drill").first
    category = drill.inner_text()
    drill.click()
    expect(page).to_have_url(re.compile(r"/grid\?category="))
    expect(page.get_by_label("Filter by Category")).to_have_value(category)
    expect(page.get_by_test_id("row-count")).to_contain_text(" of ")


def test_a_bar_and_a_month_drill_down_to_their_records_in_the_grid(
    stack: LiveStack, login_as: LoginAs
) -> None:
    page = login_as("admin")
    page.get_by_role("link", name="KPIs").click()
    first = page.get_by_test_id("kpi-drill").first.inner_text()  # the chart's first category
    chart = page.locator(".kpi-charts figure").first
    bar = chart.locator(".recharts-bar-rectangle").first
    bar.hover()  # as a mouse does: the chart knows the category under it, then the click
    expect(chart.locator(".recharts-tooltip-wrapper")).to_contain_text(first)
    bar.click()
    expect(page).to_have_url(re.compile(r"/grid\?category="))
    expect(page.get_by_label("Filter by Category")).to_have_value(first)
    expect(page.get_by_test_id("row-count")).to_contain_text(" of ")

    page.get_by_role("link", name="KPIs").click()
    profile = page.get_by_test_id("spend-profile")
    surface = profile.locator(".recharts-wrapper > svg.recharts-surface")
    surface.hover()  # the middle of the chart: a month
    expect(profile.locator(".recharts-tooltip-wrapper")).to_contain_text(re.compile(r"\d{4}-\d{2}"))
    surface.click()
    expect(page).to_have_url(re.compile(r"/grid\?.*from=\d{4}-\d{2}-01.*to=\d{4}-\d{2}-\d{2}"))
    expect(page.get_by_test_id("row-count")).to_contain_text(" of ")


def test_a_record_pems_deleted_shows_in_the_changes(
    stack: LiveStack, login_as: LoginAs, used_ids: set[str]
) -> None:
    [record] = pick_records(stack, "RIO", 1, used_ids)
    gone = record["id"]
    assert stack.sim_call("POST", "delete", org="RIO", pfaIds=[gone])["deleted"] == [gone]
    stack.sync("RIO", full=True)
    page = login_as("admin")
    page.get_by_role("link", name="Changes").click()
    page.get_by_label("Field").select_option("record")
    removal = page.locator("[data-testid=history-table] tr[data-removal]")
    expect(removal).to_have_count(1)
    expect(removal).to_have_attribute("data-removal", "deleted in PEMS")
    expect(removal).to_contain_text(gone)
    expect(removal).to_contain_text("deleted in PEMS")
    expect(removal).to_contain_text("PEMS (found by a sync)")


def test_a_column_filtered_by_several_values_in_the_address_totals_and_export(
    stack: LiveStack, login_as: LoginAs
) -> None:
    client = stack.api("admin")
    try:
        resp = client.get(
            "/api/pfa/RIO/totals", params=[("category", "Crane"), ("category", "Generator")]
        )
    finally:
        client.close()
    assert resp.status_code == 200, resp.text
    want = resp.json()["records"]
    page = login_as("admin")
    page.get_by_label("Several Category values").click()
    values = page.get_by_test_id("values-category")
    values.get_by_label("Crane", exact=True).check()
    values.get_by_label("Generator", exact=True).check()
    expect(page).to_have_url(re.compile(r"category=Crane&category=Generator"))
    expect(page.get_by_label("Filter by Category")).to_have_value("*")  # "2 selected"
    expect(page.get_by_test_id("row-count")).to_contain_text(f"{want:,}")
    expect(page.get_by_test_id("view-totals")).to_contain_text(f"{want:,}")

    page.reload()
    expect(page.get_by_test_id("row-count")).to_contain_text(f"{want:,}")
    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    body = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Filter: category in Crane, Generator" in body
    assert len(list(csv.reader(io.StringIO(body)))) == want + 4  # 2 on top, header, totals
    # one value again is the plain filter
    page.get_by_label("Filter by Category").select_option("Crane")
    expect(page).not_to_have_url(re.compile(r"category=Generator"))


def test_rows_grouped_by_a_column_with_subtotals_collapsible_and_in_the_address(
    stack: LiveStack, login_as: LoginAs
) -> None:
    page = login_as("admin")
    page.get_by_label("Filter by Category").select_option("Crane")
    page.get_by_test_id("group-by").select_option("category")
    expect(page).to_have_url(re.compile(r"category=Crane.*group=category"))
    groups = page.get_by_test_id("group-row")
    expect(groups).to_have_count(1)
    expect(groups.first).to_have_attribute("data-group-key", "Crane")
    # the subtotals are the view's totals (the same figures)
    total = page.get_by_test_id("totals-forecast")
    expect(total).not_to_be_empty()
    expect(groups.first.get_by_test_id("group-forecast")).to_have_text(total.inner_text())
    count = page.get_by_test_id("row-count").inner_text().split()[0]
    expect(groups.first.get_by_test_id("group-count")).to_have_text(f"{count} records")

    page.reload()
    expect(page.get_by_test_id("group-by")).to_have_value("category")
    expect(groups).to_have_count(1)
    records = page.locator('[role="row"][data-record-id]')
    expect(records.first).to_be_visible()
    groups.first.get_by_role("button").click()  # collapse
    expect(groups.first.get_by_role("button")).to_have_attribute("aria-expanded", "false")
    expect(records).to_have_count(0)
    groups.first.get_by_role("button").click()
    expect(records.first).to_be_visible()
    # two groups: collapsing the first brings the second's header up to it
    page.get_by_label("Several Category values").click()
    page.get_by_test_id("values-category").get_by_label("Generator", exact=True).check()
    page.get_by_label("Several Category values").click()
    expect(groups.first).to_have_attribute("data-group-key", "Crane")
    groups.first.get_by_role("button").click()
    expect(groups).to_have_count(2)
    expect(groups.nth(1)).to_have_attribute("data-group-key", "Generator")
    page.get_by_test_id("group-by").select_option("")
    expect(groups).to_have_count(0)
    expect(page).not_to_have_url(re.compile(r"group="))


def test_a_search_selects_the_same_records_in_the_grid_and_in_its_totals(
    stack: LiveStack, login_as: LoginAs
) -> None:
    """The grid searches in the browser, the totals line asks the API with the same `q`: both
    must mean the same text (a record found only by its forecast category included)."""
    page = login_as("alice")
    page.get_by_label("Search text").press_sequentially("crane", delay=40)
    count = page.get_by_test_id("row-count")
    expect(count).to_contain_text(" of ")
    shown = int(count.inner_text().split(" of ")[0].replace(",", ""))
    assert shown > 0
    expect(page.get_by_test_id("view-totals")).to_contain_text(f"of {shown:,} records")
