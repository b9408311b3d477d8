"""The web UI end to end in headless Chromium, against a live server on a real database with
the PEMS simulator behind it: every screen of the README's "The web UI"."""

from __future__ import annotations

import json
import re
import time
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from playwright.sync_api import Route, expect

from tests.browser.conftest import LoginAs
from tests.browser.stack import PASSWORD, LiveStack
from tests.browser.ui import (
    EDIT_PROBE,
    SCROLL_PROBE,
    TYPING_PROBE,
    bring_into_view,
    cell,
    edit_cell,
    floor_page_html,
    mark_time,
    pick_records,
    row,
    show_record,
    wait_saved,
)

# The first test also waits for the live stack (a 50K-record organization synced from the
# simulator), hence the longer bound.
pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]


def later(iso: str, days: int) -> str:
    return (date.fromisoformat(iso) + timedelta(days=days)).isoformat()


def count_text(n: int) -> str:
    return f"{n:,} records"


def test_login_shows_the_whole_organization(
    stack: LiveStack, login_as: LoginAs, screenshots: Path, figures: dict[str, float | int | str]
) -> None:
    page = login_as("alice")
    expect(page.get_by_test_id("row-count")).to_have_text(count_text(stack.records))
    expect(page.get_by_test_id("last-synced")).to_contain_text("Last synced")
    expect(page.get_by_test_id("role")).to_have_text("editor")
    # A cold load of the page straight into the grid (the token is kept in the browser).
    page.reload()
    expect(page.get_by_test_id("row-count")).to_have_text(count_text(stack.records))
    requested = mark_time(page, "pfa:records-requested")
    parsed = mark_time(page, "pfa:records-loaded")
    first_rows = mark_time(page, "pfa:first-rows")
    assert requested is not None
    assert parsed is not None
    assert first_rows is not None
    figures["page_load_to_first_rows_ms"] = round(first_rows)
    figures["records_request_to_parsed_ms"] = round(parsed - requested)
    figures["records_request_to_first_rows_ms"] = round(first_rows - requested)
    page.screenshot(path=str(screenshots / "grid.png"))

    # The organization switcher lists only the user's organizations, with the role.
    options = page.get_by_label("Organization").locator("option").all_inner_texts()
    assert sorted(o.split(" ")[0] for o in options) == sorted(stack.orgs)
    assert all("editor" in o for o in options)


def test_login_page(stack: LiveStack, browser: object, screenshots: Path) -> None:
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    context = browser.new_context(viewport={"width": 1000, "height": 700}, base_url=stack.base_url)
    page = context.new_page()
    page.goto("/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("invalid username or password")
    page.screenshot(path=str(screenshots / "login.png"))
    context.close()


def test_the_ui_runs_under_its_content_security_policy(stack: LiveStack, browser: object) -> None:
    """Every screen (grid, KPI charts, timeline, admin) works with the server's strict
    Content-Security-Policy: the browser reports no blocked script, style or request."""
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    context = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=stack.base_url)
    page = context.new_page()
    blocked: list[str] = []
    page.on(
        "console",
        lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    first = page.goto("/")
    assert first is not None
    assert "frame-ancestors 'none'" in first.headers["content-security-policy"]
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("row-count")).to_contain_text("records")
    page.get_by_role("link", name="KPIs").click()
    expect(page.get_by_test_id("kpi-forecast")).to_be_visible()
    page.get_by_role("link", name="Timeline").click()
    page.wait_for_load_state("networkidle")
    assert blocked == [], blocked
    context.close()


