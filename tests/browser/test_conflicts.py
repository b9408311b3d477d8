"""The conflict dialog: every field PEMS changed on the record (not only the ones the user
edited), keep all mine / use all theirs / per record / per field, and radios that show what
was kept after each choice."""

from __future__ import annotations

import json
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.browser.conftest import LoginAs
from tests.browser.stack import LiveStack
from tests.browser.test_grid_bulk import stack  # noqa: F401  (the demo's data)
from tests.browser.ui import cell, edit_cell, pick_records, show_record, wait_saved


def later(iso: str, days: int) -> str:
    return (date.fromisoformat(iso) + timedelta(days=days)).isoformat()


def test_conflicts_show_all_pems_changes_and_keep_the_choices(
    stack: LiveStack,  # noqa: F811
    login_as: LoginAs,
    used_ids: set[str],
) -> None:
    records = pick_records(stack, "RIO", 3, used_ids)
    r1, r2, r3 = (r["id"] for r in records)
    page = login_as("bob")
    mine = {r["id"]: later(r["forecastEnd"], 30) for r in records}
    for r in records:
        show_record(page, r["id"])
        edit_cell(page, r["id"], "forecastEnd", mine[r["id"]])
    wait_saved(page)

    # PEMS moves every end; on r1 it also moves the start, a field bob did not touch.
    start1 = records[0]["forecastStart"]
    moved_start = later(start1, -10)
    rows = [{"pfs_id": r["id"], "pfs_f_enddate": later(r["forecastEnd"], 60)} for r in records]
    rows[0]["pfs_f_startdate"] = moved_start
    stack.sim_call("POST", "put", org="RIO", rows=rows)
    stack.sync("RIO")

    # The draft bar counts the conflicts (the screen follows PEMS) and shows only them.
    count = page.get_by_test_id("conflict-count")
    expect(count).to_have_text("⚠ 3 conflicts", timeout=30_000)
    count.click()
    expect(page.get_by_test_id("conflicts-only")).to_be_visible()
    expect(page.get_by_test_id("row-count")).to_contain_text("3 of")
    expect(page.locator('[role="row"][data-state="conflict"]')).to_have_count(3)
    page.get_by_test_id("conflicts-only").get_by_role("button", name="Show all").click()
    expect(page.get_by_test_id("row-count")).not_to_contain_text(" of ")
    page.get_by_test_id("commit-open").click()
    page.get_by_test_id("commit-confirm").click()
    dialog = page.get_by_test_id("conflict-dialog")
    expect(dialog.get_by_test_id("conflict-record")).to_have_count(3)
    also = dialog.get_by_test_id("pems-also-changed")
    expect(also).to_have_count(1)
    expect(also).to_contain_text("Forecast start")
    expect(also).to_contain_text(start1)
    expect(also).to_contain_text(moved_start)

    # r2: use theirs; its radio then shows "theirs", not "mine".
    section2 = dialog.get_by_role("region", name=f"Conflict on {r2}")
    section2.get_by_role("button", name="Use theirs").click()
    expect(section2).to_contain_text("resolved: use theirs")
    expect(section2.locator(f'input[name="{r2}-forecastEnd"]').nth(1)).to_be_checked()
    expect(section2.locator(f'input[name="{r2}-forecastEnd"]').nth(0)).not_to_be_checked()

    # r1: keep the start as bob saw it; then keep all mine for the two left.
    section1 = dialog.get_by_role("region", name=f"Conflict on {r1}")
    section1.get_by_role("radio", name="as before").check()
    dialog.get_by_test_id("keep-all-mine").click()
    expect(section1).to_contain_text("resolved: keep mine")
    expect(dialog.get_by_role("region", name=f"Conflict on {r3}")).to_contain_text(
        "resolved: keep mine"
    )
    expect(section1.locator(f'input[name="{r1}-forecastEnd"]').nth(0)).to_be_checked()
    expect(section1.get_by_role("radio", name="as before")).to_be_checked()
    dialog.get_by_test_id("conflict-commit").click()
    expect(page.get_by_test_id("notice")).to_contain_text("2 committed, 0 failed")
    expect(page.get_by_test_id("conflict-count")).to_have_count(0)

    writes = [json.dumps(w) for w in stack.sim_call("GET", "writes", org="RIO")["writes"]]
    w1 = [w for w in writes if r1 in w][-1]
    assert mine[r1] in w1
    assert start1 in w1  # the start as bob saw it, not PEMS's move
    assert any(r3 in w and mine[r3] in w for w in writes)
    assert not any(r2 in w for w in writes)
    show_record(page, r1)
    expect(cell(page, r1, "forecastStart")).to_have_text(start1)


