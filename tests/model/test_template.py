"""The compiled template: series expansion, parameters, immutability, bundled vocabulary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

import verantwortung as v
from tests.conftest import ROOT, SHIPPED_TEMPLATES
from verantwortung.model.events import event_fields
from verantwortung.model.identity import semantic_digest
from verantwortung.model.specs import BUILTIN_COLLECTIONS

PHASES = ["preparation", "kickoff", "milestone_1", "milestone_2", "milestone_3",
          "milestone_4", "milestone_5", "closing", "consolidation", "concluded", "aborted"]


@pytest.fixture(scope="module")
def tpl() -> v.ProcessTemplate:
    """The bundled template."""
    return v.load_template("verantwortungspartner")


def test_bundled_phases(tpl: v.ProcessTemplate) -> None:
    """The bundled template has exactly the contract's phases, initial and finals."""
    assert PHASES == [p.id for p in tpl.phases]
    assert "preparation" == tpl.initial_phase.id
    assert ["concluded", "aborted"] == [p.id for p in tpl.final_phases]


def test_bundled_triggers_and_events(tpl: v.ProcessTemplate) -> None:
    """Triggers, domain events and parameters are those of the contract."""
    assert ["hold_kickoff", "hold_milestone", "hold_closing", "consolidate", "conclude",
            "abort"] == [t.id for t in tpl.triggers]
    events = {"partner_added", "circle_member_joined", "facilitator_assigned",
              "theme_proposed", "theme_selected", "logistics_clarified", "event_scheduled",
              "vision_set", "goal_added", "target_group_added", "existing_activity_recorded",
              "team_formed", "project_added", "project_status_changed", "outcome_recorded",
              "consolidation_chosen", "note_added", "meeting_held", "communication_recorded",
              "political_contact_recorded", "funding_recorded", "person_added", "patron_won",
              "circle_member_left", "theme_updated", "theme_deselected", "minutes_recorded"}
    assert events <= {e.id for e in tpl.events}
    assert {"circle_min_companies": 5, "circle_max_speakers": 2, "themes_min": 1,
            "themes_selected_before_kickoff": 0, "vision_goal_team_before_milestone": 2,
            "milestones_min": 3, "milestones_max": 5, "projects_min": 1,
            "projects_expected_min": 3, "projects_expected_max": 5, "reminder_days": 14,
            "milestone_interval_max_days": 120, "minutes_due_days": 14, "stall_days": 90,
            "implementation_max_days": 540} == dict(tpl.values)


def test_bundled_reason_codes(tpl: v.ProcessTemplate) -> None:
    """Every reason code of the contract is a guard of the bundled template."""
    guards = {g.code for t in tpl.transitions for g in t.guards}
    assert {"circle_too_small", "no_theme_selected", "logistics_open", "no_facilitator",
            "no_vision", "no_goal", "no_team", "too_few_milestones", "too_few_projects",
            "no_consolidation_form", "reason_required", "no_theme_identified"} <= guards


def test_bundled_labels_in_both_languages(tpl: v.ProcessTemplate) -> None:
    """Every phase and trigger has a German and an English label."""
    for item in (*tpl.phases, *tpl.triggers):
        assert item.label.de, item.id
        assert item.label.en, item.id


def test_milestone_series_edges(tpl: v.ProcessTemplate) -> None:
    """hold_milestone enters the series from kickoff and stops at the last member."""
    edges = [(t.source, t.target) for t in tpl.trigger("hold_milestone").transitions]
    assert [("kickoff", "milestone_1"), ("milestone_1", "milestone_2"),
            ("milestone_2", "milestone_3"), ("milestone_3", "milestone_4"),
            ("milestone_4", "milestone_5")] == edges


def test_every_milestone_carries_vision_goal_team(tpl: v.ProcessTemplate) -> None:
    """Every milestone edge carries the vision, goal and team guards; a parameter says from
    which meeting on they apply."""
    edges = tpl.trigger("hold_milestone").transitions
    assert all([g.code for g in t.guards] == ["no_vision", "no_goal", "no_team"] for t in edges)


def test_abort_from_every_non_final_phase(tpl: v.ProcessTemplate) -> None:
    """abort leaves every non-final phase and none of the final ones."""
    sources = [t.source for t in tpl.trigger("abort").transitions]
    assert [p for p in PHASES if p not in ("concluded", "aborted")] == sources


def test_series_labels_are_numbered(tpl: v.ProcessTemplate) -> None:
    """Series members get their number in both languages."""
    assert ("2. Meilensteintreffen", "Milestone meeting 2") == (
        tpl.phase("milestone_2").label.de, tpl.phase("milestone_2").label.en)


def test_with_parameters_is_a_new_template(tpl: v.ProcessTemplate) -> None:
    """with_parameters returns a new template and leaves the original unchanged."""
    four = tpl.with_parameters(milestones_max=4)
    assert "milestone_5" not in [p.id for p in four.phases]
    assert "milestone_5" in [p.id for p in tpl.phases]
    assert [] == [t for t in four.trigger("hold_milestone").transitions
                  if t.source == "milestone_4"]


def test_template_is_immutable(tpl: v.ProcessTemplate) -> None:
    """Fields cannot be reassigned and mappings cannot be changed."""
    with pytest.raises(ValidationError):
        tpl.id = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        tpl.values["milestones_max"] = 9  # type: ignore[index]


def test_unknown_lookups_raise_key_error(tpl: v.ProcessTemplate) -> None:
    """phase(), trigger() and event() raise KeyError for unknown ids."""
    for lookup in (tpl.phase, tpl.trigger, tpl.event):
        with pytest.raises(KeyError):
            lookup("nope")


