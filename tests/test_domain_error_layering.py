"""The pattern of ``campaign.http_errors`` holds for the code that comes next.

- No view catches ``DomainError``: ``form_call``, the page middleware and the API handler
  map it to HTTP, once.
- Only views, the access helpers (``dealers/access.py``) and the mapping itself speak HTTP
  404; services and selectors raise ``DomainError(code="not_found")``.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ("campaign", "dealers", "repairs", "demo")
MAY_RAISE_HTTP404 = {"dealers/access.py", "campaign/http_errors.py"}
HTTP404_NAMES = {"Http404", "get_object_or_404", "get_list_or_404"}


def app_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in name:
                yield name, ast.parse(path.read_text(encoding="utf-8"), filename=name)


def catches_domain_error(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            caught = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
            names = {c.id if isinstance(c, ast.Name) else getattr(c, "attr", None) for c in caught}
            if "DomainError" in names:
                lines.append(node.lineno)
    return lines


def speaks_http404(tree: ast.AST) -> list[int]:
    return sorted(
        {
            node.lineno
            for node in ast.walk(tree)
            if (isinstance(node, ast.Name) and node.id in HTTP404_NAMES)
            or (isinstance(node, ast.Attribute) and node.attr in HTTP404_NAMES)
            or (isinstance(node, ast.alias) and node.name in HTTP404_NAMES)
        }
    )


def test_no_view_catches_domain_error():
    offending = [
        f"{name}:{line}"
        for name, tree in app_modules()
        if "views" in Path(name).name
        for line in catches_domain_error(tree)
    ]
    assert offending == []


def test_only_views_and_access_helpers_raise_http404():
    offending = [
        f"{name}:{line}"
        for name, tree in app_modules()
        if "views" not in Path(name).name and name not in MAY_RAISE_HTTP404
        for line in speaks_http404(tree)
    ]
    assert offending == []


def test_the_checks_see_what_they_look_for():
    tree = ast.parse(
        "from django.shortcuts import get_object_or_404\n"
        "try:\n    pass\nexcept (ValueError, errors.DomainError):\n    pass\n"
        "raise Http404('x')\n"
    )
    assert catches_domain_error(tree) == [4]
    assert speaks_http404(tree) == [1, 6]
