"""Imports go one way: exceptions <- model <- io/rules <- engine ... <- cli; and the
command line and the web app use only the public API of the layers below them."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "verantwortung"

LIBRARY = {"exceptions", "model", "io", "rules", "engine", "store", "render", "testing"}

# what each part may import from the package (besides itself): every layer folder and
# every top-level module is a key, so a new one has to say where it stands
ALLOWED = {
    "exceptions": set(),
    "model": {"exceptions"},
    "io": {"exceptions", "model"},
    "rules": {"exceptions", "model"},
    "engine": {"exceptions", "model", "io", "rules"},
    "store": {"exceptions", "model", "io", "rules", "engine"},
    "render": {"exceptions", "model", "io", "rules", "engine", "store"},
    "testing": {"exceptions", "model", "io", "rules", "engine", "store", "render"},
    "_api": {"exceptions", "model", "io", "rules"},
    # the package's face: names it re-exports (lazily) from the library and _api
    "__init__": LIBRARY | {"_api"},
    "web": LIBRARY | {"_api", "__init__"},
    "cli": LIBRARY | {"web", "__init__"},
    "__main__": {"cli"},
}

#: the parts that may use only the public API of the others
FRONTS = ("cli", "web")


def _layer(path: Path) -> str:
    """The layer folder or top-level module ``path`` belongs to."""
    return path.relative_to(SRC).parts[0].removesuffix(".py")


def _target(path: Path, node: ast.ImportFrom) -> str:
    """The absolute module an import in ``path`` reads from."""
    if not node.level:
        return node.module or ""
    package = ["verantwortung", *path.relative_to(SRC).parts[:-1]]
    base = package[: len(package) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def _imported(path: Path) -> list[tuple[str, str | None]]:
    """(module, name) of every import of the package in ``path``; name is None for
    ``import verantwortung.x``."""
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            module = _target(path, node)
            found.extend((module, a.name) for a in node.names)
        elif isinstance(node, ast.Import):
            found.extend((a.name, None) for a in node.names)
    return [(m, n) for m, n in found if m == "verantwortung" or m.startswith("verantwortung.")]


def _part(module: str, name: str | None) -> str:
    """The layer or top-level module an import reaches: ``from verantwortung import x``
    reaches the submodule ``x`` if there is one, else the package's face."""
    parts = module.split(".")
    if len(parts) > 1:
        return parts[1]
    if name is not None and ((SRC / name).is_dir() or (SRC / f"{name}.py").is_file()):
        return name
    return "__init__"


def _imports(path: Path) -> set[str]:
    return {_part(m, n) for m, n in _imported(path)}


MODULES = sorted(SRC.rglob("*.py"))
ID = {"ids": lambda p: str(p.relative_to(SRC))}


def test_every_module_belongs_to_a_layer() -> None:
    """Every top-level module and folder of the package is a key of ALLOWED."""
    assert set() == {_layer(p) for p in MODULES} - set(ALLOWED)


@pytest.mark.parametrize("path", MODULES, **ID)
def test_module_imports_only_lower_layers(path: Path) -> None:
    """A module imports only its own layer and the layers below it."""
    layer = _layer(path)
    assert set() == _imports(path) - {layer} - ALLOWED[layer]


@cache
def _exported(module: str) -> frozenset[str] | None:
    """The names ``module`` lists in ``__all__`` (None: no such module in the package)."""
    rel = SRC.joinpath(*module.split(".")[1:])
    path = next((p for p in (rel / "__init__.py", rel.parent / f"{rel.name}.py")
                 if p.is_file()), None)
    if path is None:
        return None
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return frozenset(ast.literal_eval(node.value))
    return frozenset()


def _private_use(module: str, name: str | None) -> str | None:
    """Why ``from module import name`` is not the public API, or None when it is."""
    face = _exported("verantwortung") or frozenset()
    if name is None:
        return "a bare import of a module"
    folder = SRC.joinpath(*module.split(".")[1:])
    if (folder / name).is_dir() or (folder / f"{name}.py").is_file():  # a submodule
        return "a private module" if name.startswith("_") else None
    if any(part.startswith("_") for part in module.split(".")[1:]):
        # a private module of the face: only for the names the face re-exports
        return None if name in face else f"{name} is not re-exported by verantwortung"
    exported = _exported(module)
    return None if exported is not None and name in exported else f"{name} is not in __all__"


FRONT_MODULES = [p for p in MODULES if _layer(p) in FRONTS]


@pytest.mark.parametrize("path", FRONT_MODULES, **ID)
def test_the_fronts_use_only_the_public_api(path: Path) -> None:
    """cli and web import from the layers below only names those modules export in
    ``__all__`` (private modules only for what the package re-exports)."""
    layer = _layer(path)
    misuse = {f"{m}.{n}": why for m, n in _imported(path)
              if _part(m, n) != layer and (why := _private_use(m, n)) is not None}
    assert {} == misuse


def test_transitions_only_in_engine() -> None:
    """Only engine/ imports the transitions package."""
    offenders = []
    for path in MODULES:
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
    """No module of the library imports the command line (``__main__`` runs it)."""
    offenders = [str(p) for p in MODULES
                 if _layer(p) not in ("cli", "__main__") and "cli" in _imports(p)]
    assert [] == offenders


def test_nothing_imports_web() -> None:
    """Only the command line (its serve command) imports the web app."""
    offenders = [str(p) for p in MODULES
                 if _layer(p) not in ("web", "cli") and "web" in _imports(p)]
    assert [] == offenders


def test_modules_stay_small() -> None:
    """Every module stays under 500 lines."""
    big = {str(p.relative_to(SRC)): n for p in MODULES
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500}
    assert {} == big
