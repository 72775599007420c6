"""What domain events do to records: removals and updates found by a field, undone on refusal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import verantwortung as v

TPL = v.load_template("verantwortungspartner")
PARTNERS = ["a", "b", "c", "d"]


def _with_partners() -> v.Process:
    proc = v.Process.start(TPL, region="Rügen", at="2014-01-06")
    for pid in PARTNERS:
        proc.fire("partner_added", payload={"id": pid, "name": pid.upper(), "kind": "company"})
    return proc


@given(st.lists(st.tuples(st.booleans(), st.sampled_from(PARTNERS)), max_size=25))
def test_joining_and_leaving_keep_the_circle_a_set(moves: list[tuple[bool, str]]) -> None:
    """After any joins and leaves the circle holds each member once, in joining order; a
    refused join or leave changes nothing; the replay is equal."""
    proc = _with_partners()
    expected: list[str] = []
    for join, pid in moves:
        name = "circle_member_joined" if join else "circle_member_left"
        allowed = (pid not in expected) if join else (pid in expected)
        try:
            proc.fire(name, payload={"partner": pid})
        except v.TransitionRefused as exc:
            codes = [r.code for r in exc.reasons]
        else:
            codes = []
        assert ([] if allowed else ["invalid_payload"]) == codes
        if not allowed:
            continue
        if join:
            expected.append(pid)
        else:
            expected.remove(pid)
    assert expected == [r["partner"] for r in proc.records("circle")]
    assert v.Process.replay(TPL, proc.history) == proc


def test_a_removal_refused_by_a_guard_is_taken_back(write) -> None:  # type: ignore[no-untyped-def]
    """When a removing event's guard refuses, the record is back where it was."""
    text = ("extends: verantwortungspartner\nid: keep\nversion: \"1\"\n"
            "title: {de: K, en: K}\nevents:\n  circle_member_left:\n    guards:\n"
            "      circle_kept:\n        rule: {count: circle, min: 2}\n"
            "        message: {de: Zu klein, en: Too small}\n")
    tpl = v.load_template(str(write(text)))
    proc = v.Process.start(tpl, region="R")
    for pid in ("a", "b"):
        proc.fire("partner_added", payload={"id": pid, "name": pid, "kind": "company"})
        proc.fire("circle_member_joined", payload={"partner": pid})
    before = proc.state()
    with pytest.raises(v.TransitionRefused) as exc:
        proc.fire("circle_member_left", payload={"partner": "a"})
    assert ["circle_kept"] == [r.code for r in exc.value.reasons]
    assert before == proc.state()


def test_fields_only_the_log_keeps_stay_out_of_the_record() -> None:
    """The reason a member left is in the event, not in any record."""
    proc = _with_partners()
    proc.fire("circle_member_joined", payload={"partner": "a"})
    proc.fire("circle_member_left", payload={"partner": "a", "reason": "Ruhestand"})
    assert "Ruhestand" == proc.history[-1].payload["reason"]
    assert "Ruhestand" not in str(proc.state())


def test_an_update_found_by_a_field_changes_the_newest_match() -> None:
    """minutes_recorded changes the newest phases_entered record of that phase only."""
    proc = _with_partners()
    for pid in PARTNERS:
        proc.fire("circle_member_joined", payload={"partner": pid})
    proc.fire("partner_added", payload={"id": "e", "name": "E", "kind": "company"})
    proc.fire("circle_member_joined", payload={"partner": "e"})
    proc.fire("facilitator_assigned", payload={"name": "F"})
    proc.fire("logistics_clarified", payload={"host": "H"})
    proc.fire("theme_proposed", payload={"id": "t", "title": "T"})
    proc.fire("hold_kickoff", payload={"minutes": "erste Fassung"})
    proc.fire("hold_milestone")
    proc.fire("minutes_recorded", payload={"phase": "kickoff", "minutes": "ergänzt"})
    assert [("kickoff", "ergänzt"), ("milestone_1", None)] == [
        (r["phase"], r.get("minutes")) for r in proc.records("phases_entered")]
