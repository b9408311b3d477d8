"""The repository's documentation stands on its own: no comment, docstring, SQL comment, doc page
or README line cites a file a maintainer of this repository does not have, or an issue number.
Rules a maintainer needs are in `docs/` (docs/domain.md, docs/api.md, docs/pems.md ...)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Pages of the team's brief that live outside this repository, and issue numbers. The one page of
# that name the repository has, docs/domain.md, may be cited by its path.
OUTSIDE = re.compile(
    r"(?<!docs/)\bdomain\.md"
    r"|contract\.md|performance\.md|pems-api|seed-errata|house-style|shared/docs"
    r"|\.\./shared/"
    r"|\b[Ii]ssues? #?[0-9]+"
)
SCANNED = ("src", "tests", "docs", "web/src", "README.md", "CONTRIBUTING.md", "Makefile")
SKIPPED_PARTS = {"__pycache__", "web_dist", "node_modules", "screenshots"}
TEXT_SUFFIXES = {".py", ".sql", ".md", ".ts", ".tsx", ".css", ".html", ".toml", ".json", ".txt", ""}


def _files() -> list[Path]:
    found: list[Path] = []
    for name in SCANNED:
        path = ROOT / name
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found.extend(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix in TEXT_SUFFIXES
                and not SKIPPED_PARTS & set(p.parts)
                and not any(part.endswith(".egg-info") for part in p.parts)
            )
    return [p for p in found if p.resolve() != Path(__file__).resolve()]


def outside_references(text: str) -> list[str]:
    """The references to outside files or issue numbers in `text`."""
    return [m.group(0) for m in OUTSIDE.finditer(text)]


def test_the_pattern_catches_what_it_must() -> None:
    assert outside_references("rules (domain.md, 'Validation')") == ["domain.md"]
    assert outside_references("see docs/domain.md") == []
    assert outside_references("-- issue 9: counted once") == ["issue 9"]
    assert outside_references("[p](../../shared/docs/performance.md)")
    assert outside_references("seed-errata 2 and pems-api.md") == ["seed-errata", "pems-api"]


def test_no_reference_outside_the_repository() -> None:
    files = _files()
    assert len(files) > 100, "the scan found too few files"
    found = [
        f"{path.relative_to(ROOT)}:{number}: {hit}"
        for path in files
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        for hit in outside_references(line)
    ]
    assert not found, "cite pages of this repository instead:\n" + "\n".join(found)