def test_a_screen_loaded_after_pems_changed_still_sees_every_field_pems_changed(
    stack: LiveStack,  # noqa: F811
    login_as: LoginAs,
    used_ids: set[str],
) -> None:
    """The server keeps the record each draft began from: after a reload (nothing of PEMS's
    change seen on this screen), the dialog still lists the start PEMS moved beside the end in
    conflict, and "use all theirs" then shows every radio on "theirs"."""
    records = pick_records(stack, "RIO", 2, used_ids)
    r1, r2 = (r["id"] for r in records)
    page = login_as("bob")
    mine = {r["id"]: later(r["forecastEnd"], 30) for r in records}
    for r in records:
        show_record(page, r["id"])
        edit_cell(page, r["id"], "forecastEnd", mine[r["id"]])
    wait_saved(page)
    moved = {r["id"]: later(r["forecastStart"], -10) for r in records}
    rows = [
        {
            "pfs_id": r["id"],
            "pfs_f_startdate": moved[r["id"]],
            "pfs_f_enddate": later(r["forecastEnd"], 60),
        }
        for r in records
    ]
    stack.sim_call("POST", "put", org="RIO", rows=rows)
    stack.sync("RIO")
    page.reload()

    expect(page.get_by_test_id("conflict-count")).to_have_text("⚠ 2 conflicts", timeout=30_000)
    page.get_by_test_id("commit-open").click()
    page.get_by_test_id("commit-confirm").click()
    dialog = page.get_by_test_id("conflict-dialog")
    expect(dialog.get_by_test_id("conflict-record")).to_have_count(2)
    section1 = dialog.get_by_role("region", name=f"Conflict on {r1}")
    also1 = section1.get_by_test_id("pems-also-changed")
    expect(also1).to_have_count(1)
    expect(also1).to_contain_text("Forecast start")
    expect(also1).to_contain_text(records[0]["forecastStart"])
    expect(also1).to_contain_text(moved[r1])

    # r1: my end, and the start as it was; r2: everything PEMS's.
    section1.get_by_role("radio", name="as before").check()
    section1.get_by_role("button", name="Keep mine").click()
    expect(section1).to_contain_text("resolved: keep mine")
    expect(section1.get_by_role("radio", name="as before")).to_be_checked()
    dialog.get_by_test_id("use-all-theirs").click()
    section2 = dialog.get_by_role("region", name=f"Conflict on {r2}")
    expect(section2).to_contain_text("resolved: use theirs")
    expect(section2.locator(f'input[name="{r2}-forecastEnd"]').nth(1)).to_be_checked()
    expect(section2.locator(f'input[name="{r2}-forecastEnd"]').nth(0)).not_to_be_checked()
    expect(section2.get_by_role("radio", name="theirs").last).to_be_checked()
    expect(section2.get_by_role("radio", name="as before")).not_to_be_checked()
    dialog.get_by_test_id("conflict-commit").click()
    expect(page.get_by_test_id("notice")).to_contain_text("1 committed, 0 failed")

    writes = [json.dumps(w) for w in stack.sim_call("GET", "writes", org="RIO")["writes"]]
    w1 = [w for w in writes if r1 in w][-1]
    assert mine[r1] in w1
    assert records[0]["forecastStart"] in w1  # the start as bob saw it
    assert not any(r2 in w for w in writes)
    show_record(page, r1)
    expect(cell(page, r1, "forecastStart")).to_have_text(records[0]["forecastStart"])
