"""Rules in plain language: one sentence pattern per rule kind, in German and English."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter

import verantwortung as v
from verantwortung.model.rules import Rule
from verantwortung.render.verbalize import message_text, rule_text, series_label

TPL = v.load_template("verantwortungspartner")
RULE: TypeAdapter[Any] = TypeAdapter(Rule)


@pytest.mark.parametrize(("spec", "de", "en"), [
    ({"count": "circle", "where": {"partner.kind": "company"},
      "min": {"param": "circle_min_companies"}},
     "Die Zahl der Einträge unter „Mitglieder des Initiativkreises“, deren Art „Unternehmen“ "
     "ist, beträgt mindestens 5",
     "The number of entries in “Initiative circle members” whose kind is “Company” is at "
     "least 5"),
    ({"count": "projects", "min": 3, "max": 5},
     "Die Zahl der Einträge unter „Projekte“ beträgt 3 bis 5",
     "The number of entries in “Projects” is 3 to 5"),
    ({"count": "circle", "where": {"speaker": True}, "max": 2},
     "Die Zahl der Einträge unter „Mitglieder des Initiativkreises“, die als „Sprecherin oder "
     "Sprecher“ markiert sind, beträgt höchstens 2",
     "The number of entries in “Initiative circle members” marked as “Spokesperson” is at "
     "most 2"),
    ({"count": "phases_entered", "where": {"series": "milestone"}, "min": 3, "max": 3},
     "Es fanden genau 3 Meilensteintreffen statt", "Exactly 3 milestone meetings were held"),
    ({"count": "phases_entered", "where": {"series": "milestone"}, "max": 1},
     "Es fand höchstens 1 Meilensteintreffen statt", "At most 1 milestone meeting was held"),
    ({"count": "phases_entered", "where": {"phase": "kickoff"}, "min": 1},
     "Die Phase „Auftaktveranstaltung“ ist erreicht", "The phase “Kick-off event” is reached"),
    ({"count": "phases_entered", "where": {"phase": ["closing", "consolidation"]}, "max": 0},
     "Die Phase „Abschlussveranstaltung“ oder „Verstetigung“ ist noch nicht erreicht",
     "The phase “Closing event” or “Sustaining (Verstetigung)” has not been reached yet"),
    ({"count": "phases_entered", "where": {"phase": "closing"}, "min": 2},
     "Die Phase „Abschlussveranstaltung“ wurde mindestens 2-mal erreicht",
     "The phase “Closing event” was reached at least 2 times"),
    ({"count": "goals", "max": 0}, "Unter „Ziele“ gibt es keine Einträge",
     "There are no entries in “Goals”"),
    ({"present": "facilitator"}, "„Prozessbegleitung“ ist benannt",
     "“Process facilitator” is assigned"),
    ({"present": "vision.text"}, "„Text“ von „Vision für die Region“ ist angegeben",
     "The “text” of “Vision for the region” is given"),
    ({"present": "payload.reason"}, "Beim Auslösen wird „Begründung“ angegeben",
     "“reason” is given when triggering"),
    ({"compare": {"left": {"count": "goals"}, "op": ">=", "right": {"param": "themes_min"}}},
     "Die Zahl der Einträge unter „Ziele“ ist mindestens 1",
     "The number of entries in “Goals” is at least 1"),
    ({"compare": {"left": {"field": "vision.horizon_year"}, "op": "<", "right": 2040}},
     "„Vision für die Region“ → „Zieljahr“ ist kleiner als 2040",
     "“Vision for the region” → “target year” is less than 2040"),
    ({"all": [{"present": "vision"}, {"count": "goals", "min": 1}]},
     "„Vision für die Region“ ist formuliert und die Zahl der Einträge unter „Ziele“ beträgt "
     "mindestens 1",
     "“Vision for the region” is set and the number of entries in “Goals” is at least 1"),
    ({"any": [{"present": "vision"}, {"not": {"present": "logistics"}}]},
     "Mindestens eines gilt: „Vision für die Region“ ist formuliert; oder es gilt nicht: "
     "„Infrastruktur und Logistik“ sind geklärt",
     "At least one holds: “Vision for the region” is set; or it does not hold that "
     "“Infrastructure and logistics” are clarified"),
    ({"custom": "my_rule", "args": {"limit": 3}}, "Eigene Regel „my_rule“ (limit=3)",
     "Custom rule “my_rule” (limit=3)"),
    ({"since": "phases_entered", "max": {"param": "milestone_interval_max_days"}},
     "Seit dem letzten Phasenwechsel sind höchstens 120 Tage vergangen",
     "At most 120 days have passed since the last change of phase"),
    ({"since": "phases_entered", "where": {"phase": "kickoff"}, "min": 1},
     "Seit dem Beginn der Phase „Auftaktveranstaltung“ ist mindestens 1 Tag vergangen",
     "At least 1 day has passed since the start of the phase “Kick-off event”"),
    ({"until": "scheduled_events", "where": {"kind": "kickoff"}, "field": "date", "min": 0,
      "max": 14},
     "Laut „Datum“ steht der nächste Eintrag unter „Geplante Veranstaltungen“, dessen Art "
     "„Auftaktveranstaltung“ ist, in höchstens 14 Tagen an",
     "The next entry in “Scheduled events” whose kind is “Kick-off event”, by its “date”, is "
     "at most 14 days away"),
])
def test_rule_kinds_read_as_phrases(spec: dict[str, Any], de: str, en: str) -> None:
    """Each rule kind becomes a phrase with labels quoted and parameter values filled in."""
    rule = RULE.validate_python(spec)
    assert (de, en) == (rule_text(rule, TPL, "de"), rule_text(rule, TPL, "en"))


def test_filter_lists_name_the_fewer_values() -> None:
    """A status filter that covers all but one value names the one left out, in a clause."""
    check = TPL.trigger("hold_closing").transitions[0].guards[1]
    assert "Die Zahl der Einträge unter „Projekte“, deren Status weder „Nicht umsetzbar“ noch " \
           "„Verworfen“ ist, beträgt mindestens 1" == rule_text(check.spec.rule, TPL)
    assert "The number of entries in “Projects” whose status is neither “Not feasible” nor " \
           "“Dropped” is at least 1" == rule_text(check.spec.rule, TPL, "en")
    few = RULE.validate_python({"count": "projects", "where": {"status": ["idea"]}, "min": 1})
    assert "The number of entries in “Projects” whose status is “Idea” is at least 1" == \
           rule_text(few, TPL, "en")


def test_invariants_read_as_sentences() -> None:
    """The bundled template's invariants become sentences too (the handbook lists them)."""
    texts = [rule_text(c.spec.rule, TPL) for c in TPL.invariants]
    assert "Sobald die Phase „Abschlussveranstaltung“ erreicht ist, gilt: Es fanden mindestens " \
           "3 Meilensteintreffen statt" in texts
    assert "Unter „Projekte“ gibt es keine Einträge, deren Status „In Umsetzung“ ist und bei " \
           "denen „Projektteam“ nicht angegeben ist" in texts