def test_edit_undo_redo_reload_and_privacy(
    stack: LiveStack,
    login_as: LoginAs,
    used_ids: set[str],
    screenshots: Path,
    figures: dict[str, float | int | str],
) -> None:
    (record,) = pick_records(stack, "RIO", 1, used_ids)
    rid, new_end = record["id"], later(record["forecastEnd"], 30)
    page = login_as("alice")
    show_record(page, rid)
    target = cell(page, rid, "forecastEnd")

    # Time from the Enter that saves the edit to the changed-cell marker on screen.
    page.evaluate(EDIT_PROBE, [rid])
    edit_cell(page, rid, "forecastEnd", new_end)
    expect(target).to_have_attribute("data-changed", "true")
    expect(target).to_have_text(new_end)
    expect(row(page, rid)).to_have_attribute("data-state", "draft")
    expect(row(page, rid).get_by_test_id("row-marker")).to_be_visible()
    expect(page.get_by_test_id("draft-count")).to_contain_text("1 draft")
    page.wait_for_function("window.__edit.t1 > 0")
    figures["edit_to_marker_ms"] = round(page.evaluate("window.__edit.t1 - window.__edit.t0"), 1)

    # A refused edit shows the API's message and changes nothing.
    edit_cell(page, rid, "forecastEnd", later(record["forecastStart"], -1))
    expect(page.get_by_test_id("cell-error")).to_contain_text(
        "forecastStart must not be after forecastEnd"
    )
    page.keyboard.press("Escape")
    expect(target).to_have_text(new_end)

    # Undo / redo from the keyboard.
    page.get_by_test_id("grid").focus()
    page.keyboard.press("Control+z")
    expect(target).to_have_text(record["forecastEnd"])
    expect(target).not_to_have_attribute("data-changed", "true")
    expect(page.get_by_test_id("draft-count")).to_contain_text("0 drafts")
    page.keyboard.press("Control+Shift+z")
    expect(target).to_have_text(new_end)
    page.keyboard.press("Control+z")
    page.keyboard.press("Control+y")
    expect(target).to_have_attribute("data-changed", "true")
    wait_saved(page)
    page.screenshot(path=str(screenshots / "grid-draft.png"))

    # KPI board: the forecast shows current → pending.
    page.get_by_role("link", name="KPIs").click()
    pending = page.get_by_test_id("kpi-forecast").locator('[data-role="pending"]')
    expect(pending).to_be_visible()
    current = page.get_by_test_id("kpi-forecast").locator('[data-role="current"]')
    assert pending.inner_text() != current.inner_text()
    page.screenshot(path=str(screenshots / "kpi.png"), full_page=True)

    # The timeline shows the drafted bar.
    page.get_by_role("link", name="Timeline").click()
    expect(page.get_by_test_id("timeline-count")).to_contain_text("1 records")
    page.get_by_label("Search text").fill("")
    page.screenshot(path=str(screenshots / "timeline.png"))

    # Reload: the draft is still there (saved to the server).
    page.get_by_role("link", name="Grid").click()
    page.reload()
    show_record(page, rid)
    expect(cell(page, rid, "forecastEnd")).to_have_attribute("data-changed", "true")
    expect(cell(page, rid, "forecastEnd")).to_have_text(new_end)

    # Another user does not see it.
    other = login_as("bob")
    show_record(other, rid)
    expect(cell(other, rid, "forecastEnd")).to_have_text(record["forecastEnd"])
    expect(row(other, rid)).to_have_attribute("data-state", "pristine")
    expect(other.get_by_test_id("draft-count")).to_contain_text("0 drafts")


def test_commit_with_preflight_review(
    stack: LiveStack, login_as: LoginAs, used_ids: set[str], screenshots: Path
) -> None:
    (record,) = pick_records(stack, "RIO", 1, used_ids)
    rid, new_end = record["id"], later(record["forecastEnd"], 14)
    page = login_as("olivia")
    show_record(page, rid)
    edit_cell(page, rid, "forecastEnd", new_end)
    expect(cell(page, rid, "forecastEnd")).to_have_attribute("data-changed", "true")

    page.get_by_test_id("commit-open").click()
    dialog = page.get_by_test_id("commit-dialog")
    review = dialog.get_by_test_id("review-table")
    expect(review).to_contain_text(rid)
    expect(review).to_contain_text(record["forecastEnd"])
    expect(review).to_contain_text(new_end)
    expect(dialog.get_by_test_id("kpi-delta")).to_be_visible()
    expect(dialog.get_by_test_id("cost-impact")).to_have_text(re.compile(r"^\+"))
    page.screenshot(path=str(screenshots / "commit-review.png"))
    dialog.get_by_test_id("commit-confirm").click()
    results = dialog.get_by_test_id("commit-results")
    expect(results).to_contain_text("1 committed")
    expect(results).to_contain_text(rid)

    writes = stack.sim_call("GET", "writes", org="RIO")["writes"]
    mine = [w for w in writes if rid in json.dumps(w)]
    assert mine, f"no write of {rid} reached PEMS"
    assert new_end in json.dumps(mine[-1])

    dialog.get_by_role("button", name="Close").first.click()
    show_record(page, rid)
    expect(cell(page, rid, "forecastEnd")).to_have_text(new_end)
    expect(row(page, rid)).to_have_attribute("data-state", "pristine")


