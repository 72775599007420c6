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

from importlib import import_module
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
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

_HYPOTHESIS = {"event_sequences", "payloads", "template_machine"}


def __getattr__(name: str) -> Any:
    if name in _HYPOTHESIS:  # hypothesis is a test dependency: import it only when asked
        return getattr(import_module("verantwortung.testing.strategies"), name)
    raise AttributeError(f"module 'verantwortung.testing' has no attribute {name!r}")
