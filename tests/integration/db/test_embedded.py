from __future__ import annotations

from pathlib import Path

import psycopg

from pfa_vanguard.db import embedded


def test_embedded_server_restarts_and_keeps_its_data(tmp_path: Path) -> None:
    data_dir = tmp_path / "d"
    url = embedded.ensure_running(data_dir)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE kept (v int)")
        conn.execute("INSERT INTO kept VALUES (42)")
    assert embedded.is_running(data_dir)

    assert embedded.stop(data_dir)
    assert not embedded.is_running(data_dir)
    assert not embedded.stop(data_dir)

    url_again = embedded.ensure_running(data_dir)
    try:
        with psycopg.connect(url_again) as conn:
            assert conn.execute("SELECT v FROM kept").fetchone() == (42,)
            assert conn.execute("SHOW max_connections").fetchone() == ("200",)
    finally:
        embedded.stop(data_dir)
