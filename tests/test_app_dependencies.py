"""Apps depend one way: repairs -> dealers -> campaign, mailings -> dealers, and the demo app on all of them.

Read from the source (every ``import``, also those inside functions), so a late import
that would tie the base app to a later one fails here rather than in a circular import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)

# app -> the project apps it must never import
FORBIDDEN = {
    "campaign": {"dealers", "repairs", "parts", "notifications", "mailings", "reports", "demo"},
    "dealers": {"repairs", "parts", "notifications", "mailings", "reports", "demo"},
    "repairs": {"parts", "notifications", "mailings", "reports", "demo"},
    "parts": {"notifications", "mailings", "reports", "demo"},
    # Owner messages listen to repairs and parts; nothing below them knows they exist.
    "notifications": {"demo", "mailings", "reports"},
    # Owner letters build on campaign and dealers only (the vehicle record shows letters by a tag).
    "mailings": {"repairs", "parts", "notifications", "reports", "demo"},
    "reports": {"demo"},
}


def imported_apps(path: Path) -> set[tuple[str, int]]:
    """(top-level package, line) of every absolute import in a module."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {(alias.name.split(".")[0], node.lineno) for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add((node.module.split(".")[0], node.lineno))
    return found


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_app_imports_point_one_way(app):
    offending = [
        f"{path.relative_to(ROOT)}:{line} imports {package}"
        for path in sorted((ROOT / app).rglob("*.py"))
        for package, line in sorted(imported_apps(path))
        if package in FORBIDDEN[app]
    ]
    assert offending == []


def test_the_check_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "late.py"
    module.write_text("def f():\n    from demo.network import network_seed\n    import repairs.models\n")
    assert imported_apps(module) == {("demo", 2), ("repairs", 3)}
