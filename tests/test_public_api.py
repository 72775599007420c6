"""The public names of ``verantwortung`` are pinned."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import verantwortung as v

ROOT = Path(__file__).resolve().parents[1]


def test_exported_names_are_pinned() -> None:
    """__all__ is exactly this sorted list: adding a public name is a conscious change."""
    expected = [
        "AmbiguousProcessId", "ConcurrencyError", "CorruptEventError", "DeliveryError",
        "Diagnostic", "Due", "Event", "EventStore", "Fired", "FollowerBusy", "GraphvizError",
        "GraphvizNotFoundError", "InvalidRegion", "Option", "ParameterError", "Process",
        "ProcessInfo", "ProcessNotFound", "ProcessTemplate", "Reason", "ReplayError",
        "RuleError", "ScenarioError", "SessionKeyError", "StoreError", "StoreFired",
        "StoreNotFound", "StoredEvent", "TemplateError", "TransitionRefused", "UnmappedError",
        "UsersFileError", "VerantwortungError", "__version__", "bundled_templates",
        "bundled_versions", "check_template", "load_template", "template_schema",
    ]
    assert expected == v.__all__
    for name in v.__all__:
        assert getattr(v, name) is not None


def _type_checking_imports() -> set[str]:
    """The names ``verantwortung/__init__.py`` imports for the type checker."""
    tree = ast.parse(Path(v.__file__).read_text(encoding="utf-8"))
    block = next(n for n in tree.body if isinstance(n, ast.If)
                 and isinstance(n.test, ast.Name) and "TYPE_CHECKING" == n.test.id)
    return {a.asname or a.name for n in block.body if isinstance(n, ast.ImportFrom)
            for a in n.names}


def test_lazy_names_and_typed_imports_follow_all() -> None:
    """The lazy table and the type checker's imports name exactly what __all__ lists."""
    public = set(v.__all__) - {"__version__"}
    assert public == set(v._LAZY)
    assert public == _type_checking_imports()


def _our_modules() -> list[str]:
    """Every module of the package (``__main__`` only runs the command line)."""
    return sorted(m.name for m in pkgutil.walk_packages(v.__path__, "verantwortung.")
                  if not m.name.endswith("__main__"))


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def test_every_error_of_the_package_is_drawn_and_exported() -> None:
    """Each VerantwortungError subclass lives in exceptions, its tree and __all__."""
    for name in _our_modules():
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:  # an extra that is not installed ([web])
            if (exc.name or "").startswith("verantwortung"):
                raise
    tree = sys.modules["verantwortung.exceptions"].__doc__ or ""
    drawn = set(re.findall(r"[├└]── (\w+)", tree))
    errors = {c for c in _subclasses(v.VerantwortungError)
              if c.__module__.startswith("verantwortung")}
    names = {c.__name__ for c in errors}
    assert {"GraphvizNotFoundError", "ScenarioError", "UsersFileError"} <= names  # walked
    assert names == drawn
    assert set() == names - set(v.__all__)
    assert set() == {c.__qualname__ for c in errors
                     if "verantwortung.exceptions" != c.__module__}


def test_old_homes_of_the_errors_still_name_them() -> None:
    """The errors that moved into exceptions are still importable where they were."""
    from verantwortung.render.dot import GraphvizError, GraphvizNotFoundError
    from verantwortung.testing.scenario import ScenarioError
    from verantwortung.web.auth import UsersFileError
    from verantwortung.web.sessions import SessionKeyError

    assert (v.GraphvizError, v.GraphvizNotFoundError, v.ScenarioError, v.UsersFileError,
            v.SessionKeyError) == (GraphvizError, GraphvizNotFoundError, ScenarioError,
                                   UsersFileError, SessionKeyError)
    assert issubclass(SessionKeyError, ValueError)


def test_unknown_attribute_raises_attribute_error() -> None:
    """A misspelt name fails like any module attribute, not with a KeyError."""
    with pytest.raises(AttributeError, match="load_templat"):
        v.load_templat  # type: ignore[attr-defined]  # noqa: B018


def test_importing_the_cli_does_not_import_pydantic() -> None:
    """The command line starts without pydantic; commands import it when they need it."""
    code = "import sys, verantwortung.cli; print('pydantic' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert "False" == out


def test_exception_tree() -> None:
    """Every library error derives from VerantwortungError."""
    for exc in (v.TemplateError, v.ParameterError, v.TransitionRefused, v.ReplayError):
        assert issubclass(exc, v.VerantwortungError)


