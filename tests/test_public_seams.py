"""The seams between layers: the expanded template is the whole definition above io/,
and the testing tools use only the engine's public names."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import verantwortung.engine as engine

SRC = Path(__file__).resolve().parents[1] / "src" / "verantwortung"

#: the layers above io/
ABOVE_IO = ("engine", "render", "testing", "store", "web", "cli")


def _above_io() -> list[Path]:
    return sorted(p for layer in ABOVE_IO for p in (SRC / layer).rglob("*.py"))


MODULES = _above_io()


def _absolute(path: Path, node: ast.ImportFrom) -> str:
    """The module an ``from ... import`` names, written out from ``verantwortung``."""
    if not node.level:
        return node.module or ""
    package = ["verantwortung", *path.relative_to(SRC).parts[:-1]]
    base = package[:len(package) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def _imported(path: Path) -> list[tuple[str, str]]:
    """Every (module, name) the file imports; a plain ``import m`` gives (m, "")."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = _absolute(path, node)
            found.extend((module, alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            found.extend((alias.name, "") for alias in node.names)
    return found


def _shown(path: Path) -> str:
    return str(path.relative_to(SRC))


def test_the_scan_finds_every_layer_above_io() -> None:
    """The modules checked below include each layer above io/ (the scan is not empty)."""
    layers = {_shown(p).split("/")[0] for p in MODULES}
    assert {"engine", "render", "testing", "store", "web"} <= layers


@pytest.mark.parametrize("path", MODULES, ids=_shown)
def test_no_layer_above_io_imports_the_raw_document(path: Path) -> None:
    """No module above io/ imports model.document: the specs are in model.specs."""
    raw = [f"{m}:{n}" for m, n in _imported(path)
           if m == "verantwortung.model.document"
           or (m == "verantwortung.model" and n == "document")]
    assert [] == raw


@pytest.mark.parametrize("path", MODULES, ids=_shown)
def test_no_layer_above_io_reads_a_document_attribute(path: Path) -> None:
    """No module above io/ reads ``.document``: the expanded template is the whole truth."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    reads = [node.lineno for node in ast.walk(tree)
             if isinstance(node, ast.Attribute) and node.attr == "document"]
    assert [] == reads


TESTING = sorted((SRC / "testing").rglob("*.py"))


@pytest.mark.parametrize("path", TESTING, ids=_shown)
def test_testing_uses_only_public_engine_names(path: Path) -> None:
    """testing/ imports from ``verantwortung.engine`` itself, and only names it exports."""
    used = [(m, n) for m, n in _imported(path)
            if m == "verantwortung.engine" or m.startswith("verantwortung.engine.")]
    internal = [f"{m}:{n}" for m, n in used
                if m != "verantwortung.engine" or n not in engine.__all__]
    assert [] == internal


@pytest.mark.parametrize("name", engine.__all__)
def test_every_public_engine_name_resolves(name: str) -> None:
    """Each name in ``verantwortung.engine.__all__`` is there, and none is a module."""
    value = getattr(engine, name)
    assert not isinstance(value, type(engine))


def test_an_unknown_engine_name_is_an_attribute_error() -> None:
    """Asking the engine for a name it does not export raises AttributeError."""
    with pytest.raises(AttributeError, match="no_such_name"):
        engine.no_such_name  # noqa: B018 - the lookup is what is tested
