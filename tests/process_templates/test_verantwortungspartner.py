"""The bundled template 2.0 and its variants: the method's rules and the region's choices."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import verantwortung as v

BUNDLED = ["verantwortungspartner", "verantwortungspartner-thueringen"]
DECIDERS = ["initiative_circle", "facilitator"]
OTHERS = ["partner", "patron", "project_team", "coordinator"]
AT = "2014-01-06"


def _refused(proc: v.Process, name: str, **kwargs: Any) -> list[str]:
    """The reason codes of a step that must be refused."""
    with pytest.raises(v.TransitionRefused) as exc:
        proc.fire(name, **kwargs)
    return [r.code for r in exc.value.reasons]


def _start(tid: str = "verantwortungspartner", **parameters: Any) -> v.Process:
    tpl = v.load_template(tid, parameters=parameters or None)
    return v.Process.start(tpl, region="Ilmtal", at=AT)


def _circle(proc: v.Process, companies: int = 5) -> None:
    for i in range(companies):
        proc.fire("partner_added", payload={"id": f"c{i}", "name": f"Firma {i}",
                                            "kind": "company"})
        proc.fire("circle_member_joined", payload={"partner": f"c{i}"})
    proc.fire("facilitator_assigned", payload={"name": "Anna Schmidt"})
    proc.fire("logistics_clarified", payload={"host": "IHK"})


def _kicked_off(tid: str = "verantwortungspartner", **parameters: Any) -> v.Process:
    proc = _start(tid, **parameters)
    _circle(proc)
    proc.fire("theme_proposed", payload={"id": "t1", "title": "Fachkräfte"})
    proc.fire("hold_kickoff")
    return proc


def _implementation(proc: v.Process, meetings: int = 1) -> None:
    """Milestone meetings with what the later ones need (vision, goal, team, project)."""
    proc.fire("hold_milestone")
    proc.fire("vision_set", payload={"text": "Eine Region, die zusammenhält"})
    proc.fire("goal_added", payload={"id": "g1", "text": "Zehn Praktika"})
    proc.fire("team_formed", payload={"id": "tm", "name": "Team", "members": ["c0"]})
    proc.fire("project_added", payload={"id": "pr", "title": "Praktika", "team": "tm"})
    for _ in range(meetings - 1):
        proc.fire("hold_milestone")


def _to_closing(proc: v.Process) -> None:
    _implementation(proc, 4 if proc.template.id.endswith("thueringen") else 3)
    proc.fire("theme_selected", payload={"theme": "t1"})
    if proc.template.id.endswith("thueringen"):
        proc.fire("patron_won", payload={"name": "Landrat"})
        proc.fire("meeting_held", payload={"kind": "impulse"})
    proc.fire("hold_closing")


@pytest.mark.parametrize("tid", BUNDLED)
def test_the_kickoff_needs_identified_themes_not_a_selected_one(tid: str) -> None:
    """no_theme_identified until a theme is proposed; no selected theme is needed."""
    proc = _start(tid)
    _circle(proc)
    assert ["no_theme_identified"] == _refused(proc, "hold_kickoff")
    proc.fire("theme_proposed", payload={"id": "t1", "title": "Fachkräfte"})
    proc.fire("hold_kickoff")
    assert "kickoff" == proc.phase


def test_a_region_can_ask_for_a_selected_theme_before_the_kickoff() -> None:
    """themes_selected_before_kickoff: 1 turns on the stricter order (no_theme_selected)."""
    proc = _start(themes_selected_before_kickoff=1)
    _circle(proc)
    proc.fire("theme_proposed", payload={"id": "t1", "title": "Fachkräfte"})
    assert ["no_theme_selected"] == _refused(proc, "hold_kickoff")
    proc.fire("theme_selected", payload={"theme": "t1"})
    proc.fire("hold_kickoff")
    assert "kickoff" == proc.phase


@pytest.mark.parametrize("tid", BUNDLED)
def test_project_ideas_come_before_the_kickoff_and_without_a_team(tid: str) -> None:
    """project_added works in preparation, without a team; an idea can be not feasible."""
    proc = _start(tid)
    proc.fire("project_added", payload={"id": "idee", "title": "Lesepaten"})
    proc.fire("project_status_changed", payload={"project": "idee", "status": "not_feasible"})
    record = proc.records("projects")[0]
    assert ("not_feasible", None) == (record["status"], record.get("team"))


@pytest.mark.parametrize("tid", BUNDLED)
def test_a_project_needs_a_team_before_it_is_running(tid: str) -> None:
    """running without a team is refused (no_team); assigning a team allows it."""
    proc = _kicked_off(tid)
    proc.fire("project_added", payload={"id": "pr", "title": "Praktika"})
    proc.fire("project_status_changed", payload={"project": "pr", "status": "planned"})
    running = {"project": "pr", "status": "running"}
    assert ["no_team"] == _refused(proc, "project_status_changed", payload=running)
    assert "planned" == proc.records("projects")[0]["status"]
    proc.fire("team_formed", payload={"id": "tm", "name": "Team", "members": ["c0"]})
    proc.fire("project_team_assigned", payload={"project": "pr", "team": "tm"})
    proc.fire("project_status_changed", payload=running)
    assert "running" == proc.records("projects")[0]["status"]


@pytest.mark.parametrize(("before", "refused_at"), [(1, 1), (2, 2), (3, 3), (6, None)])
def test_vision_goal_team_apply_from_the_meeting_the_region_chooses(
        before: int, refused_at: int | None) -> None:
    """vision_goal_team_before_milestone: N refuses meeting N without them; 6 never does."""
    proc = _kicked_off(vision_goal_team_before_milestone=before)
    for n in range(1, 6):
        if n == refused_at:
            assert ["no_vision", "no_goal", "no_team"] == _refused(proc, "hold_milestone")
            return
        proc.fire("hold_milestone")
        assert f"milestone_{n}" == proc.phase
    assert refused_at is None


@pytest.mark.parametrize("tid", BUNDLED)
def test_the_closing_event_needs_the_long_term_theme(tid: str) -> None:
    """hold_closing is refused with no_theme_selected until a theme is selected."""
    proc = _kicked_off(tid)
    _implementation(proc, 4)
    assert "no_theme_selected" in _refused(proc, "hold_closing")
    proc.fire("theme_selected", payload={"theme": "t1"})
    if tid.endswith("thueringen"):  # the variant's own guard still waits for the impulse
        assert ["no_impulse_event"] == _refused(proc, "hold_closing")
    else:
        proc.fire("hold_closing")
        assert "closing" == proc.phase


@pytest.mark.parametrize("tid", BUNDLED)
@pytest.mark.parametrize("end", ["closing", "consolidation"])
def test_conclude_ends_normally_from_closing_or_consolidation(tid: str, end: str) -> None:
    """conclude [summary] leads to the final phase concluded; nothing happens after it."""
    proc = _kicked_off(tid)
    _to_closing(proc)
    if end == "consolidation":
        proc.fire("consolidation_chosen", payload={"form": "association"})
        proc.fire("consolidate")
    proc.fire("conclude", actor="initiative_circle", payload={"summary": "Geschafft"})
    assert ("concluded", True) == (proc.phase, proc.is_final)
    assert {"summary": "Geschafft"} == proc.history[-1].payload
    assert ["not_in_phase"] == _refused(proc, "note_added", payload={"text": "zu spät"})


@pytest.mark.parametrize("tid", BUNDLED)
def test_consolidation_is_a_living_phase(tid: str) -> None:
    """In consolidation projects go on, and new partners, teams, themes, projects,
    outcomes, meetings, notes and further consolidation forms are recorded."""
    proc = _kicked_off(tid)
    _to_closing(proc)
    proc.fire("consolidation_chosen", payload={"form": "association", "details": "e. V."})
    proc.fire("consolidate")
    assert "consolidation" == proc.phase
    assert not proc.is_final
    for status in ("planned", "running", "continuing"):
        proc.fire("project_status_changed", payload={"project": "pr", "status": status})
    proc.fire("partner_added", payload={"id": "neu", "name": "Neu GmbH", "kind": "company"})
    proc.fire("team_formed", payload={"id": "tm2", "name": "Zwei", "members": ["neu"]})
    proc.fire("theme_proposed", payload={"id": "t2", "title": "Pflege"})
    proc.fire("project_added", payload={"id": "pr2", "title": "Pflegetag", "team": "tm2"})
    proc.fire("outcome_recorded", payload={"id": "ug", "kind": "company",
                                           "title": "Praktika UG", "project": "pr"})
    proc.fire("meeting_held", payload={"kind": "circle_meeting", "attendance": 9})
    proc.fire("note_added", payload={"text": "weiter geht's"})
    proc.fire("consolidation_chosen",
              payload={"form": "cooperation_agreement", "details": "mit dem Saarland"})
    forms = [r["form"] for r in proc.records("consolidation_forms")]
    assert ["association", "cooperation_agreement"] == forms


@pytest.mark.parametrize("tid", BUNDLED)
def test_consolidate_needs_a_chosen_form(tid: str) -> None:
    """consolidate is refused with no_consolidation_form until one form is chosen."""
    proc = _kicked_off(tid)
    _to_closing(proc)
    assert ["no_consolidation_form"] == _refused(proc, "consolidate")


DECISIONS = [
    ("theme_selected", {"theme": "t1"}),
    ("vision_set", {"text": "Vision"}),
    ("goal_added", {"id": "g9", "text": "Ziel"}),
]


@pytest.mark.parametrize("tid", BUNDLED)
@pytest.mark.parametrize(("name", "payload"), DECISIONS)
def test_only_the_circle_and_the_facilitation_decide(tid: str, name: str,
                                                     payload: dict[str, Any]) -> None:
    """Other roles are refused with role_not_allowed; the deciders and trusted calls pass."""
    for role in OTHERS:
        proc = _kicked_off(tid)
        assert ["role_not_allowed"] == _refused(proc, name, actor=role, payload=payload)
    for actor in [*DECIDERS, "facilitator:Anna Schmidt", None]:
        proc = _kicked_off(tid)
        proc.fire(name, actor=actor, payload=payload)
        assert name == proc.history[-1].kind


@pytest.mark.parametrize("tid", BUNDLED)
@pytest.mark.parametrize("name", ["consolidation_chosen", "conclude"])
def test_the_end_is_decided_by_the_circle_and_the_facilitation(tid: str, name: str) -> None:
    """consolidation_chosen and conclude: role_not_allowed for a partner or patron."""
    proc = _kicked_off(tid)
    _to_closing(proc)
    payload = {"form": "association"} if name == "consolidation_chosen" else {}
    for role in OTHERS:
        assert ["role_not_allowed"] == _refused(proc, name, actor=role, payload=payload)
    proc.fire(name, actor="facilitator", payload=payload)
    assert name == proc.history[-1].kind


@pytest.mark.parametrize("tid", BUNDLED)
def test_a_member_leaves_the_circle_and_the_count_follows(tid: str) -> None:
    """circle_member_left takes the member out (the reason stays in the log); the circle
    may then be too small, and the partner may join again."""
    proc = _start(tid)
    _circle(proc)
    proc.fire("theme_proposed", payload={"id": "t1", "title": "Fachkräfte"})
    proc.fire("circle_member_left", payload={"partner": "c4", "reason": "Umzug"})
    assert {"partner": "c4", "reason": "Umzug"} == proc.history[-1].payload
    assert ["c0", "c1", "c2", "c3"] == [r["partner"] for r in proc.records("circle")]
    assert ["circle_too_small"] == _refused(proc, "hold_kickoff")
    assert ["invalid_payload"] == _refused(proc, "circle_member_left",
                                           payload={"partner": "c4"})
    proc.fire("circle_member_joined", payload={"partner": "c4", "speaker": True})
    proc.fire("hold_kickoff")
    assert v.Process.replay(proc.template, proc.history) == proc


@pytest.mark.parametrize("tid", BUNDLED)
def test_themes_are_renamed_and_deselected(tid: str) -> None:
    """theme_updated changes the title; theme_deselected takes the selection back."""
    proc = _kicked_off(tid)
    proc.fire("theme_updated", payload={"theme": "t1", "title": "Fachkräfte sichern"})
    assert "Fachkräfte sichern" == proc.records("themes")[0]["title"]
    proc.fire("theme_selected", payload={"theme": "t1"})
    assert ["role_not_allowed"] == _refused(proc, "theme_deselected", actor="partner",
                                            payload={"theme": "t1"})
    proc.fire("theme_deselected", actor="initiative_circle", payload={"theme": "t1"})
    assert () == proc.records("selected_themes")
    assert ["invalid_payload"] == _refused(proc, "theme_deselected", payload={"theme": "t1"})


@pytest.mark.parametrize("tid", BUNDLED)
def test_a_project_is_handed_over_to_someone(tid: str) -> None:
    """handed_over takes [to], which the project keeps."""
    proc = _kicked_off(tid)
    proc.fire("team_formed", payload={"id": "tm", "name": "T", "members": ["c0"]})
    proc.fire("project_added", payload={"id": "pr", "title": "P", "team": "tm"})
    for status in ("planned", "running"):
        proc.fire("project_status_changed", payload={"project": "pr", "status": status})
    proc.fire("project_status_changed",
              payload={"project": "pr", "status": "handed_over", "to": "Stadtjugendring"})
    record = proc.records("projects")[0]
    assert ("handed_over", "Stadtjugendring") == (record["status"], record["to"])


@pytest.mark.parametrize("tid", BUNDLED)
def test_meetings_people_and_coordination_are_records(tid: str) -> None:
    """meeting_held, person_added, communication, politics and funding are kept as records."""
    proc = _kicked_off(tid)
    proc.fire("person_added", payload={"id": "anna", "name": "Anna Schmidt", "partner": "c0",
                                       "function": "Geschäftsführerin",
                                       "email": "anna@example.org", "phone": "0361 1234"})
    proc.fire("circle_member_left", payload={"partner": "c0"})
    proc.fire("circle_member_joined", payload={"partner": "c0", "person": "anna",
                                               "speaker": True})
    proc.fire("meeting_held", payload={"kind": "speakers_meeting", "title": "Sprecherrunde",
                                       "attendance": 2, "attendees": ["c0", "c1"],
                                       "agenda": "Auftritt", "results": "Termin steht"})
    proc.fire("communication_recorded", payload={"channel": "press", "title": "Artikel",
                                                 "partner": "c1"})
    proc.fire("political_contact_recorded", payload={"body": "Kreistag",
                                                     "topic": "Schulbus", "person": "anna"})
    proc.fire("funding_recorded", payload={"source": "public_funding", "amount": 12000,
                                           "partner": "c1"})
    assert "EUR" == proc.records("funding")[0]["currency"]
    assert ["anna"] == [r.get("person") for r in proc.records("circle") if r.get("person")]
    assert ["invalid_payload"] == _refused(proc, "meeting_held", payload={"kind": "breakfast"})
    nobody = {"body": "Rat", "topic": "x", "person": "niemand"}
    assert ["invalid_payload"] == _refused(proc, "political_contact_recorded", payload=nobody)


def test_the_personal_fields_of_a_person_are_marked() -> None:
    """name, email and phone of people are personal data; partner and function are not."""
    fields = v.load_template("verantwortungspartner").collections["people"].fields
    assert {"name", "email", "phone"} == {n for n, f in fields.items() if f.personal}


@pytest.mark.parametrize("tid", BUNDLED)
@pytest.mark.parametrize("trigger", ["hold_kickoff", "hold_milestone", "hold_closing"])
def test_phase_meetings_take_attendees_and_results(tid: str, trigger: str) -> None:
    """The phase triggers accept attendance, attendees, minutes and results."""
    fields = v.load_template(tid).trigger(trigger).payload
    assert {"attendance", "attendees", "minutes", "results"} == set(fields)


@pytest.mark.parametrize("tid", BUNDLED)
def test_minutes_recorded_later_clear_minutes_missing(tid: str) -> None:
    """minutes_recorded fills the minutes of a phase's meeting; minutes_missing is gone."""
    proc = _start(tid)
    _circle(proc)
    proc.fire("theme_proposed", payload={"id": "t1", "title": "Fachkräfte"})
    proc.fire("hold_kickoff", payload={"attendees": ["c0"]})
    later = proc.history[-1].at + dt.timedelta(days=30)
    assert "minutes_missing" in {d.code for d in proc.due(at=later)}
    proc.fire("minutes_recorded", payload={"phase": "kickoff", "minutes": "Drei Themen"})
    assert "minutes_missing" not in {d.code for d in proc.due(at=later)}
    assert "Drei Themen" == proc.records("phases_entered")[-1]["minutes"]
    assert ["invalid_payload"] == _refused(proc, "minutes_recorded",
                                           payload={"phase": "closing", "minutes": "x"})


@pytest.mark.parametrize("tid", BUNDLED)
def test_guards_say_whose_rule_they_are(tid: str) -> None:
    """Every guard of the bundled templates is marked as the method's or the region's."""
    tpl = v.load_template(tid)
    checks = [*(c for t in tpl.transitions for c in (*t.guards, *t.advisories)),
              *(c for e in tpl.events for c in (*e.guards, *e.advisories))]
    assert [] == [c.code for c in checks if c.spec.origin is None]
    region = {c.code for c in checks if c.spec.origin == "region"}
    assert {"circle_too_small", "too_many_speakers", "no_vision"} <= region


def test_thueringen_impulse_event_needs_the_patron() -> None:
    """An impulse meeting without a patron is refused (no_patron); other meetings are not."""
    proc = _kicked_off("verantwortungspartner-thueringen")
    proc.fire("meeting_held", payload={"kind": "circle_meeting"})
    assert ["no_patron"] == _refused(proc, "meeting_held", payload={"kind": "impulse"})
    proc.fire("patron_won", payload={"name": "Landrat", "function": "Landrat des Kreises"})
    proc.fire("meeting_held", payload={"kind": "impulse", "attendance": 120})
    assert "impulse" == proc.records("meetings")[-1]["kind"]
