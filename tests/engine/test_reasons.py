"""Generic reasons name the template's labels; what they saw stays ids."""

from __future__ import annotations

import re

import pytest

import verantwortung as v
from verantwortung.engine.reasons import GENERIC, Vocabulary, generic
from verantwortung.model.text import Plural

TPL = v.load_template("verantwortungspartner")
WORDS = Vocabulary(TPL)


def test_not_in_phase_names_the_step_and_the_phase() -> None:
    """A step that has no way out of the phase reads by labels, in typographic quotes."""
    reason = generic("not_in_phase", WORDS, name="hold_closing", phase="preparation")
    assert ("„Abschlussveranstaltung durchführen“ ist in der Phase „Vorbereitungsphase“ nicht "
            "möglich.") == reason.message_de
    assert ("“Hold the closing event” is not possible in the phase “Preparation”."
            == reason.message_en)
    assert {"name": "hold_closing", "phase": "preparation"} == reason.seen


def test_a_final_phase_says_the_process_has_ended() -> None:
    """In a final phase, the message says the process has ended."""
    reason = generic("not_in_phase", WORDS, name="hold_kickoff", phase="aborted")
    assert ("Der Prozess ist beendet („Abgebrochen“); „Auftaktveranstaltung durchführen“ ist "
            "nicht mehr möglich.") == reason.message_de


def test_roles_are_listed_by_label() -> None:
    """A role that may not fire a step, and the roles that may, are named by their labels."""
    reason = generic("role_not_allowed", WORDS, role="partner", name="hold_kickoff",
                     roles="coordinator, facilitator")
    assert ("Die Rolle „Partnerorganisation“ darf „Auftaktveranstaltung durchführen“ nicht "
            "auslösen; das dürfen „Regionale Koordination“ und „Prozessbegleitung“."
            == reason.message_de)
    assert "coordinator, facilitator" == reason.seen["roles"]


def test_without_a_vocabulary_ids_are_quoted_as_people_quote() -> None:
    """Without the template's words a reason still uses typographic, not Python, quotes."""
    reason = generic("unknown_trigger", name="hold_kickof", known="")
    assert "Diese Vorlage kennt keinen Schritt und kein Ereignis „hold_kickof“." == \
        reason.message_de


def test_hours_agree_in_number() -> None:
    """The future-timestamp message says "eine Stunde" for one hour."""
    one = generic("timestamp_in_future", at="2030-01-01T00:00", now="2029-01-01T00:00", hours=1)
    many = generic("timestamp_in_future", at="2030-01-01T00:00", now="2029-01-01T00:00",
                   hours=24)
    assert ("mehr als eine Stunde" in one.message_de, "more than 24 hours" in many.message_en) \
        == (True, True)


def _forms(text: str | Plural) -> str:
    if isinstance(text, Plural):
        return " ".join(f for f in (text.zero, text.one, text.other) if f)
    return text


@pytest.mark.parametrize("code", sorted(GENERIC))
def test_every_generic_message_fills_its_placeholders(code: str) -> None:
    """Given a value for each name it uses, a generic message keeps no braces or quotes."""
    de, en = GENERIC[code]
    names = set(re.findall(r"\{([^{}]*)\}", _forms(de) + _forms(en)))
    values: dict[str, object] = {n: "X" for n in names if n.isidentifier()}
    for by in {t.by for t in (de, en) if isinstance(t, Plural)}:
        values[by] = 2
    reason = generic(code, **values)
    for text in (reason.message_de, reason.message_en):
        assert "{" not in text
        assert "}" not in text
        assert "'X'" not in text
