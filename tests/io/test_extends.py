"""``extends:`` merges by key, removes and replaces, and keeps where things came from."""

from __future__ import annotations

from pathlib import Path

import pytest

import verantwortung as v
from tests.conftest import MINIMAL


def _base(write) -> Path:  # type: ignore[no-untyped-def]
    return write(MINIMAL + """\
parameters:
  circle_min: {type: int, default: 5, min: 1, max: 9}
collections:
  partners:
    label: {de: Partner, en: Partners}
    fields: {id: {type: id}, kind: {type: choice, values: [company, other]}}
events:
  partner_added: {label: {de: Partner, en: Partner}, adds: partners}
""", "base.yaml")


def test_child_overrides_labels_and_keeps_the_rest(write) -> None:  # type: ignore[no-untyped-def]
    """A child changes one label; every other element comes from the base."""
    _base(write)
    child = write("""\
extends: base.yaml
id: child
version: "2"
phases:
  kickoff: {label: {de: Großer Auftakt}}
""", "child.yaml")
    tpl = v.load_template(child)
    assert "Großer Auftakt" == tpl.phase("kickoff").label.de
    assert "Kick-off" == tpl.phase("kickoff").label.en
    assert ("child", "2", "Mini") == (tpl.id, tpl.version, tpl.title.de)
    assert "child.yaml" in str(tpl.phase("kickoff").source)
    assert "base.yaml" in str(tpl.phase("closing").source)


def test_parameter_shorthand_overrides_the_default(write) -> None:  # type: ignore[no-untyped-def]
    """``name: value`` under parameters sets the default and keeps type and bounds."""
    _base(write)
    child = write("extends: base.yaml\nid: c\nversion: '1'\nparameters: {circle_min: 7}\n",
                  "child.yaml")
    tpl = v.load_template(child)
    assert 7 == tpl.values["circle_min"]
    assert 9 == tpl.parameters["circle_min"].max


def test_shorthand_out_of_bounds_points_at_the_child(write) -> None:  # type: ignore[no-untyped-def]
    """A default outside the base's bounds is reported in the child file."""
    _base(write)
    child = write("extends: base.yaml\nid: c\nversion: '1'\nparameters:\n  circle_min: 70\n",
                  "child.yaml")
    [diag] = [d for d in v.check_template(child) if d.severity == "error"]
    assert ("E307", 5, 15) == (diag.code, diag.line, diag.column)
    assert diag.path.endswith("child.yaml")


def test_remove_and_replace(write) -> None:  # type: ignore[no-untyped-def]
    """``remove: true`` deletes an element; ``replace: true`` swaps it whole."""
    _base(write)
    child = write("""\
extends: base.yaml
id: c
version: "1"
events:
  partner_added: {remove: true}
triggers:
  hold_kickoff:
    replace: true
    label: {de: Neu, en: New}
    from: preparation
    to: kickoff
""", "child.yaml")
    tpl = v.load_template(child)
    assert [] == [e.id for e in tpl.events]
    assert "New" == tpl.trigger("hold_kickoff").label.en


def test_guards_merge_by_code(write) -> None:  # type: ignore[no-untyped-def]
    """A child adds a guard to a trigger of the base without repeating the others."""
    _base(write)
    child = write("""\
extends: base.yaml
id: c
version: "1"
triggers:
  hold_kickoff:
    guards:
      too_few:
        rule: {count: partners, min: {param: circle_min}}
        message: {de: "{count} < {min}", en: "{count} < {min}"}
""", "child.yaml")
    [transition] = v.load_template(child).trigger("hold_kickoff").transitions
    assert ["too_few"] == [g.code for g in transition.guards]
    source = transition.guards[0].source
    assert source is not None
    assert (7, 7) == (source.line, source.column)
    assert source.path.endswith("child.yaml")


def test_remove_of_unknown_entry_is_an_error(write) -> None:  # type: ignore[no-untyped-def]
    """Removing what the base does not have is E403, not a silent no-op."""
    _base(write)
    child = write("extends: base.yaml\nid: c\nversion: '1'\nevents:\n  parner_added: "
                  "{remove: true}\n", "child.yaml")
    assert [("E403", 5, 3)] == [(d.code, d.line, d.column) for d in v.check_template(child)]


