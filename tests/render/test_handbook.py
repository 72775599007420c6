"""The handbook: every phase, the guiding questions, each rule in words, md and html."""

from __future__ import annotations

from pathlib import Path

import pytest

import verantwortung as v
from verantwortung.render import handbook
from verantwortung.render.handbook import rule_sentences
from verantwortung.render.words import label

from .conftest import TRICKY, need_dot, outside_refs
from .test_mermaid import check

SEED_QUESTIONS = ["Vision für die Region", "Ziele und Zielgruppen", "Aktivitäten in der Region",
                  "längerfristig engagieren"]


def _codes(tpl: v.ProcessTemplate) -> set[str]:
    found = {c.code for t in tpl.transitions for c in (*t.guards, *t.advisories)}
    return found | {c.code for e in tpl.events for c in (*e.guards, *e.advisories)}


def _mermaid_block(md: str) -> str:
    return md.split("```mermaid\n", 1)[1].split("```", 1)[0]


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_every_phase_and_rule(template: v.ProcessTemplate, lang: str, fmt: str) -> None:
    """Each phase (a series once, as 'label 1–max') and every rule sentence is in the text."""
    text = handbook(template, lang=lang, fmt=fmt, graphviz=False)
    for phase in template.phases:
        if phase.series is None:
            assert f"{phase.label.get(lang)}<" in text or f"# {phase.label.get(lang)}\n" in text
    series = "Meilensteintreffen" if lang == "de" else "Milestone meeting"
    assert f"{series} 1–{template.values['milestones_max']}" in text
    sentences = rule_sentences(template, lang)
    assert _codes(template) == set(sentences)
    for sentence in sentences.values():
        assert sentence in text


def test_bundled_handbook_in_german_has_the_seed() -> None:
    """The German handbook asks the seed's questions and states the circle rule in words."""
    tpl = v.load_template("verantwortungspartner")
    md = handbook(tpl, lang="de")
    for question in SEED_QUESTIONS:
        assert question in md
    circle = rule_sentences(tpl, "de")["circle_too_small"]
    assert ("Die Zahl der Einträge unter „Mitglieder des Initiativkreises“, deren Art "
            "„Unternehmen“ ist, beträgt mindestens 5.") == circle
    assert f"**Regel** {circle} *(Wahl der Region)*" in md
    assert "Meldung bei Ablehnung: „Der Initiativkreis hat … Unternehmen; die Mindestzahl " \
           "ist 5.“" in md
    assert ("**Empfehlung** Die Zahl der Einträge unter „Projekte“, deren Status weder „Nicht "
            "umsetzbar“ noch „Verworfen“ ist, beträgt 3 bis 5. *(so will es die Methode)*") in md
    assert "- [ ] Vision für die Region formulieren" in md
    assert "| **Mindestzahl Unternehmen im Initiativkreis** `circle_min_companies` | 5 | 0–50 |" \
           in md
    assert "- **Prozess abbrechen** → Abgebrochen" in md  # once, in "In jeder laufenden Phase"
    assert 1 == md.count("**Prozess abbrechen**")


def test_variant_has_its_own_handbook() -> None:
    """The Thüringen variant: 4 milestones, the impulse-event rule, and where it comes from."""
    md = handbook(v.load_template("verantwortungspartner-thueringen"), lang="de")
    assert "Variante von verantwortungspartner" in md
    assert "### Meilensteintreffen 1–4" in md
    assert "*4 Meilensteintreffen*" in md
    assert "Es fanden mindestens 4 Meilensteintreffen statt." in md
    assert ("Die Zahl der Einträge unter „Treffen und Auftritte“, deren Art "
            "„Impulsveranstaltung“ ist, beträgt mindestens 1.") in md
    assert "„Schirmherrschaft“ ist übernommen" in md
    assert "ist nicht gleich „Impulsveranstaltung“" in md  # a choice value by its label
    assert "drei bis fünf" not in md.split("### Meilensteintreffen 1–4")[1].split("###")[0]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_markdown_embeds_a_valid_mermaid_diagram(template: v.ProcessTemplate,
                                                 lang: str) -> None:
    """The Markdown handbook has the phase diagram as a mermaid block."""
    check(_mermaid_block(handbook(template, lang=lang)))


