"""The SVG drawn without Graphviz: the phase timeline and the bar chart."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import verantwortung as v
from verantwortung.render.graph import build_graph
from verantwortung.render.svg import Bar, bar_chart, timeline


def test_timeline_of_every_template_is_well_formed(template: v.ProcessTemplate) -> None:
    """A new process: one current phase (the initial one), the rest ahead; valid XML."""
    svg = timeline(build_graph(process=v.Process.start(template, region="R")), "en")
    root = ET.fromstring(svg)
    states = [g.get("data-state") for g in root.iter("g") if g.get("data-phase")]
    assert ["current"] == [s for s in states if s != "ahead"]
    assert "aborted" not in re.findall(r'data-phase="([^"]+)"', svg)


def test_timeline_marks_passed_phases(midway: v.Process) -> None:
    """In milestone_2: three phases passed, the current one numbered 2, the series labelled."""
    svg = timeline(build_graph(process=midway), "de")
    passed = re.findall(r'data-phase="([^"]+)" data-state="passed"', svg)
    assert ["preparation", "kickoff", "milestone_1"] == passed
    assert ">Meilensteintreffen</tspan>" in svg
    assert ">3 bis 5 Meilensteintreffen</tspan>" in svg


def test_bar_chart_escapes_labels_and_scales_bars() -> None:
    """Labels are escaped; the largest value gets the full bar width."""
    svg = bar_chart([Bar("<b>&</b>", 4, accent=True), Bar("Verein", 2)], title="T")
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in svg
    assert "<b>" not in svg
    widths = [float(w) for w in re.findall(r'<rect x="210" y="\d+" width="([\d.]+)"', svg)]
    assert [360.0, 180.0] == widths
    ET.fromstring(svg)
