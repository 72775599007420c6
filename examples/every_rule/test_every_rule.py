"""Every kind of rule, passed and refused with data by `verantwortung check`.

Run with pytest; from the command line the custom rule must be registered first (an
entry point of an installed package, see every_rule_rules.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from every_rule_rules import register

import verantwortung as v
from verantwortung.cli import main
from verantwortung.model.rule_walk import rule_kind, walk
from verantwortung.testing import explore, run_scenario

register()
HERE = Path(__file__).parent
TEMPLATE = HERE / "every_rule.yaml"
KINDS = ("count", "present", "compare", "all", "any", "not", "custom")


def test_the_template_uses_every_rule_kind() -> None:
    """The guards of the template use each kind of the vocabulary at least once."""
    tpl = v.load_template(TEMPLATE)
    used = {rule_kind(rule) for t in tpl.transitions for g in t.guards
            for rule in walk(g.spec.rule)}
    assert set(KINDS) == used


def test_check_passes_and_refuses_every_guard(capsys: pytest.CaptureFixture[str]) -> None:
    """check exits 0: every phase reached, every guard both passed and refused."""
    assert 0 == main(["check", str(TEMPLATE), "--runs", "10"])
    out = capsys.readouterr().out
    assert "guards passable:           21/21 (100%)" in out, out
    assert "guards refusable:          21/21 (100%)" in out, out


def test_emitted_stories_pass_the_scenario_runner(tmp_path: Path) -> None:
    """The stories check writes (reach, take, refuse) all pass when run."""
    from verantwortung.testing import emit_scenarios

    written = emit_scenarios(explore(v.load_template(TEMPLATE)), tmp_path, str(TEMPLATE))
    assert [] == [str(f) for p in written for f in run_scenario(p).failures]