def test_markdown_escapes_markup() -> None:
    """Labels with <, *, _ or # cannot turn into HTML or formatting in Markdown."""
    md = handbook(v.load_template(TRICKY), lang="de")
    assert "\\<script\\>alert(1)\\</script\\>" in md
    assert "<script>" not in md.replace(_mermaid_block(md), "")
    check(_mermaid_block(md))


def test_html_without_graphviz_falls_back_to_mermaid_text() -> None:
    """Without Graphviz the HTML shows the Mermaid source in a <pre>, and runs no script."""
    html = handbook(v.load_template(TRICKY), lang="en", fmt="html", graphviz=False)
    assert '<pre class="mermaid">stateDiagram-v2' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert [] == outside_refs(html)


def test_html_with_graphviz_inlines_svg() -> None:
    """With Graphviz the HTML inlines the diagram as SVG, naming no outside address."""
    need_dot()
    html = handbook(v.load_template("verantwortungspartner"), fmt="html")
    assert '<svg role="img" aria-label="Verantwortungspartner-Methode"' in html
    assert [] == outside_refs(html)
    for absent in ('<pre class="mermaid">', "<!doctype svg", "<?xml", "<!--"):
        assert absent not in html.lower()


def test_unknown_format_and_language_are_refused() -> None:
    """handbook() names the formats and languages it knows."""
    tpl = v.load_template("verantwortungspartner")
    with pytest.raises(ValueError, match="md, html"):
        handbook(tpl, fmt="pdf")
    with pytest.raises(ValueError, match="de, en"):
        handbook(tpl, lang="fr")


SCHOOL = Path(__file__).resolve().parents[2] / "examples" / "school_partnership" / \
    "schule_wirtschaft.yaml"


def test_a_series_is_counted_in_the_template_s_own_noun() -> None:
    """A series of school years is "2 bis 3 Schuljahre", never "Treffen" or meetings."""
    tpl = v.load_template(SCHOOL)
    de, en = handbook(tpl, lang="de"), handbook(tpl, lang="en")
    assert "*2 bis 3 Schuljahre*" in de
    assert "*2 to 3 school years*" in en
    assert "Treffen" not in de
    assert "meeting" not in en
    one = tpl.with_parameters(years_min=3)
    assert "*3 Schuljahre*" in handbook(one, lang="de")


def test_a_series_without_a_noun_counts_phases(tmp_path: Path) -> None:
    """Without noun: a series counts "Phasen" / "phases", never meetings."""
    text = SCHOOL.read_text(encoding="utf-8").replace(
        ", noun: {de: Schuljahre, en: school years},\n             noun_one: {de: Schuljahr, "
        "en: school year}}", "}")
    assert "noun" not in text
    path = tmp_path / "ohne.yaml"
    path.write_text(text, encoding="utf-8")
    tpl = v.load_template(path)
    assert "*2 bis 3 Phasen*" in handbook(tpl, lang="de")
    assert "*2 to 3 phases*" in handbook(tpl, lang="en")


def test_the_handbook_states_each_deadline_in_words() -> None:
    """Every deadline is listed with when it becomes due, the parameter values filled in."""
    tpl = v.load_template("verantwortungspartner")
    md = handbook(tpl, "de")
    assert "## Fristen" in md
    assert "mehr als 120 Tage vergangen sind" in md  # milestone_interval_max_days
    assert "laut „Datum“ in höchstens 14 Tagen ansteht" in md  # reminder_days
    en = handbook(tpl.with_parameters(stall_days=30), "en")
    assert "Due when more than 30 days have passed since the last entry." in en
    assert all(label(d.spec.label, "de") in md for d in tpl.deadlines)