def test_conflict_resolution_then_commit(
    stack: LiveStack, login_as: LoginAs, used_ids: set[str], screenshots: Path
) -> None:
    (record,) = pick_records(stack, "RIO", 1, used_ids)
    rid = record["id"]
    mine, theirs = later(record["forecastEnd"], 30), later(record["forecastEnd"], 60)
    page = login_as("bob")
    show_record(page, rid)
    edit_cell(page, rid, "forecastEnd", mine)
    wait_saved(page)

    # Someone changes the same field in PEMS; the next sync brings it in.
    stack.sim_call("POST", "put", org="RIO", rows=[{"pfs_id": rid, "pfs_f_enddate": theirs}])
    stack.sync("RIO")
    page.reload()
    show_record(page, rid)
    expect(row(page, rid)).to_have_attribute("data-state", "conflict")

    page.get_by_test_id("commit-open").click()
    page.get_by_test_id("commit-confirm").click()
    dialog = page.get_by_test_id("conflict-dialog")
    expect(dialog).to_contain_text(rid)
    expect(dialog).to_contain_text(theirs)
    expect(dialog).to_contain_text(mine)
    page.screenshot(path=str(screenshots / "conflict.png"))
    dialog.get_by_role("button", name="Keep mine").click()
    expect(dialog).to_contain_text("resolved: keep mine")
    dialog.get_by_test_id("conflict-commit").click()
    expect(page.get_by_test_id("notice")).to_contain_text("1 committed")

    writes = stack.sim_call("GET", "writes", org="RIO")["writes"]
    assert any(rid in json.dumps(w) and mine in json.dumps(w) for w in writes)
    show_record(page, rid)
    expect(cell(page, rid, "forecastEnd")).to_have_text(mine)


def test_ai_question_shows_table_and_sql(login_as: LoginAs, screenshots: Path) -> None:
    page = login_as("alice")
    page.get_by_role("link", name="AI assistant").click()
    page.get_by_label("Question").fill("How many records per category?")
    page.get_by_role("button", name="Ask", exact=True).click()
    answer = page.get_by_test_id("ai-answer")
    expect(answer.get_by_test_id("ai-table").locator("tbody tr").first).to_be_visible()
    expect(answer.get_by_test_id("ai-sql")).to_contain_text(re.compile("select", re.IGNORECASE))
    expect(answer.get_by_test_id("ai-explanation")).to_contain_text(
        "Counted all the records, for each category"
    )
    page.screenshot(path=str(screenshots / "ai.png"))


def test_viewer_cannot_edit(stack: LiveStack, login_as: LoginAs) -> None:
    page = login_as("victor")
    expect(page.get_by_test_id("role")).to_have_text("viewer")
    expect(page.get_by_test_id("read-only")).to_be_visible()
    expect(page.get_by_test_id("commit-open")).to_have_count(0)
    first = page.locator('[role="row"][data-record-id]').first
    target = first.locator('[data-field="forecastEnd"]')
    target.dblclick()
    page.keyboard.press("Enter")
    expect(first.locator("input")).to_have_count(0)
    expect(page.get_by_test_id("draft-count")).to_contain_text("0 drafts")


def test_admin_page(stack: LiveStack, login_as: LoginAs, screenshots: Path) -> None:
    page = login_as("admin")
    page.get_by_role("link", name="Admin").click()
    status = page.get_by_test_id("admin-status")
    for org in stack.orgs:
        expect(status).to_contain_text(org)
    expect(page.get_by_test_id("admin-runs").locator("tbody tr").first).to_be_visible()
    page.screenshot(path=str(screenshots / "admin.png"), full_page=True)

    small = stack.orgs[1]
    page.get_by_role("button", name=f"Pause {small}").click()
    expect(page.get_by_role("button", name=f"Resume {small}")).to_be_visible()
    page.get_by_role("button", name=f"Resume {small}").click()
    expect(page.get_by_role("button", name=f"Pause {small}")).to_be_visible()
    page.get_by_label(f"Schedule of {small}", exact=True).fill("0 0 1 1 *")
    page.get_by_role("button", name=f"Save the schedule of {small}").click()
    expect(page.get_by_role("status")).to_contain_text(f"Schedule of {small} set to 0 0 1 1 *")

    # Run now: the worker picks the request up; the run shows in the history.
    before = page.get_by_test_id("admin-runs").locator("tbody tr").count()
    page.get_by_role("button", name=f"Run a sync of {small} now").click()
    runs = page.get_by_test_id("admin-runs").locator("tbody tr")
    expect(runs).to_have_count(before + 1, timeout=30_000)
    expect(runs.first).to_contain_text("succeeded", timeout=60_000)


