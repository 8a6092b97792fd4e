"""The package boundaries of DESIGN.md, checked on every import in the code.

| package  | may import                                              |
|----------|---------------------------------------------------------|
| sources  | nothing of ours                                         |
| rules    | sources (the Finding type)                              |
| storage  | sources, rules (their plain types)                      |
| reports  | storage, and the plain types of rules and sources       |
| monitor  | everything                                              |
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
OURS = {"monitor", "sources", "rules", "storage", "reports"}
PLAIN_TYPES = {
    "rules.asof",
    "rules.claim",
    "rules.duration",
    "rules.observed",
    "rules.verdict",
    "sources.finding",
    "sources.outcome",
    "sources.response",
}
ALLOWED: dict[str, set[str]] = {
    "sources": set(),
    "rules": {"sources.finding"},
    "storage": {"sources", "rules"},
    "reports": {"storage"} | PLAIN_TYPES,
    "monitor": OURS,
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in names if name.split(".")[0] in OURS}


def _allowed(package: str, name: str) -> bool:
    top = name.split(".")[0]
    if top == package:
        return True
    return any(
        name == rule or name.startswith(rule + ".") or rule == top for rule in ALLOWED[package]
    )


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_follow_the_design(package: str) -> None:
    wrong = []
    for path in sorted((REPO / package).rglob("*.py")):
        for name in sorted(_imports(path)):
            if not _allowed(package, name):
                wrong.append(f"{path.relative_to(REPO)} imports {name}")
    assert wrong == []


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_each_package_opens_with_a_docstring_naming_its_imports(package: str) -> None:
    doc = ast.get_docstring(ast.parse((REPO / package / "__init__.py").read_text()))
    assert doc and "May import" in doc, f"{package}/__init__.py must say what it may import"


def test_the_check_catches_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from storage.models import FindingRow\nimport monitor.cli\n")
    found = _imports(bad)
    assert not _allowed("sources", "storage.models.FindingRow")
    assert not _allowed("rules", "monitor.cli") and "monitor.cli" in found
    assert not _allowed("storage", "reports.model")
    assert _allowed("reports", "rules.asof.AsOf") and not _allowed("reports", "rules.engine")
