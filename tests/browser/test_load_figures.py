"""The figures a project manager feels in the browser, on the large organization: login
answered → first rows, reload → first rows, whole organization usable (and the longest task
while it loads), bytes of the records on the wire, keystroke → grid updated, scroll frames,
saved draft → KPI board. Measured inside the page (performance marks, resource timing, long
tasks, animation frames); reported, not asserted: the machine is shared and the figures are
noisy. Printed at the end of the run and saved in figures.json next to the screenshots."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LoginAs
from tests.browser.stack import PASSWORD, LiveStack
from tests.browser.ui import (
    SCROLL_PROBE,
    TYPING_PROBE,
    edit_cell,
    floor_page_html,
    mark_time,
    pick_records,
    show_record,
    wait_saved,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]

# Installed before any page script runs: the long tasks of the page (main thread busy > 50 ms).
LONG_TASKS = """
window.__longTasks = [];
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]);
  }).observe({ type: "longtask", buffered: true });
} catch (e) { /* not supported */ }
"""

# The records' responses of the organization as the network delivered them: bytes on the wire
# (encodedBodySize: compressed, as served), bytes decoded, and when the answer arrived.
RECORDS_TRAFFIC = """(org) => performance.getEntriesByType("resource")
  .filter((e) => new URL(e.name).pathname === `/api/pfa/${org}`)
  .map((e) => ({ url: e.name, wire: e.encodedBodySize, decoded: e.decodedBodySize,
                 start: e.startTime, end: e.responseEnd }))"""

LOGIN_ANSWERED = """() => {
  const e = performance.getEntriesByType("resource")
    .filter((r) => new URL(r.name).pathname === "/api/auth/login");
  return e.length ? e[e.length - 1].responseEnd : null;
}"""

# Click the KPI board's link, then wait (frame by frame) for the forecast's pending value on
# screen, from figures that count the saved draft (the board not marked as being updated).
KPI_PROBE = """async () => {
  const t0 = performance.now();
  document.querySelector('a[href$="/kpi"]').click();
  for (;;) {
    await new Promise((r) => requestAnimationFrame(r));
    const pending = document.querySelector('[data-testid="kpi-forecast"] [data-role="pending"]');
    if (pending && pending.checkVisibility() && !pending.closest('[aria-busy="true"]'))
      return [performance.now() - t0, pending.textContent];
    if (performance.now() - t0 > 20000) return null;
  }
}"""


DRAFTS = 200
SUFFIX = f"_{DRAFTS}_drafts"


def later(iso: str, days: int) -> str:
    return (date.fromisoformat(iso) + timedelta(days=days)).isoformat()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * p))], 1)


def longest_task(page: Page, start: float, end: float) -> float:
    tasks: list[list[float]] = page.evaluate("window.__longTasks || []")
    inside = [d for s, d in tasks if s + d >= start and s <= end]
    return round(max(inside, default=0.0), 1)


def test_load_figures(
    stack: LiveStack, login_as: LoginAs, figures: dict[str, float | int | str]
) -> None:
    take_load_figures(stack, login_as("alice"), figures, "")


def take_load_figures(
    stack: LiveStack, page: Page, figures: dict[str, float | int | str], suffix: str
) -> None:
    """Log in again with the long-task observer, reload, scroll, type: the figures, named with
    `suffix` appended."""
    page.context.add_init_script(LONG_TASKS)
    expect(page.get_by_test_id("row-count")).to_have_text(f"{stack.records:,} records")
    # Log in again in a fresh page of the same profile, now with the long-task observer.
    page.evaluate("() => localStorage.clear()")
    page.reload()
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("row-count")).to_have_text(f"{stack.records:,} records")
    answered = page.evaluate(LOGIN_ANSWERED)
    first_rows = mark_time(page, "pfa:first-rows")
    usable = mark_time(page, "pfa:records-loaded")
    assert answered is not None
    assert first_rows is not None
    assert usable is not None
    figures[f"login_answered_to_first_rows_ms{suffix}"] = round(first_rows - answered)
    figures[f"login_answered_to_whole_org_ms{suffix}"] = round(usable - answered)
    figures[f"login_longest_task_while_loading_ms{suffix}"] = longest_task(page, answered, usable)
    tasks = page.evaluate("window.__longTasks || []")
    figures[f"login_long_tasks_while_loading{suffix}"] = " ".join(
        f"{round(s - answered)}+{round(d)}" for s, d in tasks if answered <= s <= usable + 200
    )
    for step in ("first-page", "records-requested", "records-fetched", "records-decoded"):
        at = mark_time(page, f"pfa:{step}")
        if at is not None:  # (the steps of the load, where the UI marks them)
            figures[f"login_answered_to_{step.replace('-', '_')}_ms{suffix}"] = round(at - answered)
    traffic = page.evaluate(RECORDS_TRAFFIC, "RIO")
    whole = max(traffic, key=lambda t: t["decoded"])
    figures[f"records_bytes_on_wire{suffix}"] = int(sum(t["wire"] for t in traffic))
    figures[f"records_bytes_decoded{suffix}"] = int(sum(t["decoded"] for t in traffic))
    figures[f"records_requests{suffix}"] = len(traffic)
    figures[f"records_whole_org_response_ms{suffix}"] = round(whole["end"] - whole["start"])

    # A reload with the session alive (the token kept in the browser).
    page.reload()
    expect(page.get_by_test_id("row-count")).to_have_text(f"{stack.records:,} records")
    first_rows = mark_time(page, "pfa:first-rows")
    usable = mark_time(page, "pfa:records-loaded")
    assert first_rows is not None
    assert usable is not None
    figures[f"reload_to_first_rows_ms{suffix}"] = round(first_rows)
    figures[f"reload_to_whole_org_ms{suffix}"] = round(usable)
    figures[f"reload_longest_task_while_loading_ms{suffix}"] = longest_task(page, 0, usable)

    # Scrolling, frame by frame.
    expect(page.locator('[role="row"][data-record-id]').first).to_be_visible()
    frames: list[float] = page.evaluate(SCROLL_PROBE) + page.evaluate(SCROLL_PROBE)
    figures[f"scroll_frame_p50_ms{suffix}"] = percentile(frames, 0.5)
    figures[f"scroll_frame_p95_ms{suffix}"] = percentile(frames, 0.95)
    # The same scrolling over static HTML (no script): how busy the machine was meanwhile.
    floor = page.context.new_page()
    floor.set_content(floor_page_html())
    static: list[float] = floor.evaluate(SCROLL_PROBE) + floor.evaluate(SCROLL_PROBE)
    floor.close()
    figures[f"scroll_frame_static_html_p95_ms{suffix}"] = percentile(static, 0.95)

    # Typing in the search box: keystroke → row count updated and a frame drawn.
    page.evaluate(TYPING_PROBE)
    search = page.get_by_label("Search text")
    for text in ("PFA-0001", "rental", "cat"):
        search.press_sequentially(text, delay=150)
        expect(page.get_by_test_id("row-count")).to_contain_text("of")
        search.fill("")
        expect(page.get_by_test_id("row-count")).to_have_text(f"{stack.records:,} records")
    typing: list[float] = page.evaluate("window.__typing")
    assert typing
    figures[f"keystroke_p50_ms{suffix}"] = percentile(typing, 0.5)
    figures[f"keystroke_p95_ms{suffix}"] = percentile(typing, 0.95)


def test_saved_draft_to_kpi_board(
    stack: LiveStack,
    login_as: LoginAs,
    used_ids: set[str],
    figures: dict[str, float | int | str],
) -> None:
    take_saved_draft_figure(stack, login_as("alice"), used_ids, figures, "")


def take_saved_draft_figure(
    stack: LiveStack,
    page: Page,
    used_ids: set[str],
    figures: dict[str, float | int | str],
    suffix: str,
) -> None:
    """A draft saved in the grid, then the KPIs link: ms until the board shows the forecast
    with that draft, and the figure shown is the API's."""
    (record,) = pick_records(stack, "RIO", 1, used_ids)
    rid = record["id"]
    new_end = (date.fromisoformat(record["forecastEnd"]) + timedelta(days=45)).isoformat()
    show_record(page, rid)
    edit_cell(page, rid, "forecastEnd", new_end)
    wait_saved(page)
    shown = page.evaluate(KPI_PROBE)
    assert shown is not None
    ms, text = shown
    client = stack.api("alice")
    try:
        board = client.get("/api/pfa/RIO/kpi", params={"drafts": "true"}).json()
    finally:
        client.close()
    assert text == f"{math.floor(board['pending']['totals']['forecast']['total'] + 0.5):,}"
    figures[f"saved_draft_to_kpi_board_ms{suffix}"] = round(ms, 1)


