"""`app/audit/` is pure: it never imports the services, the database models or the web layer
(docs/architecture.md); the services read the rows and hand them to it."""

from __future__ import annotations

import ast
from pathlib import Path

import app.audit

FORBIDDEN = ("app.services", "app.db", "app.api", "app.context", "app.storage")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_app_audit_imports_no_service_database_or_web_module() -> None:
    folder = Path(app.audit.__file__).parent
    modules = sorted(folder.glob("*.py"))
    assert {p.name for p in modules} >= {"log_check.py", "findings.py", "merkle.py"}
    bad = {p.name: sorted(n for n in _imports(p) if n.startswith(FORBIDDEN)) for p in modules}
    assert {name: found for name, found in bad.items() if found} == {}
