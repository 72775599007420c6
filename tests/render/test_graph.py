"""The graph IR: phases, transitions, series clusters, and a process's state on top."""

from __future__ import annotations

from typing import Any

import pytest

import verantwortung as v
from verantwortung.render.graph import Words, build_graph, needs_input


def test_template_graph_has_every_phase_and_transition(template: v.ProcessTemplate) -> None:
    """Nodes are the phases in order; edges are the transitions, trigger by trigger."""
    graph = build_graph(template)
    assert [p.id for p in template.phases] == [n.id for n in graph.nodes]
    assert [(t.trigger, t.source, t.target) for t in template.transitions] == [
        (e.trigger, e.source, e.target) for e in graph.edges]
    assert template.initial_phase.id == graph.initial.id
    assert None is graph.current


def test_labels_in_both_languages(template: v.ProcessTemplate) -> None:
    """Every node and edge carries its German and English label."""
    graph = build_graph(template)
    for node in graph.nodes:
        phase = template.phase(node.id)
        assert (phase.label.get("de"), phase.label.get("en")) == (node.label.de, node.label.en)
    for edge in graph.edges:
        trig = template.trigger(edge.trigger)
        assert (trig.label.get("de"), trig.label.get("en")) == (edge.label.de, edge.label.en)


def test_series_becomes_one_cluster(template: v.ProcessTemplate) -> None:
    """The milestone series is one cluster with its members and min/max from parameters."""
    [cluster] = build_graph(template).clusters
    values = template.values
    members = tuple(f"milestone_{n}" for n in range(1, values["milestones_max"] + 1))
    assert ("milestone", members, values["milestones_min"], values["milestones_max"]) == (
        cluster.id, cluster.members, cluster.min, cluster.max)
    assert "Meilensteintreffen" == cluster.label.de


def test_guards_carry_codes_rules_and_messages() -> None:
    """An edge knows its guards: code, the rule in words, the message as written."""
    graph = build_graph(v.load_template("verantwortungspartner"))
    kickoff = next(e for e in graph.edges if e.trigger == "hold_kickoff")
    codes = [g.code for g in kickoff.guards]
    assert ["circle_too_small", "no_theme_identified", "no_theme_selected", "logistics_open",
            "no_facilitator"] == codes
    circle = kickoff.guards[0]
    assert ("Die Zahl der Einträge unter „Mitglieder des Initiativkreises“, deren Art "
            "„Unternehmen“ ist, beträgt mindestens 5") == circle.rule.de
    assert circle.message.de.startswith("Der Initiativkreis hat {count} Unternehmen")


def test_wildcard_trigger_marks_every_edge_and_labels_one() -> None:
    """abort (from: "*") is any_source; of its edges into one phase, one carries the label."""
    graph = build_graph(v.load_template("verantwortungspartner"))
    aborts = [e for e in graph.edges if e.trigger == "abort"]
    assert all(e.any_source for e in aborts)
    assert [True] == [e.primary for e in aborts if e.primary]
    assert frozenset({"aborted"}) == graph.side_finals()


def test_process_marks_current_passed_and_ahead(midway: v.Process) -> None:
    """In milestone_2 the earlier phases are passed, the later ones ahead."""
    graph = build_graph(process=midway)
    states = {n.id: n.state for n in graph.nodes}
    assert "current" == states["milestone_2"]
    assert {"preparation", "kickoff", "milestone_1"} == {
        k for k, s in states.items() if s == "passed"}
    assert "ahead" == states["closing"]
    assert ("milestone_2", "Süd-Westthüringen") == (graph.current, graph.region)


def test_process_marks_taken_edges(midway: v.Process) -> None:
    """The transitions the process went through are taken, no others."""
    graph = build_graph(process=midway)
    assert [("hold_kickoff", "preparation"), ("hold_milestone", "kickoff"),
            ("hold_milestone", "milestone_1")] == [(e.trigger, e.source) for e in graph.edges
                                                   if e.taken]


