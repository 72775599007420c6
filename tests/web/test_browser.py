"""End to end in Chromium: a facilitator signs in and takes a region to its first milestone.

Debian's chromium is driven by Playwright (no downloaded browser), against uvicorn on
127.0.0.1. axe-core checks every page; the pages also work with JavaScript turned off.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.render.conftest import ARTIFACTS, launch_chromium
from verantwortung.store.sql import EventStore
from verantwortung.web import User, create_app

from .conftest import PASSWORDS, XSS
from .serving import serving

KICKOFF_REASONS = ["Der Initiativkreis hat 0 Unternehmen; die Mindestzahl ist 5.",
                   "Identifizierte Themen: 0; für die Auftaktveranstaltung ist die "
                   "Mindestzahl 1.",
                   "Infrastruktur und Logistik sind noch nicht geklärt.",
                   "Es ist noch keine Prozessbegleitung benannt."]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium from Debian, driven by Playwright."""
    yield from launch_chromium()


@pytest.fixture
def server(tmp_path: Path, users: list[User]) -> Iterator[str]:
    """The app with Anna and Paul, served on 127.0.0.1."""
    with EventStore(f"sqlite:///{tmp_path / 'e2e.sqlite3'}") as store, \
            serving(create_app(store, users=users)) as base:
        yield base


class _Watch:
    """A page with what it logged as errors and every address it asked for."""

    def __init__(self, context: Any, base: str) -> None:
        self.page = context.new_page()
        self.base = base
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text)
                     if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"web-{name}.png"), full_page=True)

    def record(self, step: str, **fields: str) -> None:
        """Open the step's form, fill it, send it, and wait for the page that follows."""
        page = self.page
        section = page.locator(f"#step-{step}")
        summary = page.locator(f"details:has(#step-{step}) > summary")
        if summary.count() and not section.is_visible():
            summary.click()
        for name, value in fields.items():
            box = section.locator(f'[name="f.{name}"]')
            if box.evaluate("e => e.tagName") == "SELECT":
                box.select_option(value)
            elif box.get_attribute("type") == "checkbox":
                box.check()
            else:
                box.fill(value)
        with page.expect_navigation():
            section.locator("button[type=submit]:not([name])").click()


def _sign_in(w: _Watch) -> None:
    w.page.goto(w.base + "/")
    assert w.page.url.endswith("/login")
    w.page.fill("#name", "anna")
    w.page.fill("#password", PASSWORDS["anna"])
    with w.page.expect_navigation():
        w.page.press("#password", "Enter")  # keyboard alone signs in


def _new_region(w: _Watch, region: str) -> None:
    w.page.click("text=Neuer Prozess")
    w.page.select_option("#template", "verantwortungspartner")
    w.page.click("text=Vorlage wählen")
    w.page.fill("#region", region)
    with w.page.expect_navigation():
        w.page.click("text=Prozess anlegen")


def _ready_for_kickoff(w: _Watch) -> None:
    for i in range(5):
        w.record("partner_added", id=f"c{i}", name=f"Firma {i}" if i else XSS, kind="company")
    for i in range(5):
        w.record("circle_member_joined", partner=f"c{i}")
    w.record("theme_proposed", id="t1", title="Fachkräfte sichern")
    w.record("theme_selected", theme="t1")
    w.record("logistics_clarified", host="IHK Erfurt")
    w.record("facilitator_assigned", name="Anna Schmidt")


