"""pytest plugin: every ``*.scenario.yaml`` file is a test item.

Installed through the ``pytest11`` entry point, so ``pytest`` picks up scenario files
in any project that has verantwortung installed. A failure names the step, its line,
and what happened instead; a scenario that names an unknown trigger, role, reason
code, phase or payload field fails with every such problem before any step runs, and
a step that breaks one of the template's invariants fails with it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

# the same as testing.sniff.SUFFIX, spelt here so that collecting imports nothing heavy
SUFFIX = ".scenario.yaml"


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Collect scenario files."""
    if file_path.name.endswith(SUFFIX):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    """A scenario file: one test item."""

    def collect(self) -> Any:
        yield ScenarioItem.from_parent(self, name=self.path.name.removesuffix(SUFFIX))


class ScenarioExpectationError(Exception):
    """Raised by a scenario item whose expectations did not hold."""


class ScenarioItem(pytest.Item):
    """Runs one scenario file."""

    def runtest(self) -> None:
        from .scenario import ScenarioError, run_scenario

        try:
            result = run_scenario(self.path)
        except ScenarioError as exc:
            raise ScenarioExpectationError("the scenario has errors; no step ran:\n"
                                           + str(exc)) from None
        if not result.ok:
            raise ScenarioExpectationError("\n".join(str(f) for f in result.failures))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        """Show the failed step, not a traceback into the library."""
        if isinstance(excinfo.value, ScenarioExpectationError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style=style))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"scenario: {self.name}"


# -- conformance suite for a custom template: --verantwortung-template PATH -----------------

CHECKS = ("loads", "reachability", "guards", "replay", "json_round_trip", "invariants")


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register --verantwortung-template and --verantwortung-runs."""
    group = parser.getgroup("verantwortung", "verantwortung process templates")
    group.addoption("--verantwortung-template", action="append", default=[], metavar="PATH",
                    help="run the conformance suite on this template (file or bundled id); "
                    "may be given several times")
    group.addoption("--verantwortung-runs", type=int, default=20, metavar="N",
                    help="random runs for the invariants check (default 20)")


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config,
                                  items: list[pytest.Item]) -> None:
    """Add one conformance item per check and template given on the command line."""
    for source in config.getoption("verantwortung_template") or ():
        for check in CHECKS:
            items.append(ConformanceItem.from_parent(
                session, name=f"conformance[{source}]::{check}", source=source, check=check))


class ConformanceFailedError(Exception):
    """A conformance check of a template failed."""


_EXPLORED: dict[tuple[str, int], Any] = {}


class ConformanceItem(pytest.Item):
    """One check of the generic conformance suite on one template."""

    def __init__(self, *, source: str, check: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.source = source
        self.check = check

    def _explored(self) -> Any:
        from ..io.loader import analyze
        from ..rules.registry import registry
        from .explore import explore, random_runs

        runs = int(self.config.getoption("verantwortung_runs"))
        key = (self.source, runs)
        if key not in _EXPLORED:
            tpl, diagnostics = analyze(self.source, custom_rules=registry)
            result = None
            if tpl is not None:
                result = explore(tpl)
                random_runs(tpl, result, runs=runs)
            _EXPLORED[key] = (tpl, diagnostics, result)
        return _EXPLORED[key]

    def runtest(self) -> None:
        from ..engine import Process
        from .planner import Planner

        tpl, diagnostics, result = self._explored()
        errors = [str(d) for d in diagnostics if d.severity == "error"]
        if self.check == "loads" or tpl is None:
            if errors:
                raise ConformanceFailedError("the template does not load:\n" + "\n".join(errors))
            return
        codes = {"reachability": ("C001", "C003", "C005"), "guards": ("C002",),
                 "invariants": ("C004",)}.get(self.check)
        if codes is not None:
            found = [str(d) for d in result.findings if d.code in codes]
            if found:
                raise ConformanceFailedError("\n".join(found))
            return
        planner = Planner(tpl)
        for phase, story in result.reach.items():
            proc = planner.run(story)
            if proc is None:
                raise ConformanceFailedError(f"the story into {phase!r} no longer runs")
            if self.check == "replay" and proc != Process.replay(tpl, proc.history):
                raise ConformanceFailedError(f"replay differs from the process in {phase!r}")
            if self.check == "json_round_trip" and proc != Process.from_json(
                    tpl, proc.to_json()):
                raise ConformanceFailedError(f"the JSON round trip changes the process in "
                                             f"{phase!r}")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        """The failed check's findings, located, without a traceback."""
        if isinstance(excinfo.value, ConformanceFailedError):
            return f"{self.check} failed for {self.source}:\n{excinfo.value}"
        return str(super().repr_failure(excinfo, style=style))

    def reportinfo(self) -> tuple[str, int, str]:
        return self.source, 0, f"conformance {self.check}: {self.source}"