def test_process_marks_outgoing_allowed_and_blocked(midway: v.Process) -> None:
    """From the current phase: the next milestone is allowed, the closing blocked with reasons."""
    graph = build_graph(process=midway)
    out = {e.trigger: e for e in graph.outgoing("milestone_2")}
    assert "allowed" == out["hold_milestone"].status
    closing = out["hold_closing"]
    assert ("blocked", ["too_few_milestones"]) == (closing.status,
                                                   [r.code for r in closing.reasons])
    assert ("Durchgeführte Meilensteintreffen: 2; für die Abschlussveranstaltung ist "
            "die Mindestzahl 3.") == closing.reasons[0].message.de
    assert ["projects_outside_expectation"] == [r.code for r in closing.warnings]
    assert all(e.status is None for e in graph.edges if e.source != "milestone_2")


def test_payload_reasons_are_needs_not_blocks(midway: v.Process) -> None:
    """abort without a reason is not blocked by the process's state: the reason is a need."""
    abort = next(e for e in build_graph(process=midway).outgoing("milestone_2")
                 if e.trigger == "abort")
    assert ("allowed", (), ["reason_required"]) == (abort.status, abort.reasons,
                                                    [r.code for r in abort.needs])
    refused = v.Process.start(midway.template, region="X").can("abort")
    assert [True] == [needs_input(r) for r in refused.reasons]


def test_graph_needs_a_template_or_process() -> None:
    """build_graph() without either is a ValueError."""
    with pytest.raises(ValueError, match="template or a process"):
        build_graph()


def test_words_fall_back_to_the_other_language() -> None:
    """A text given only in German is shown in English too."""
    assert Words("Nur deutsch", "Nur deutsch") == Words.of({"de": "Nur deutsch"})


def test_unknown_node_is_a_key_error() -> None:
    """graph.node() of an id that is no phase raises KeyError."""
    with pytest.raises(KeyError):
        build_graph(v.load_template("verantwortungspartner")).node("nope")




def test_a_guard_on_input_and_records_is_a_block_not_a_need(write: Any) -> None:
    """The graph follows the engine: a guard that also reads the records blocks the edge."""
    from tests.conftest import INPUT_TRIGGERS, MINIMAL

    proc = v.Process.start(v.load_template(write(MINIMAL + INPUT_TRIGGERS)), region="R")
    proc.fire("hold_kickoff")
    close = next(e for e in build_graph(process=proc).outgoing("kickoff")
                 if e.trigger == "close_when_due")
    assert ("blocked", ["votes_or_many_phases"], ()) == (
        close.status, [r.code for r in close.reasons], close.needs)


def _scheduled(template: v.ProcessTemplate) -> v.Process:
    """A process in preparation with its kick-off scheduled for 1 March 2012."""
    proc = v.Process.start(template, region="Harz", at="2012-01-02")
    proc.fire("event_scheduled", payload={"kind": "kickoff", "date": "2012-03-01"},
              at="2012-01-03")
    return proc


def test_a_process_graph_marks_the_deadlines_of_its_current_phase() -> None:
    """Each deadline of the current phase: due ones first with since when, then the rest;
    a template's graph has none."""
    template = v.load_template("verantwortungspartner")
    proc = _scheduled(template)
    marks = build_graph(process=proc, at="2012-02-20").deadlines
    assert [("meeting_upcoming", True), ("kickoff_overdue", False),
            ("process_stalled", False)] == [(m.code, m.due) for m in marks]
    assert Words("16. Februar 2012", "16 February 2012") == marks[0].since
    later = build_graph(process=proc, at="2012-03-05").deadlines
    assert ("kickoff_overdue", True, "overdue") == (later[0].code, later[0].due,
                                                   later[0].severity)
    assert "1 March 2012" in later[0].message.en  # type: ignore[union-attr]
    assert () == build_graph(template).deadlines