def test_parameter_values_of_the_variant_are_used() -> None:
    """A variant's parameter values (Thüringen: 4 milestones) appear in its sentences."""
    tpl = v.load_template("verantwortungspartner-thueringen")
    check = tpl.trigger("hold_closing").transitions[0].guards[0]
    assert "Es fanden mindestens 4 Meilensteintreffen statt" == rule_text(check.spec.rule, tpl)


def test_messages_get_bounds_and_blank_counts() -> None:
    """A message shows the bounds and parameters; the count it cannot know is '…'."""
    kickoff = TPL.trigger("hold_kickoff").transitions[0]
    assert "Der Initiativkreis hat … Unternehmen; die Mindestzahl ist 5." == message_text(
        kickoff.guards[0], TPL, "de")
    closing = TPL.trigger("hold_closing").transitions[0]
    assert "Projects: …; 3 to 5 are usual." == message_text(
        closing.advisories[0], TPL, "en")


@pytest.mark.parametrize(("text", "expected"), [
    ("{n}. Meilensteintreffen", "Meilensteintreffen"),
    ("Milestone meeting {n}", "Milestone meeting"),
    ("Stage {n}: review", "Stage: review"),
])
def test_series_labels_lose_their_number(text: str, expected: str) -> None:
    """A series label without its {n} names the whole series."""
    assert expected == series_label({"de": text, "en": text}, "de")
