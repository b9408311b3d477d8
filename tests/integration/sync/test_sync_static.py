"""The apply side of a sync, fed from memory: counts, zero-write no-ops, deletions, drafts."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import orjson
import pytest
from psycopg import AsyncConnection
from psycopg.rows import dict_row

from pfa_vanguard.accounts.repository import save_user
from pfa_vanguard.errors import UpstreamError
from pfa_vanguard.sync.repository import lock_held, try_lock, unlock
from pfa_vanguard.sync.requests import request_sync
from pfa_vanguard.sync.service import WATERMARK_OVERLAP, sync_org
from tests.integration.sync.conftest import (
    BASE_TIME,
    changed,
    create_org,
    mirror_writes,
    static_records,
)
from tests.integration.sync.static_source import StaticRecord, StaticSource

Conn = AsyncConnection[dict[str, Any]]


async def mirror(conn: Conn, org_id: int) -> dict[str, dict[str, Any]]:
    cur = await conn.execute(
        "SELECT id, m.data, pems_version, pems_modified_at, change_seq FROM pfa_mirror m"
        " WHERE organization_id = %s",
        [org_id],
    )
    rows = {row["id"]: row for row in await cur.fetchall()}
    await conn.commit()
    return rows


async def one(conn: Conn, query: str, *args: Any) -> dict[str, Any]:
    cur = await conn.execute(query, list(args))
    row = await cur.fetchone()
    await conn.commit()
    assert row is not None
    return row


async def add_draft(conn: Conn, org_id: int, username: str, record_id: str, **changes: Any) -> int:
    user = await save_user(conn, username, "pw")
    row = await one(
        conn,
        "INSERT INTO pfa_modification (user_id, organization_id, record_id, changes, base_version)"
        " VALUES (%s, %s, %s, %s::jsonb, 1) RETURNING id",
        user["id"], org_id, record_id, orjson.dumps(changes).decode(),
    )  # fmt: skip
    return int(row["id"])


async def test_first_sync_mirrors_exactly_what_pems_holds(conn: Conn, source: StaticSource) -> None:
    org_id = await create_org(conn, "RIO")
    records = static_records("RIO", 350)
    source.put("RIO", records)

    result = await sync_org(conn, source, "RIO")

    assert result.status == "succeeded", result.error
    assert (result.kind, result.fetched, result.inserted, result.updated) == ("full", 350, 350, 0)
    assert (result.unchanged, result.deleted) == (0, 0)
    rows = await mirror(conn, org_id)
    assert len(rows) == 350
    for record in records:
        row = rows[record.pfa_id]
        assert row["data"] == record.data
        assert row["pems_version"] == record.version
        assert row["pems_modified_at"] == record.modified_at
    org = await one(conn, "SELECT * FROM organizations WHERE id = %s", org_id)
    assert org["mirror_version"] == 1
    assert org["last_full_sync_at"] == org["last_synced_at"] is not None
    assert org["sync_watermark"] == max(r.modified_at for r in records if r.modified_at)
    run = await one(conn, "SELECT * FROM sync_runs WHERE id = %s", result.run_id)
    assert run["status"] == "succeeded"
    assert run["kind"] == "full"
    assert run["trigger"] == "manual"
    assert (run["fetched"], run["inserted"], run["unchanged"]) == (350, 350, 0)
    assert run["duration_ms"] >= 0
    assert run["finished_at"] is not None
    assert run["error"] is None


async def test_sync_without_pems_change_writes_zero_rows(conn: Conn, source: StaticSource) -> None:
    org_id = await create_org(conn, "RIO")
    source.put("RIO", static_records("RIO", 300))
    await sync_org(conn, source, "RIO")
    before = await mirror_writes(conn)
    seqs = {k: v["change_seq"] for k, v in (await mirror(conn, org_id)).items()}

    for full in (True, False):
        result = await sync_org(conn, source, "RIO", full=full)
        assert result.status == "succeeded", result.error
        assert result.unchanged == result.fetched == (300 if full else 15)  # 15: the overlap
        assert (result.inserted, result.updated, result.deleted) == (0, 0, 0)
        assert not result.views_refreshed

    assert await mirror_writes(conn) == before
    assert {k: v["change_seq"] for k, v in (await mirror(conn, org_id)).items()} == seqs
    org = await one(conn, "SELECT mirror_version FROM organizations WHERE id = %s", org_id)
    assert org["mirror_version"] == 1


async def test_changed_records_only_are_updated(conn: Conn, source: StaticSource) -> None:
    org_id = await create_org(conn, "RIO")
    records = static_records("RIO", 400)
    source.put("RIO", records)
    await sync_org(conn, source, "RIO")
    before_rows = await mirror(conn, org_id)
    before = await mirror_writes(conn)

    later = BASE_TIME + timedelta(days=3)
    edited = {r.pfa_id for r in records[::8]}  # 50 records
    source.put(
        "RIO",
        [changed(r, later, forecastEnd="2027-12-31") if r.pfa_id in edited else r for r in records],
    )
    result = await sync_org(conn, source, "RIO", full=False)

    assert result.kind == "incremental"
    since = BASE_TIME + timedelta(minutes=96) - WATERMARK_OVERLAP  # watermark - overlap
    assert source.calls[-1] == ("RIO", since)
    overlap = len(
        [r for r in records if r.pfa_id not in edited and (r.modified_at or since) > since]
    )
    assert overlap > 0
    assert (result.updated, result.inserted, result.unchanged) == (50, 0, overlap)
    assert result.fetched == 50 + overlap
    after = await mirror_writes(conn)
    assert after["upd"] - before["upd"] == 50
    assert after["ins"] == before["ins"]
    rows = await mirror(conn, org_id)
    moved = {k for k in rows if rows[k]["change_seq"] != before_rows[k]["change_seq"]}
    assert moved == edited
    assert all(rows[k]["data"]["forecastEnd"] == "2027-12-31" for k in edited)
    assert all(rows[k]["pems_version"] == 2 for k in edited)
    org = await one(conn, "SELECT * FROM organizations WHERE id = %s", org_id)
    assert org["mirror_version"] == 2
    assert org["sync_watermark"] == later


async def test_full_sync_removes_vanished_records_and_orphans_their_drafts(
    conn: Conn, source: StaticSource
) -> None:
    org_id = await create_org(conn, "RIO")
    records = static_records("RIO", 120)
    source.put("RIO", records)
    await sync_org(conn, source, "RIO")
    gone = records[10]
    draft_id = await add_draft(conn, org_id, "alice", gone.pfa_id, forecastEnd="2028-01-01")
    kept_draft = await add_draft(conn, org_id, "bob", records[11].pfa_id, dor="BEO")
    source.put("RIO", [r for r in records if r.pfa_id not in {gone.pfa_id, records[20].pfa_id}])

    incremental = await sync_org(conn, source, "RIO", full=False)
    assert incremental.deleted == 0
    assert len(await mirror(conn, org_id)) == 120

    result = await sync_org(conn, source, "RIO", full=True)
    assert (result.deleted, result.orphaned, result.unchanged) == (2, 1, 118)
    rows = await mirror(conn, org_id)
    assert len(rows) == 118
    assert gone.pfa_id not in rows
    draft = await one(conn, "SELECT * FROM pfa_modification WHERE id = %s", draft_id)
    assert draft["orphaned_at"] is not None
    assert draft["orphan_baseline"] == gone.data
    assert draft["changes"] == {"forecastEnd": "2028-01-01"}
    other = await one(conn, "SELECT orphaned_at FROM pfa_modification WHERE id = %s", kept_draft)
    assert other["orphaned_at"] is None
    removed = await one(
        conn, "SELECT count(*) AS n, min(change_seq) AS seq FROM pfa_mirror_removed"
        " WHERE organization_id = %s", org_id,
    )  # fmt: skip
    assert removed["n"] == 2
    assert removed["seq"] > max(r["change_seq"] for r in rows.values())

    # The record comes back: the draft is no longer orphaned.
    source.put("RIO", records)
    back = await sync_org(conn, source, "RIO", full=True)
    assert back.inserted == 2
    draft = await one(conn, "SELECT * FROM pfa_modification WHERE id = %s", draft_id)
    assert draft["orphaned_at"] is None
    assert draft["conflict"] is None


async def test_pems_change_to_a_drafted_field_marks_the_draft_in_conflict(
    conn: Conn, source: StaticSource
) -> None:
    org_id = await create_org(conn, "RIO")
    records = static_records("RIO", 20)
    source.put("RIO", records)
    await sync_org(conn, source, "RIO")
    a, b, c = records[0], records[1], records[2]
    on_field = await add_draft(conn, org_id, "alice", a.pfa_id, forecastEnd="2030-01-01", dor="BEO")
    other_field = await add_draft(conn, org_id, "bob", b.pfa_id, forecastEnd="2030-01-01")
    same_value = await add_draft(conn, org_id, "carol", c.pfa_id, forecastEnd="2030-01-01")
    await one(
        conn, "UPDATE pfa_modification SET conflict = '{\"dor\": \"PROJECT\"}' WHERE id = %s"
        " RETURNING id", on_field,
    )  # fmt: skip

    later = BASE_TIME + timedelta(days=1)
    source.put(
        "RIO",
        [
            changed(a, later, forecastEnd="2029-06-30"),
            changed(b, later, equipment="EQ-NEW"),
            changed(c, later, forecastEnd="2030-01-01"),
            *records[3:],
        ],
    )
    result = await sync_org(conn, source, "RIO")
    assert result.updated == 3
    assert result.conflicts == 1

    async def conflict(draft_id: int) -> Any:
        row = await one(conn, "SELECT conflict FROM pfa_modification WHERE id = %s", draft_id)
        return row["conflict"]

    assert await conflict(on_field) == {"dor": "PROJECT", "forecastEnd": "2029-06-30"}
    assert await conflict(other_field) is None
    assert await conflict(same_value) is None


async def test_failure_mid_sync_leaves_the_mirror_as_it_was(
    conn: Conn, source: StaticSource
) -> None:
    org_id = await create_org(conn, "RIO")
    records = static_records("RIO", 500)
    source.put("RIO", records)
    await sync_org(conn, source, "RIO")
    before = await mirror(conn, org_id)
    writes = await mirror_writes(conn)

    later = BASE_TIME + timedelta(days=2)
    source.put("RIO", [changed(r, later, dor="BEO") for r in records])
    source.fail_after_pages = 3
    source.failure = UpstreamError("PEMS RIO: page at cursor 300 failed after 5 attempts (503)")
    result = await sync_org(conn, source, "RIO", full=True)

    assert result.status == "failed"
    assert result.error == "PEMS RIO: page at cursor 300 failed after 5 attempts (503)"
    assert result.fetched == 300
    assert await mirror(conn, org_id) == before
    assert await mirror_writes(conn) == writes
    run = await one(conn, "SELECT * FROM sync_runs WHERE id = %s", result.run_id)
    assert (run["status"], run["fetched"], run["inserted"]) == ("failed", 300, 0)
    assert run["error"] == result.error
    assert run["finished_at"] is not None
    org = await one(conn, "SELECT mirror_version, sync_watermark FROM organizations")
    assert org["mirror_version"] == 1
    assert org["sync_watermark"] < later

    source.fail_after_pages = None  # the next run starts clean
    again = await sync_org(conn, source, "RIO", full=True)
    assert (again.status, again.updated) == ("succeeded", 500)


async def test_schema_drift_is_kept_in_data(conn: Conn, source: StaticSource) -> None:
    org_id = await create_org(conn, "RIO")
    records = static_records("RIO", 30)
    source.put("RIO", records)
    await sync_org(conn, source, "RIO")
    source.put("RIO", [StaticRecord(r.pfa_id, {**r.data, "pfs_new_column": "x"}, r.version,
                                    r.modified_at) for r in records])  # fmt: skip
    result = await sync_org(conn, source, "RIO", full=True)
    assert result.updated == 30
    rows = await mirror(conn, org_id)
    assert all(row["data"]["pfs_new_column"] == "x" for row in rows.values())


async def test_full_sync_that_reads_nothing_deletes_nothing(
    conn: Conn, source: StaticSource
) -> None:
    org_id = await create_org(conn, "RIO")
    source.put("RIO", static_records("RIO", 40))
    await sync_org(conn, source, "RIO")
    source.put("RIO", [])
    result = await sync_org(conn, source, "RIO", full=True)
    assert result.status == "failed"
    assert result.error is not None
    assert "refusing to delete the 40 mirrored records" in result.error
    assert len(await mirror(conn, org_id)) == 40


async def test_views_refresh_after_a_changing_sync_only(conn: Conn, source: StaticSource) -> None:
    org_id = await create_org(conn, "RIO")
    records = static_records("RIO", 200)
    source.put("RIO", records)
    first = await sync_org(conn, source, "RIO")
    assert first.views_refreshed

    async def view_count() -> int:
        row = await one(
            conn, "SELECT coalesce(sum(record_count), 0) AS n FROM pfa_kpi_summary"
            " WHERE organization_id = %s", org_id,
        )  # fmt: skip
        return int(row["n"])

    async def true_count() -> int:
        row = await one(
            conn, "SELECT count(*) AS n FROM pfa_mirror WHERE organization_id = %s"
            " AND NOT is_discontinued AND NOT is_funds_transferable", org_id,
        )  # fmt: skip
        return int(row["n"])

    assert await view_count() == await true_count()
    # A row the views don't know about yet: a no-op sync must not refresh them...
    await one(
        conn, "UPDATE pfa_mirror m SET doc = m.data || '{\"isDiscontinued\": true}'"
        " WHERE (organization_id, id) = (SELECT organization_id, min(id) FROM pfa_mirror"
        " WHERE organization_id = %s AND NOT is_discontinued AND NOT is_funds_transferable"
        " AND pems_modified_at < %s GROUP BY 1) RETURNING id",
        org_id, BASE_TIME + timedelta(hours=1),
    )  # fmt: skip
    stale = await view_count()
    noop = await sync_org(conn, source, "RIO", full=False)
    assert not noop.views_refreshed
    assert noop.updated == 0
    assert await view_count() == stale
    # ...a changing sync does (and here also restores the tampered row).
    result = await sync_org(conn, source, "RIO", full=True)
    assert result.updated == 1
    assert result.views_refreshed
    assert await view_count() == await true_count() == stale


async def test_two_concurrent_syncs_of_one_org_run_once(
    conn: Conn, db_url: str, source: StaticSource
) -> None:
    await create_org(conn, "RIO")
    source.put("RIO", static_records("RIO", 200))
    gate = asyncio.Event()

    class SlowSource:
        async def iter_pages(self, org: str, *, changed_since: Any = None) -> Any:
            await gate.wait()
            async for page in source.iter_pages(org, changed_since=changed_since):
                yield page

    other = await AsyncConnection.connect(db_url)
    try:
        first = asyncio.create_task(sync_org(conn, SlowSource(), "RIO"))
        await asyncio.sleep(0.2)  # let the first take the lock (no timing is asserted)
        second = await sync_org(other, source, "RIO")
        gate.set()
        done = await first
    finally:
        await other.close()
    assert second.status == "skipped"
    assert second.already_running
    assert second.run_id is None
    assert done.status == "succeeded"
    row = await one(conn, "SELECT count(*) AS n FROM sync_runs")
    assert row["n"] == 1


async def test_a_run_left_running_by_a_dead_process_is_abandoned(
    conn: Conn, source: StaticSource
) -> None:
    org_id = await create_org(conn, "RIO")
    stale = await one(
        conn, "INSERT INTO sync_runs (organization_id, kind, status) VALUES (%s, 'full',"
        " 'running') RETURNING id", org_id,
    )  # fmt: skip
    source.put("RIO", static_records("RIO", 10))
    result = await sync_org(conn, source, "RIO")
    assert result.status == "succeeded"
    row = await one(conn, "SELECT status, error FROM sync_runs WHERE id = %s", stale["id"])
    assert row["status"] == "abandoned"
    assert "stopped before it finished" in row["error"]


async def test_unknown_organization_is_refused(conn: Conn, source: StaticSource) -> None:
    from pfa_vanguard.errors import NotFound

    with pytest.raises(NotFound, match="NOPE"):
        await sync_org(conn, source, "NOPE")


async def test_awkward_values_survive_staging_exactly(conn: Conn, source: StaticSource) -> None:
    org_id = await create_org(conn, "RIO")
    data: dict[str, Any] = {
        "description": 'tab\there, new\nline, back\\slash, "quotes", \\N, é€😀',
        "monthlyRate": 1234.5,
        "nested": {"a": [1, None, True]},
        "pfs_weird": "\\\\server\\share",
    }
    weird_id = "PFA-\t\\N-1"
    source.put(
        "RIO",
        [
            StaticRecord(weird_id, data, 3, None),
            StaticRecord("PFA-NUL", {"description": "nul\x00byte"}, 1, BASE_TIME),
        ],
    )
    result = await sync_org(conn, source, "RIO")
    assert result.inserted == 2
    rows = await mirror(conn, org_id)
    assert rows[weird_id]["data"] == data
    assert rows[weird_id]["pems_modified_at"] is None
    assert rows["PFA-NUL"]["data"] == {"description": "nulbyte"}
    again = await sync_org(conn, source, "RIO", full=True)
    assert again.unchanged == 2


async def test_a_record_sent_twice_is_kept_once_at_its_highest_version(
    conn: Conn, source: StaticSource
) -> None:
    org_id = await create_org(conn, "RIO")
    old = StaticRecord("PFA-1", {"dor": "BEO"}, 4, BASE_TIME)
    new = StaticRecord("PFA-1", {"dor": "PROJECT"}, 5, BASE_TIME + timedelta(hours=1))
    source.records["RIO"] = [new, StaticRecord("PFA-2", {}, 1, BASE_TIME), old]
    result = await sync_org(conn, source, "RIO")
    assert (result.fetched, result.inserted) == (3, 2)
    rows = await mirror(conn, org_id)
    assert rows["PFA-1"]["data"] == {"dor": "PROJECT"}
    assert rows["PFA-1"]["pems_version"] == 5


async def test_a_connection_with_an_open_transaction_is_refused(
    conn: Conn, source: StaticSource
) -> None:
    await create_org(conn, "RIO")
    await conn.execute("SELECT 1")
    with pytest.raises(RuntimeError, match="without an open transaction"):
        await sync_org(conn, source, "RIO")
    await conn.rollback()


async def test_a_commit_written_through_during_the_sync_is_not_overwritten(
    conn: Conn, db_url: str, source: StaticSource
) -> None:
    org_id = await create_org(conn, "RIO")
    records = static_records("RIO", 200)
    source.put("RIO", records)
    await sync_org(conn, source, "RIO")
    target = records[150]  # served in the second page, after the write-through
    source.put("RIO", [changed(r, BASE_TIME + timedelta(days=1), dor="BEO") for r in records])
    writer = await AsyncConnection.connect(db_url, autocommit=True)

    class RacingSource:
        async def iter_pages(self, org: str, *, changed_since: Any = None) -> Any:
            async for page in source.iter_pages(org, changed_since=changed_since):
                yield page
                # A commit lands in PEMS (version 3) and writes through to the mirror.
                await writer.execute(
                    'UPDATE pfa_mirror m SET pems_version = 3, doc = m.data || \'{"dor": "X"}\','
                    " last_synced_at = now() WHERE organization_id = %s AND id = %s",
                    [org_id, target.pfa_id],
                )

    try:
        result = await sync_org(conn, RacingSource(), "RIO", full=True)
    finally:
        await writer.close()
    assert result.status == "succeeded"
    assert (result.updated, result.unchanged) == (199, 1)
    row = (await mirror(conn, org_id))[target.pfa_id]
    assert (row["pems_version"], row["data"]["dor"]) == (3, "X")


async def test_a_cancelled_sync_is_recorded_and_releases_its_lock(
    conn: Conn, db_url: str, source: StaticSource
) -> None:
    org_id = await create_org(conn, "RIO")
    source.put("RIO", static_records("RIO", 300))
    await sync_org(conn, source, "RIO")
    before = await mirror(conn, org_id)
    started = asyncio.Event()

    class HangingSource:
        async def iter_pages(self, org: str, *, changed_since: Any = None) -> Any:
            async for page in source.iter_pages(org, changed_since=changed_since):
                yield page
                started.set()
                await asyncio.Event().wait()

    other = await AsyncConnection.connect(db_url)
    try:
        task = asyncio.create_task(sync_org(other, HangingSource(), "RIO", full=True))
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert not await lock_held(conn, org_id)  # released, though the session lives on
        await conn.commit()
    finally:
        await other.close()
    run = await one(conn, "SELECT status, error FROM sync_runs ORDER BY id DESC LIMIT 1")
    assert run == {"status": "failed", "error": "the sync was cancelled"}
    assert await mirror(conn, org_id) == before
    again = await sync_org(conn, source, "RIO", full=True)
    assert again.status == "succeeded"


async def test_a_run_now_request_is_not_lost_when_a_worker_finds_the_lock_taken(
    conn: Conn, db_url: str, source: StaticSource
) -> None:
    """Two workers woken by one "run now": the one that finds the lock taken (here by a third
    session, standing for the other worker between its lock and its claim) must leave the
    request pending, so the lock holder can still claim and run it."""
    org_id = await create_org(conn, "RIO")
    source.put("RIO", static_records("RIO", 50))
    run_id = await request_sync(conn, "RIO", "alice")
    await conn.commit()
    holder = await AsyncConnection.connect(db_url, autocommit=True, row_factory=dict_row)
    try:
        assert await try_lock(holder, org_id)
        late = await sync_org(conn, source, "RIO", trigger="manual", run_id=run_id)
        assert late.status == "skipped"
        assert late.already_running
        row = await one(conn, "SELECT status FROM sync_runs WHERE id = %s", run_id)
        assert row["status"] == "pending"  # still there for the lock holder
    finally:
        # Released explicitly: a closed session's locks go when its backend has exited, which
        # the client's close does not wait for (the next sync_org could still find it held).
        await unlock(holder, org_id)
        await holder.close()
    done = await sync_org(conn, source, "RIO", trigger="manual", run_id=run_id)
    assert (done.status, done.run_id) == ("succeeded", run_id)
    row = await one(conn, "SELECT status, fetched FROM sync_runs WHERE id = %s", run_id)
    assert row == {"status": "succeeded", "fetched": 50}


async def test_records_in_either_stored_form_are_compared_and_inserted_exactly(
    conn: Conn, source: StaticSource
) -> None:
    """The stage splits records into the mirror's form (typed columns + the rest) as they stream
    in; records that do not split (a date in another form, a number as text) stay whole. Both
    kinds are inserted as sent, a no-op sync writes neither, and a change to a typed value alone
    (or to its form alone) is still a change."""
    org_id = await create_org(conn, "RIO")
    full = dict.fromkeys(("actualStart", "actualEnd", "purchasePrice")) | {
        "category": "Crane", "forecastCategory": "Crane", "source": "Rental", "dor": "PROJECT",
        "areaSilo": "A01 Site", "originalStart": "2026-01-01", "originalEnd": "2026-06-30",
        "forecastStart": "2026-02-01", "forecastEnd": "2026-07-31", "monthlyRate": 3000,
        "isActualized": False, "isDiscontinued": False, "isFundsTransferable": False,
        "description": "Tower crane",
    }  # fmt: skip
    splits = StaticRecord("PFA-1", full | {"pfaId": "PFA-1"}, 1, BASE_TIME)
    odd_date = StaticRecord("PFA-2", full | {"pfaId": "PFA-2", "forecastEnd": "2026-7-31"}, 1)
    text_rate = StaticRecord("PFA-3", full | {"pfaId": "PFA-3", "monthlyRate": "3000.00"}, 1)
    records = [splits, odd_date, text_rate]
    source.put("RIO", records)

    assert (await sync_org(conn, source, "RIO")).inserted == 3
    rows = await mirror(conn, org_id)
    assert {k: rows[k]["data"] for k in rows} == {r.pfa_id: dict(r.data) for r in records}
    forms = await conn.execute(
        "SELECT id, compact, forecast_end, monthly_rate, forecast_cost FROM pfa_mirror"
        " WHERE organization_id = %s ORDER BY id",
        [org_id],
    )
    typed = await forms.fetchall()
    await conn.commit()
    assert [(r["id"], r["compact"]) for r in typed] == [
        ("PFA-1", True), ("PFA-2", False), ("PFA-3", False)
    ]  # fmt: skip
    assert typed[0]["forecast_end"].isoformat() == "2026-07-31"
    assert typed[1]["forecast_end"] is None  # not a date the mirror reads
    assert typed[2]["monthly_rate"] == 3000
    assert typed[0]["forecast_cost"] == typed[2]["forecast_cost"] > 0

    before = await mirror_writes(conn)
    again = await sync_org(conn, source, "RIO", full=True)
    assert (again.unchanged, again.updated, again.inserted) == (3, 0, 0)
    assert await mirror_writes(conn) == before

    moved = StaticRecord("PFA-1", {**splits.data, "forecastEnd": "2026-08-31"}, 1, BASE_TIME)
    reformatted = StaticRecord("PFA-3", {**text_rate.data, "monthlyRate": 3000}, 1, None)
    source.put("RIO", [moved, odd_date, reformatted])
    result = await sync_org(conn, source, "RIO", full=True)
    assert (result.updated, result.unchanged) == (2, 1)
    rows = await mirror(conn, org_id)
    assert rows["PFA-1"]["data"]["forecastEnd"] == "2026-08-31"
    assert rows["PFA-3"]["data"]["monthlyRate"] == 3000
