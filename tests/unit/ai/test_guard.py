"""The SQL guard refuses every known attack class, and says what was wrong and what is
allowed; allowed SQL is re-emitted from the parse tree with a LIMIT imposed."""

from __future__ import annotations

from typing import Any

import pytest
from pglast import parse_sql

from pfa_vanguard.ai.errors import SqlRefused
from pfa_vanguard.ai.guard import MAX_SQL_LENGTH, guard

CAP = 100

ATTACKS: dict[str, list[str]] = {
    "stacked statements": [
        "SELECT 1; DELETE FROM pfa_mirror",
        "SELECT count(*) FROM pfa_ai_records; COMMIT",
        "SELECT 1;SELECT 2",
    ],
    "not a SELECT": [
        "DELETE FROM pfa_mirror",
        "UPDATE pfa_mirror SET data = '{}'",
        "INSERT INTO pfa_modification VALUES (1)",
        "MERGE INTO pfa_mirror m USING pfa_ai_records r ON true WHEN MATCHED THEN DELETE",
        "CREATE TABLE stolen AS SELECT * FROM pfa_ai_records",
        "EXPLAIN ANALYZE SELECT * FROM pfa_ai_records",
        "DO $$ BEGIN PERFORM 1; END $$",
        "CALL something()",
        "PREPARE p AS SELECT 1",
        "DECLARE c CURSOR WITH HOLD FOR SELECT * FROM pfa_ai_records",
        "VALUES (1)",
        "TRUNCATE pfa_mirror",
    ],
    "DML in a CTE": [
        "WITH gone AS (DELETE FROM pfa_mirror RETURNING *) SELECT * FROM gone",
        "WITH x AS (UPDATE pfa_mirror SET data = '{}' RETURNING 1) SELECT * FROM x",
        "WITH x AS (INSERT INTO pfa_session_scope VALUES (1) RETURNING 1) SELECT 1",
    ],
    "SELECT INTO": ["SELECT * INTO stolen FROM pfa_ai_records"],
    "locking clauses": [
        "SELECT * FROM pfa_ai_records FOR UPDATE",
        "SELECT * FROM pfa_ai_records FOR SHARE",
        "SELECT * FROM pfa_ai_records FOR NO KEY UPDATE NOWAIT",
        "SELECT * FROM (SELECT * FROM pfa_ai_records FOR KEY SHARE) x",
    ],
    "side-effect functions": [
        "SELECT nextval('pfa_mirror_change_seq')",
        "SELECT setval('pfa_mirror_change_seq', 1)",
        "SELECT txid_current()",
        "SELECT pg_logical_emit_message(true, 'x', 'y')",
        "SELECT lo_create(0)",
        "SELECT query_to_xml('DELETE FROM pfa_mirror', true, true, '')",
    ],
    "GUC tampering": [
        "SELECT set_config('role', 'postgres', false)",
        "SELECT pg_catalog.set_config('pfa.org', '2', false) FROM pfa_ai_records",
        "SET ROLE postgres",
        "SET SESSION AUTHORIZATION postgres",
        "SELECT current_setting('data_directory')",
        "RESET ALL",
    ],
    "timeout removal": [
        "SET statement_timeout = 0",
        "SET LOCAL statement_timeout = 0",
        "SELECT set_config('statement_timeout', '0', false)",
        "SELECT count(*) FROM pfa_ai_records WHERE set_config('lock_timeout', '0', true) > ''",
    ],
    "advisory locks": [
        "SELECT pg_advisory_lock(1)",
        "SELECT pg_try_advisory_lock(1)",
        "SELECT pg_advisory_xact_lock(1) FROM pfa_ai_records",
        "SELECT pg_advisory_unlock_all()",
    ],
    "notify": ["SELECT pg_notify('pfa', 'x')", "NOTIFY pfa", "LISTEN pfa"],
    "file and program access": [
        "SELECT pg_read_file('/etc/passwd')",
        "SELECT pg_read_binary_file('postgresql.conf')",
        "SELECT * FROM pg_ls_dir('.')",
        "SELECT pg_stat_file('postgresql.conf')",
        "SELECT lo_import('/etc/passwd')",
        "SELECT lo_export(1, '/tmp/x')",
        "COPY pfa_mirror TO '/tmp/x'",
        "COPY (SELECT 1) TO PROGRAM 'touch /tmp/pwned'",
        "COPY pfa_mirror FROM '/tmp/x'",
    ],
    "dblink": [
        "SELECT dblink('dbname=pfa', 'SELECT 1')",
        "SELECT * FROM dblink('dbname=pfa', 'SELECT 1') AS t(x int)",
        "SELECT dblink_exec('dbname=pfa', 'DELETE FROM pfa_mirror')",
        "SELECT public.dblink_connect('x')",
    ],
    "catalog leaks": [
        "SELECT query FROM pg_stat_activity",
        "SELECT * FROM pg_catalog.pg_class",
        "SELECT * FROM information_schema.tables",
        "SELECT * FROM pg_settings",
        "SELECT * FROM pg_roles",
        "SELECT * FROM pfa_mirror",
        "SELECT * FROM public.pfa_mirror",
        "SELECT * FROM pfa_session_scope",
        "SELECT * FROM pfa_ai_records r JOIN organizations o ON true",
        "SELECT * FROM pfa_ai_records WHERE pfa_id IN (SELECT id FROM pfa_mirror)",
        "SELECT (WITH pfa_mirror AS (SELECT 1) SELECT 1), * FROM pfa_mirror",
        "SELECT * FROM other_schema.pfa_ai_records",
        "SELECT * FROM pfa.public.pfa_ai_records",
        "TABLE pfa_mirror",
        "SELECT 'pfa_mirror'::regclass",
        "SELECT CAST('pg_sleep' AS regproc)",
        "SELECT version()",
        "SELECT current_user",
        "SELECT session_user",
        "SELECT current_database()",
        "SELECT pg_backend_pid()",
        "SELECT ctid, * FROM pfa_ai_records",
        "SELECT xmin FROM pfa_ai_records",
        "SELECT r.tableoid FROM pfa_ai_records r",
        "SELECT to_json(r) FROM pfa_ai_records r",
    ],
    "cancel and terminate": [
        "SELECT pg_cancel_backend(1)",
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity",
    ],
    "sleep": [
        "SELECT pg_sleep(10)",
        "SELECT pg_sleep_for('10 minutes')",
        "SELECT pg_catalog.pg_sleep_until(now() + interval '1 hour')",
    ],
    "runaway generate_series": [
        "SELECT count(*) FROM generate_series(1, 10000000000)",
        "SELECT generate_series(1, 10000000000)",
        "SELECT count(*) FROM pfa_ai_records, LATERAL generate_series(1, 1000000000) g",
        "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT count(*) FROM t",
        "SELECT repeat('x', 1000000000)",
    ],
    "operator and syntax tricks": [
        "SELECT 1 OPERATOR(pg_catalog.+) 1",
        "SELECT * FROM pfa_ai_records ORDER BY pfa_id USING OPERATOR(public.<)",
        'SELECT pfa_id COLLATE "C" FROM pfa_ai_records',
        "SELECT * FROM pfa_ai_records WHERE pfa_id = $1",
        "SELECT '{}'::jsonb -> 'x'",
        "SELECT * FROM pfa_ai_records LIMIT (SELECT 1)",
        "SELECT * FROM pfa_ai_records FETCH FIRST 5 ROWS WITH TIES",
        "SELECT * FROM pfa_ai_records TABLESAMPLE SYSTEM (10)",
        "SELECT (ARRAY[1, 2])[1]",
        "SELECT count(*) FROM pfa_ai_records WHERE description SIMILAR TO '(a*)*b'",
        "SELECT format('%s', 1)",
        "SELECT concat_ws(VARIADIC ARRAY['a', 'b'])",
    ],
    "not SQL at all": ["", "   ", "hello there", "SELECT FROM WHERE"],
}
CASES = [(kind, sql) for kind, sqls in ATTACKS.items() for sql in sqls]