def test_source_positions_point_into_the_yaml(tpl: v.ProcessTemplate) -> None:
    """Phases, triggers and guards know the line of the YAML that declares them."""
    path = tpl.phase("kickoff").source
    assert path is not None
    assert path.path.endswith("verantwortungspartner.yaml")
    [transition] = tpl.trigger("hold_kickoff").transitions
    guard = transition.guards[0].source
    assert guard is not None
    assert guard.line > path.line


def test_series_live_on_the_expanded_template(tpl: v.ProcessTemplate) -> None:
    """The expanded template names each series with its bounds and member phases."""
    [series] = tpl.series
    assert ("milestone", 3, 5) == (series.id, series.min, series.max)
    assert tuple(f"milestone_{n}" for n in range(1, 6)) == series.members
    assert series is tpl.series_of("milestone")
    assert None is tpl.series_of("kickoff")
    assert (4, 4) == (len(tpl.with_parameters(milestones_max=4).series[0].members),
                      tpl.with_parameters(milestones_max=4).series[0].max)


def test_triggers_say_when_they_leave_every_phase(tpl: v.ProcessTemplate) -> None:
    """A trigger written with from: "*" is marked on the expanded model."""
    assert {"abort"} == {t.id for t in tpl.triggers if t.any_source}


def test_a_variant_names_its_base() -> None:
    """extends: is part of the expanded template, so no layer reads the raw document."""
    assert "verantwortungspartner" == v.load_template(
        "verantwortungspartner-thueringen").extends
    assert None is v.load_template("verantwortungspartner").extends


def test_with_parameters_builds_each_variant_once(tpl: v.ProcessTemplate) -> None:
    """The same values give the same template object; the defaults give the template."""
    four = tpl.with_parameters(milestones_max=4)
    assert four is tpl.with_parameters(milestones_max=4)
    assert four is not tpl.with_parameters(milestones_max=5, circle_min_companies=6)
    assert tpl is tpl.with_parameters(milestones_max=5)
    assert tpl is tpl.with_parameters()


def test_equality_does_not_depend_on_variants_built() -> None:
    """Two loads of one file stay equal after one of them built a variant."""
    a, b = v.load_template("verantwortungspartner"), v.load_template("verantwortungspartner")
    a.with_parameters(milestones_max=4)
    assert a == b


SHIPPED = SHIPPED_TEMPLATES


def _shipped(path: Path) -> v.ProcessTemplate:
    return v.load_template(path)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_the_digest_lives_on_the_expanded_template(path: Path) -> None:
    """``tpl.digest`` is the semantic digest of what the template was built from."""
    tpl = _shipped(path)
    assert semantic_digest(tpl.document) == tpl.digest


def test_variants_have_the_digest_of_their_definition(tpl: v.ProcessTemplate) -> None:
    """Other parameter values keep the digest: it names the definition, not the values."""
    assert tpl.digest == tpl.with_parameters(milestones_max=4).digest


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_collection_is_on_the_expanded_template_once(path: Path) -> None:
    """``all_collections`` holds the built-in collections, then the declared ones, each once."""
    tpl = _shipped(path)
    assert [*BUILTIN_COLLECTIONS, *tpl.collections] == list(tpl.all_collections)
    assert set() == set(BUILTIN_COLLECTIONS) & set(tpl.collections)
    assert all(tpl.all_collections[k] == spec for k, spec in tpl.collections.items())


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_payload_fields_live_on_each_event(path: Path) -> None:
    """Each event's payload fields are expanded once, as event_fields says."""
    tpl = _shipped(path)
    doc = tpl.document
    for ev in tpl.events:
        assert event_fields(ev.spec, doc.collections, doc.triggers) == dict(ev.fields), ev.id


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_series_keep_their_bounds_as_written(path: Path) -> None:
    """A series keeps its declared bounds (a number or a parameter) beside the resolved ones."""
    tpl = _shipped(path)
    for series in tpl.series:
        assert tpl.document.phases[series.id].series == series.declared


def test_payload_fields_of_an_event_are_read_only(tpl: v.ProcessTemplate) -> None:
    """An update event's fields hold its key and what it changes, and cannot be changed."""
    fields = tpl.event("project_status_changed").fields
    assert {"project", "status"} <= set(fields)
    with pytest.raises(TypeError):
        fields["x"] = fields["project"]  # type: ignore[index]


def test_the_definition_text_loads_to_the_same_template(tpl: v.ProcessTemplate) -> None:
    """What a store keeps (``definition_text``) loads again to a template of the same digest."""
    from verantwortung.io.loader import load_text
    from verantwortung.rules.registry import registry

    text = tpl.definition_text()
    assert text is tpl.definition_text()  # computed once
    again = load_text(text, "<kept>", custom_rules=registry)
    assert tpl.digest == again.digest
    assert [] == tpl.differences(again)
    assert "extends" not in json.loads(
        v.load_template("verantwortungspartner-thueringen").definition_text())


def test_differences_name_what_changed(tpl: v.ProcessTemplate) -> None:
    """``differences`` lists the semantic changes from one template to another."""
    other = v.load_template("verantwortungspartner-thueringen")
    assert [] == tpl.differences(tpl)
    found = tpl.differences(other, limit=3)
    assert 4 == len(found)
    assert found[-1].startswith("... and ")


def test_variants_share_their_definition(tpl: v.ProcessTemplate) -> None:
    """Variants of one load share a definition (and differ in key); another load does not."""
    four = tpl.with_parameters(milestones_max=4)
    assert four.same_definition(tpl)
    assert four.variant_key != tpl.variant_key
    assert four.variant_key[0] == tpl.variant_key[0]
    other = v.load_template(ROOT / "process_templates" / "verantwortungspartner.yaml")
    assert not other.same_definition(tpl)
