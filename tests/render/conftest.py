"""Render fixtures: shipped templates, a mid-process region, the demo story, tool checks.

Graphviz and Chromium (with Playwright) are programs outside Python: tests that
need them skip locally when they are missing, but fail in CI (``CI`` set), so a
missing install step never turns into a green run.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import verantwortung as v
from tests.conftest import ROOT, SHIPPED_TEMPLATES
from verantwortung.cli.demo import story
from verantwortung.store.sql import EventStore

HERE = Path(__file__).resolve().parent
TRICKY = HERE / "tricky.yaml"
XSS = "<script>alert(1)</script>"
ARTIFACTS = ROOT / "test-artifacts"
TEMPLATE_IDS = [p.stem for p in SHIPPED_TEMPLATES]


def need(condition: bool, what: str) -> None:
    """Skip when ``what`` is missing, but fail in CI where it must be installed."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing in CI: it must be installed there")
    pytest.skip(f"{what} is not installed")


CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def launch_chromium() -> Iterator[Any]:
    """Headless Chromium from Debian, driven by Playwright (no downloaded browser); skips
    without them. For module-scoped ``browser`` fixtures: ``yield from launch_chromium()``."""
    need(importlib.util.find_spec("playwright") is not None, "Playwright for Python")
    need(shutil.which("chromium") is not None or Path(CHROMIUM).exists(), "Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def need_dot() -> None:
    """Graphviz's ``dot`` must be on PATH (skip locally, fail in CI)."""
    need(shutil.which("dot") is not None, "Graphviz (the 'dot' program)")


@pytest.fixture(params=SHIPPED_TEMPLATES, ids=lambda p: p.stem)
def template(request: pytest.FixtureRequest) -> v.ProcessTemplate:
    """Each shipped template."""
    return v.load_template(request.param)


def _fire(proc: v.Process, trigger: str, at: str, **payload: object) -> None:
    proc.fire(trigger, payload=payload, at=at, actor="facilitator:Anna Schmidt")


def mid_process(template: str | Path = "verantwortungspartner") -> v.Process:
    """Süd-Westthüringen in its second milestone meeting: the closing is still blocked."""
    proc = v.Process.start(v.load_template(template), region="Süd-Westthüringen",
                           at="2014-01-06", actor="coordinator")
    partners = [("keller", "Autohaus Keller GmbH", "company"),
                ("sonne", "Brauerei Sonne", "company"), ("xss", XSS, "company"),
                ("roth", "Dachdecker Roth", "company"), ("voigt", "Elektro Voigt", "company"),
                ("stadt", "Stadt Meiningen", "municipality"),
                ("hwk", "HWK Südthüringen", "chamber")]
    for pid, name, kind in partners:
        _fire(proc, "partner_added", "2014-01-10", id=pid, name=name, kind=kind)
    for pid, *_ in partners[:5]:
        _fire(proc, "circle_member_joined", "2014-01-20", partner=pid,
              speaker=pid in ("keller", "sonne"))
    _fire(proc, "facilitator_assigned", "2014-02-01", name="Anna Schmidt")
    _fire(proc, "theme_proposed", "2014-02-03", id="fk", title="Fachkräfte sichern")
    _fire(proc, "theme_selected", "2014-02-03", theme="fk")
    _fire(proc, "logistics_clarified", "2014-02-10", host="HWK Südthüringen")
    _fire(proc, "hold_kickoff", "2014-03-11", attendance=64)
    _fire(proc, "hold_milestone", "2014-04-15", attendance=31)
    _fire(proc, "vision_set", "2014-05-01", text="Südthüringen 2030: jede Lehrstelle besetzt")
    _fire(proc, "goal_added", "2014-05-01", id="g1", text="50 Praktika pro Jahr")
    _fire(proc, "team_formed", "2014-05-05", id="t1", name="Praktika",
          members=["keller", "xss"])
    _fire(proc, "project_added", "2014-05-06", id="p1", title="Praktikumsbörse", team="t1")
    _fire(proc, "project_status_changed", "2014-05-07", project="p1", status="planned")
    _fire(proc, "hold_milestone", "2014-06-17", attendance=27)
    return proc


@pytest.fixture
def midway() -> v.Process:
    """A process of the bundled template in milestone_2, with a partner named like a script."""
    return mid_process()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EventStore]:
    """An empty SQLite event store in tmp_path."""
    with EventStore(f"sqlite:///{tmp_path / 'render.sqlite3'}") as s:
        yield s


def run_story(store: EventStore) -> v.Process:
    """The demo's Mittelweser story through ``store``, with a partner named like a script
    joining before the kick-off; ends in concluded."""
    proc = v.Process.start(v.load_template("verantwortungspartner"), region="Mittelweser",
                           at="2013-09-01", actor="coordinator")
    store.add(proc, "verantwortungspartner")
    steps = story()
    kickoff = next(i for i, step in enumerate(steps) if step[0] == "hold_kickoff")
    steps.insert(kickoff, ("partner_added", "2013-10-20", "coordinator",
                           {"id": "xss", "name": XSS, "kind": "association"}))
    for name, date, actor, payload in steps:
        try:
            proc, _ = store.fire(proc.id, name, actor=actor, payload=payload, at=date)
        except v.TransitionRefused:
            continue  # the story has refusals on purpose
    return proc


def outside_refs(html: str) -> list[str]:
    """Everything in ``html`` that could make a browser fetch or run something."""
    low = html.lower()
    return [s for s in ("://", "url(", "src=", "href=", "@import", "<script", "<link",
                        "<img", "<iframe", "<object", "<embed") if s in low]
