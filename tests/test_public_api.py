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
        "Fired", "FollowerBusy", "Option", "ParameterError", "Process", "ProcessNotFound",
        "RuleError",
        "StoreError", "StoreNotFound", "StoredEvent",
        "ProcessTemplate", "Reason", "ReplayError", "TemplateError",
        "TransitionRefused", "VerantwortungError", "__version__", "bundled_templates",
        "check_template", "load_template", "template_schema",
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