def test_admin_refresh_now_updates_the_grid(
    stack: LiveStack, login_as: LoginAs, used_ids: set[str]
) -> None:
    (record,) = pick_records(stack, "RIO", 1, used_ids)
    rid = record["id"]
    change = {"pfs_id": rid, "pfs_equipment_tag": "EQ-NEW-1"}
    stack.sim_call("POST", "put", org="RIO", rows=[change])
    page = login_as("admin")
    show_record(page, rid)
    expect(cell(page, rid, "equipment")).not_to_have_text("EQ-NEW-1")
    page.get_by_role("button", name="Refresh from PEMS").click()
    expect(page.get_by_test_id("sync-message")).to_contain_text("Sync done", timeout=90_000)
    show_record(page, rid)
    expect(cell(page, rid, "equipment")).to_have_text("EQ-NEW-1")
    expect(page.get_by_test_id("last-synced")).to_contain_text("just now")


def test_refresh_now_during_a_running_sync_follows_that_sync(
    stack: LiveStack, login_as: LoginAs, used_ids: set[str]
) -> None:
    """Another admin's sync is running (PEMS slow): Refresh now is told so (409 with that
    run's id) and follows that sync to its end, then reloads, instead of failing."""
    (record,) = pick_records(stack, "RIO", 1, used_ids)
    rid = record["id"]
    stack.sim_call("POST", "put", org="RIO", rows=[{"pfs_id": rid, "pfs_equipment_tag": "EQ-2"}])
    page = login_as("admin")
    show_record(page, rid)
    other = stack.api("admin")
    stack.sim_call("POST", "faults", latencyMs=4000)
    try:
        run_id = other.post("/api/admin/sync/RIO").json()["runId"]
        for _ in range(300):
            runs = other.get("/api/admin/sync/runs", params={"org": "RIO"}).json()
            if next(r["status"] for r in runs if r["id"] == run_id) == "running":
                break
            page.wait_for_timeout(100)
        else:
            pytest.fail(f"run {run_id} did not start")
        page.get_by_role("button", name="Refresh from PEMS").click()
        expect(page.get_by_test_id("sync-progress")).to_contain_text("running")
    finally:
        stack.sim_call("POST", "faults")
        other.close()
    expect(page.get_by_test_id("sync-message")).to_contain_text("Sync done", timeout=90_000)
    show_record(page, rid)
    expect(cell(page, rid, "equipment")).to_have_text("EQ-2")


