"""Corrections and retractions: accepted only when the history still replays; the state
shows the corrected story, the history keeps every event as written."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import verantwortung as v

TPL = v.load_template("verantwortungspartner")
PEOPLE = v.load_template(Path(__file__).parent / "people.yaml")


def _kicked_off() -> tuple[v.Process, dict[str, str]]:
    """A process in kick-off with exactly five companies in the circle; event ids by name."""
    proc = v.Process.start(TPL, region="Trier", at="2012-01-01")
    ids: dict[str, str] = {}
    for i in range(1, 6):
        ids[f"p{i}"] = proc.fire("partner_added", payload={
            "id": f"p{i}", "name": f"Firma {i}", "kind": "company"}).event.id
        ids[f"c{i}"] = proc.fire("circle_member_joined", payload={"partner": f"p{i}"}).event.id
    proc.fire("facilitator_assigned", payload={"name": "Anna"})
    proc.fire("theme_proposed", payload={"id": "t", "title": "Fachkräfte"})
    proc.fire("theme_selected", payload={"theme": "t"})
    proc.fire("logistics_clarified", payload={"host": "IHK"})
    proc.fire("hold_kickoff")
    return proc, ids


def test_a_correction_changes_the_state_and_keeps_the_original() -> None:
    """The record shows the corrected payload; history holds both events; replay equals."""
    proc, ids = _kicked_off()
    fired = proc.correct(ids["p1"], {"id": "p1", "name": "Firma Eins GmbH", "kind": "company"},
                         reason="Tippfehler", actor="facilitator")
    assert "Firma Eins GmbH" == proc.records("partners")[0]["name"]
    assert ("event_corrected", ids["p1"], "Tippfehler") == (
        fired.event.kind, fired.event.payload["event"], fired.event.payload["reason"])
    assert "Firma 1" == next(e for e in proc.history if e.id == ids["p1"]).payload["name"]
    assert proc == v.Process.replay(TPL, proc.history)
    assert proc == v.Process.from_json(TPL, proc.to_json())
    assert "Firma Eins GmbH" == v.Process.from_json(TPL, proc.to_json()).records(
        "partners")[0]["name"]
    effective = proc.effective_history()
    assert len(proc.history) - 1 == len(effective)
    assert "Firma Eins GmbH" == next(e for e in effective if e.id == ids["p1"]).payload["name"]


def test_a_correction_the_later_story_relied_on_is_refused_with_every_reason() -> None:
    """Retracting a circle member the kick-off needed names the kick-off; nothing changes."""
    proc, ids = _kicked_off()
    before = proc.to_dict()
    with pytest.raises(v.TransitionRefused) as info:
        proc.retract(ids["c3"], reason="doppelt", actor="facilitator")
    reasons = info.value.reasons
    assert ["history_would_break"] == [r.code for r in reasons]
    assert ("circle_too_small", 16) == (reasons[0].seen["refused"], reasons[0].seen["seq"])
    assert "Auftaktveranstaltung" in reasons[0].message_de
    assert ("relied on it: Companies in the initiative circle: 4; the minimum is 5."
            in reasons[0].message_en)
    assert before == proc.to_dict()
    with pytest.raises(v.TransitionRefused) as info:  # a partner the members point at
        proc.retract(ids["p2"], reason="falsch")
    assert {"history_would_break"} == {r.code for r in info.value.reasons}
    # the member who pointed at the partner, and the kick-off that counted the member
    assert [("circle_member_joined", "invalid_payload"), ("hold_kickoff", "circle_too_small")
            ] == [(proc.history[r.seen["seq"] - 1].kind, r.seen["refused"])
                  for r in info.value.reasons]
    assert before == proc.to_dict()


def test_a_correction_is_judged_like_the_event_it_replaces() -> None:
    """A new payload that the event itself refuses gives the event's own reasons."""
    proc, ids = _kicked_off()
    with pytest.raises(v.TransitionRefused) as info:
        proc.correct(ids["p1"], {"id": "p1", "name": "Firma", "kind": "spaceship"},
                     reason="x")
    assert ["invalid_payload"] == [r.code for r in info.value.reasons]
    assert "kind" == info.value.reasons[0].seen["field"]


