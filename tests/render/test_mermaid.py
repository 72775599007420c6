"""Mermaid stateDiagram-v2 output: a grammar check for every template, view and language."""

from __future__ import annotations

import re

import pytest

import verantwortung as v
from verantwortung.render import diagram
from verantwortung.render.mermaid import mermaid_id, mermaid_ids, mermaid_text

from .conftest import TRICKY, mid_process

ID = r"[A-Za-z_][A-Za-z0-9_]*"
KEYWORDS = {"state", "note", "end", "as", "of", "left", "right", "direction", "class",
            "classdef", "style", "click", "on", "default"}
LINE = {
    "classDef": re.compile(rf"^    classDef ({ID}) ([^;\n]+)$"),
    "state": re.compile(rf'^    state "([^"\n]*)" as ({ID})$'),
    "start": re.compile(rf"^    \[\*\] --> ({ID})$"),
    "end": re.compile(rf"^    ({ID}) --> \[\*\]$"),
    "edge": re.compile(rf"^    ({ID}) --> ({ID})(?: : (.+))?$"),
    "class": re.compile(rf"^    class ({ID}(?:,{ID})*) ({ID})$"),
    "note": re.compile(rf"^    note (?:right|left) of ({ID})$"),
}
# after Mermaid's entity codes (#58;) are taken out, none of these may remain in a label
UNSAFE = re.compile(r'[:;"<>{}%`#&\\\[\]\n]')


def _safe(label: str) -> bool:
    return UNSAFE.search(re.sub(r"#\d+;", "", label)) is None


def check(text: str) -> dict[str, str]:
    """Validate ``text`` line by line; return the declared ids and their labels."""
    lines = text.rstrip("\n").split("\n")
    assert "stateDiagram-v2" == lines[0]
    declared: dict[str, str] = {}
    used: set[str] = set()
    in_note = False
    for line in lines[1:]:
        if in_note:
            if line == "    end note":
                in_note = False
                continue
            assert line.startswith("        "), line
            assert _safe(line.strip()), line
            continue
        kind, match = next(((k, m) for k, p in LINE.items() if (m := p.match(line))),
                           (None, None))
        assert match is not None, f"not stateDiagram-v2 syntax: {line!r}"
        if kind == "state":
            assert _safe(match[1]), line
            declared[match[2]] = match[1]
        elif kind in ("start", "end", "note"):
            used.add(match[1])
            in_note = kind == "note"
        elif kind == "edge":
            used.update((match[1], match[2]))
            assert match[3] is None or _safe(match[3]), line
        elif kind == "class":
            used.update(match[1].split(","))
    assert not in_note
    assert set() == used - set(declared)
    assert [] == [i for i in declared if i.lower() in KEYWORDS]
    return declared


@pytest.mark.parametrize("lang", ["de", "en"])
def test_template_view_follows_the_grammar(template: v.ProcessTemplate, lang: str) -> None:
    """The template diagram has one state per phase and only valid lines."""
    declared = check(diagram(template, lang=lang))
    assert [p.label.get(lang) for p in template.phases] == list(declared.values())


@pytest.mark.parametrize("lang", ["de", "en"])
def test_process_view_follows_the_grammar(template: v.ProcessTemplate, lang: str) -> None:
    """A new process on every template draws valid Mermaid with its current phase classed."""
    proc = v.Process.start(template, region="Region")
    text = diagram(None, proc, lang=lang)
    check(text)
    assert "    class preparation current" in text.split("\n")


@pytest.mark.parametrize("lang", ["de", "en"])
def test_mid_process_shows_blocked_reasons_in_a_note(lang: str) -> None:
    """In milestone_2 the closing is blocked; the note says why, in the chosen language."""
    text = diagram(None, mid_process(), lang=lang)
    check(text)
    if lang == "de":
        assert "    milestone_2 --> closing : ✗ Abschlussveranstaltung durchführen" in text
        assert ("        - Durchgeführte Meilensteintreffen#58; 2#59; für die "
                "Abschlussveranstaltung ist die Mindestzahl 3.") in text
    else:
        assert "    milestone_2 --> milestone_3 : ✓ Hold a milestone meeting" in text
    assert "class preparation,kickoff,milestone_1 passed" in text


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("view", ["template", "process"])
def test_tricky_labels_and_ids_stay_safe(lang: str, view: str) -> None:
    """Umlauts, quotes, colons, <>, #, % and keyword ids like 'on' cannot break the diagram."""
    tpl = v.load_template(TRICKY)
    proc = v.Process.start(tpl, region="R") if view == "process" else None
    declared = check(diagram(tpl, proc, lang=lang))
    assert {"s_on", "s_end", "state_1", "state_2", "s_note"} == set(declared)
    expected = "Start#58; #34;ein#34; #60;an#62;" if lang == "de" else \
        "Start#58; #34;on#34; #60;on#62;"
    assert expected == declared["s_on"]


def test_ids_are_mapped_and_unique() -> None:
    """Ids outside [A-Za-z0-9_] or equal to a keyword get a prefix; clashes get a number."""
    assert "milestone_1" == mermaid_id("milestone_1")
    assert "s_on" == mermaid_id("on")
    assert "s_a_2d_b" == mermaid_id("a-b")
    assert "s_1x" == mermaid_id("1x")
    assert "s_f_fc_r" == mermaid_id("für")
    assert {"on": "s_on", "s_on": "s_on_2", "ON": "s_ON_3"} == mermaid_ids(["on", "s_on", "ON"])


def test_text_is_one_line_with_entities() -> None:
    """Labels become one line; characters that end or start markup become entity codes."""
    assert "a#58; b#59; #34;c#34; #60;d#62; ü" == mermaid_text('a: b;\n"c" <d> ü')


def test_the_note_at_the_current_phase_lists_its_deadlines() -> None:
    """The note names each deadline of the phase: due ones with since when, then the rest."""
    tpl = v.load_template("verantwortungspartner")
    proc = v.Process.start(tpl, region="Harz", at="2012-01-02")
    text = diagram(None, proc, lang="de")
    assert "Fristen dieser Phase#58;" in text
    assert "! Prozess ins Stocken geraten (seit 2. April 2012)" in text
    assert "- Veranstaltung steht bevor#58; nicht fällig" in text