def test_extends_a_bundled_template_by_id(write) -> None:  # type: ignore[no-untyped-def]
    """A bundled id works as base; the Thüringen variant is an example."""
    tpl = v.load_template("verantwortungspartner-thueringen")
    assert ["milestone_1", "milestone_2", "milestone_3", "milestone_4"] == [
        p.id for p in tpl.phases if p.series]
    guards = {g.code for t in tpl.trigger("hold_closing").transitions for g in t.guards}
    assert {"too_few_milestones", "too_few_projects", "no_impulse_event"} == guards


@pytest.mark.parametrize(("child", "code"), [
    ("extends: nowhere\nid: c\nversion: '1'\n", "E401"),
    ("extends: self.yaml\nid: c\nversion: '1'\n", "E402"),
    ("extends: 12\nid: c\nversion: '1'\n", "E103"),
])
def test_broken_extends(write, child: str, code: str) -> None:  # type: ignore[no-untyped-def]
    """Unknown bases, cycles and non-text references are located errors."""
    path = write(child, "self.yaml")
    assert [(code, 1, 10)] == [(d.code, d.line, d.column) for d in v.check_template(path)]


def test_errors_in_the_base_point_at_the_base(write) -> None:  # type: ignore[no-untyped-def]
    """A problem that lives in the base file is reported with the base's path."""
    write(MINIMAL.replace("to: kickoff}", "to: kickof}"), "base.yaml")
    child = write("extends: base.yaml\nid: c\nversion: '1'\n", "child.yaml")
    [diag] = [d for d in v.check_template(child) if d.code == "E201"]
    assert diag.path.endswith("base.yaml")


# -- lists say what they do ------------------------------------------------------------------

CHILD_HEAD = 'extends: base.yaml\nid: c\nversion: "1"\n'


def _child(write, body: str) -> Path:  # type: ignore[no-untyped-def]
    """The base of this module, and a child of it with ``body`` after its head lines."""
    _base(write)
    return write(CHILD_HEAD + body, "child.yaml")  # type: ignore[no-any-return]


def _edges(tpl: v.ProcessTemplate, trigger: str) -> list[tuple[object, str, list[str]]]:
    spec = tpl.document.triggers[trigger]
    return [(t.from_, t.to, list(t.guards)) for t in spec.transitions or []]


def test_transitions_merge_by_edge(write) -> None:  # type: ignore[no-untyped-def]
    """A child's transition with the base's from/to merges into it; the other edges stay."""
    child = _child(write, """\
triggers:
  hold_milestone:
    transitions:
      - from: kickoff
        to: milestone
        guards:
          few:
            rule: {count: partners, min: 1}
            message: {de: Zu wenige., en: Too few.}
""")
    tpl = v.load_template(child)
    expected = [("kickoff", "milestone", ["few"]), ("milestone", "milestone", [])]
    assert expected == _edges(tpl, "hold_milestone")
    [edge] = [t for t in tpl.transitions
              if t.trigger == "hold_milestone" and t.source == "kickoff"]
    assert "child.yaml" in str(edge.guards[0].source)


def test_transition_with_a_new_edge_is_added_and_remove_deletes_one(  # type: ignore[no-untyped-def]
        write) -> None:
    """A transition the base lacks is added; ``remove: true`` beside from/to deletes one;
    ``from: [x]`` and ``from: x`` name the same edge."""
    child = _child(write, """\
triggers:
  hold_milestone:
    transitions:
      - {from: milestone, to: milestone, remove: true}
      - {from: [closing, milestone], to: milestone}
""")
    diagnostics = [d for d in v.check_template(child) if d.severity == "error"]
    tpl = v.load_template(child) if not diagnostics else None
    assert tpl is not None, diagnostics
    expected = [("kickoff", "milestone", []), (["closing", "milestone"], "milestone", [])]
    assert expected == _edges(tpl, "hold_milestone")