@pytest.mark.parametrize(("payload", "actor", "codes"), [
    ({"event": "nope", "reason": "x"}, None, ["unknown_event"]),
    ({"event": "START", "reason": "x"}, None, ["not_correctable"]),
    ({"event": "KICKOFF", "reason": "x"}, None, ["not_correctable"]),
    ({"event": "P1"}, None, ["invalid_payload"]),
    ({"event": "P1", "reason": "x", "why": 1}, None, ["invalid_payload"]),
    ({"event": "P1", "reason": "x"}, "initiative_circle", ["role_not_allowed"]),
    ({"event": "P1", "reason": "x"}, "burglar", ["unknown_role"]),
])
def test_bad_retractions_are_refused_with_reasons(payload: dict[str, str], actor: str | None,
                                                  codes: list[str]) -> None:
    """Unknown events, the start, phase changes, missing reasons and roles are refused."""
    proc, ids = _kicked_off()
    named = {"START": proc.history[0].id, "KICKOFF": proc.history[-1].id, "P1": ids["p1"]}
    payload = {k: named.get(val, val) if isinstance(val, str) else val
               for k, val in payload.items()}
    with pytest.raises(v.TransitionRefused) as info:
        proc.fire("event_retracted", actor=actor, payload=payload)
    assert codes == [r.code for r in info.value.reasons]
    for r in info.value.reasons:
        assert "{" not in r.message_de + r.message_en


def test_a_retracted_event_cannot_be_retracted_or_corrected_again() -> None:
    """Once retracted, an event stays retracted: correcting it is refused."""
    proc = v.Process.start(TPL, region="Trier", at="2012-01-01")
    note = proc.fire("note_added", payload={"text": "falsch"}).event.id
    proc.retract(note, reason="falsch erfasst")
    with pytest.raises(v.TransitionRefused) as info:
        proc.correct(note, {"text": "richtig"}, reason="x")
    assert ["already_retracted"] == [r.code for r in info.value.reasons]
    assert ["process_started"] == [e.kind for e in proc.effective_history()]


def test_the_template_says_who_may_correct(tmp_path: Path) -> None:
    """corrections: roles replaces the default (facilitator); unknown roles are E203."""
    base = Path(__file__).parent / "people.yaml"
    own = tmp_path / "own.yaml"
    own.write_text(f"extends: {base}\nid: own\nversion: '1'\ntitle: {{de: E, en: E}}\n"
                   "corrections: {roles: [coordinator]}\n", encoding="utf-8")
    tpl = v.load_template(own)
    assert ("coordinator",) == tpl.correction_roles
    proc = v.Process.start(tpl, region="Trier")
    note = proc.fire("note_added", payload={"text": "x"}).event.id
    with pytest.raises(v.TransitionRefused):
        proc.retract(note, reason="x", actor="facilitator")
    proc.retract(note, reason="x", actor="coordinator")
    own.write_text(own.read_text(encoding="utf-8").replace("coordinator", "coordinatr"),
                   encoding="utf-8")
    with pytest.raises(v.TemplateError) as info:
        v.load_template(own)
    assert ["E203"] == [d.code for d in info.value.errors]
    assert 5 == info.value.errors[0].line


@settings(max_examples=25, deadline=None)
@given(names=st.lists(st.sampled_from(["Anna", "Bernd", "Cem", "Dora"]), min_size=1,
                      max_size=6),
       fixes=st.lists(st.tuples(st.integers(0, 5), st.booleans()), max_size=6))
def test_corrections_equal_a_story_told_right(names: list[str],
                                              fixes: list[tuple[int, bool]]) -> None:
    """For any corrections and retractions of notes, the state is the fold of the
    effective history, and a replay of the log equals the process."""
    proc = v.Process.start(TPL, region="Trier", at="2012-01-01")
    notes = [proc.fire("note_added", payload={"text": n}).event.id for n in names]
    gone: set[str] = set()
    for index, retract in fixes:
        target = notes[index % len(notes)]
        if target in gone:
            continue
        if retract:
            proc.retract(target, reason="weg")
            gone.add(target)
        else:
            proc.correct(target, {"text": f"neu {index}"}, reason="besser")
    told = v.Process.start(TPL, region="Trier", at="2012-01-01")
    for e in proc.effective_history()[1:]:
        told.fire(e.kind, payload=dict(e.payload), at=e.at)
    assert told.state() == proc.state()
    assert proc == v.Process.replay(TPL, proc.history)
