"""Judging a step before it fires: a named result, and a dry check changes nothing."""

from __future__ import annotations

import verantwortung as v
from verantwortung.engine.checking import Checked, check_event, check_trigger

TPL = v.load_template("verantwortungspartner")


def _fresh() -> v.Process:
    return v.Process.start(TPL, region="Trier", at="2014-01-01")


def test_a_dry_event_check_names_its_parts_and_leaves_no_record() -> None:
    """A passing dry check gives no reasons, the clean payload (with defaults), no record."""
    proc = _fresh()
    ct, state = proc._ct, proc._state
    checked = check_event(ct, state, ct.events["partner_added"],
                          {"id": "p1", "name": "A GmbH", "kind": "company"}, [], dry=True)
    assert Checked([], [], None, {"id": "p1", "name": "A GmbH", "kind": "company",
                                  "initiator": False}) == checked
    assert () == proc.records("partners")


def test_a_trigger_without_a_transition_has_no_target() -> None:
    """A trigger the phase has no transition for is not_in_phase and leads nowhere."""
    proc = _fresh()
    ct = proc._ct
    checked = check_trigger(ct, proc._state, ct.triggers["hold_closing"], None, [], dry=True)
    assert (["not_in_phase"], None) == ([r.code for r in checked.reasons], checked.target)


def test_a_trigger_check_gives_the_target_and_every_guard_reason() -> None:
    """hold_kickoff from preparation leads to kickoff; every failing guard is named."""
    proc = _fresh()
    ct = proc._ct
    checked = check_trigger(ct, proc._state, ct.triggers["hold_kickoff"], {}, [], dry=False)
    assert "kickoff" == checked.target
    assert {"circle_too_small", "logistics_open", "no_facilitator"} <= {
        r.code for r in checked.reasons}
