"""How a consultant tests a custom template: exploration, strategies, a state machine.

Run these with pytest; run the generic conformance suite with

    pytest --verantwortung-template examples/custom_template/musterstadt.yaml

and see the coverage with `verantwortung check examples/custom_template/musterstadt.yaml`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

import verantwortung as v
from verantwortung.testing import (
    capture,
    event_sequences,
    explore,
    phase_entered,
    random_runs,
    refused_with,
    template_machine,
)
from verantwortung.testing.planner import Planner

TEMPLATE = v.load_template(Path(__file__).with_name("musterstadt.yaml"))


def test_every_phase_transition_and_guard_is_covered() -> None:
    """Exploration reaches every phase with data and both passes and breaks every guard."""
    result = explore(TEMPLATE)
    random_runs(TEMPLATE, result, runs=10)
    coverage = result.coverage()
    assert coverage["phases"]["total"] == coverage["phases"]["reached"]
    assert coverage["transitions"]["total"] == coverage["transitions"]["covered"]
    assert [] == [str(d) for d in result.findings]


def test_closing_needs_a_sponsor() -> None:
    """The region's own guard: the closing event is refused until a sponsor joined."""
    planner = Planner(TEMPLATE)
    proc = planner.run(explore(TEMPLATE).reach["milestone_3"])
    assert proc is not None
    no_sponsor = next(g for t in TEMPLATE.trigger("hold_closing").transitions
                      for g in t.guards if g.code == "no_sponsor")
    planner.prepare(proc, "hold_closing", skip=no_sponsor)  # satisfy every other guard
    with capture(proc) as log:
        with pytest.raises(v.TransitionRefused):
            proc.fire("hold_closing")
        proc.fire("partner_added", payload={"id": "baeckerei", "name": "Bäckerei Kunz",
                                            "kind": "company"})
        proc.fire("sponsor_joined", payload={"id": "s1", "partner": "baeckerei",
                                             "amount_eur": 500})
        proc.fire("hold_closing")
    assert refused_with("no_sponsor")(log)
    assert phase_entered("closing")(log)


@settings(max_examples=25, deadline=None)
@given(event_sequences(TEMPLATE, max_steps=25))
def test_no_fifth_milestone(steps: list[Any]) -> None:
    """Whatever happens, Musterstadt holds at most four milestone meetings."""
    proc = Planner(TEMPLATE).run(steps)
    assert proc is not None
    held = [r for r in proc.records("phases_entered") if r["series"] == "milestone"]
    assert len(held) <= 4


Machine = template_machine(TEMPLATE)
Machine.TestCase.settings = settings(max_examples=10, stateful_step_count=25, deadline=None)
TestMusterstadtMachine = Machine.TestCase  # checks the invariants after every step
