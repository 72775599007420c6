"""The fold of person_erased and the history with a person's values erased."""

from __future__ import annotations

from pathlib import Path

import pytest

import verantwortung as v
from verantwortung.engine.erasure import TOMBSTONE, erased_payloads, personal_fields

PEOPLE = v.load_template(Path(__file__).parent / "people.yaml")


def test_personal_fields_come_from_the_template() -> None:
    """Only collections with fields marked personal are listed, with those fields."""
    assert {"people": ("name", "email", "phone")} == personal_fields(PEOPLE)
    assert {"people": ("name", "email", "phone")} == personal_fields(
        v.load_template("verantwortungspartner"))
    assert {} == personal_fields(v.load_template("verantwortungspartner", version="1.0"))


def test_a_rewritten_history_replays_to_the_erased_state() -> None:
    """Erasing in the state and in the events gives one process: same phase and records."""
    proc = v.Process.start(PEOPLE, region="Erfurt", at="2014-01-01")
    added = proc.fire("person_added", payload={"id": "pe1", "name": "Anna Schmidt",
                                               "email": "a@example.org"}).event
    proc.fire("person_updated", payload={"id": "pe1", "phone": "0361 1"})
    proc.correct(added.id, {"id": "pe1", "name": "Anna Schmitt"}, reason="Schreibweise")
    proc.fire("person_added", payload={"id": "pe2", "name": "Bernd"})
    proc.fire("person_erased", payload={"person": "pe1", "reason": "Antrag"})
    new = erased_payloads(PEOPLE, proc.history, "pe1", "people")
    assert [2, 3, 4] == sorted(new)
    rewritten = [e._replace(payload=new[e.seq]) if e.seq in new else e for e in proc.history]
    again = v.Process.replay(PEOPLE, rewritten)
    assert (proc.phase, proc.state()) == (again.phase, again.state())
    assert {"id": "pe1", "name": TOMBSTONE, "phone": TOMBSTONE} == again.records("people")[0]
    assert "Anna" not in repr([e.payload for e in rewritten])


def test_an_erasure_without_personal_fields_or_person_is_refused() -> None:
    """No personal fields in the template, or no such person: refused with the reason."""
    plain = v.Process.start(v.load_template("verantwortungspartner", version="1.0"),
                            region="Erfurt")
    with pytest.raises(v.TransitionRefused) as info:
        plain.fire("person_erased", payload={"person": "x", "reason": "y"})
    assert ["nothing_personal"] == [r.code for r in info.value.reasons]
    bundled = v.Process.start(v.load_template("verantwortungspartner"), region="Erfurt")
    with pytest.raises(v.TransitionRefused) as info:
        bundled.fire("person_erased", payload={"person": "x", "reason": "y"})
    assert ["unknown_person"] == [r.code for r in info.value.reasons]
    proc = v.Process.start(PEOPLE, region="Erfurt")
    with pytest.raises(v.TransitionRefused) as info:
        proc.fire("person_erased", payload={"person": "x", "reason": "y",
                                            "collection": "partners"})
    assert ["invalid_payload"] == [r.code for r in info.value.reasons]
    assert "{" not in info.value.reasons[0].message_en
