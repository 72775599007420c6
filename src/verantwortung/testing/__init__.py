"""Testing helpers for templates and processes (public API).

* scenario files: :func:`run_scenario`, :func:`load_scenario`, :func:`check_scenario`,
  :func:`scenario_diagnostics` (and ``verantwortung run``, ``verantwortung validate``);
* exploration: :func:`explore`, :func:`random_runs`, :func:`emit_scenarios`
  (and ``verantwortung check``);
* capture and predicates: :func:`capture`, :func:`phase_entered`, :func:`refused_with`,
  :func:`fired`;
* hypothesis (extra ``[test]``, imported on first use): :func:`payloads`,
  :func:`event_sequences`, :func:`template_machine`.

The pytest plugin (``pytest11`` entry point) collects ``*.scenario.yaml`` files and,
with ``--verantwortung-template PATH``, runs a conformance suite on a template.
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .capture import Captured, capture, fired, phase_entered, refused_with
    from .emit import emit_scenarios
    from .explore import Exploration, explore, random_runs
    from .planner import Planner, Step
    from .scenario import (
        ScenarioError,
        ScenarioFailure,
        ScenarioResult,
        check_scenario,
        load_scenario,
        run_scenario,
        scenario_diagnostics,
    )
    from .strategies import event_sequences, payloads, template_machine

__all__ = [
    "Captured",
    "Exploration",
    "Planner",
    "ScenarioError",
    "ScenarioFailure",
    "ScenarioResult",
    "Step",
    "capture",
    "check_scenario",
    "emit_scenarios",
    "event_sequences",
    "explore",
    "fired",
    "load_scenario",
    "payloads",
    "phase_entered",
    "random_runs",
    "refused_with",
    "run_scenario",
    "scenario_diagnostics",
    "template_machine",
]

# names are imported on first use, so that importing a module of this package (the pytest
# plugin, the scenario sniffing of ``validate``) does not import the engine and every tool;
# hypothesis is a test dependency: its strategies are imported only when asked for
_LAZY = {
    **dict.fromkeys(("Captured", "capture", "fired", "phase_entered", "refused_with"),
                    "capture"),
    "emit_scenarios": "emit",
    **dict.fromkeys(("Exploration", "explore", "random_runs"), "explore"),
    **dict.fromkeys(("Planner", "Step"), "planner"),
    **dict.fromkeys(("ScenarioError", "ScenarioFailure", "ScenarioResult", "check_scenario",
                     "load_scenario", "run_scenario", "scenario_diagnostics"), "scenario"),
    **dict.fromkeys(("event_sequences", "payloads", "template_machine"), "strategies"),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'verantwortung.testing' has no attribute {name!r}")
    value = getattr(import_module(f"verantwortung.testing.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(ModuleType):
    """This package, whose ``capture`` and ``explore`` are functions, not the submodules.

    Importing a submodule sets it as an attribute of its package; the functions of the
    same names must stay what ``verantwortung.testing.capture`` means, as when this
    package imported them at once.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, ModuleType) and name in ("capture", "explore"):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
