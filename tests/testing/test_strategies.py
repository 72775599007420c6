"""Hypothesis strategies and the generic state machine, on every shipped template."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import verantwortung as v
from verantwortung.testing import event_sequences, payloads, template_machine
from verantwortung.testing.planner import Planner

TPL = v.load_template("verantwortungspartner")


@given(st.data())
def test_payloads_have_the_right_shape(data: st.DataObject) -> None:
    """Generated payloads never fail on field types: only references or guards may refuse."""
    proc = v.Process.start(TPL, region="R")
    proc.fire("partner_added", payload={"id": "p1", "name": "A", "kind": "company"})
    name = data.draw(st.sampled_from(["partner_added", "circle_member_joined", "note_added",
                                      "theme_proposed", "hold_kickoff"]))
    payload = data.draw(payloads(TPL, name, proc))
    try:
        proc.fire(name, payload=payload)
    except v.TransitionRefused as exc:
        for reason in exc.reasons:
            assert reason.code != "invalid_payload" or reason.seen.get("problem") == "reference"


@given(event_sequences(TPL, max_steps=15))
def test_event_sequences_are_accepted_stories(steps: list[Any]) -> None:
    """Every generated story runs again from scratch, step by step, without refusal."""
    assert Planner(TPL).run(steps) is not None


Machine = template_machine(TPL)
Machine.TestCase.settings = settings(max_examples=15, stateful_step_count=20, deadline=None)
TestBundledTemplate = Machine.TestCase
