"""The public names of ``verantwortung`` are pinned."""

from __future__ import annotations

import subprocess
import sys

import verantwortung as v


def test_exported_names_are_pinned() -> None:
    """__all__ lists exactly the public contract, and every name resolves."""
    expected = {
        "AmbiguousProcessId", "ConcurrencyError", "CorruptEventError", "DeliveryError",
        "Diagnostic", "Due", "Event", "EventStore",
        "Fired", "FollowerBusy", "InvalidRegion", "Option", "ParameterError", "Process",
        "ProcessNotFound",
        "RuleError",
        "StoreError", "StoreNotFound", "StoredEvent",
        "ProcessTemplate", "Reason", "ReplayError", "TemplateError",
        "TransitionRefused", "UnmappedError", "VerantwortungError", "__version__",
        "bundled_templates", "bundled_versions", "check_template", "load_template",
        "template_schema",
    }
    assert expected == set(v.__all__)
    for name in v.__all__:
        assert getattr(v, name) is not None


def test_unknown_attribute_raises_attribute_error() -> None:
    """A misspelt name fails like any module attribute, not with a KeyError."""
    try:
        v.load_templat  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as exc:
        assert "load_templat" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("no AttributeError")


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


def test_feed_default_source_matches_the_cloudevents_default() -> None:
    """The CLI's --source default is the store's CloudEvents default."""
    from verantwortung.cli.feed import DEFAULT_SOURCE
    from verantwortung.store.cloudevents import DEFAULT_SOURCE as STORE_DEFAULT

    assert STORE_DEFAULT == DEFAULT_SOURCE
