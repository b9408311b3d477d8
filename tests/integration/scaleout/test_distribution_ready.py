"""The schema and the application's SQL keep to the rules Citus sets for distributing tables by
`organization_id` (README.md, "Running in production"). Citus itself is not installed here,
so this checks its documented rules on a freshly migrated PostgreSQL database and on the parsed
named queries:

1. every table of the public schema is classified (TABLES): distributed by organization_id,
   reference (small, copied to every node) or coordinator-local; a new table must be classified;
2. a distributed table has organization_id NOT NULL, of one type (co-location), in every
   primary key, unique constraint, unique index and exclusion constraint; a foreign key between
   two distributed tables pairs organization_id with organization_id; distributed -> reference
   is allowed, reference -> distributed or -> local is not, local -> reference and local ->
   local are (Citus adds such local tables to its metadata); distributed -> local is not;
3. every partitioned table is distributed and HASH-partitioned by organization_id (0045);
4. every named query (src/pfa_vanguard/**/*.sql, as pfa_vanguard.db.queries.load reads them)
   that reads or writes a distributed table binds its organization_id to a parameter or joins
   it with another distributed table's organization_id (a router or co-located query: see
   citus_sql.py for the exact, deliberately simple reading), unless listed in CROSS_ORG with a
   reason. Stale allowlist entries fail too.

What Citus would not take as it is (kept as lists below, so something new fails; the README's
"Managed PostgreSQL / Citus" bullet says the same):

- statement-level AFTER triggers with transition tables on pfa_mirror (migration 0041: the
  KPI totals and timeline bounds kept from each statement's changed rows). Citus does not run
  statement triggers or transition tables on distributed tables. On Citus: drop them and keep
  the summaries from the writers (the sync's apply and the commit's write-through already hold
  the organization's lock; each would call pfa_recompute_summaries(org) -- one organization,
  two index probes plus a GROUP BY over its shard -- before committing), or compute the KPI
  board from pfa_mirror per organization on read;
- row triggers on pfa_mirror / pfa_mirror_removed (0020: lock the organization's row, then
  draw a change number). Citus runs row triggers on the shards only with
  citus.enable_unsafe_triggers, and the trigger would lock the worker's copy of the reference
  table `organizations`, not the coordinator's: the writers already take that lock first
  (lock_organization) and set change_seq = nextval(...) themselves, so on Citus the triggers
  are dropped. Also: pfa_mirror_change_seq is one bigint sequence; Citus gives each node its own
  range of it, so change numbers drawn on workers are not ordered across a shard move (a
  moved organization could get smaller numbers than its readers have seen). On Citus draw them
  on the coordinator (the statements' own nextval) -- or derive them per organization;
- the row trigger filling the mirror's typed columns and compacting its JSON (0070) reads
  nothing but the row written, so it is safe on the shards (citus.enable_unsafe_triggers);
  without it, the writers would have to send the typed columns and the compacted JSON
  themselves;
- the TRUNCATE trigger empties both summary tables for all organizations (never used by the
  application);
- the materialized views pfa_kpi_summary and pfa_timeline_bounds over pfa_kpi_totals /
  pfa_org_bounds: Citus keeps a materialized view as a coordinator-local table, and each
  REFRESH (the sync, the commit and the benchmark run one) would pull every organization's
  summary rows through the coordinator. On Citus: read the per-organization tables directly
  (same columns, already keyed by organization_id) and drop the views;
- pfa_ai_records and the row-level security of the AI role (0002, 0046): pfa_scope_org() reads
  pfa_session_scope keyed by the backend's pid and start, which on a worker is the worker's
  backend, not the coordinator's; the AI role's policies would need the scope passed another way
  (e.g. a GUC the coordinator propagates) before the AI assistant runs on Citus;
- the sync's staging tables are session TEMP tables joined with pfa_mirror (fill_changed,
  update_changed ...): a join of a local table with a distributed one, which Citus plans by
  moving one side (citus.local_table_join_policy; the mirror side is filtered to one
  organization);
- SQL composed in Python (psycopg.sql, e.g. mirror filters, bench loaders) and inside
  PL/pgSQL functions is not read by check 4 -- only the named-query files are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from pfa_vanguard.db.queries import load
from tests.integration.scaleout.citus_sql import problems

DISTRIBUTED = "distributed by organization_id"
REFERENCE = "reference"
LOCAL = "coordinator-local"

# Every table of the schema, partitions excluded (they follow their parent).
TABLES: dict[str, str] = {
    # the per-organization data: the mirror, its deletion log, the drafts, and the summaries
    # kept from the mirror (0041), all co-located so a record, its drafts and its organization's
    # figures live on one node
    "pfa_mirror": DISTRIBUTED,
    "pfa_mirror_removed": DISTRIBUTED,
    "pfa_mirror_archive": DISTRIBUTED,  # long-ended records moved out of the mirror (0071)
    "pfa_history": DISTRIBUTED,  # field-level history of each record, read per organization
    "pfa_modification": DISTRIBUTED,
    "pfa_kpi_totals": DISTRIBUTED,
    "pfa_org_bounds": DISTRIBUTED,
    # small, read with everything (membership checks, the organization's lock and version)
    "organizations": REFERENCE,
    "users": REFERENCE,
    "memberships": REFERENCE,
    # Logs and control rows, small next to the mirror and read across organizations by the
    # admin pages and the worker's scheduler (pending_requests, schedule_states, overview):
    # on the coordinator they stay plain tables with plain transactions (a claim of a pending
    # run is one UPDATE; "one running run per organization" is a partial unique index) and
    # their foreign keys to the reference tables are allowed (Citus adds them to its metadata).
    "sync_runs": LOCAL,
    "commit_runs": LOCAL,  # idempotency keys of commits, checked before anything is pushed
    "commit_audit": LOCAL,  # append-only audit of commits, FK to commit_runs (local -> local)
    "pfa_ai_audit": LOCAL,  # append-only audit of the AI assistant
    "pfa_session_scope": LOCAL,  # the AI sessions' scope, keyed by backend (see docstring)
    "schema_migrations": LOCAL,  # the migrator's own bookkeeping
    "login_failures": LOCAL,  # failed logins per (username, client) across organizations (0048)
    "maintenance_windows": LOCAL,  # per organization, read by the scheduler across all (0066)
    "saved_views": LOCAL,  # a user's named grid views: a few small rows per user
    "grid_layouts": LOCAL,  # a user's column arrangement: one small row per user and organization
}

# Views and materialized views, and what a Citus deployment does with them.
VIEWS: dict[str, str] = {
    "pfa_ai_records": "view over pfa_mirror and pfa_modification: Citus plans it per query;"
    " its scope functions are the AI role's gap (docstring)",
    "pfa_ai_changes": "view over pfa_history and pfa_mirror: Citus plans it per query; the"
    " same scope functions as pfa_ai_records (the AI role's gap, docstring)",
    "pfa_kpi_summary": "materialized view over pfa_kpi_totals: coordinator-local on Citus;"
    " read pfa_kpi_totals by organization instead",
    "pfa_timeline_bounds": "materialized view over pfa_org_bounds: coordinator-local on Citus;"
    " read pfa_org_bounds by organization instead",
}
MATERIALIZED_OVER_DISTRIBUTED = frozenset({"pfa_kpi_summary", "pfa_timeline_bounds"})

# Triggers on distributed tables (none of them runs as is on Citus: see the docstring).
TRIGGERS: dict[tuple[str, str], str] = {
    ("pfa_mirror", "pfa_mirror_order_change"): "row, BEFORE: drop, writers lock and number",
    ("pfa_mirror_removed", "pfa_mirror_removed_order_change"): "row, BEFORE: same",
    ("pfa_mirror", "pfa_mirror_summaries_insert"): "statement, transition table: see docstring",
    ("pfa_mirror", "pfa_mirror_summaries_update"): "statement, transition tables: same",
    ("pfa_mirror", "pfa_mirror_summaries_delete"): "statement, transition table: same",
    ("pfa_mirror", "pfa_mirror_summaries_truncate"): "statement, TRUNCATE: same",
    ("pfa_mirror", "pfa_mirror_compact"): "row, BEFORE, reads only its own row: runs on shards",
}

# Named queries that legitimately touch several organizations (or all): (package/file, name).
CROSS_ORG: dict[tuple[str, str], str] = {
    ("mirror/queries.sql", "mirror_size_estimate"): "start-up sizing probe over all organizations,"
    " capped by LIMIT; a multi-shard scan on Citus, once per process start",
    ("bench/queries.sql", "org_counts"): "benchmark set-up: the benchmark's organizations,"
    " named by code through the reference table (multi-shard on Citus)",
    ("bench/queries.sql", "mirror_storage"): "benchmark report: size of the whole mirror",
    ("bench/queries.sql", "truncate_mirror"): "benchmark reset of its own database",
    ("bench/queries.sql", "vacuum_analyze_mirror"): "benchmark maintenance (Citus propagates"
    " VACUUM to every shard)",
    ("bench/queries.sql", "vacuum_mirror"): "benchmark maintenance, as above",
    ("bench/queries.sql", "forget_dropped_indexes"): "benchmark bookkeeping on the table's"
    " comment (coordinator metadata only)",
    ("bench/load/queries.sql", "count_records"): "load-test set-up: the organization named by"
    " code through the reference table (correct on Citus, not a router query)",
    ("bench/load/queries.sql", "discard_drafts"): "load-test clean-up of its users' drafts,"
    " organization named by code (as above)",
    ("ops/queries.sql", "prune_tombstones"): "retention: old tombstones of every organization,"
    " hourly by the worker (Citus runs the DELETE on every shard)",
    ("ops/queries.sql", "prune_history"): "retention: record history past its period in every"
    " organization, hourly by the worker (as above)",
}

SRC = Path(__file__).resolve().parents[3] / "src"

# Named queries that are templates (psycopg sql.SQL(...).format): checked with these fillings.
TEMPLATES: dict[tuple[str, str], dict[str, str]] = {
    ("kpi/queries.sql", "profile_rows"): {"key": "category", "rule": "TRUE", "only": ""},
}


def _named_queries() -> dict[tuple[str, str], str]:
    """Every named query of the application: (package path/file, name) -> SQL."""
    found: dict[tuple[str, str], str] = {}
    for path in sorted(SRC.glob("pfa_vanguard/**/*.sql")):
        relative = path.relative_to(SRC / "pfa_vanguard")
        if relative.parts[0] == "db":  # migrations and the schema dump
            continue
        package = ".".join(path.parent.relative_to(SRC).parts)
        for name, text in load(package, path.name).items():
            key = (relative.as_posix(), name)
            found[key] = text.format(**TEMPLATES[key]) if key in TEMPLATES else text
    return found


def _rows(db_url: str, query: Any, params: Any = None) -> list[dict[str, Any]]:
    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        return conn.execute(query, params).fetchall()


def _of(kind: str) -> list[str]:
    return sorted(t for t, k in TABLES.items() if k == kind)


def test_every_table_and_view_is_classified(db_url: str) -> None:
    rows = _rows(
        db_url,
        "SELECT relname, relkind FROM pg_class"
        " WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p', 'v', 'm')"
        " AND NOT relispartition",
    )
    tables = {r["relname"] for r in rows if r["relkind"] in ("r", "p")}
    views = {r["relname"] for r in rows if r["relkind"] in ("v", "m")}
    assert not tables - set(TABLES), "classify every table for Citus (TABLES)"
    # a coordinator-local entry may run ahead of its migration; the others must exist
    assert {t for t, k in TABLES.items() if k != LOCAL} <= tables
    assert views == set(VIEWS), "say what becomes of every view on Citus (VIEWS)"
    assert {r["relname"] for r in rows if r["relkind"] == "m"} == MATERIALIZED_OVER_DISTRIBUTED
    # every partition belongs to a distributed table
    rows = _rows(
        db_url,
        "SELECT c.relname, p.relname AS parent FROM pg_class c"
        " JOIN pg_inherits i ON i.inhrelid = c.oid JOIN pg_class p ON p.oid = i.inhparent"
        " WHERE c.relnamespace = 'public'::regnamespace AND c.relispartition"
        "   AND c.relkind IN ('r', 'p')",
    )
    assert rows, "pfa_mirror and pfa_modification are partitioned (0045)"
    assert {r["parent"] for r in rows} <= set(_of(DISTRIBUTED))


def test_distributed_tables_carry_organization_id_in_every_key(db_url: str) -> None:
    rows = _rows(
        db_url,
        "SELECT c.relname, a.attnotnull, format_type(a.atttypid, a.atttypmod) AS type"
        " FROM pg_class c LEFT JOIN pg_attribute a"
        "   ON a.attrelid = c.oid AND a.attname = 'organization_id' AND NOT a.attisdropped"
        " WHERE c.oid = ANY (%s::regclass[])",
        [_of(DISTRIBUTED)],
    )
    assert {r["relname"] for r in rows} == set(_of(DISTRIBUTED))
    for row in rows:
        assert row["attnotnull"] is True, row  # None: no organization_id at all
    # co-location needs one type of distribution column, that of organizations.id
    assert {r["type"] for r in rows} == {"bigint"}
    assert _rows(
        db_url,
        "SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute"
        " WHERE attrelid = 'organizations'::regclass AND attname = 'id'",
    ) == [{"t": "bigint"}]

    keys = _rows(
        db_url,
        "SELECT i.indrelid::regclass::text AS tab, i.indexrelid::regclass::text AS idx,"
        "       ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) k(n)"
        "             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n)"
        "         AS cols"
        " FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
        " WHERE i.indrelid = ANY (%s::regclass[])"
        "   AND (i.indisunique OR i.indisprimary OR i.indisexclusion)",
        [_of(DISTRIBUTED)],
    )
    assert {k["tab"] for k in keys} == set(_of(DISTRIBUTED)), "every table has a primary key"
    for key in keys:
        assert "organization_id" in key["cols"], key
    # unique / primary key / exclusion constraints (their indexes are checked above; this
    # also catches a constraint whose index would be on expressions only)
    constraints = _rows(
        db_url,
        "SELECT conrelid::regclass::text AS tab, conname, pg_get_constraintdef(oid) AS def"
        " FROM pg_constraint"
        " WHERE conrelid = ANY (%s::regclass[]) AND contype IN ('p', 'u', 'x')",
        [_of(DISTRIBUTED)],
    )
    for constraint in constraints:
        assert "organization_id" in constraint["def"], constraint


def test_foreign_keys_follow_the_distribution(db_url: str) -> None:
    fks = _rows(
        db_url,
        "SELECT conname, conrelid::regclass::text AS src, confrelid::regclass::text AS dst,"
        "  ARRAY(SELECT a.attname::text FROM unnest(conkey) WITH ORDINALITY k(n, o)"
        "        JOIN pg_attribute a ON a.attrelid = conrelid AND a.attnum = k.n ORDER BY o)"
        "    AS cols,"
        "  ARRAY(SELECT a.attname::text FROM unnest(confkey) WITH ORDINALITY k(n, o)"
        "        JOIN pg_attribute a ON a.attrelid = confrelid AND a.attnum = k.n ORDER BY o)"
        "    AS ref_cols,"
        "  confdeltype, confupdtype"
        " FROM pg_constraint"
        " WHERE contype = 'f' AND connamespace = 'public'::regnamespace AND conparentid = 0",
    )
    assert fks
    allowed = {
        (DISTRIBUTED, DISTRIBUTED),  # co-located: on organization_id (below)
        (DISTRIBUTED, REFERENCE),
        (REFERENCE, REFERENCE),
        (LOCAL, REFERENCE),
        (LOCAL, LOCAL),
    }
    for fk in fks:
        pair = (TABLES[fk["src"]], TABLES[fk["dst"]])
        assert pair in allowed, fk
        if pair == (DISTRIBUTED, DISTRIBUTED):
            assert ("organization_id", "organization_id") in zip(
                fk["cols"], fk["ref_cols"], strict=True
            ), fk
        if pair[0] == DISTRIBUTED and "organization_id" in fk["cols"]:
            # the distribution column is never set to NULL / a default nor cascaded to
            assert fk["confdeltype"] not in ("n", "d"), fk
            assert fk["confupdtype"] in ("a", "r"), fk


def test_partitioned_tables_are_hash_partitioned_by_organization(db_url: str) -> None:
    rows = _rows(
        db_url,
        "SELECT p.partrelid::regclass::text AS tab, pg_get_partkeydef(p.partrelid) AS key,"
        "       (SELECT count(*) FROM pg_inherits i WHERE i.inhparent = p.partrelid) AS n"
        " FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid"
        " WHERE c.relnamespace = 'public'::regnamespace",
    )
    assert {r["tab"] for r in rows} == {"pfa_mirror", "pfa_modification"}
    for row in rows:
        assert TABLES[row["tab"]] == DISTRIBUTED, row  # Citus cannot partition the others
        assert row["key"] == "HASH (organization_id)", row
    assert len({r["n"] for r in rows}) == 1, "same modulus: a record and its drafts co-located"


def test_triggers_on_distributed_tables_are_the_known_ones(db_url: str) -> None:
    rows = _rows(
        db_url,
        "SELECT tgrelid::regclass::text AS tab, tgname,"
        "       (tgtype & 1) = 1 AS row_level,"
        "       tgoldtable IS NOT NULL OR tgnewtable IS NOT NULL AS transition"
        " FROM pg_trigger WHERE NOT tgisinternal AND tgrelid = ANY (%s::regclass[])",
        [_of(DISTRIBUTED)],
    )
    assert {(r["tab"], r["tgname"]) for r in rows} == set(TRIGGERS), (
        "a new trigger on a distributed table: say in TRIGGERS and the module docstring what"
        " a Citus deployment does instead"
    )
    transition = {r["tgname"] for r in rows if r["transition"]}
    assert transition == {
        "pfa_mirror_summaries_insert",
        "pfa_mirror_summaries_update",
        "pfa_mirror_summaries_delete",
    }


def test_named_queries_bind_the_organization() -> None:
    queries = _named_queries()
    assert len(queries) > 100  # all the files were found and read
    tables = frozenset(_of(DISTRIBUTED)) | MATERIALIZED_OVER_DISTRIBUTED
    found: dict[tuple[str, str], list[str]] = {}
    for key, text in queries.items():
        issues = problems(text, tables)
        # a REFRESH of the two known materialized views is the views' gap (VIEWS), not a query's
        issues = [
            i
            for i in issues
            if not any(i == f"RefreshMatView of {v}" for v in MATERIALIZED_OVER_DISTRIBUTED)
        ]
        if issues:
            found[key] = issues
    new = {k: v for k, v in found.items() if k not in CROSS_ORG}
    assert not new, f"statements Citus would send to every shard (bind organization_id): {new}"
    stale = set(CROSS_ORG) - set(found)
    assert not stale, f"allowlisted but now single-organization: remove from CROSS_ORG {stale}"


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT * FROM pfa_mirror WHERE organization_id = %(org)s", []),
        ("SELECT * FROM pfa_mirror m WHERE m.organization_id = %(org)s::bigint AND m.id = 'x'", []),
        ("SELECT * FROM pfa_mirror m WHERE m.organization_id = 1 OR m.id = 'x'", ["pfa_mirror m"]),
        ("SELECT * FROM pfa_mirror m WHERE m.id = %(id)s", ["pfa_mirror m"]),
        # co-located join, no parameter: allowed (Citus joins shard by shard)
        (
            "SELECT * FROM pfa_mirror m JOIN pfa_modification d"
            " ON d.organization_id = m.organization_id AND d.record_id = m.id",
            [],
        ),
        # through a reference table: multi-shard on Citus
        (
            "SELECT * FROM pfa_mirror m JOIN organizations o ON o.id = m.organization_id"
            " WHERE o.code = %(code)s",
            ["pfa_mirror m"],
        ),
        # ... unless the reference row is itself bound (transitively, also from a subquery)
        (
            "SELECT o.id, (SELECT count(*) FROM pfa_modification d"
            " WHERE d.organization_id = o.id) FROM organizations o WHERE o.id = %(org)s",
            [],
        ),
        ("INSERT INTO pfa_mirror_removed (organization_id, id) VALUES (%(o)s, %(i)s)", []),
        ("INSERT INTO pfa_mirror_removed (organization_id, id) SELECT %(o)s, id FROM t", []),
        (
            "INSERT INTO pfa_mirror_removed (organization_id, id) SELECT o, id FROM t",
            ["INSERT INTO pfa_mirror_removed"],
        ),
        (
            "WITH x AS (SELECT id FROM pfa_modification WHERE organization_id = %(o)s)"
            " UPDATE pfa_modification d SET conflict = NULL FROM x WHERE d.id = x.id",
            ["pfa_modification d"],
        ),
        ("COPY pfa_mirror (organization_id, id) FROM STDIN", []),
        ("TRUNCATE pfa_mirror", ["Truncate of pfa_mirror"]),
    ],
)
def test_the_query_reading_itself(sql: str, expected: list[str]) -> None:
    found = problems(sql, frozenset({"pfa_mirror", "pfa_modification", "pfa_mirror_removed"}))
    assert [f.split(":")[0] for f in found] == expected