@pytest.mark.parametrize(("kind", "sql"), CASES, ids=[f"{k}: {s[:50]}" for k, s in CASES])
def test_each_attack_is_refused_with_a_reason(kind: str, sql: str) -> None:
    with pytest.raises(SqlRefused) as caught:
        guard(sql, row_cap=CAP)
    assert caught.value.status_code == 400
    detail = caught.value.detail
    assert "allowed" in detail or "does not parse" in detail, detail


def test_too_long_and_too_deep_sql_is_refused() -> None:
    with pytest.raises(SqlRefused, match=f"at most {MAX_SQL_LENGTH}"):
        guard("SELECT 1 FROM pfa_ai_records WHERE " + " OR ".join(["true"] * 3000), row_cap=CAP)
    deep = "SELECT " + "abs(" * 1500 + "1" + ")" * 1500 + " FROM pfa_ai_records"
    with pytest.raises(SqlRefused):
        guard(deep, row_cap=CAP)


@pytest.mark.parametrize("depth", [120, 300])
@pytest.mark.parametrize(
    "shape",
    [
        lambda n: "SELECT " + "abs(" * n + "1" + ")" * n + " FROM pfa_ai_records",
        lambda n: "SELECT 1 FROM pfa_ai_records WHERE " + " + ".join(["1"] * n) + " > 0",
        lambda n: (
            "SELECT " + "CASE WHEN true THEN " * n + "1" + " END" * n + " FROM pfa_ai_records"
        ),
        lambda n: (
            "SELECT * FROM " + "(SELECT * FROM " * (n // 2) + "pfa_ai_records" + ") x" * (n // 2)
        ),
    ],
    ids=["functions", "operators", "case", "subqueries"],
)
def test_sql_nested_too_deep_is_a_clear_refusal(shape: Any, depth: int) -> None:
    """Deep SQL that fits the length limit is refused with a 400 saying the bound, never a
    RecursionError (a 500 and a huge traceback) in the checker or the re-emitter."""
    sql = shape(depth)
    assert len(sql) <= MAX_SQL_LENGTH
    with pytest.raises(SqlRefused, match="nested more than 100 levels deep") as refused:
        guard(sql, row_cap=CAP)
    assert refused.value.status_code == 400


def test_nesting_within_the_bound_is_allowed() -> None:
    sql = "SELECT 1 FROM pfa_ai_records WHERE " + " + ".join(["1"] * 40) + " > 0"
    assert guard(sql, row_cap=CAP).sql.startswith("SELECT 1 FROM pfa_ai_records WHERE")


ALLOWED = [
    "SELECT count(*) FROM pfa_ai_records",
    "select Category, SUM(forecast_cost) from PFA_AI_RECORDS group by 1 order by 2 desc",
    "SELECT * FROM public.pfa_ai_records WHERE has_draft",
    "SELECT pfa_id, variance FROM pfa_ai_records WHERE variance > 0 ORDER BY variance DESC",
    "SELECT area_silo, count(*) FILTER (WHERE is_actualized) FROM pfa_ai_records GROUP BY 1",
    "WITH c AS (SELECT * FROM pfa_ai_records WHERE category = 'Crane'),"
    " d AS (SELECT * FROM c WHERE source = 'Rental') SELECT count(*) FROM d",
    "SELECT category FROM pfa_ai_records WHERE dor = 'BEO' UNION"
    " SELECT category FROM pfa_ai_records WHERE is_discontinued",
    "SELECT date_trunc('month', forecast_start)::date AS m, sum(forecast_cost) FROM"
    " pfa_ai_records WHERE forecast_start BETWEEN DATE '2025-01-01' AND '2025-12-31'"
    " GROUP BY 1 ORDER BY 1",
    "SELECT EXTRACT(year FROM forecast_start), round(avg(monthly_rate), 2) FROM pfa_ai_records"
    " GROUP BY 1",
    "SELECT pfa_id, rank() OVER (PARTITION BY category ORDER BY forecast_cost DESC) FROM"
    " pfa_ai_records",
    "SELECT CASE WHEN variance > 0 THEN 'over' ELSE 'ok' END, count(*) FROM pfa_ai_records"
    " GROUP BY 1",
    "SELECT coalesce(manufacturer, '?'), nullif(model, ''), greatest(plan_cost, forecast_cost)"
    " FROM pfa_ai_records WHERE description ILIKE '%crane%' AND area_silo IN ('Area 1', 'Area 2')",
    "SELECT * FROM pfa_ai_records r WHERE r.forecast_cost > (SELECT avg(forecast_cost) FROM"
    " pfa_ai_records)",
    "SELECT count(*) FROM pfa_ai_records WHERE forecast_end - forecast_start > 90"
    " AND forecast_start >= CURRENT_DATE - interval '30 days'",
    "SELECT a.category, b.category FROM pfa_ai_records a JOIN pfa_ai_records b USING (pfa_id)",
    "SELECT 1",
]


@pytest.mark.parametrize("sql", ALLOWED)
def test_allowed_sql_is_re_emitted_with_a_limit(sql: str) -> None:
    guarded = guard(sql, row_cap=CAP)
    assert guarded.row_cap == CAP
    assert guarded.sql.endswith(f"LIMIT {CAP + 1}")
    assert len(parse_sql(guarded.sql)) == 1
    assert guard(guarded.sql, row_cap=CAP).sql == guarded.sql  # a fixed point


@pytest.mark.parametrize(
    ("limit", "emitted"),
    [
        ("LIMIT 10", "LIMIT 10"),
        ("LIMIT 5000", f"LIMIT {CAP + 1}"),
        ("LIMIT ALL", f"LIMIT {CAP + 1}"),
        ("FETCH FIRST 3 ROWS ONLY", "LIMIT 3"),
        ("LIMIT 10 OFFSET 20", "LIMIT 10 OFFSET 20"),
    ],
)
def test_the_users_limit_is_kept_only_up_to_the_cap(limit: str, emitted: str) -> None:
    guarded = guard(f"SELECT pfa_id FROM pfa_ai_records ORDER BY pfa_id {limit};", row_cap=CAP)
    assert guarded.sql.endswith(emitted), guarded.sql


def test_refusals_name_the_problem_and_the_allowlist() -> None:
    with pytest.raises(SqlRefused) as caught:
        guard("SELECT pg_sleep(1) FROM pfa_ai_records", row_cap=CAP)
    assert "the function pg_sleep is not allowed" in caught.value.detail
    assert "aggregates: avg" in caught.value.detail
    with pytest.raises(SqlRefused) as caught:
        guard("SELECT * FROM pfa_mirror", row_cap=CAP)
    assert "relation pfa_mirror is not allowed" in caught.value.detail
    assert "pfa_ai_records" in caught.value.detail
