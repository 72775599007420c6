"""Testing helpers for templates and processes (public API).

Scenario files (``*.scenario.yaml``) run with ``verantwortung run`` and are collected
by the pytest plugin, which installs itself through the ``pytest11`` entry point.
"""

from .scenario import ScenarioError, ScenarioFailure, ScenarioResult, load_scenario, run_scenario

__all__ = ["ScenarioError", "ScenarioFailure", "ScenarioResult", "load_scenario", "run_scenario"]