def test_timeline_drag_moves_the_forecast_window(
    stack: LiveStack, login_as: LoginAs, used_ids: set[str]
) -> None:
    (record,) = pick_records(stack, "RIO", 1, used_ids)
    rid = record["id"]
    page = login_as("admin")  # no drafts of their own yet
    page.get_by_role("link", name="Timeline").click()
    page.get_by_label("Search text").fill(rid)
    bar = page.locator(f'[data-record-id="{rid}"] [data-testid="forecast-bar"]')
    expect(bar).to_be_visible()
    bring_into_view(page, rid)
    box = bar.bounding_box()
    assert box is not None
    # Months zoom: 2 px a day, so 60 px is 30 days later; the middle of a bar moves it whole.
    middle = box["x"] + box["width"] / 2
    page.mouse.move(middle, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(middle + 30, box["y"] + box["height"] / 2, steps=5)
    page.mouse.move(middle + 60, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()
    expect(page.get_by_test_id("draft-count")).to_contain_text("1 draft")
    # Keyboard: a week earlier.
    bar.focus()
    page.keyboard.press("Shift+ArrowLeft")
    page.get_by_role("link", name="Grid").click()
    show_record(page, rid)
    expect(cell(page, rid, "forecastStart")).to_have_text(later(record["forecastStart"], 23))
    expect(cell(page, rid, "forecastEnd")).to_have_text(later(record["forecastEnd"], 23))
    page.get_by_test_id("grid").focus()
    page.keyboard.press("Control+z")
    page.keyboard.press("Control+z")
    expect(page.get_by_test_id("draft-count")).to_contain_text("0 drafts")


def test_timeline_opens_on_today_marks_off_screen_bars_and_drags_one_end(
    stack: LiveStack, login_as: LoginAs, used_ids: set[str]
) -> None:
    (record,) = pick_records(stack, "RIO", 1, used_ids)
    rid = record["id"]
    page = login_as("admin")
    page.get_by_role("link", name="Timeline").click()
    timeline = page.get_by_test_id("timeline")
    today = page.get_by_test_id("today-line")
    expect(today).to_have_attribute("data-day", date.today().isoformat())
    view, line = timeline.bounding_box(), today.bounding_box()
    assert view is not None
    assert line is not None
    assert view["x"] + 220 < line["x"] < view["x"] + view["width"]  # opens on today
    # bars running off the view are marked at its edges; a marker brings its bar into view
    markers = page.locator('[data-testid^="offscreen-"]')
    expect(markers.first).to_be_visible()
    # the axis labels never overlap, at any zoom
    for zoom in ("Years", "Quarters", "Months", "Weeks"):
        page.get_by_label("Zoom (pixels per day)").select_option(label=zoom)
        boxes = page.get_by_test_id("axis-label").evaluate_all(
            "(els) => els.map((e) => { const r = e.getBoundingClientRect();"
            " return [r.left, r.left + e.scrollWidth]; })"
        )
        assert len(boxes) > 1, zoom
        for (_, right), (left, _) in pairwise(boxes):
            assert right <= left + 0.5, (zoom, boxes)
    page.get_by_label("Zoom (pixels per day)").select_option(label="Months")
    page.get_by_test_id("timeline-today").click()
    expect(page.get_by_test_id("spend-profile")).to_be_visible()  # under the timeline

    page.get_by_label("Search text").fill(rid)
    bar = bring_into_view(page, rid)
    end = page.locator(f'.tl-row[data-record-id="{rid}"]').get_by_test_id("forecast-end-handle")
    box = end.bounding_box()
    assert box is not None
    # Months zoom: 2 px a day; the end's handle moves only the end, 30 days later
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] / 2, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 30, y, steps=5)
    page.mouse.move(box["x"] + box["width"] / 2 + 60, y, steps=5)
    page.mouse.up()
    expect(page.get_by_test_id("draft-count")).to_contain_text("1 draft")
    # the start only, from the keyboard: Ctrl+Shift+← is a week earlier
    bar.focus()
    page.keyboard.press("Control+Shift+ArrowLeft")
    page.get_by_role("link", name="Grid").click()
    show_record(page, rid)
    expect(cell(page, rid, "forecastEnd")).to_have_text(later(record["forecastEnd"], 30))
    expect(cell(page, rid, "forecastStart")).to_have_text(later(record["forecastStart"], -7))
    page.get_by_test_id("grid").focus()
    page.keyboard.press("Control+z")
    page.keyboard.press("Control+z")
    expect(page.get_by_test_id("draft-count")).to_contain_text("0 drafts")


def test_ai_change_proposal_applied_as_drafts(
    stack: LiveStack, login_as: LoginAs, used_ids: set[str]
) -> None:
    (record,) = pick_records(stack, "RIO", 1, used_ids)
    rid, new_start = record["id"], later(record["forecastStart"], 3)
    page = login_as("olivia")
    page.get_by_role("link", name="AI assistant").click()
    page.get_by_label("Instruction").fill(f"move {rid} forecast start to {new_start}")
    page.get_by_role("button", name="Propose drafts").click()
    proposal = page.get_by_test_id("ai-proposal")
    expect(proposal).to_contain_text(rid)
    expect(proposal).to_contain_text(new_start)
    proposal.get_by_test_id("ai-apply").click()
    expect(page.get_by_test_id("draft-count")).to_contain_text("1 draft")
    wait_saved(page)
    page.get_by_role("link", name="Grid").click()
    show_record(page, rid)
    expect(cell(page, rid, "forecastStart")).to_have_text(new_start)
    expect(cell(page, rid, "forecastStart")).to_have_attribute("data-changed", "true")
    # Revert the record from its row.
    row(page, rid).get_by_role("button", name=f"Revert {rid}").click()
    expect(cell(page, rid, "forecastStart")).to_have_text(record["forecastStart"])
    wait_saved(page)
    expect(page.get_by_test_id("draft-count")).to_contain_text("0 drafts")


