"""The repository's documentation stands on its own: no comment, docstring, SQL comment, doc page
or README line cites a file a maintainer of this repository does not have, or an issue number.
Rules a maintainer needs are in `docs/` (docs/domain.md, docs/api.md, docs/pems.md ...)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A cited page (`something.md`) must be a page of this repository (or one `pfa bench` writes);
# no issue numbers.
PAGE = re.compile(r"[A-Za-z0-9_./-]*[A-Za-z0-9_-]\.md\b")
GENERATED = {"bench.md"}  # written by `pfa bench` into its output folder
ISSUE = re.compile(r"\b[Ii]ssues? #?[0-9]+")
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


def _in_repository(page: str, where: Path) -> bool:
    name = page.lstrip("./")
    if name in GENERATED:
        return True
    candidates = (ROOT / name, ROOT / "docs" / name, where.parent / page)
    return any(c.resolve().is_relative_to(ROOT) and c.exists() for c in candidates)


def outside_references(text: str, where: Path = ROOT / "README.md") -> list[str]:
    """The references to pages outside the repository, or issue numbers."""
    hits = [m.group(0) for m in ISSUE.finditer(text)]
    hits += [m.group(0) for m in PAGE.finditer(text) if not _in_repository(m.group(0), where)]
    return hits


def test_the_pattern_catches_what_it_must() -> None:
    # The samples are put together here so that this file holds no such reference itself.
    numbered, page = "issue" + " 9", "brief-notes" + ".md"
    assert outside_references("see docs/domain.md and README.md") == []
    assert outside_references(f"-- {numbered}: counted once") == [numbered]
    assert outside_references("[p](../../elsewhere/page" + ".md)")
    assert outside_references(f"rules in {page}") == [page]


def test_no_reference_outside_the_repository() -> None:
    files = _files()
    assert len(files) > 100, "the scan found too few files"
    found = [
        f"{path.relative_to(ROOT)}:{number}: {hit}"
        for path in files
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        for hit in outside_references(line, path)
    ]
    assert not found, "cite pages of this repository instead:\n" + "\n".join(found)
