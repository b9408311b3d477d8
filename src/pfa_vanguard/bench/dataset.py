"""The benchmark's database: a separate database (`pfa_bench`) holding `orgs` x `records`
mirror rows made by the simulator's generator, bulk-loaded with COPY.

Guarantees of `prepare_dataset`:
- the database exists and is migrated; each benchmark organization holds exactly the rows
  the simulator's grid serves for (code, records, seed) + `map_row` give (what a full sync
  from a simulator with that seed would store), as if freshly synced;
- a second run with the same sizes, seed and generator reuses what is there (a count per
  organization, and the label `org_label` stored as its name); any other is reloaded;
- loading at least as many rows as the mirror holds drops its secondary indexes first and
  recreates them from their own definitions afterwards; the statistics and the materialized
  views are fresh at the end.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

import orjson
import psycopg
from psycopg import sql

from pfa_vanguard.db import embedded, migrate
from pfa_vanguard.db.queries import NamedQueries
from pfa_vanguard.settings import Settings

_log = logging.getLogger(__name__)

BENCH_DATABASE = "pfa_bench"
Progress = Callable[[str], None]


q = NamedQueries("pfa_vanguard.bench")


def org_label(code: str, records: int, seed: int) -> str:
    """The organization's name: it records what was loaded (including a digest of the first
    rows as a sync stores them, stable whatever the count: a change of the generator, the
    tenant's formats or the mapping shows), so a rerun can tell."""
    from pfa_vanguard.pems import map_row
    from pfa_vanguard.pems.simulator import SimulatorState

    rows = SimulatorState.generate([code], min(records, 20), seed).records(code)
    sample = orjson.dumps([(r.data, r.version) for r in map(map_row, rows)])
    digest = hashlib.blake2b(sample, digest_size=4).hexdigest()
    return f"{code} (benchmark: {records} records, seed {seed}, data {digest})"


def bench_database_url(settings: Settings, database: str = BENCH_DATABASE) -> str:
    """URL of the benchmark's own database on the configured server (created when missing):
    `PFA_DATABASE_URL`'s server, else the embedded server of the data directory."""
    if not settings.database_url:
        return embedded.ensure_running(settings.resolved_data_dir, database=database)
    url = settings.database_url
    with psycopg.connect(url, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if found is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    return psycopg.conninfo.make_conninfo(url, dbname=database)


@dataclass(frozen=True)
class OrgPlan:
    code: str
    org_id: int
    load: bool  # False: already holds the right rows
    held: int = 0  # rows it holds now


@dataclass(frozen=True)
class DatasetSummary:
    url: str
    org_ids: dict[str, int]
    loaded: list[str]
    reused: list[str]
    seconds: float


def prepare_dataset(
    settings: Settings,
    codes: Sequence[str],
    records: int,
    seed: int,
    *,
    workers: int = 2,
    database: str = BENCH_DATABASE,
    progress: Progress | None = None,
) -> DatasetSummary:
    """Create/migrate the benchmark database and make it hold `codes` x `records` rows."""
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    url = bench_database_url(settings, database)
    migrate.upgrade(url)
    with psycopg.connect(url, autocommit=True) as conn:
        _restore_indexes(conn, say)  # a run killed while loading dropped them
        plans = _plan(conn, codes, records, seed)
        to_load = [p for p in plans if p.load]
        present = conn.execute(q("mirror_estimate")).fetchone()
        kept = (int(present[0]) if present else 0) - sum(p.held for p in to_load)
        if to_load and kept <= 0:
            conn.execute(q("truncate_mirror"))  # fresh files: no bloat from earlier loads
        elif to_load:
            for plan in to_load:
                conn.execute(q("delete_org_mirror"), {"org_id": plan.org_id})
                conn.execute(q("delete_org_removed"), {"org_id": plan.org_id})
            conn.execute(q("vacuum_mirror"))  # the load reuses the space of the rows deleted
        if to_load and len(to_load) * records >= kept:
            indexes = [(r[0], r[1]) for r in conn.execute(q("secondary_indexes")).fetchall()]
            conn.execute(  # COMMENT takes no parameters: a literal, quoted by psycopg
                sql.SQL("COMMENT ON TABLE pfa_mirror IS {}").format(sql.Literal(_marker(indexes)))
            )
            for name, _definition in indexes:
                conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
        if to_load:
            say(f"loading {len(to_load)} organization(s) x {records:,} records")
            _load_parallel(url, to_load, records, seed, workers, say)
        _restore_indexes(conn, say)
        if to_load:
            say("vacuum, analyze, refresh views")
            conn.execute(q("vacuum_analyze_mirror"))
            for plan in to_load:  # the load bypassed the triggers that keep them
                conn.execute(q("recompute_summaries"), {"org_id": plan.org_id})
            conn.execute(q("refresh_kpi_summary"))
            conn.execute(q("refresh_timeline_bounds"))
            for plan in to_load:
                conn.execute(q("mark_org_loaded"), {"org_id": plan.org_id})
    return DatasetSummary(
        url=url,
        org_ids={p.code: p.org_id for p in plans},
        loaded=[p.code for p in to_load],
        reused=[p.code for p in plans if not p.load],
        seconds=time.perf_counter() - started,
    )


_MARKER = "pfa bench: secondary indexes dropped for a bulk load: "


def _marker(indexes: list[tuple[str, str]]) -> str:
    return _MARKER + orjson.dumps(indexes).decode()


def _restore_indexes(conn: psycopg.Connection[Any], say: Progress) -> None:
    """Recreate the indexes a bulk load dropped (recorded in the mirror's comment first, so
    that a run killed in between leaves them to be recreated by the next one)."""
    row = conn.execute(q("dropped_indexes")).fetchone()
    comment = row[0] if row else None
    if not comment or not str(comment).startswith(_MARKER):
        return
    for name, definition in orjson.loads(str(comment).removeprefix(_MARKER)):
        say(f"creating index {name}")
        # a partitioned table's index reads "ON ONLY parent": build it on every partition
        statement = definition.replace(" ON ONLY ", " ON ", 1)
        conn.execute(statement.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1).encode())
    conn.execute(q("forget_dropped_indexes"))


