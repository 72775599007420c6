"""The portfolio across regions: figures equal to replay, reproducible --at, HTML/JSON/CSV."""

from __future__ import annotations

import csv
import html as htmllib
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import verantwortung as v
from tests.conftest import ROOT
from verantwortung.render import portfolio
from verantwortung.render.portfolio import blocked_sentence
from verantwortung.render.portfolio_data import build_portfolio
from verantwortung.store import projection
from verantwortung.store.sql import EventStore

from .conftest import ARTIFACTS, XSS, outside_refs, run_story
from .test_report import _open, browser  # noqa: F401  (the shared Chromium fixture)

SCHOOL_PATH = ROOT / "examples" / "school_partnership" / "schule_wirtschaft.yaml"
SCHOOL = v.load_template(SCHOOL_PATH)
AT = "2024-12-31"


def _school(store: EventStore, region: str, businesses: int, placements: int) -> str:
    proc = v.Process.start(SCHOOL, region=region, at="2024-08-01")
    store.add(proc, str(SCHOOL_PATH))
    for n in range(businesses):
        store.fire(proc.id, "business_joined", at=f"2024-08-{2 + n:02d}", payload={
            "id": f"b{n}", "name": f"Betrieb {n}", "trade": ("craft", "industry")[n % 2]})
    if businesses:
        store.fire(proc.id, "agreement_signed", payload={"signed_on": "2024-08-20"},
                   at="2024-08-20")
        store.fire(proc.id, "start_year", at="2024-09-01")
    for n in range(placements):
        store.fire(proc.id, "placement_held", at=f"2024-10-{1 + n:02d}", payload={
            "id": f"x{n}", "business": f"b{n % businesses}", "pupils": 3 + n})
    return proc.id


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EventStore]:
    """The demo region plus generated school partnerships (one named like a script)."""
    with EventStore(f"sqlite:///{tmp_path / 'portfolio.sqlite3'}") as s:
        run_story(s)
        _school(s, XSS, 0, 0)
        for i, (b, p) in enumerate([(1, 0), (2, 3), (3, 1), (1, 2)]):
            _school(s, f"Schule {i}", b, p)
        yield s


def _replayed(store: EventStore) -> list[v.Process]:
    return [store.load(i.id, use_snapshot=False) for i in store.list()]


def test_figures_equal_those_of_a_replay_of_every_process(store: EventStore) -> None:
    """From the store's summaries or from a full replay: the same portfolio."""
    listed = projection.current(store)
    assert portfolio(_replayed(store), "json", at=AT) == portfolio(
        listed.processes, "json", at=AT, started=listed.started)


def test_a_reporting_date_gives_the_same_figures_later(store: EventStore) -> None:
    """--at: the same figures on a store that later received more events."""
    first = portfolio(projection.as_of(store, build_portfolio([], "2024-09-15").at).processes,
                      "json", at="2024-09-15")
    school = next(i.id for i in store.list() if i.region == "Schule 0")
    store.fire(school, "placement_held", at="2024-11-01",
               payload={"id": "late", "business": "b0", "pupils": 9})
    store.add(v.Process.start(v.load_template("verantwortungspartner"), region="Neu",
                              at="2025-01-01"))
    again = projection.as_of(store, build_portfolio([], "2024-09-15").at)
    assert first == portfolio(again.processes, "json", at="2024-09-15")
    assert '"Neu"' not in first
    assert '"Neu"' in portfolio(
        projection.current(store).processes, "json")


