"""The HTML status report: content, escaping, no outside address; opened in Chromium."""

from __future__ import annotations

import html as htmllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import verantwortung as v
from tests.conftest import ROOT
from verantwortung.render import report
from verantwortung.store.sql import EventStore

from .conftest import (
    ARTIFACTS,
    XSS,
    launch_chromium,
    need_dot,
    outside_refs,
    run_story,
)


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("graphviz", [False, True], ids=["own-svg", "graphviz"])
def test_report_is_self_contained_and_escaped(midway: v.Process, lang: str,
                                              graphviz: bool) -> None:
    """One file: no script, no outside address; a partner named like a script is text."""
    if graphviz:
        need_dot()
    page = report(midway, lang=lang, graphviz=graphviz)
    assert [] == outside_refs(page)
    assert XSS not in page
    assert htmllib.escape(XSS) in page
    assert page.startswith("<!DOCTYPE html>")
    assert f'<html lang="{lang}">' in page
    assert ('id="diagram"' in page) is graphviz


@pytest.mark.parametrize("lang", ["de", "en"])
def test_report_of_every_template(template: v.ProcessTemplate, lang: str) -> None:
    """A new process of every shipped template: the initial phase is current, nothing leaks."""
    proc = v.Process.start(template, region="<b>Region</b>")
    page = report(proc, lang=lang, graphviz=False)
    assert f'data-phase="{template.initial_phase.id}" data-state="current"' in page
    assert "&lt;b&gt;Region&lt;/b&gt;" in page
    assert "<b>Region" not in page
    assert [] == outside_refs(page)


def test_report_shows_where_the_process_stands(midway: v.Process) -> None:
    """Timeline, badge, blocked closing with its reason, meetings, projects, network."""
    page = report(midway, graphviz=False)
    assert 1 == page.count('data-state="current"')
    assert '<g class="phase current" data-phase="milestone_2" data-state="current">' in page
    assert 'id="current-phase" data-phase="milestone_2">Aktuelle Phase: 2. Meilensteintreffen' \
        in page
    assert '<li class="blocked" data-trigger="hold_closing" data-state="blocked">' in page
    assert ("<li>Durchgeführte Meilensteintreffen: 2; für die Abschlussveranstaltung ist "
            "die Mindestzahl 3.</li>") in page
    assert "Empfehlung: Projekte: 1; üblich sind 3 bis 5." in page
    assert '<li class="allowed" data-trigger="hold_milestone" data-state="allowed">' in page
    assert "Außerdem jederzeit: Prozess abbrechen (Ein Abbruch braucht eine Begründung.)" in page
    assert '<span class="chip planned">Geplant</span>' in page
    assert '<g class="bar" data-label="Unternehmen" data-value="5">' in page
    assert "<td>2. Meilensteintreffen</td><td>Zahl der Teilnehmenden: 27</td>" in page
    assert "<dd>Südthüringen 2030: jede Lehrstelle besetzt</dd>" in page
    assert "Prozessbegleitung (Anna Schmidt)" in page


def test_a_template_without_indicators_gets_figures_of_its_own_collections() -> None:
    """No indicators (the bundled 1.0 declares none): a count per collection and a
    breakdown per choice field, by label."""
    proc = v.Process.start(v.load_template("verantwortungspartner", version="1.0"),
                           region="Harz", at="2012-01-02")
    for n, kind in enumerate(("company", "company", "municipality")):
        proc.fire("partner_added", payload={"id": f"p{n}", "name": f"P{n}", "kind": kind})
    page = report(proc, graphviz=False)
    assert '<div class="kpi" data-indicator="partners"><div class="n">3</div>' in page
    assert '<figure class="breakdown" data-indicator="partners.kind">' in page
    assert '<div class="kpi" data-indicator="series.milestone"><div class="n">0</div>' in page


def test_the_bundled_template_reports_its_indicators(midway: v.Process) -> None:
    """2.0's key figures are its indicators: the network, companies, cross-sector teams."""
    page = report(midway, graphviz=False)
    assert '<div class="kpi" data-indicator="network_size"><div class="n">7</div>' in page
    assert 'data-indicator="cross_sector_teams"' in page
    assert "Vernetzte Projektteams" in page


