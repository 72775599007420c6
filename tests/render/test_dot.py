"""DOT output parses with Graphviz for every template, view and language; SVG and PNG."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import verantwortung as v
from verantwortung.render import GraphvizNotFoundError, build_graph, diagram, to_dot
from verantwortung.render.dot import GraphvizError, dot_string, run_dot

from .conftest import TRICKY, mid_process, need_dot


def _parses(source: str) -> subprocess.CompletedProcess[bytes]:
    need_dot()
    exe = shutil.which("dot")
    assert exe is not None
    return subprocess.run([exe, "-Tsvg"], input=source.encode("utf-8"), capture_output=True,
                          timeout=60, check=False)


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("view", ["template", "process"])
def test_every_template_parses(template: v.ProcessTemplate, lang: str, view: str) -> None:
    """dot -Tsvg accepts the template view and a process view of every shipped template."""
    proc = v.Process.start(template, region="Region") if view == "process" else None
    done = _parses(diagram(template, proc, fmt="dot", lang=lang))
    assert (0, b"") == (done.returncode, done.stderr)


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("source", ["verantwortungspartner", TRICKY], ids=["bundled", "tricky"])
def test_mid_process_and_tricky_labels_parse(lang: str, source: str | Path) -> None:
    """A process in milestone_2 and a template with quotes, backslashes and <> parse."""
    proc = mid_process() if source == "verantwortungspartner" else v.Process.start(
        v.load_template(source), region='Re"gion\\')
    done = _parses(diagram(None, proc, fmt="dot", lang=lang))
    assert (0, b"") == (done.returncode, done.stderr)


def test_labels_survive_graphviz() -> None:
    """Quotes, backslashes and <> come out of Graphviz's SVG as the template wrote them."""
    need_dot()
    svg = diagram(v.load_template(TRICKY), fmt="svg")
    assert "Start: &quot;ein&quot; &lt;an&gt;" in svg
    assert "1. Stufe: Ü\\" in svg
    assert "&lt;b&gt;&amp;amp;&lt;/b&gt;" in svg  # the title's literal "&amp;" stays literal


def test_process_view_marks_states_and_edges(midway: v.Process) -> None:
    """The current node has id phase-<id> and class current; blocked edges say why."""
    dot = to_dot(build_graph(process=midway), "de")
    assert 'id="phase-milestone_2"' in dot
    assert 'class="phase current"' in dot
    assert '"milestone_2" -> "closing" [label="✗ Abschlussveranstaltung\\ndurchführen"' in dot
    assert ("• Durchgeführte Meilensteintreffen: 2; für die Abschlussveranstaltung ist "
            "die Mindestzahl 3.") in dot
    need_dot()
    svg = diagram(None, midway, fmt="svg")
    assert 'id="phase&#45;milestone_2" class="node phase current"' in svg


def test_wildcard_trigger_is_drawn_once_in_the_template_view() -> None:
    """abort leaves every running phase: one edge from a note, not one from each phase."""
    dot = to_dot(build_graph(v.load_template("verantwortungspartner")), "en")
    assert ['"*abort" -> "aborted"'] == [line.strip().split(" [")[0] for line in dot.split("\n")
                                         if '-> "aborted"' in line]
    assert '"*abort" [label="From every running phase", shape="note"' in dot


def test_svg_and_png_through_graphviz(template: v.ProcessTemplate) -> None:
    """svg is text, png is bytes with the PNG signature."""
    need_dot()
    assert diagram(template, fmt="svg").lstrip().startswith("<?xml")
    assert diagram(template, fmt="png").startswith(b"\x89PNG\r\n\x1a\n")


def test_missing_graphviz_is_a_clear_error(monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    """Without dot on PATH, svg and png raise GraphvizNotFoundError saying how to install it."""
    monkeypatch.setenv("PATH", str(tmp_path))
    tpl = v.load_template("verantwortungspartner")
    with pytest.raises(GraphvizNotFoundError, match="apt-get install graphviz"):
        diagram(tpl, fmt="png")
    assert isinstance(GraphvizNotFoundError("svg"), v.VerantwortungError)
    assert diagram(tpl, fmt="dot").startswith('digraph "verantwortungspartner" {')


def test_graphviz_failure_is_reported() -> None:
    """Invalid DOT makes run_dot raise GraphvizError with Graphviz's message."""
    need_dot()
    with pytest.raises(GraphvizError, match="syntax error"):
        run_dot("digraph { -> }")


def test_unknown_formats_are_refused() -> None:
    """diagram() and run_dot() name the formats they know."""
    tpl = v.load_template("verantwortungspartner")
    with pytest.raises(ValueError, match="mermaid, dot, svg, png"):
        diagram(tpl, fmt="pdf")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="languages are de, en"):
        diagram(tpl, lang="fr")
    with pytest.raises(ValueError, match="svg or png"):
        run_dot("digraph {}", "jpg")


@pytest.mark.parametrize(("text", "expected"), [
    ("plain", '"plain"'),
    ('say "hi"', '"say \\"hi\\""'),
    ("back\\slash", '"back\\\\slash"'),
    ("two\nlines", '"two\\nlines"'),
    ("a < b & c", '"a &lt; b &amp; c"'),
])
def test_dot_strings_are_quoted_and_escaped(text: str, expected: str) -> None:
    """Every DOT string is quoted; quotes, backslashes, newlines and HTML are escaped."""
    assert expected == dot_string(text)


def test_the_current_phase_carries_a_note_of_its_deadlines() -> None:
    """A note beside the current phase lists its deadlines; red once one is overdue."""
    tpl = v.load_template("verantwortungspartner")
    proc = v.Process.start(tpl, region="Harz", at="2012-01-02")
    proc.fire("event_scheduled", payload={"kind": "kickoff", "date": "2012-03-01"},
              at="2012-01-03")
    source = to_dot(build_graph(process=proc, at="2012-03-05"), "en")
    assert "! Kick-off overdue (since 2 March 2012)" in source
    assert "- Event coming up: not due" in source
    assert 'class="deadlines overdue"' in source
    assert '{ rank=same; "preparation"; "*deadlines*preparation"; }' in source
    assert "deadlines" not in to_dot(build_graph(tpl), "en")
