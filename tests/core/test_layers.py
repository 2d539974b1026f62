"""The structure: core imports no domain, and the domain packages import each
other in one direction only (no cycle), below the web layer (views, forms,
the API), which may import any domain."""

import ast

from tests.conftest import ROOT

PACKAGE = ROOT / "migratory"
WEB_MODULES = {"views.py", "forms.py"}  # and <topic>_views.py, <topic>_forms.py
WEB_PACKAGES = {"api"}


def domain_imports() -> dict[str, set[str]]:
    """Each domain package → the other migratory packages its non-web modules
    import (at any depth, deferred imports included)."""
    packages = {
        p.name
        for p in PACKAGE.iterdir()
        if (p / "__init__.py").exists() and p.name not in WEB_PACKAGES
    }
    graph = {name: set() for name in packages}
    for name in packages:
        for module in (PACKAGE / name).rglob("*.py"):
            if module.name in WEB_MODULES or module.stem.endswith(("_views", "_forms")):
                continue
            for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
                graph[name] |= _imported(node, packages) - {name}
    return graph


def _imported(node, packages: set[str]) -> set[str]:
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    elif isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        return set()
    found = set()
    for name in names:
        parts = name.split(".")
        if len(parts) > 1 and parts[0] == "migratory" and parts[1] in packages:
            found.add(parts[1])
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of packages that import each other, directly or through others."""
    reach = {name: _reachable(graph, name) for name in graph}
    groups = []
    for name in sorted(graph):
        group = sorted(o for o in graph if o in reach[name] and name in reach[o])
        if len(group) > 1 and group not in groups:
            groups.append(group)
    return groups


def _reachable(graph, start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for other in graph.get(todo.pop(), ()):
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return seen


def test_core_imports_no_domain():
    assert domain_imports()["core"] == set()


def test_no_import_cycle_between_domain_packages():
    assert cycles(domain_imports()) == []


def test_the_check_finds_a_cycle_where_there_is_one():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