def _school() -> v.Process:
    tpl = v.load_template(ROOT / "examples" / "school_partnership" / "schule_wirtschaft.yaml")
    proc = v.Process.start(tpl, region="Gera")
    proc.fire("business_joined", payload={"id": "b1", "name": XSS, "trade": "craft"})
    proc.fire("agreement_signed", payload={"signed_on": "2024-08-01"})
    proc.fire("start_year")
    proc.fire("placement_held", payload={"id": "x1", "business": "b1", "pupils": 4})
    return proc


@pytest.mark.parametrize(("lang", "shown"), [("de", "01.08.2024"), ("en", "2024-08-01")])
def test_a_date_field_reads_as_a_date_of_the_language(lang: str, shown: str) -> None:
    """A record's date field is shown as people of the language write dates."""
    page = report(_school(), lang=lang, graphviz=False)
    card = page[page.index('id="records-agreement"'):]
    assert f"<dd>{shown}</dd>" in card[:card.index("</section>")]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_report_shows_the_templates_own_indicators(lang: str) -> None:
    """A standalone template: its indicators as figures, its collections as cards, and
    none of the bundled method's words; references shown by name."""
    page = report(_school(), lang=lang, graphviz=False)
    label = "Schülerinnen und Schüler im Praktikum" if lang == "de" else "Pupils on placements"
    assert (f'<div class="kpi" data-indicator="pupils_placed"><div class="n">4</div>'
            f'<div class="l">{label}</div>') in page
    craft = "Handwerk" if lang == "de" else "Craft"
    assert f'<g class="bar" data-label="{craft}" data-value="1">' in page
    assert 'id="records-placements"' in page
    assert htmllib.escape(XSS) in page
    for word in ("Initiativkreis", "initiative circle", "Projektteams", "Project teams",
                 "Unternehmen", "Vision", "Veranstaltungen", "Meetings held"):
        assert word not in page
    assert [] == outside_refs(page)
    assert XSS not in page


def test_report_in_english(midway: v.Process) -> None:
    """--lang en: English labels, ISO dates."""
    page = report(midway, lang="en", graphviz=False)
    assert "Current phase: Milestone meeting 2" in page
    assert '<td class="date">2014-06-17</td>' in page
    assert "What can be done next" in page


def test_report_of_a_finished_process(store: EventStore) -> None:
    """The demo story ends in concluded: all phases passed, nothing more to do."""
    proc = store.load(run_story(store).id)
    page = report(proc, graphviz=False)
    assert '<g class="phase current" data-phase="concluded" data-state="current">' in page
    assert "Der Prozess ist beendet; hier geschieht nichts mehr." in page
    assert "Verantwortungspartner Mittelweser e. V." in page
    assert "Vereinsgründung" in page  # the template's label of the consolidation form
    assert htmllib.escape(XSS) in page
    assert XSS not in page


def test_report_of_an_aborted_process() -> None:
    """An aborted process shows the aborted phase at the end of its timeline."""
    proc = v.Process.start(v.load_template("verantwortungspartner"), region="X")
    proc.fire("abort", payload={"reason": "Kein Thema gefunden"})
    page = report(proc, graphviz=False)
    assert 'data-phase="aborted" data-state="current"' in page
    assert "Kein Thema gefunden" in page


def test_unknown_language_is_refused(midway: v.Process) -> None:
    """report() names the languages it knows."""
    with pytest.raises(ValueError, match="de, en"):
        report(midway, lang="fr")


# -- in a real browser --------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium from Debian, driven by Playwright (no downloaded browser)."""
    yield from launch_chromium()


def _open(browser: Any, path: Path) -> tuple[Any, list[str], list[str], list[str]]:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    dialogs: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, errors, requests, dialogs


