"""The commit review: pick the records to commit (one by one, all, or those matching the grid's
filter), with descriptions and cost per record; when PEMS is not answering, one summary line
and a retry rather than a line per record."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import LoginAs
from tests.browser.stack import LiveStack
from tests.browser.test_grid_bulk import stack  # noqa: F401  (the demo's data)
from tests.browser.ui import pick_records


def test_pick_records_then_pems_down_is_one_line_with_a_retry(
    stack: LiveStack,  # noqa: F811
    login_as: LoginAs,
    used_ids: set[str],
) -> None:
    records = pick_records(stack, "RIO", 4, used_ids)
    ids = [r["id"] for r in records]
    api = stack.api("alice")
    try:
        saved = api.post(
            "/api/pfa/RIO/draft",
            json=[
                {"recordId": i, "changes": {"equipment": f"EQ-REVIEW-{n}"}}
                for n, i in enumerate(ids)
            ],
        )
        assert saved.status_code == 200, saved.text
    finally:
        api.close()

    page = login_as("alice")
    page.get_by_label("Search text").fill(ids[0])
    page.get_by_test_id("commit-open").click()
    dialog = page.get_by_test_id("commit-dialog")
    review = dialog.get_by_test_id("review-table")
    expect(review.locator("tbody tr[data-record-id]")).to_have_count(4)
    for r in records:
        line = review.locator(f'tr[data-record-id="{r["id"]}"]')
        expect(line).to_contain_text(r["description"])
        expect(line).to_contain_text("Equipment:")
        expect(line).to_contain_text("→")
    confirm = dialog.get_by_test_id("commit-confirm")
    expect(confirm).to_have_text("Commit 4 records to PEMS")
    dialog.get_by_test_id("pick-filtered").click()
    expect(confirm).to_have_text("Commit 1 of 4 records to PEMS")
    dialog.get_by_role("button", name="All", exact=True).click()
    dialog.get_by_label(f"Commit {ids[3]}").uncheck()
    expect(confirm).to_have_text("Commit 3 of 4 records to PEMS")

    stack.sim_call("POST", "faults", failRate=1.0)
    try:
        confirm.click()
        down = dialog.get_by_test_id("commit-unreachable")
        expect(down).to_contain_text(
            "PEMS is not answering — 3 drafts kept, nothing written.", timeout=60_000
        )
        expect(dialog.locator(".results li")).to_have_count(0)
    finally:
        stack.sim_call("POST", "faults", failRate=0.0)
    dialog.get_by_test_id("commit-retry").click()
    expect(dialog.get_by_test_id("commit-results")).to_contain_text("3 committed, 0 failed")
    dialog.get_by_role("button", name="Close").first.click()
    expect(page.get_by_test_id("draft-count")).to_contain_text("1 draft")
    writes = [
        w for w in stack.sim_call("GET", "writes", org="RIO")["writes"] if "EQ-REVIEW" in str(w)
    ]
    assert len(writes) == 3
    api = stack.api("alice")
    try:
        left = [d["recordId"] for d in api.get("/api/pfa/RIO/drafts").json()]
        assert left == [ids[3]]
        api.post("/api/pfa/RIO/discard")
    finally:
        api.close()


def test_the_review_of_1200_drafts_opens_fast_and_builds_only_the_rows_in_view(
    stack: LiveStack,  # noqa: F811
    login_as: LoginAs,
    figures: dict[str, float | int | str],
) -> None:
    api = stack.api("bob")
    try:
        body = api.get("/api/pfa/RIO", params={"limit": 1200, "sort": "-pfaId"}).json()
        ids = [r["id"] for r in body["records"]]
        changes = [{"recordId": i, "changes": {"equipment": "EQ-MANY"}} for i in ids]
        assert api.post("/api/pfa/RIO/draft", json=changes).status_code == 200
    finally:
        api.close()
    try:
        page = login_as("bob")
        expect(page.get_by_test_id("draft-count")).to_contain_text("1200 drafts")
        started = page.evaluate("() => performance.now()")
        page.get_by_test_id("commit-open").click()
        dialog = page.get_by_test_id("commit-dialog")
        expect(dialog.get_by_test_id("commit-confirm")).to_have_text("Commit 1200 records to PEMS")
        shown = page.evaluate("() => performance.now()") - started
        figures["commit_review_1200_drafts_ms"] = round(shown)
        built = dialog.locator("tbody tr[data-record-id]").count()
        assert 0 < built < 100
        assert shown < 5_000
        # Scrolling to the end builds other rows, still only a few.
        rows = dialog.locator("tbody tr[data-record-id]")
        before = set(rows.evaluate_all("(rs) => rs.map((r) => r.dataset.recordId)"))
        first = rows.first.get_attribute("data-record-id")
        dialog.locator(".review-scroll").evaluate("(el) => { el.scrollTop = el.scrollHeight; }")
        expect(dialog.locator(f'tr[data-record-id="{first}"]')).to_have_count(0)
        after = set(rows.evaluate_all("(rs) => rs.map((r) => r.dataset.recordId)"))
        assert after
        assert not after & before
        assert len(after) < 100
        dialog.get_by_role("button", name="None", exact=True).click()
        expect(dialog.get_by_test_id("commit-confirm")).to_be_disabled()
    finally:
        api = stack.api("bob")
        try:
            api.post("/api/pfa/RIO/discard")
        finally:
            api.close()


def test_commit_progress_and_cancel_before_the_next_record(
    stack: LiveStack,  # noqa: F811
    login_as: LoginAs,
    used_ids: set[str],
) -> None:
    """A slow PEMS: the dialog shows records sent / accepted / conflicts while committing, and
    Cancel stops before the next record; the unsent records stay drafts."""
    records = pick_records(stack, "RIO", 40, used_ids)
    ids = [r["id"] for r in records]
    api = stack.api("alice")
    try:
        saved = api.post(
            "/api/pfa/RIO/draft",
            json=[{"recordId": i, "changes": {"equipment": "EQ-CANCEL"}} for i in ids],
        )
        assert saved.status_code == 200, saved.text
    finally:
        api.close()

    page = login_as("alice")
    page.get_by_test_id("commit-open").click()
    dialog = page.get_by_test_id("commit-dialog")
    confirm = dialog.get_by_test_id("commit-confirm")
    expect(confirm).to_have_text("Commit 40 records to PEMS")
    stack.sim_call("POST", "faults", latencyMs=700)
    try:
        confirm.click()
        progress = dialog.get_by_test_id("commit-progress")
        expect(progress).to_be_visible()
        expect(progress.get_by_test_id("commit-progress-text")).to_contain_text(
            "of 40 sent", timeout=30_000
        )
        expect(progress.get_by_test_id("commit-progress-text")).not_to_contain_text(
            "0 of 40 sent", timeout=30_000
        )
        expect(progress.get_by_role("progressbar")).to_be_visible()
        progress.get_by_test_id("commit-cancel").click()
        results = dialog.get_by_test_id("commit-results")
        expect(results).to_be_visible(timeout=60_000)
    finally:
        stack.sim_call("POST", "faults")
    expect(dialog.get_by_test_id("commit-cancelled")).to_contain_text("not sent — still drafts")
    written = {
        w["pfaId"]
        for w in stack.sim_call("GET", "writes", org="RIO")["writes"]
        if "EQ-CANCEL" in str(w)
    }
    assert 0 < len(written) < 40
    expect(results).to_contain_text(f"{len(written)} committed, 0 failed")
    dialog.get_by_role("button", name="Close").first.click()
    left = 40 - len(written)
    expect(page.get_by_test_id("draft-count")).to_contain_text(f"{left} draft")
    api = stack.api("alice")
    try:
        drafts = {d["recordId"] for d in api.get("/api/pfa/RIO/drafts").json()}
        assert drafts == set(ids) - written
        api.post("/api/pfa/RIO/discard")
    finally:
        api.close()
