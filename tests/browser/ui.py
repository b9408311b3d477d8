"""Small page helpers for the browser tests: find a record's row and cells, edit a cell the
way a person does (click, Enter, type, Enter), read the figures the UI leaves for tests."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Locator, Page, expect

from tests.browser.stack import LiveStack


def row(page: Page, record_id: str) -> Locator:
    return page.locator(f'[role="row"][data-record-id="{record_id}"]')


def cell(page: Page, record_id: str, field: str) -> Locator:
    return row(page, record_id).locator(f'[role="gridcell"][data-field="{field}"]')


def show_record(page: Page, record_id: str) -> Locator:
    """Type the record's id into the search box so that its row is on screen."""
    page.get_by_label("Search text").fill(record_id)
    target = row(page, record_id)
    expect(target).to_be_visible()
    return target


def bring_into_view(page: Page, record_id: str) -> Locator:
    """On the timeline, scroll the record's forecast bar into the visible part of its lane (the
    marker at the edge the bar runs off); returns the bar."""
    lane = page.locator(f'.tl-row[data-record-id="{record_id}"]')
    bar = lane.get_by_test_id("forecast-bar")
    expect(bar).to_be_attached()
    for marker in ("offscreen-before", "offscreen-after"):
        if lane.get_by_test_id(marker).count():
            lane.get_by_test_id(marker).click()
            break
    expect(lane.get_by_test_id("offscreen-before")).to_have_count(0)
    return bar


def edit_cell(page: Page, record_id: str, field: str, value: str) -> None:
    cell(page, record_id, field).click()
    page.keyboard.press("Enter")
    editor = cell(page, record_id, field).locator("input, select")
    expect(editor).to_be_focused()
    if editor.evaluate("(el) => el.tagName") == "SELECT":
        editor.select_option(value)
    else:
        editor.fill(value)
    page.keyboard.press("Enter")


def wait_saved(page: Page) -> None:
    expect(page.get_by_test_id("save-status")).to_contain_text("All changes saved", timeout=15_000)


def pick_records(stack: LiveStack, org: str, count: int, skip: set[str]) -> list[dict[str, Any]]:
    """Rental records that count in the KPIs, with a forecast window, nobody has drafted yet."""
    client = stack.api("admin")
    try:
        body = client.get(f"/api/pfa/{org}", params={"source": "Rental", "limit": 400}).json()
    finally:
        client.close()
    chosen = []
    for record in body["records"]:
        data = record["data"]
        if (
            record["id"] not in skip
            and data.get("forecastStart")
            and data.get("forecastEnd")
            and data.get("monthlyRate")
            and not data.get("isDiscontinued")
            and not data.get("isFundsTransferable")
        ):
            chosen.append(data | {"id": record["id"]})
            skip.add(record["id"])
        if len(chosen) == count:
            break
    assert len(chosen) == count, "not enough suitable records in the generated data"
    return chosen


def mark_time(page: Page, name: str) -> float | None:
    """ms from navigation start to a performance mark the UI set, or None."""
    value = page.evaluate(MARK_PROBE, name)
    return None if value is None else float(value)


# In-page probes: measured inside the browser, so the figures hold no test-driver latency.
MARK_PROBE = """(name) => {
  const entries = performance.getEntriesByName(name);
  return entries.length ? entries[0].startTime : null;
}"""

# Enter in the cell editor → the cell carries the changed marker and a frame was drawn.
EDIT_PROBE = """([id]) => {
  window.__edit = {};
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && e.target.classList?.contains('cell-input')) {
      window.__edit.t0 = performance.now();
    }
  }, { capture: true });
  const selector = `[data-record-id="${id}"] [data-field="forecastEnd"]`;
  const obs = new MutationObserver(() => {
    const c = document.querySelector(selector);
    if (c && c.dataset.changed === 'true' && window.__edit.t1 === undefined) {
      window.__edit.t1 = 0;
      requestAnimationFrame(() => {
        window.__edit.t1 = performance.now();
        obs.disconnect();
      });
    }
  });
  const grid = document.querySelector('[data-testid="grid"]');
  obs.observe(grid, { subtree: true, attributes: true, childList: true });
}"""

# Scroll the grid 600 px (20 rows) a frame, as a fast wheel does, down 40 frames and back up 40
# (never past the end, where no frame is drawn): the time between frames.
SCROLL_PROBE = """async () => {
  const el = document.querySelector('[data-testid="grid"]');
  const step = Math.min(600, (el.scrollHeight - el.clientHeight) / 41);
  const out = [];
  let last = performance.now();
  for (let i = 0; i < 80; i++) {
    el.scrollTop += i < 40 ? step : -step;
    await new Promise((r) => requestAnimationFrame(r));
    const now = performance.now();
    out.push(now - last);
    last = now;
  }
  return out;
}"""

# A keystroke in the search box → the row count re-rendered and a frame drawn.
TYPING_PROBE = """() => {
  window.__typing = [];
  const input = document.querySelector('input[aria-label="Search text"]');
  const count = document.querySelector('[data-testid="row-count"]');
  let t0 = 0;
  input.addEventListener('input', () => { t0 = performance.now(); }, { capture: true });
  new MutationObserver(() => {
    requestAnimationFrame(() => window.__typing.push(performance.now() - t0));
  }).observe(count, { subtree: true, childList: true, characterData: true });
}"""


def floor_page_html(rows: int = 1500, cells: int = 13) -> str:
    """Static HTML of the grid's visual density (no script), to scroll for comparison."""
    cell = "<span style='display:inline-block;width:104px;padding:0 6px'>PFA-000123 text</span>"
    row = f"<div style='height:30px;line-height:29px;white-space:nowrap'>{cell * cells}</div>"
    return (
        "<div data-testid='grid' style='height:760px;overflow:auto;font:14px system-ui'>"
        f"{row * rows}</div>"
    )