def _axe(w: _Watch) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(w.page)
    return [f"{w.page.url}: {v['id']} ({v['impact']}): "
            + "; ".join(n["target"][0] + " " + n.get("failureSummary", "")[:160]
                        for n in v["nodes"][:4])
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def test_a_facilitator_takes_a_region_to_its_first_milestone(browser: Any,
                                                            server: str) -> None:
    """Sign in, create a region, see the kick-off's four reasons, resolve them, hold the
    kick-off and a milestone; every page passes axe and asks for no outside address."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    w = _Watch(context, server)
    _sign_in(w)
    _new_region(w, "Thüringer Wald")
    w.shot("new-process")
    kickoff = w.page.locator("#step-hold_kickoff")
    assert KICKOFF_REASONS == kickoff.locator(".reasons li").all_inner_texts()
    assert kickoff.locator("button").first.is_disabled()
    _ready_for_kickoff(w)
    assert 0 == kickoff.locator(".reasons li").count()
    w.shot("ready-for-kickoff")
    w.record("hold_kickoff")
    assert "Auftaktveranstaltung" in w.page.locator("#current-phase").inner_text()
    w.record("hold_milestone")
    assert "milestone_1" == w.page.locator("#current-phase").get_attribute("data-phase")
    w.shot("milestone")
    process_url = w.page.url.split("?")[0]
    violations: list[str] = []
    for path in ("", "/history", "/report", "/handbook", "/diagram"):
        w.page.goto(process_url + path)
        violations += _axe(w)
        w.shot(f"page{path.replace('/', '-') or '-process'}")
    for path in ("/", "/new?template=verantwortungspartner"):
        w.page.goto(server + path)
        violations += _axe(w)
    assert [] == violations
    assert [] == [e for e in w.errors if "axe" not in e]
    assert [] == [u for u in w.requests if not u.startswith(server)]
    assert XSS not in w.page.content() or "&lt;script" in w.page.content()
    context.close()


def test_the_pages_work_without_javascript(browser: Any, server: str) -> None:
    """With JavaScript off a facilitator signs in, starts a region and records a partner."""
    context = browser.new_context(java_script_enabled=False)
    w = _Watch(context, server)
    _sign_in(w)
    _new_region(w, "Ohne Skript")
    w.record("partner_added", id="p1", name="Muster GmbH", kind="company")
    assert "Erledigt: Partner aufgenommen (Ereignis 2)." in w.page.locator(".notice").inner_text()
    w.shot("no-javascript")
    context.close()


def test_a_refusal_in_the_browser_shows_the_reasons_at_the_fields(browser: Any,
                                                                  server: str) -> None:
    """A partner without a name comes back with the problem next to the name field."""
    context = browser.new_context()
    w = _Watch(context, server)
    _sign_in(w)
    _new_region(w, "Fehlerfall")
    w.record("partner_added", id="p1", kind="company")
    field = w.page.locator("#f-partner_added-name")
    assert "true" == field.get_attribute("aria-invalid")
    assert "fehlt" in w.page.locator("#f-partner_added-name-err").inner_text()
    w.shot("refusal")
    context.close()


def test_due_items_show_on_the_pages_as_of_a_date_and_a_restart_keeps_the_session(
        browser: Any, tmp_path: Path, users: list[User]) -> None:
    """A kick-off scheduled in three days is a reminder today and overdue a month later
    (the date form, by keyboard); the start page lists it; axe finds nothing serious;
    after a restart on the same session key the facilitator is still signed in."""
    import datetime as dt

    from verantwortung.web import session_key

    key = session_key(tmp_path / "key")
    today = dt.datetime.now(dt.UTC).date()
    later = (today + dt.timedelta(days=30)).isoformat()
    with EventStore(f"sqlite:///{tmp_path / 'due.sqlite3'}") as store:
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        with serving(create_app(store, users=users, session_key=key)) as base:
            w = _Watch(context, base)
            _sign_in(w)
            _new_region(w, "Saale-Holzland")
            w.record("event_scheduled", kind="kickoff",
                     date=(today + dt.timedelta(days=3)).isoformat())
            upcoming = w.page.locator("section.due li")
            assert ["meeting_upcoming"] == [upcoming.nth(i).get_attribute("data-due")
                                            for i in range(upcoming.count())]
            w.page.fill("#as-of-date", later)
            with w.page.expect_navigation():
                w.page.press("#as-of-date", "Enter")
            assert "kickoff_overdue" == w.page.locator(
                "section.due li.overdue").first.get_attribute("data-due")
            assert "hat noch nicht stattgefunden" in w.page.locator("section.due").inner_text()
            violations = _axe(w)
            w.shot("due-process")
            w.page.goto(f"{base}/?at={later}")
            assert "Auftaktveranstaltung überfällig" in w.page.locator("td ul.due").inner_text()
            violations += _axe(w)
            w.shot("due-start-page")
        with serving(create_app(store, users=users, session_key=key)) as again:
            w.page.goto(again + "/")
            assert w.page.url == again + "/"  # no sign-in page: the session survived
            assert "anna" in w.page.locator("header.top").inner_text()
        context.close()
    assert [] == violations
    assert [] == [e for e in w.errors if "axe" not in e]
