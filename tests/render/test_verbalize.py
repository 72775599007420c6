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
     "„Mitglieder des Initiativkreises“ (nur Unternehmen): mindestens 5",
     "“Initiative circle members” (only Company): at least 5"),
    ({"count": "projects", "min": 3, "max": 5},
     "„Projekte“: 3 bis 5", "“Projects”: 3 to 5"),
    ({"count": "circle", "where": {"speaker": True}, "max": 2},
     "„Mitglieder des Initiativkreises“ (Sprecherin oder Sprecher: ja): höchstens 2",
     "“Initiative circle members” (Spokesperson: yes): at most 2"),
    ({"count": "phases_entered", "where": {"series": "milestone"}, "min": 3, "max": 3},
     "Durchgeführte „Meilensteintreffen“: genau 3", "“Milestone meeting” held: exactly 3"),
    ({"count": "phases_entered", "where": {"phase": "kickoff"}, "min": 1},
     "Phase „Auftaktveranstaltung“ erreicht", "Phase “Kick-off event” reached"),
    ({"count": "phases_entered", "where": {"phase": ["closing", "consolidation"]}, "max": 0},
     "Phase „Abschlussveranstaltung“ oder „Verstetigung“ noch nicht erreicht",
     "Phase “Closing event” or “Sustaining (Verstetigung)” not reached yet"),
    ({"count": "phases_entered", "where": {"phase": "closing"}, "min": 2},
     "Phase „Abschlussveranstaltung“ erreicht: mindestens 2",
     "Phase “Closing event” reached: at least 2"),
    ({"count": "goals", "max": 0}, "„Ziele“: keine", "“Goals”: none"),
    ({"present": "facilitator"}, "„Prozessbegleitung“ ist benannt",
     "“Process facilitator” is assigned"),
    ({"count": "projects", "where": {"team": None}, "max": 0},
     "„Projekte“ (ohne Projektteam): keine", "“Projects” (without Project team): none"),
    ({"present": "vision.text"}, "„Vision für die Region“ → „Text“ ist festgehalten",
     "“Vision for the region” → “text” is recorded"),
    ({"present": "payload.reason"}, "Beim Auslösen wird „Begründung“ angegeben",
     "“reason” is given when triggering"),
    ({"compare": {"left": {"count": "goals"}, "op": ">=", "right": {"param": "themes_min"}}},
     "Anzahl „Ziele“ ist mindestens 1", "Number of “Goals” is at least 1"),
    ({"compare": {"left": {"field": "vision.horizon_year"}, "op": "<", "right": 2040}},
     "„Vision für die Region“ → „horizon_year“ ist kleiner als 2040",
     "“Vision for the region” → “horizon_year” is less than 2040"),
    ({"all": [{"present": "vision"}, {"count": "goals", "min": 1}]},
     "„Vision für die Region“ ist formuliert und „Ziele“: mindestens 1",
     "“Vision for the region” is set and “Goals”: at least 1"),
    ({"any": [{"present": "vision"}, {"not": {"present": "logistics"}}]},
     "Mindestens eines davon: „Vision für die Region“ ist formuliert oder nicht: "
     "(„Infrastruktur und Logistik“ sind geklärt)",
     "At least one of: “Vision for the region” is set or not: "
     "(“Infrastructure and logistics” are clarified)"),
    ({"custom": "my_rule", "args": {"limit": 3}}, "Eigene Regel „my_rule“ (limit=3)",
     "Custom rule “my_rule” (limit=3)"),
])
def test_rule_kinds_read_as_phrases(spec: dict[str, Any], de: str, en: str) -> None:
    """Each rule kind becomes a phrase with labels quoted and parameter values filled in."""
    rule = RULE.validate_python(spec)
    assert (de, en) == (rule_text(rule, TPL, "de"), rule_text(rule, TPL, "en"))


def test_filter_lists_name_the_fewer_values() -> None:
    """A status filter that covers all but one value names the one left out."""
    check = TPL.trigger("hold_closing").transitions[0].guards[1]
    assert "„Projekte“ (ohne Nicht umsetzbar, Verworfen): mindestens 1" == rule_text(
        check.spec.rule, TPL)
    few = RULE.validate_python({"count": "projects", "where": {"status": ["idea"]}, "min": 1})
    assert "“Projects” (only Idea): at least 1" == rule_text(few, TPL, "en")


def test_invariants_read_as_sentences() -> None:
    """The bundled template's invariants become sentences too (the handbook lists them)."""
    texts = [rule_text(c.spec.rule, TPL) for c in TPL.invariants]
    assert "Mindestens eines davon: Phase „Abschlussveranstaltung“ noch nicht erreicht oder " \
           "Durchgeführte „Meilensteintreffen“: mindestens 3" in texts


def test_parameter_values_of_the_variant_are_used() -> None:
    """A variant's parameter values (Thüringen: 4 milestones) appear in its sentences."""
    tpl = v.load_template("verantwortungspartner-thueringen")
    check = tpl.trigger("hold_closing").transitions[0].guards[0]
    assert "Durchgeführte „Meilensteintreffen“: mindestens 4" == rule_text(check.spec.rule, tpl)


def test_messages_get_bounds_and_blank_counts() -> None:
    """A message shows the bounds and parameters; the count it cannot know is '…'."""
    kickoff = TPL.trigger("hold_kickoff").transitions[0]
    assert "Der Initiativkreis hat … Unternehmen; mindestens 5 sind nötig." == message_text(
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
