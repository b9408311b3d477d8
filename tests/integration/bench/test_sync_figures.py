"""The sync's performance figures for a 50,000-record organization (docs/benchmarks.md), printed
for the record. No timing is asserted: only that the no-op sync wrote zero rows."""

from __future__ import annotations

import pytest

from pfa_vanguard.bench import sync_figures


@pytest.mark.slow
def test_sync_full_and_noop_figures(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    sync_figures.main(["--records", "50000", "--repeats", "3", "--database-url", db_url])
    out = capsys.readouterr().out
    with capsys.disabled():
        print("\n" + out)
    assert "'rows_written': 0" in out
