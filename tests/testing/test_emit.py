"""Emitted scenarios are valid stories that pass through the scenario runner."""

from __future__ import annotations

from pathlib import Path

import pytest

import verantwortung as v
from tests.conftest import SHIPPED_TEMPLATES
from verantwortung.cli import main
from verantwortung.testing import emit_scenarios, explore, run_scenario


@pytest.mark.parametrize("path", SHIPPED_TEMPLATES, ids=lambda p: p.name)
def test_emitted_scenarios_pass(path: Path, tmp_path: Path) -> None:
    """Every emitted scenario (reach, take, refuse) passes with run_scenario."""
    result = explore(v.load_template(path))
    written = emit_scenarios(result, tmp_path, str(path.resolve()))
    assert {f"reach_{p.id}" for p in v.load_template(path).phases} <= {
        p.name.removesuffix(".scenario.yaml") for p in written}
    failures = [str(f) for p in written for f in run_scenario(p).failures]
    assert [] == failures


def test_check_cli_emits_runnable_scenarios(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """check --emit-scenarios writes files that 'verantwortung run' accepts (exit 0)."""
    out = tmp_path / "scenarios"
    assert 0 == main(["check", "verantwortungspartner", "--runs", "3", "--emit-scenarios",
                      str(out)])
    assert "phases reached with data:  11/11 (100%)" in capsys.readouterr().out
    files = sorted(str(p) for p in out.glob("*.scenario.yaml"))
    assert 0 == main(["run", *files])


@pytest.mark.parametrize("path", SHIPPED_TEMPLATES, ids=lambda p: p.name)
def test_shortest_stories_add_no_record_twice(path: Path) -> None:
    """A reach story sets each single record once: nothing the record already satisfies
    is added again (logistics, facilitator)."""
    tpl = v.load_template(path)
    singles = {e.id for e in tpl.events
               if e.spec.adds and tpl.collections[e.spec.adds].single}
    for phase, story in explore(tpl).reach.items():
        names = [s.name for s in story if s.name in singles]
        assert sorted(set(names)) == sorted(names), phase