def test_orphaned_draft_is_marked_and_can_be_reverted(
    stack: LiveStack, login_as: LoginAs, used_ids: set[str]
) -> None:
    (record,) = pick_records(stack, "RIO", 1, used_ids)
    rid = record["id"]
    page = login_as("olivia")
    show_record(page, rid)
    edit_cell(page, rid, "equipment", "EQ-ORPHAN")
    wait_saved(page)

    # The record disappears from PEMS; a full sync notices.
    stack.sim_call("POST", "delete", org="RIO", pfaIds=[rid])
    stack.sync("RIO", full=True)
    page.reload()
    show_record(page, rid)
    expect(row(page, rid)).to_have_attribute("data-state", "orphaned")
    expect(row(page, rid).get_by_test_id("row-marker")).to_have_attribute(
        "title", re.compile("removed from PEMS")
    )
    row(page, rid).get_by_role("button", name=f"Revert {rid}").click()
    wait_saved(page)
    expect(page.get_by_test_id("draft-count")).to_contain_text("0 drafts")
    page.reload()
    page.get_by_label("Search text").fill(rid)
    expect(row(page, rid)).to_have_count(0)


def test_discard_asks_first_then_drops_every_draft(
    stack: LiveStack, login_as: LoginAs, used_ids: set[str]
) -> None:
    first, second = pick_records(stack, "RIO", 2, used_ids)
    page = login_as("bob")
    for record in (first, second):
        show_record(page, record["id"])
        edit_cell(page, record["id"], "dor", "BEO" if record["dor"] == "PROJECT" else "PROJECT")
    expect(page.get_by_test_id("draft-count")).to_contain_text("2 drafts")
    page.get_by_role("button", name="Discard…").click()
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_contain_text("Discard all drafts?")
    # A modal <dialog>: the page behind is inert; Tab past either end never reaches it (the
    # focus stays in the dialog or goes to the browser's own controls, then back).
    assert dialog.evaluate("d => d.matches(':modal')")
    for key in ["Tab"] * 4 + ["Shift+Tab"] * 4:
        page.keyboard.press(key)
        assert dialog.evaluate(
            "d => d.contains(document.activeElement) || document.activeElement === document.body"
        ), f"focus reached the page behind at {key}"
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    page.get_by_role("button", name="Discard…").click()
    dialog.get_by_role("button", name="Cancel").click()
    expect(page.get_by_test_id("draft-count")).to_contain_text("2 drafts")
    page.get_by_role("button", name="Discard…").click()
    page.get_by_test_id("confirm-dialog").get_by_role("button", name="Discard 2 drafts").click()
    expect(page.get_by_test_id("draft-count")).to_contain_text("0 drafts")
    page.reload()
    show_record(page, first["id"])
    expect(cell(page, first["id"], "dor")).to_have_text(first["dor"])
    expect(page.get_by_test_id("draft-count")).to_contain_text("0 drafts")


def test_an_expired_session_asks_for_the_password_and_keeps_the_edits(
    stack: LiveStack, login_as: LoginAs, used_ids: set[str]
) -> None:
    """The session runs out while the user edits: from then on the browser's requests carry a
    token the real API refuses (401, as for an expired one). The screen stays, a dialog asks
    for the password again, and the edit made meanwhile is saved as soon as it is given."""
    (record,) = pick_records(stack, "RIO", 1, used_ids)
    rid = record["id"]
    new_dor = "BEO" if record["dor"] == "PROJECT" else "PROJECT"
    new_end = later(record["forecastEnd"], 45)
    page = login_as("alice")
    show_record(page, rid)
    edit_cell(page, rid, "dor", new_dor)
    wait_saved(page)

    def expired(route: Route) -> None:
        route.continue_(headers=route.request.headers | {"authorization": "Bearer expired"})

    # The value is typed, then the session runs out, then the edit is finished (a background
    # request refused before the edit ends would open the dialog over a half-typed cell).
    cell(page, rid, "forecastEnd").click()
    page.keyboard.press("Enter")
    editor = cell(page, rid, "forecastEnd").locator("input")
    expect(editor).to_be_focused()
    editor.fill(new_end)
    page.route("**/api/**", expired)
    page.keyboard.press("Enter")
    dialog = page.get_by_test_id("session-expired")
    expect(dialog).to_contain_text("Log in again as alice")
    expect(cell(page, rid, "forecastEnd")).to_have_text(new_end)  # the edit is still on screen

    page.unroute("**/api/**", expired)
    dialog.get_by_label("Password").fill(PASSWORD)
    dialog.get_by_role("button", name="Log in").click()
    expect(dialog).to_be_hidden()
    wait_saved(page)
    client = stack.api("alice")
    try:
        drafts = {d["recordId"]: d for d in client.get("/api/pfa/RIO/drafts").json()}
    finally:
        client.close()
    assert drafts[rid]["changes"] == {"dor": new_dor, "forecastEnd": new_end}


