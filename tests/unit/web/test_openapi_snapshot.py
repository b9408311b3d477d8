"""The web UI is typed against `web/openapi.json` (its TypeScript types are generated from it):
that file must be what the app produces now, so the UI and the API cannot drift apart silently."""

from __future__ import annotations

import json
from pathlib import Path

from pfa_vanguard.api.app import create_app
from pfa_vanguard.settings import Settings

SNAPSHOT = Path(__file__).resolve().parents[3] / "web" / "openapi.json"
REGENERATE = (
    "the API changed: run `.venv/bin/pfa openapi > web/openapi.json && (cd web && npm run "
    "gen:types)`, fix what `npm run build` then reports in the UI, and commit both files"
)


def _paths(document: dict[str, object]) -> set[str]:
    paths = document.get("paths")
    return set(paths) if isinstance(paths, dict) else set()


def test_committed_openapi_document_is_what_the_app_produces(tmp_path: Path) -> None:
    produced = create_app(Settings(data_dir=tmp_path)).openapi()
    committed = json.loads(SNAPSHOT.read_text())
    assert _paths(committed) == _paths(produced), REGENERATE
    assert committed == json.loads(json.dumps(produced)), REGENERATE
