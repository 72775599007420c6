"""Exploration with data: coverage of shipped templates, culprits of broken ones."""

from __future__ import annotations

from pathlib import Path

import pytest

import verantwortung as v
from tests.conftest import SHIPPED_TEMPLATES
from verantwortung.testing import Exploration, explore, random_runs

HERE = Path(__file__).parent / "check_templates"


@pytest.mark.parametrize("path", [*SHIPPED_TEMPLATES, HERE / "base.yaml"], ids=lambda p: p.name)
def test_full_coverage_of_healthy_templates(path: Path) -> None:
    """Every phase is reached with data, every declared transition taken, every guard both
    passed and refused, and the invariants hold over random runs."""
    tpl = v.load_template(path)
    result = explore(tpl)
    random_runs(tpl, result, runs=10, seed=1)
    coverage = result.coverage()
    assert coverage["phases"]["total"] == coverage["phases"]["reached"]
    assert coverage["transitions"]["total"] == coverage["transitions"]["covered"]
    guards = coverage["guards"]
    assert (guards["total"], guards["total"]) == (guards["passable"], guards["refusable"])
    assert [] == result.findings


@pytest.mark.parametrize(("name", "culprit"), [
    ("unsatisfiable_guard", ("C002", "unsatisfiable_guard.yaml", 12, 7)),
    ("trap_phase", ("C003", "base.yaml", 31, 3)),
    ("violated_invariant", ("C004", "violated_invariant.yaml", 6, 3)),
    ("running_project_lead", ("C004", "running_project_lead.yaml", 27, 3)),
    ("never_due_deadline", ("C006", "never_due_deadline.yaml", 6, 3)),
    ("never_cleared_deadline", ("W403", "never_cleared_deadline.yaml", 6, 3)),
])
def test_broken_templates_name_the_culprit(name: str, culprit: tuple[str, str, int, int]
                                           ) -> None:
    """An unsatisfiable guard, a trap phase, a violated invariant and deadlines never due or
    never cleared are found and located."""
    tpl = v.load_template(HERE / f"{name}.yaml")
    result = explore(tpl)
    random_runs(tpl, result, runs=30)
    found = {(d.code, Path(d.path).name, d.line, d.column) for d in result.findings}
    assert culprit in found


def test_refusal_stories_end_in_their_code() -> None:
    """Each refusal story, replayed, is refused at its last step with its code."""
    tpl = v.load_template("verantwortungspartner")
    result = explore(tpl)
    for (_, code, _), refusal in result.refusals.items():
        proc = v.Process.start(tpl, region="R")
        *before, last = refusal.steps
        for step in before:
            proc.fire(step.name, payload=dict(step.payload))
        with pytest.raises(v.TransitionRefused) as info:
            proc.fire(last.name, payload=dict(last.payload))
        assert code in [r.code for r in info.value.reasons]


def test_dead_series_edges_are_reported_not_failed() -> None:
    """hold_closing from milestone_1 and _2 can never pass (too_few_milestones): shown, not
    counted against the declared transition, which is taken from milestone_3."""
    result = explore(v.load_template("verantwortungspartner"))
    assert ["hold_closing from milestone_1", "hold_closing from milestone_2"] == (
        result.coverage()["expanded"]["never_taken"])


def test_exploration_plans_the_story_that_breaks_an_invariant() -> None:
    """A municipality leading a running project is planned: partner, project, two moves."""
    result = explore(v.load_template(HERE / "running_project_lead.yaml"))
    story = result.broken["companies_lead_running_projects"]
    assert (["partner_added", "project_added", "project_status_changed",
             "project_status_changed"], "municipality") == (
        [s.name for s in story], story[0].payload["kind"])


def test_random_runs_vary_choices_optional_fields_references_and_statuses() -> None:
    """Random runs alone find the invariant break that needs a drawn choice, an optional
    reference to an older record and two status moves."""
    tpl = v.load_template(HERE / "running_project_lead.yaml")
    result = Exploration(tpl)
    random_runs(tpl, result, runs=100, seed=0)
    assert ["C004"] == [d.code for d in result.findings]


@pytest.mark.parametrize(("selected", "explored"), [(0, False), (1, True)])
def test_a_guard_its_parameter_switches_off_is_not_asked_to_refuse(selected: int,
                                                                   explored: bool) -> None:
    """themes_selected_before_kickoff: 0 switches the kick-off's no_theme_selected off (no
    W401); with 1 the guard is explored, passed and refused like any other."""
    tpl = v.load_template("verantwortungspartner",
                          parameters={"themes_selected_before_kickoff": selected})
    result = explore(tpl)
    refused = {(t, c) for t, c, _ in result.refusals}
    assert explored == (("hold_kickoff", "no_theme_selected") in refused)
    assert [] == [d.message for d in result.findings
                  if d.code == "W401" and "of 'hold_kickoff'" in d.message]


TIMED_GUARD = """\
id: timed
version: "1"
title: {de: Zeit, en: Time}
phases:
  start: {initial: true, label: {de: Start, en: Start}}
  middle: {label: {de: Mitte, en: Middle}}
  end: {final: true, label: {de: Ende, en: End}}
triggers:
  go: {label: {de: Los, en: Go}, from: start, to: middle}
  finish:
    label: {de: Fertig, en: Finish}
    from: middle
    to: end
    guards:
      waited:
        rule: {since: phases_entered, min: 0}
        message: {de: Warten., en: Wait.}
"""


def test_a_guard_with_a_time_rule_is_explored(write) -> None:  # type: ignore[no-untyped-def]
    """A time rule in a guard is left to time (no step moves it), not an internal error."""
    result = explore(v.load_template(write(TIMED_GUARD)))
    assert ["W401"] == [d.code for d in result.findings]  # since >= 0 days always holds
    assert {"start", "middle", "end"} == set(result.reach)