def test_figures_with_200_drafts(
    stack: LiveStack,
    login_as: LoginAs,
    used_ids: set[str],
    figures: dict[str, float | int | str],
) -> None:
    """The same figures while the user holds 200 drafts (saved through the API before the
    page opens): each is named with `_200_drafts` appended."""
    drafted = pick_records(stack, "RIO", DRAFTS, used_ids)
    changes = [
        {"recordId": r["id"], "changes": {"forecastEnd": later(r["forecastEnd"], 30)}}
        for r in drafted
    ]
    client = stack.api("alice")
    try:
        client.post("/api/pfa/RIO/discard").raise_for_status()
        client.post("/api/pfa/RIO/draft", json=changes).raise_for_status()
    finally:
        client.close()
    try:
        page = login_as("alice")
        expect(page.get_by_test_id("draft-count")).to_contain_text(f"{DRAFTS} drafts")
        take_load_figures(stack, page, figures, SUFFIX)
        expect(page.get_by_test_id("draft-count")).to_contain_text(f"{DRAFTS} drafts")
        marked = show_record(page, drafted[0]["id"])
        expect(marked.locator('[data-field="forecastEnd"]')).to_have_attribute(
            "data-changed", "true"
        )
        take_saved_draft_figure(stack, page, used_ids, figures, SUFFIX)
        expect(page.get_by_test_id("draft-count")).to_contain_text(f"{DRAFTS + 1} drafts")
    finally:
        client = stack.api("alice")
        try:
            client.post("/api/pfa/RIO/discard").raise_for_status()
        finally:
            client.close()
