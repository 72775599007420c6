"""Imports go one way: exceptions <- model <- io/rules <- engine ... <- cli."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "verantwortung"

# what each layer may import from the package (besides itself)
ALLOWED = {
    "exceptions": set(),
    "model": {"exceptions"},
    "io": {"exceptions", "model"},
    "rules": {"exceptions", "model"},
    "engine": {"exceptions", "model", "io", "rules"},
    "store": {"exceptions", "model", "io", "rules", "engine"},
    "render": {"exceptions", "model", "io", "rules", "engine", "store"},
    "testing": {"exceptions", "model", "io", "rules", "engine", "store", "render"},
    "web": {"exceptions", "model", "io", "rules", "engine", "store", "render", "_api",
            "__version__"},
}


def _layer(path: Path) -> str:
    rel = path.relative_to(SRC).parts
    return rel[0].removesuffix(".py")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    depth = len(path.relative_to(SRC).parts) - 1
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                if node.level > depth:
                    target = (node.module or "").split(".")[0]
                    if target:
                        found.add(target)
                    else:
                        found.update(a.name for a in node.names)
                elif node.level <= depth:
                    base = path.relative_to(SRC).parts[0]
                    found.add(base.removesuffix(".py"))
            elif node.module and node.module.startswith("verantwortung."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("verantwortung."):
                    found.add(alias.name.split(".")[1])
    return found


MODULES = sorted(p for p in SRC.rglob("*.py") if _layer(p) in ALLOWED)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_module_imports_only_lower_layers(path: Path) -> None:
    """A module imports only its own layer and the layers below it."""
    layer = _layer(path)
    used = _imports(path) - {layer}
    assert set() == used - ALLOWED[layer]


def test_transitions_only_in_engine() -> None:
    """Only engine/ imports the transitions package."""
    offenders = []
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and
                     not node.level else [])
            if any(n.split(".")[0] == "transitions" for n in names) and \
                    _layer(path) != "engine":
                offenders.append(str(path))
    assert [] == offenders


def test_nothing_imports_cli() -> None:
    """No module of the library imports the command line."""
    offenders = [str(p) for p in SRC.rglob("*.py")
                 if p.name not in ("cli.py", "__main__.py") and "cli" in _imports(p)]
    assert [] == offenders


def test_nothing_imports_web() -> None:
    """Only the serve command imports the web app; no layer of the library does."""
    offenders = [str(p) for p in SRC.rglob("*.py")
                 if _layer(p) not in ("web", "_commands_web") and "web" in _imports(p)]
    assert [] == offenders


def test_modules_stay_small() -> None:
    """Every module stays under 500 lines."""
    big = {str(p.relative_to(SRC)): n for p in SRC.rglob("*.py")
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500}
    assert {} == big