def test_rows_and_summary(store: EventStore) -> None:
    """Phase counts, blockers by code, durations and indicator totals add up."""
    pf = build_portfolio(_replayed(store), AT)
    by_region = {r.region: r for r in pf.rows}
    assert 6 == len(pf.rows)
    assert ("planning", True) == (by_region[XSS].phase, by_region[XSS].stuck)
    assert {"no_agreement", "no_business"} == {b.code for b in by_region[XSS].blockers}
    assert dict(no_agreement=1, no_business=1, too_few_years=4, too_few_placements=1) == {
        c: n for c, _, n in pf.blockers}
    assert (True, False) == (by_region["Schule 0"].stuck, by_region["Schule 1"].stuck)
    assert {"planning": 1, "school_year_1": 4, "concluded": 1} == {
        p: n for p, _, n in pf.phases}
    totals = {t.code: t for t in pf.totals}
    assert (5, 7) == (totals["businesses"].processes, totals["businesses"].total)
    assert 3 + 4 + 5 + 3 + 3 + 4 == totals["pupils_placed"].total
    assert {"craft": 5, "industry": 2, "services": 0} == {
        k: n for k, _, n in totals["businesses_by_trade"].parts}
    planning = next(d for d in pf.durations if d.phase == "planning")
    assert (4, 31.0) == (planning.count, planning.median)
    assert 121 == by_region["Schule 1"].days_in_phase  # 2024-09-01 to 2024-12-31


@pytest.mark.parametrize(("count", "total", "lang", "text"), [
    (1, 1, "de", "1 von 1 Region wird durch die Regel blockiert: R"),
    (1, 15, "de", "1 von 15 Regionen wird durch die Regel blockiert: R"),
    (7, 15, "de", "7 von 15 Regionen werden durch die Regel blockiert: R"),
    (1, 1, "en", "1 of 1 region is blocked by the rule: R"),
    (7, 15, "en", "7 of 15 regions are blocked by the rule: R"),
])
def test_the_blocker_sentence_agrees_in_number(count: int, total: int, lang: str,
                                               text: str) -> None:
    """Verb and noun follow the numbers in German and English."""
    assert text == blocked_sentence(count, total, "R", lang)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_html_is_self_contained_and_escaped(store: EventStore, lang: str) -> None:
    """One file, no script, no outside address; a region named like a script is text;
    a blocker is named by its rule, not its code."""
    page = portfolio(_replayed(store), "html", lang, at=AT)
    assert [] == outside_refs(page)
    assert XSS not in page
    assert htmllib.escape(XSS) in page
    rule = ("1 von 6 Regionen wird durch die Regel blockiert: „Vertrag unterschrieben“ ist "
            "erfasst." if lang == "de" else "1 of 6 regions is blocked by the rule: "
            "“Agreement signed” has been recorded.")
    assert rule in page
    assert "no_agreement" not in page.replace('data-code="no_agreement"', "")


def test_the_csv_opens_in_a_spreadsheet(store: EventStore) -> None:
    """UTF-8 with a byte order mark; one line per process with its indicators."""
    text = portfolio(_replayed(store), "csv", "de", at=AT)
    assert text.startswith("\ufeffRegion,")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert 7 == len(rows)
    assert "Betriebe nach Branche" in rows[0]
    assert XSS in {r[0] for r in rows}
    assert text.encode("utf-8").decode("utf-8-sig").startswith("Region")


def test_unknown_format_and_language_are_refused() -> None:
    """portfolio() names the formats and languages it knows."""
    with pytest.raises(ValueError, match="html, json, csv"):
        portfolio([], "pdf")
    with pytest.raises(ValueError, match="de, en"):
        portfolio([], "html", "fr")


def test_an_empty_portfolio_says_so() -> None:
    """No process: the page and the JSON still render, with nothing counted."""
    assert 0 == json.loads(portfolio([], "json"))["summary"]["processes"]
    assert "Keine Region ist blockiert." in portfolio([], "html")


def test_the_portfolio_in_chromium(browser: Any, store: EventStore,  # noqa: F811
                                   tmp_path: Path) -> None:
    """It loads with no console error and no request; a screenshot goes to test-artifacts/."""
    path = tmp_path / "portfolio.html"
    path.write_text(portfolio(_replayed(store), "html", at=AT), encoding="utf-8")
    page, errors, requests, dialogs = _open(browser, path)
    try:
        assert ([], [path.as_uri()], []) == (errors, requests, dialogs)
        assert 0 == page.locator("script").count()
        assert 6 == page.locator("tr[data-process]").count()
        assert 2 == page.locator('tr[data-blocked="yes"]').count()
        assert XSS in page.inner_text("body")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "portfolio.png"), full_page=True)
        assert (ARTIFACTS / "portfolio.png").stat().st_size > 10_000
    finally:
        page.close()