def test_append_adds_to_the_base_list_and_replace_replaces_it(  # type: ignore[no-untyped-def]
        write) -> None:
    """``{append: [...]}`` keeps the base's entries; ``{replace: [...]}`` and a bare list
    replace them."""
    write(MINIMAL.replace(
        "  kickoff: {label: {de: Auftakt, en: Kick-off}}\n",
        "  kickoff:\n    label: {de: Auftakt, en: Kick-off}\n"
        "    checklist: [{de: Einladen, en: Invite}]\n"
        "    questions: [{de: Wer?, en: Who?}]\n"), "base.yaml")
    child = write("""\
extends: base.yaml
id: c
version: "1"
phases:
  kickoff:
    checklist:
      append: [{de: Raum buchen, en: Book a room}]
    questions:
      replace: [{de: Wann?, en: When?}]
  closing:
    checklist: [{de: Danken, en: Thank}]
""")
    tpl = v.load_template(child)
    kickoff, closing = tpl.document.phases["kickoff"], tpl.document.phases["closing"]
    expected = (["Einladen", "Raum buchen"], ["Wann?"], ["Danken"])
    actual = ([t.de for t in kickoff.checklist], [t.de for t in kickoff.questions],
              [t.de for t in closing.checklist])
    assert expected == actual


def test_append_of_a_single_entry_says_how_to_write_it(write) -> None:  # type: ignore[no-untyped-def]
    """``{append: x}`` without a list is E403 at the directive, quoting the fix in YAML."""
    child = _child(write, """\
phases:
  kickoff:
    checklist:
      append: {de: Raum buchen, en: Book a room}
""")
    errors = [d for d in v.check_template(child) if d.severity == "error"]
    assert [(d.path, d.line, d.code) for d in errors] == [(str(child), 7, "E403")]
    assert "write 'append: [{de: Raum buchen, en: Book a room}]'" in errors[0].message


def test_override_out_of_bounds_says_value_not_default(write) -> None:  # type: ignore[no-untyped-def]
    """E307 for a child's override names the value the consultant wrote, not a default."""
    _base(write)
    child = write("extends: base.yaml\nid: c\nversion: '1'\nparameters:\n  circle_min: 70\n",
                  "child.yaml")
    [diag] = [d for d in v.check_template(child) if d.code == "E307"]
    expected = ("value 70 of parameter 'circle_min' is outside the bounds 1..9 that the "
                "base template sets")
    assert expected == diag.message


def test_problem_a_child_causes_in_the_base_is_told_in_the_child(  # type: ignore[no-untyped-def]
        write) -> None:
    """A phase the child's change leaves unreachable is reported at that change."""
    child = _child(write, """\
triggers:
  hold_milestone:
    transitions:
      replace: [{from: kickoff, to: milestone}]
""")
    unreachable = [d for d in v.check_template(child) if d.code == "E303"]
    expected = [("child.yaml", 6, 5)] * 4  # milestone_2 .. milestone_5
    actual = [(Path(d.path).name, d.line, d.column) for d in unreachable]
    assert expected == actual
    assert all("base.yaml:" in d.message for d in unreachable)


def test_a_one_phase_from_list_names_the_same_edge(write) -> None:  # type: ignore[no-untyped-def]
    """``from: [milestone]`` in a child merges into the base's ``from: milestone``."""
    child = _child(write, """\
triggers:
  hold_milestone:
    transitions:
      - {from: [milestone], to: milestone, remove: true}
""")
    expected = {"E303"}  # the edge is gone, so later milestones cannot be reached
    actual = {d.code for d in v.check_template(child) if d.severity == "error"}
    assert expected == actual


def test_base_errors_stay_in_the_base_when_the_child_adds_phases(write) -> None:  # type: ignore[no-untyped-def]
    """A base's own error stays in the base even when its message lists the child's ids."""
    write(MINIMAL.replace("to: kickoff}", "to: kickof}"), "base.yaml")
    child = write(CHILD_HEAD + "phases:\n  impulse: {label: {de: Impuls, en: Impulse}}\n",
                  "child.yaml")
    [diag] = [d for d in v.check_template(child) if d.code == "E201"]
    expected = ("base.yaml", True)
    assert expected == (Path(diag.path).name, "impulse" in diag.message)
