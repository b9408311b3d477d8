"""Named queries: every name the code looks up exists, and every named block is looked up.

Read from the source (no database): a misspelt name fails here, not when the code path runs.
A lookup is `load(package, file)[name]`, or a call of a module's `NamedQueries(package, file)`
object (`_q("name")`). A lookup whose name is computed (a loop over names) counts the names
written as strings in the same module."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import pfa_vanguard
from pfa_vanguard.db.queries import NamedQueries, load

SRC = Path(next(iter(pfa_vanguard.__path__)))
QueryFile = tuple[str, str]  # (package, file name)


def _query_files() -> dict[QueryFile, set[str]]:
    found: dict[QueryFile, set[str]] = {}
    for path in SRC.rglob("*.sql"):
        if "migrations" in path.parts:
            continue
        package = ".".join(("pfa_vanguard", *path.parent.relative_to(SRC).parts))
        names = set(load(package, path.name))
        if names:
            found[(package, path.name)] = names
    return found


def _file_of(call: ast.expr) -> QueryFile | None:
    """The query file of `load(...)` / `NamedQueries(...)` with constant arguments."""
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
        return None
    if call.func.id not in {"load", "NamedQueries"} or call.keywords:
        return None
    args = [a.value for a in call.args if isinstance(a, ast.Constant)]
    if len(args) != len(call.args) or not args or not all(isinstance(a, str) for a in args):
        return None
    return (str(args[0]), str(args[1]) if len(args) > 1 else "queries.sql")


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(("pfa_vanguard", *parts[: -1 if parts[-1] == "__init__" else None]))


def _bindings(tree: ast.Module) -> dict[str, QueryFile]:
    """Names bound to `load(...)` or `NamedQueries(...)` anywhere in a module."""
    bound: dict[str, QueryFile] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, source = node.targets[0], _file_of(node.value)
            if isinstance(target, ast.Name) and source is not None:
                bound[target.id] = source
    return bound


def _lookups(
    tree: ast.Module, others: dict[str, dict[str, QueryFile]] | None = None
) -> Iterator[tuple[QueryFile, str | None]]:
    """(file, name) of every lookup in a module; name None when it is computed. `others`: the
    bindings of every module by its dotted name, for `from m import q` and `m.q("name")`."""
    others = others or {}
    bound = _bindings(tree)
    modules: dict[str, dict[str, QueryFile]] = {}  # local name of an imported module
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                local = alias.asname or alias.name
                if alias.name in others.get(node.module, {}):
                    bound[local] = others[node.module][alias.name]
                elif f"{node.module}.{alias.name}" in others:
                    modules[local] = others[f"{node.module}.{alias.name}"]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname and alias.name in others:
                    modules[alias.asname] = others[alias.name]
    for node in ast.walk(tree):
        source: QueryFile | None = None
        if isinstance(node, ast.Subscript):  # load(...)["name"] or queries["name"]
            base, key = node.value, node.slice
            source = bound.get(base.id) if isinstance(base, ast.Name) else _file_of(base)
        elif isinstance(node, ast.Call) and node.args and not node.keywords:  # _q("name")
            base, key = node.func, node.args[0]
            if isinstance(base, ast.Name):
                source = bound.get(base.id)
            elif isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name):
                source = modules.get(base.value.id, {}).get(base.attr)  # repo.q("name")
        if source is None:
            continue
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            yield source, key.value
        else:
            yield source, None


def _modules() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(), str(path))) for path in sorted(SRC.rglob("*.py"))]


def _usage() -> tuple[set[tuple[QueryFile, str]], list[str]]:
    """Names used per file, and lookups of names that do not exist."""
    files = _query_files()
    modules = _modules()
    others = {_module_name(path): _bindings(tree) for path, tree in modules}
    used: set[tuple[QueryFile, str]] = set()
    missing: list[str] = []
    for path, tree in modules:
        strings = {
            n.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
        }
        for source, name in _lookups(tree, others):
            where = f"{path.relative_to(SRC)}: {source[0]}/{source[1]}"
            if source not in files:
                missing.append(f"{where} (no such query file)")
            elif name is None:  # computed: the module's strings that name a query of the file
                used |= {(source, s) for s in strings & files[source]}
            elif name not in files[source]:
                missing.append(f"{where} has no query {name!r}")
            else:
                used.add((source, name))
    return used, missing


def test_every_name_the_code_looks_up_exists() -> None:
    _, missing = _usage()
    assert missing == []


def test_every_named_query_is_used_by_the_code() -> None:
    used, _ = _usage()
    unused = sorted(
        f"{package}/{file}: {name}"
        for (package, file), names in _query_files().items()
        for name in names
        if ((package, file), name) not in used
    )
    assert unused == []


def test_the_check_sees_each_kind_of_lookup() -> None:
    """The reader finds `_q = NamedQueries(...)` calls, `load(...)[...]`, a bound `load`, and a
    misspelt name; otherwise the two tests above could pass by seeing nothing."""
    tree = ast.parse(
        "_q = NamedQueries('pkg', 'a.sql')\n"
        "def f(name):\n"
        "    queries = load('pkg')\n"
        "    return _q('one'), load('pkg', 'a.sql')['two'], queries['three'], _q(name)\n"
    )
    assert sorted(_lookups(tree), key=str) == sorted(
        [
            (("pkg", "a.sql"), "one"),
            (("pkg", "a.sql"), "two"),
            (("pkg", "queries.sql"), "three"),
            (("pkg", "a.sql"), None),
        ],
        key=str,
    )


def test_a_missing_name_is_refused_naming_the_file() -> None:
    with pytest.raises(KeyError, match=r"pfa_vanguard\.sync/queries\.sql has no query 'nope'"):
        NamedQueries("pfa_vanguard.sync")("nope")