def _modules_after(code: str) -> set[str]:
    """The top-level packages among sqlalchemy, pydantic, yaml and transitions that
    ``code`` leaves imported, run in a fresh interpreter."""
    probe = (f"{code}\nimport sys\n"
             "print(' '.join(m for m in ('sqlalchemy', 'pydantic', 'yaml', 'transitions') "
             "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout.strip().splitlines()
    return set(out[-1].split()) if out else set()


def test_importing_the_package_does_not_import_sqlalchemy() -> None:
    """import verantwortung (and the engine's names) leaves SQLAlchemy unimported."""
    assert set() == _modules_after("import verantwortung")
    assert "sqlalchemy" not in _modules_after(
        "import verantwortung as v\nv.Process, v.Event, v.Reason, v.load_template")


def test_templates_and_validate_commands_do_not_import_the_store() -> None:
    """templates and validate import neither SQLAlchemy nor the engine's transitions."""
    for argv in (["templates"], ["validate", "verantwortungspartner"]):
        code = ("import contextlib, io\nfrom verantwortung.cli import main\n"
                f"with contextlib.redirect_stdout(io.StringIO()), "
                f"contextlib.redirect_stderr(io.StringIO()):\n    main({argv!r})")
        assert set() == _modules_after(code) & {"sqlalchemy", "transitions"}


def _imported_after(code: str, modules: tuple[str, ...]) -> list[str]:
    """Which of ``modules`` (any module, not only the top-level packages) ``code`` leaves
    imported, run in a fresh interpreter."""
    probe = (f"{code}\nimport sys\n"
             f"print('imported:', *(m for m in {modules!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out[-1].startswith("imported:"), out
    return out[-1].split()[1:]


def _command(argv: list[str]) -> str:
    """Code that runs the command line with ``argv``, its output swallowed."""
    return ("import contextlib, io\nfrom verantwortung.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()), "
            f"contextlib.redirect_stderr(io.StringIO()):\n    main({argv!r})")


def test_validate_imports_neither_the_engine_nor_the_scenario_runner() -> None:
    """validate of a template file imports no engine, scenario runner, renderer or store,
    and builds only the parser of its own commands."""
    path = str(ROOT / "process_templates" / "verantwortungspartner-thueringen.yaml")
    assert [] == _imported_after(_command(["validate", path]), (
        "verantwortung.engine", "verantwortung.testing.scenario", "verantwortung.render",
        "verantwortung.store", "verantwortung.cli.process", "sqlalchemy", "transitions"))


def test_status_imports_only_what_it_shows(tmp_path: Path) -> None:
    """status on a SQLite store imports neither the PostgreSQL dialect, transitions, the
    renderers nor the testing tools, and builds no payload validator (it fires nothing)."""
    db = tmp_path / "s.sqlite3"
    with v.EventStore(f"sqlite:///{db}") as store:
        proc = v.Process.start(v.load_template("verantwortungspartner"), region="X")
        store.add(proc)
    code = (_command(["status", proc.id, "--db", str(db)])
            + "\nfrom verantwortung.engine.payload import _ADAPTERS\nprint(len(_ADAPTERS))")
    assert [] == _imported_after(code, (
        "sqlalchemy.dialects.postgresql", "transitions", "verantwortung.render",
        "verantwortung.testing", "verantwortung.cli.render"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert "0" == out[-1]


def test_the_pytest_plugin_imports_nothing_heavy() -> None:
    """Loading the pytest plugin (every pytest run where the library is installed) imports
    neither pydantic, YAML, SQLAlchemy nor the engine."""
    assert [] == _imported_after("import verantwortung.testing.pytest_plugin", (
        "pydantic", "yaml", "sqlalchemy", "transitions", "verantwortung.engine",
        "verantwortung.testing.scenario"))


def test_feed_default_source_matches_the_cloudevents_default() -> None:
    """The CLI's --source default is the store's CloudEvents default."""
    from verantwortung.cli.feed import DEFAULT_SOURCE
    from verantwortung.store.cloudevents import DEFAULT_SOURCE as STORE_DEFAULT

    assert STORE_DEFAULT == DEFAULT_SOURCE


def _public_callables() -> list[tuple[str, object]]:
    """Every public function, and every public method or property of a public class."""
    found: list[tuple[str, object]] = []
    for name in v.__all__:
        obj = getattr(v, name)
        if not isinstance(obj, type):
            if callable(obj):
                found.append((name, obj))
            continue
        for cls in obj.__mro__:
            if not cls.__module__.startswith("verantwortung"):
                continue
            for attr, member in vars(cls).items():
                if attr.startswith("_"):
                    continue
                func = member.fget if isinstance(member, property) else getattr(
                    member, "__func__", member)
                if callable(func):
                    found.append((f"{name}.{attr}", func))
    return found


def test_no_public_return_type_is_any() -> None:
    """No public function or method returns Any (a JSON-ready dict[str, Any] is data)."""
    loose = {}
    for label, func in _public_callables():
        returns = str(getattr(func, "__annotations__", {}).get("return", ""))
        if re.search(r"\bAny\b", returns.replace("dict[str, Any]", "")):
            loose[label] = returns
    assert {} == loose


def test_store_fire_is_typed_as_a_named_result() -> None:
    """store.fire says it returns StoreFired, whose fields are the process and Fired."""
    from typing import get_type_hints

    assert v.StoreFired is get_type_hints(v.EventStore.fire)["return"]
    assert {"process": v.Process, "fired": v.Fired} == get_type_hints(v.StoreFired)


def test_the_store_package_names_its_records_as_the_top_level_does() -> None:
    """ProcessInfo and StoreFired are the same classes from verantwortung.store."""
    from verantwortung import store

    assert (v.ProcessInfo, v.StoreFired, v.StoredEvent) == (
        store.ProcessInfo, store.StoreFired, store.StoredEvent)
