"""The scenario commands: run (unknown names first) and check (exit codes, located
culprits, JSON coverage)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_templates import TYPO_STORY
from verantwortung.cli import main

HERE = Path(__file__).resolve().parents[1] / "testing" / "check_templates"


@pytest.mark.parametrize(("name", "line"), [
    ("unsatisfiable_guard", ":12:7: C002 guard 'no_municipality'"),
    ("trap_phase", ":31:3: C003 phase 'closing' is a trap"),
    ("violated_invariant", ":6:3: C004 invariant 'small_circle'"),
    ("running_project_lead", ":27:3: C004 invariant 'companies_lead_running_projects'"),
])
def test_broken_template_exits_1_naming_the_culprit(name: str, line: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """check exits 1 and prints the culprit as path:line:col: CODE message."""
    runs = "300" if name == "running_project_lead" else "30"  # the issue's own number
    assert 1 == main(["check", str(HERE / f"{name}.yaml"), "--runs", runs])
    assert line in capsys.readouterr().out


def test_json_report(capsys: pytest.CaptureFixture[str]) -> None:
    """--format json gives ok, coverage and findings."""
    assert 0 == main(["check", "verantwortungspartner", "--format", "json", "--runs", "2"])
    report = json.loads(capsys.readouterr().out)
    assert (True, 11, []) == (report["ok"], report["coverage"]["phases"]["reached"],
                              report["findings"])


def test_template_with_errors_stops_before_exploring(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """A template that does not load is reported with its diagnostics, exit 1."""
    broken = tmp_path / "b.yaml"
    broken.write_text("id: b\n", encoding="utf-8")
    assert 1 == main(["check", str(broken)])
    assert "E102" in capsys.readouterr().out


def test_negative_runs_are_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """--runs takes a whole number of at least 0."""
    assert 2 == main(["check", "verantwortungspartner", "--runs", "-5"])
    assert "negative" in capsys.readouterr().err


def test_run_reports_unknown_names_before_running(write, capsys) -> None:  # type: ignore[no-untyped-def]
    """`run` prints every unknown name of a scenario and runs none of its steps."""
    path = write(TYPO_STORY, "typo.scenario.yaml")
    assert 1 == main(["run", str(path)])
    out, err = capsys.readouterr()
    assert 4 == len([line for line in out.splitlines() if ": S00" in line])
    assert "step 1" not in out
    assert "0 passed, 1 failed" in err
