"""The layers import downwards only: what every use case is built on (the context, the models,
the file store, the settings) imports nothing from the services or the API above it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"
BELOW_SERVICES = [APP / "context.py", *sorted((APP / "storage").glob("*.py")), APP / "settings.py",
                  *sorted((APP / "db").glob("*.py"))]


def imported(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("path", BELOW_SERVICES, ids=lambda p: str(p.relative_to(APP.parent)))
def test_imports_nothing_from_the_services_or_the_api(path: Path) -> None:
    above = sorted(m for m in imported(path)
                   if m.split(".")[:2] in (["app", "services"], ["app", "api"]))
    assert above == []