def test_scrolling_and_filtering_stay_responsive(
    stack: LiveStack, login_as: LoginAs, figures: dict[str, float | int | str]
) -> None:
    page = login_as("alice")
    # (The orphan test removed one record from PEMS: the count is no longer stack.records.)
    expect(page.get_by_test_id("row-count")).to_contain_text(" records")
    frames: list[float] = page.evaluate(SCROLL_PROBE)
    frames.sort()
    figures["scroll_frame_p50_ms"] = round(frames[len(frames) // 2], 1)
    figures["scroll_frame_p95_ms"] = round(frames[int(len(frames) * 0.95)], 1)
    # For context, the same scrolling over 1,500 rows of static HTML in the same browser now
    # (no script at all): shows how busy the machine was during the measurement.
    floor = page.context.new_page()
    floor.set_content(floor_page_html())
    static: list[float] = sorted(floor.evaluate(SCROLL_PROBE))
    floor.close()
    figures["scroll_frame_static_html_p50_ms"] = round(static[len(static) // 2], 1)
    figures["scroll_frame_static_html_p95_ms"] = round(static[int(len(static) * 0.95)], 1)
    expect(page.locator('[role="row"][data-record-id]').first).to_be_visible()

    # Typing in the search box over the whole organization: keystroke → row count updated.
    page.evaluate(TYPING_PROBE)
    page.get_by_label("Search text").press_sequentially("PFA-0001", delay=120)
    expect(page.get_by_test_id("row-count")).to_contain_text("of")
    typing: list[float] = sorted(page.evaluate("window.__typing"))
    assert typing
    figures["keystroke_to_filtered_rows_max_ms"] = round(typing[-1], 1)
    figures["keystroke_to_filtered_rows_p50_ms"] = round(typing[len(typing) // 2], 1)


def test_log_out_right_after_an_edit_saves_the_edit_first(
    stack: LiveStack, login_as: LoginAs, used_ids: set[str]
) -> None:
    """Log out clicked within the autosave's debounce: the edit is saved while the token still
    works, not dropped with the session."""
    (record,) = pick_records(stack, "RIO", 1, used_ids)
    rid = record["id"]
    new_dor = "BEO" if record["dor"] == "PROJECT" else "PROJECT"
    page = login_as("alice")
    show_record(page, rid)
    edit_cell(page, rid, "dor", new_dor)
    token = page.evaluate("localStorage.getItem('pfa.token')")
    assert token
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_label("Username")).to_be_visible()
    client = stack.api("alice")
    try:
        drafts = {d["recordId"]: d for d in client.get("/api/pfa/RIO/drafts").json()}
        assert drafts[rid]["changes"] == {"dor": new_dor}
        client.delete(f"/api/pfa/RIO/drafts/{rid}").raise_for_status()
        # Log out ended the session on the server too: the page's token is refused
        ended = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
        assert ended.status_code == 401, ended.text
    finally:
        client.close()


def request_refresh(stack: LiveStack, user: str = "alice") -> int:
    """Ask for a sync through the API as an editor does ("Refresh from PEMS"); while another
    sync runs (it may have started before the PEMS-side change), ask again after it."""
    client = stack.api(user)
    try:
        for _ in range(240):
            answer = client.post("/api/pfa/RIO/refresh")
            if answer.status_code == 202:
                return int(answer.json()["runId"])
            assert answer.status_code == 409, answer.text
            time.sleep(0.5)
    finally:
        client.close()
    pytest.fail("no sync of RIO could be requested")


def test_the_open_grid_follows_pems_without_reloading_or_losing_undo(
    stack: LiveStack, login_as: LoginAs, used_ids: set[str], figures: dict[str, float | int | str]
) -> None:
    (record,) = pick_records(stack, "RIO", 1, used_ids)
    rid, theirs = record["id"], later(record["forecastEnd"], 45)
    page = login_as("alice")
    show_record(page, rid)
    edit_cell(page, rid, "equipment", "EQ-MINE-7")
    wait_saved(page)
    page.evaluate("() => { window.__sameDocument = true; }")

    stack.sim_call("POST", "put", org="RIO", rows=[{"pfs_id": rid, "pfs_f_enddate": theirs}])
    started = time.monotonic()
    request_refresh(stack)

    expect(cell(page, rid, "forecastEnd")).to_have_text(theirs, timeout=30_000)
    figures["pems_change_on_open_grid_s"] = round(time.monotonic() - started, 1)
    expect(page.get_by_test_id("fresh-notice")).to_contain_text("updated from PEMS")
    assert page.evaluate("() => window.__sameDocument === true"), "the page was reloaded"
    expect(page.get_by_label("Search text")).to_have_value(rid)
    expect(cell(page, rid, "equipment")).to_have_text("EQ-MINE-7")
    expect(row(page, rid)).to_have_attribute("data-state", "draft")

    # The undo history survived the refresh: the edit made before it is undone.
    page.get_by_test_id("grid").focus()
    page.keyboard.press("Control+z")
    expect(cell(page, rid, "equipment")).to_have_text(record.get("equipment") or "")
    expect(cell(page, rid, "forecastEnd")).to_have_text(theirs)
    wait_saved(page)


def test_an_edit_begun_before_a_pems_change_becomes_a_conflict(
    stack: LiveStack, login_as: LoginAs, used_ids: set[str]
) -> None:
    (record,) = pick_records(stack, "RIO", 1, used_ids)
    rid = record["id"]
    mine, theirs = later(record["forecastEnd"], 20), later(record["forecastEnd"], 90)
    page = login_as("bob")
    show_record(page, rid)
    # bob opens the editor on the value he sees and types his date...
    cell(page, rid, "forecastEnd").click()
    page.keyboard.press("Enter")
    editor = cell(page, rid, "forecastEnd").locator("input")
    expect(editor).to_be_focused()
    editor.fill(mine)

    # ...meanwhile a PEMS user moves it, and the open grid takes the change in.
    stack.sim_call("POST", "put", org="RIO", rows=[{"pfs_id": rid, "pfs_f_enddate": theirs}])
    request_refresh(stack)
    expect(page.get_by_test_id("fresh-notice")).to_contain_text("updated from PEMS", timeout=30_000)
    expect(editor).to_have_value(mine)  # the refresh did not throw his typing away

    page.keyboard.press("Enter")
    wait_saved(page)
    expect(row(page, rid)).to_have_attribute("data-state", "conflict")
    client = stack.api("bob")
    try:
        detail = client.get(f"/api/pfa/RIO/records/{rid}").json()
    finally:
        client.close()
    assert detail["conflict"] == {
        "forecastEnd": {"base": record["forecastEnd"], "theirs": theirs, "mine": mine}
    }


def wait_for_run(stack: LiveStack, run_id: int) -> None:
    client = stack.api("admin")
    try:
        for _ in range(600):
            runs = client.get("/api/admin/sync/runs", params={"org": "RIO"}).json()
            status = next((r["status"] for r in runs if r["id"] == run_id), None)
            if status == "succeeded":
                return
            assert status in (None, "pending", "running"), status
            time.sleep(0.2)
    finally:
        client.close()
    pytest.fail(f"sync run {run_id} did not finish")


def test_the_commit_review_shows_before_as_pems_holds_it_now(
    stack: LiveStack, login_as: LoginAs, used_ids: set[str]
) -> None:
    (record,) = pick_records(stack, "RIO", 1, used_ids)
    rid = record["id"]
    page = login_as("alice")
    show_record(page, rid)
    edit_cell(page, rid, "equipment", "EQ-ALICE-3")
    wait_saved(page)
    # The tab goes to the background (no polling there); meanwhile PEMS changes the field.
    page.evaluate(
        "() => { Object.defineProperty(document, 'visibilityState', { get: () => 'hidden' }); }"
    )
    change = {"pfs_id": rid, "pfs_equipment_tag": "EQ-PEMS-3"}
    stack.sim_call("POST", "put", org="RIO", rows=[change])
    wait_for_run(stack, request_refresh(stack))
    expect(cell(page, rid, "equipment")).to_have_text("EQ-ALICE-3")

    page.get_by_test_id("commit-open").click()
    review = page.get_by_test_id("review-table")
    line = review.locator("tr", has_text="EQ-ALICE-3")
    expect(line).to_contain_text("EQ-PEMS-3")  # before: PEMS's value now, not the one loaded
    expect(review).to_contain_text("conflict")
    page.get_by_role("button", name="Cancel").click()
