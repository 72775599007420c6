"""pytest plugin: every ``*.scenario.yaml`` file is a test item.

Installed through the ``pytest11`` entry point, so ``pytest`` picks up scenario files
in any project that has verantwortung installed. A failure names the step, its line,
and what happened instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

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
            raise ScenarioExpectationError("scenario cannot be loaded:\n" + str(exc)) from None
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
