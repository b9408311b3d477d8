"""Shared helpers of the reliability tests: the simulator's control routes, a checksum of an
organization's mirror (what "the previous mirror intact" is compared with), sync run rows."""

from __future__ import annotations

from typing import Any

import httpx
import psycopg
from psycopg.rows import dict_row

from pfa_vanguard.pems.simulator import RunningSimulator

CHECKSUM = """
SELECT md5(coalesce(string_agg(m.id || '|' || m.pems_version || '|' || m.data::text, E'\\n'
                               ORDER BY m.id), '')) AS rows,
       count(m.id) AS count,
       (SELECT mirror_version || '|' || coalesce(sync_watermark::text, '')
        FROM organizations WHERE code = %(code)s) AS org
FROM pfa_mirror m JOIN organizations o ON o.id = m.organization_id
WHERE o.code = %(code)s
"""


def sim_control(sim: RunningSimulator, action: str, **body: Any) -> Any:
    """POST /_sim/<action> (GET for writes)."""
    with httpx.Client(base_url=sim.control_url, timeout=30) as http:
        if action == "writes":
            resp = http.get("/_sim/writes", params=body)
        else:
            resp = http.post(f"/_sim/{action}", json=body)
    resp.raise_for_status()
    return resp.json()


def written_ids(sim: RunningSimulator, org: str) -> list[str]:
    """pfaIds of every write PEMS applied, in order (repeats mean a record written twice)."""
    body = sim_control(sim, "writes", org=org)
    writes = body["writes"] if isinstance(body, dict) else body
    return [str(w["pfaId"]) for w in writes]


def mirror_checksum(url: str, org: str) -> dict[str, Any]:
    """A digest of every mirror row of `org` (id, version, data) and of its organization's
    mirror_version / sync watermark: equal digests mean an untouched mirror."""
    with psycopg.connect(url, row_factory=dict_row) as conn:
        row = conn.execute(CHECKSUM, {"code": org}).fetchone()
    assert row is not None
    return dict(row)


def runs(url: str, org: str) -> list[dict[str, Any]]:
    with psycopg.connect(url, row_factory=dict_row) as conn:
        return conn.execute(
            "SELECT r.id, r.status, r.error FROM sync_runs r JOIN organizations o"
            " ON o.id = r.organization_id WHERE o.code = %s ORDER BY r.id",
            [org],
        ).fetchall()