@pytest.mark.parametrize("which", ["midway", "finished"])
def test_report_in_chromium(browser: Any, which: str, midway: v.Process, store: EventStore,
                            tmp_path: Path) -> None:
    """It loads with no console error and no request, highlights the current phase, and
    shows the script-named partner as text; a screenshot goes to test-artifacts/."""
    proc = midway if which == "midway" else store.load(run_story(store).id)
    path = tmp_path / "report.html"
    path.write_text(report(proc), encoding="utf-8")
    page, errors, requests, dialogs = _open(browser, path)
    try:
        assert ([], [path.as_uri()], []) == (errors, requests, dialogs)
        assert 0 == page.locator("script").count()
        current = page.locator('svg.timeline g[data-state="current"]')
        assert (1, proc.phase) == (current.count(), current.get_attribute("data-phase"))
        fill = current.locator("circle").nth(1).get_attribute("fill")
        assert "#f59e0b" == fill
        assert XSS in page.inner_text("body")
        assert proc.phase == page.locator("#current-phase").get_attribute("data-phase")
        ARTIFACTS.mkdir(exist_ok=True)
        name = "report.png" if which == "midway" else "report-finished.png"
        page.screenshot(path=str(ARTIFACTS / name), full_page=True)
        assert (ARTIFACTS / name).stat().st_size > 10_000
    finally:
        page.close()


def test_the_report_shows_what_is_due_at_the_top() -> None:
    """Due items come before everything else in the report; none, no card."""
    tpl = v.load_template("verantwortungspartner")
    proc = v.Process.start(tpl, region="Ilmtal", at="2012-01-02")
    proc.fire("note_added", payload={"text": "x"}, at="2012-01-02")
    page = report(proc, "en", graphviz=False, at="2012-04-02")
    assert page.index('id="due"') < page.index('id="progress"')
    assert "91 days have passed since the last entry on 2 January 2012" in page
    assert 'id="due"' not in report(proc, "en", graphviz=False, at="2012-02-01")


def test_the_timeline_has_a_date_axis_of_meetings_schedules_and_due_items() -> None:
    """Under the phase timeline: the kick-off held, the meeting scheduled, since when the
    kick-off's minutes are due, and the day the report speaks of."""
    tpl = v.load_template("verantwortungspartner")
    proc = v.Process.start(tpl, region="Ilmtal", at="2012-01-02")
    for pid in range(5):
        proc.fire("partner_added", payload={"id": f"p{pid}", "name": f"F{pid}",
                                            "kind": "company"}, at="2012-01-02")
        proc.fire("circle_member_joined", payload={"partner": f"p{pid}"}, at="2012-01-02")
    for name, payload in (("facilitator_assigned", {"name": "Anna"}),
                          ("theme_proposed", {"id": "t", "title": "Fachkräfte"}),
                          ("theme_selected", {"theme": "t"}),
                          ("logistics_clarified", {"host": "IHK"})):
        proc.fire(name, payload=payload, at="2012-01-02")
    proc.fire("hold_kickoff", at="2012-03-01")
    proc.fire("event_scheduled", payload={"kind": "milestone", "date": "2012-05-10"},
              at="2012-03-02")
    page = report(proc, "de", graphviz=False, at="2012-04-02")
    axis = page[page.index('<svg class="date-axis"'):]
    axis = axis[:axis.index("</svg>")]
    assert 'class="mark held" data-day="2012-03-01"' in axis
    assert "Auftaktveranstaltung" in axis
    assert 'class="mark scheduled" data-day="2012-05-10"' in axis
    assert 'class="mark due" data-day="2012-03-16"' in axis
    assert "Protokoll fehlt" in axis
    assert "Stand 2. April 2012" in axis


@pytest.mark.parametrize(("lang", "words"), [
    ("de", ["Ereignis korrigiert", "Ereignis 2 (Partner aufgenommen) – Tippfehler",
            "Ereignis zurückgenommen", "Muster AG"]),
    ("en", ["Event corrected", "event 2 (Partner added) – Tippfehler", "Event retracted"])])


def test_report_shows_corrections_and_keeps_the_original(lang: str, words: list[str]) -> None:
    """The records show the corrected name; the history keeps both events, in words."""
    tpl = v.load_template("verantwortungspartner")
    proc = v.Process.start(tpl, region="Trier", at="2012-01-01")
    added = proc.fire("partner_added", payload={"id": "p1", "name": "Muster AG",
                                                "kind": "company"})
    proc.correct(added.event.id, {"id": "p1", "name": "Muster GmbH", "kind": "company"},
                 reason="Tippfehler")
    proc.retract(proc.fire("note_added", payload={"text": "x"}).event.id, reason="doppelt")
    html = report(proc, lang, graphviz=False)
    assert "Muster GmbH" in html
    for word in words:
        assert htmllib.escape(word, quote=False) in html
    assert "event_corrected" not in html