def _plan(
    conn: psycopg.Connection[Any], codes: Sequence[str], records: int, seed: int
) -> list[OrgPlan]:
    found = {row[1]: row for row in conn.execute(q("org_counts"), {"codes": list(codes)})}
    plans: list[OrgPlan] = []
    for code in codes:
        label = org_label(code, records, seed)
        row = found.get(code)
        if row is not None and row[2] == label and int(row[3]) == records:
            plans.append(OrgPlan(code, int(row[0]), load=False))
            continue
        org_id = conn.execute(q("upsert_bench_org"), {"code": code, "name": label}).fetchone()
        assert org_id is not None
        held = int(row[3]) if row is not None else 0
        plans.append(OrgPlan(code, int(org_id[0]), load=True, held=held))
    return plans


def _load_parallel(
    url: str, plans: Sequence[OrgPlan], records: int, seed: int, workers: int, say: Progress
) -> None:
    """One process per organization at a time (generation and mapping are CPU-bound Python),
    each with its own connection and COPY."""
    if workers <= 1 or len(plans) == 1:
        for plan in plans:
            seconds = load_org(url, plan.code, plan.org_id, records, seed)
            say(f"  {plan.code}: {records:,} records in {seconds:.1f}s")
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {
            pool.submit(load_org, url, p.code, p.org_id, records, seed): p.code for p in plans
        }
        for future in as_completed(futures):
            say(f"  {futures[future]}: {records:,} records in {future.result():.1f}s")


def copy_text(org_id: int, code: str, records: int, seed: int) -> bytes:
    """COPY text of the organization's rows, exactly as a sync would store them: the generated
    rows as the simulated tenant's grid serves them (its formats, no counter column), mapped."""
    from pfa_vanguard.pems import map_row
    from pfa_vanguard.pems.simulator import SimulatorState

    lines: list[str] = []
    prefix = f"{org_id}\t"
    for row in SimulatorState.generate([code], records, seed).records(code):
        record = map_row(row)
        data = orjson.dumps(record.data).decode().replace("\\", "\\\\")
        modified = record.modified_at.isoformat() if record.modified_at is not None else "\\N"
        lines.append(f"{prefix}{record.pfa_id}\t{data}\t{record.version}\t{modified}\n")
    return "".join(lines).encode()


def load_org(url: str, code: str, org_id: int, records: int, seed: int) -> float:
    """Generate and COPY one organization (in a worker process); returns the seconds taken.

    As a superuser the session skips the mirror's ordering trigger (session_replication_role):
    nothing else writes these organizations while they load, and change numbers still come
    from the sequence (the column's default)."""
    started = time.perf_counter()
    payload = copy_text(org_id, code, records, seed)
    with psycopg.connect(url) as conn:
        superuser = conn.execute(q("is_superuser")).fetchone()
        if superuser is not None and superuser[0]:
            conn.execute(q("skip_triggers"))
        with conn.cursor() as cur, cur.copy(q("copy_mirror")) as copy:
            step = 1 << 20
            for offset in range(0, len(payload), step):
                copy.write(payload[offset : offset + step])
        conn.commit()
    return time.perf_counter() - started
