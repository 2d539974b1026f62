"""geo is an adapter: it imports no other domain, and only it imports geopy
and folium (its views, the web layer, may use any domain)."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "migratory"
BELOW_GEO = {"core", "geo", "extensions"}
WEB_LAYER = {"views.py", "forms.py"}


def imported_modules(path: Path) -> set[str]:
    """Absolute module names a file imports (at any depth, lazily too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_geo_imports_no_other_domain():
    wrong = {
        f"{path.name}: {module}"
        for path in (PACKAGE / "geo").glob("*.py")
        if path.name not in WEB_LAYER
        for module in imported_modules(path)
        if module.startswith("migratory.") and module.split(".")[1] not in BELOW_GEO
    }
    assert not wrong


def test_geocoding_and_map_libraries_stay_in_geo():
    wrong = {
        f"{path.relative_to(PACKAGE)}: {module}"
        for path in PACKAGE.rglob("*.py")
        if path.parent.name != "geo"
        for module in imported_modules(path)
        if module.split(".")[0] in {"geopy", "folium"}
    }
    assert not wrong
