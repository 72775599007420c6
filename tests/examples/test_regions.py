"""The region scenarios replay the public histories of real Verantwortungspartner regions."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from verantwortung import Process
from verantwortung.model.process import Event
from verantwortung.testing import load_scenario, run_scenario

ROOT = Path(__file__).resolve().parents[2]
REGIONS = ROOT / "examples" / "scenarios" / "regions"

#: file -> the phase its story ends in (where the region's public record ends)
ENDS = {
    "emsdetten": "milestone_2",
    "ingolstadt": "concluded",
    "mierendorff-insel": "concluded",
    "sued-westthueringen": "milestone_1",
    "trier": "consolidation",
    "ummanz": "closing",
    "unstrut-hainich": "consolidation",
}


def _path(name: str) -> Path:
    """The scenario file of one region."""
    return REGIONS / f"{name}.scenario.yaml"


def _run(name: str) -> Process:
    """Run a region's scenario and return its process (asserting that it passed)."""
    result = run_scenario(_path(name))
    assert [] == [str(f) for f in result.failures]
    assert result.process is not None
    return result.process


def _events(proc: Process, kind: str) -> list[Event]:
    """The accepted events of one kind, in order."""
    return [e for e in proc.history if e.kind == kind]


def _day(event: Event) -> dt.date:
    """The calendar day of an event."""
    return event.at.date()


def _before(proc: Process, event: Event) -> Process:
    """The process as it stood just before ``event``."""
    return Process.replay(proc.template, proc.history[:event.seq - proc.history[0].seq])


def _companies(proc: Process, collection: str = "circle") -> list[dict[str, object]]:
    """The records of ``collection`` whose partner is a company."""
    kinds = {p["id"]: p["kind"] for p in proc.records("partners")}
    return [r for r in proc.records(collection) if kinds.get(r["partner"]) == "company"]


# -- what every region file has --------------------------------------------------------


def test_every_named_region_has_a_scenario() -> None:
    """The seven regions have one scenario file each, and nothing else is in the folder."""
    assert sorted(ENDS) == sorted(p.name.removesuffix(".scenario.yaml")
                                  for p in REGIONS.glob("*.scenario.yaml"))


@pytest.mark.parametrize("name", sorted(ENDS))
def test_region_story_runs_to_where_its_record_ends(name: str) -> None:
    """Each region scenario passes every expectation and ends in the phase its record does."""
    assert ENDS[name] == _run(name).phase


@pytest.mark.parametrize("name", sorted(ENDS))
def test_region_story_asserts_along_the_way(name: str) -> None:
    """Each region scenario checks phases, shows a refusal with its reasons and a deadline."""
    steps = load_scenario(_path(name)).doc.steps
    assert 3 <= sum(s.expect_phase is not None for s in steps)
    assert [] != [s.reasons for s in steps if s.expect == "refused" and s.reasons]
    assert any(s.now is not None for s in steps)
    assert any(s.expect_due for s in steps)


@pytest.mark.parametrize("name", sorted(ENDS))
def test_region_story_never_goes_back_in_time(name: str) -> None:
    """The dates of a region scenario, `at:` and `now:` alike, never go backwards."""
    steps = load_scenario(_path(name)).doc.steps
    days = [dt.date.fromisoformat(str(s.at or s.now)[:10]) for s in steps
            if (s.at or s.now) is not None]
    assert sorted(days) == days


@pytest.mark.parametrize("name", sorted(ENDS))
def test_region_story_says_what_is_public_and_what_invented(name: str) -> None:
    """Each region file opens with a comment naming the public facts and what is invented."""
    header = _path(name).read_text(encoding="utf-8").split("\ntemplate:")[0]
    assert all(line.startswith("#") for line in header.splitlines())
    assert "Public facts followed:" in header
    assert "Invented:" in header


def test_readme_lists_every_region_scenario() -> None:
    """The folder's README names each region scenario file."""
    readme = (REGIONS / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"`([a-z-]+)\.scenario\.yaml`", readme))
    assert set(ENDS) == listed


# -- the public facts each story follows ----------------------------------------------


def _trier(proc: Process) -> None:
    """Closing in November 2014 with about 50, four projects continued, two forms."""
    [closing] = _events(proc, "hold_closing")
    assert (2014, 11, 50) == (closing.at.year, closing.at.month, closing.payload["attendance"])
    before = _before(proc, closing)
    statuses = sorted(p["status"] for p in before.records("projects")
                      if p["status"] in {"completed", "running"})
    assert ["completed", "completed", "running", "running"] == statuses
    continued = {p["id"] for p in proc.records("projects") if p["status"] == "continuing"}
    assert {"botschafter", "praktikum", "mentoring", "ferien"} == continued
    assert {"association", "cooperation_agreement"} <= {
        c["form"] for c in proc.records("consolidation_forms")}
    assert {2016} == {_day(e).year for e in _events(proc, "consolidation_chosen")
                      if e.payload["form"] == "cooperation_agreement"}
    assert "association" in {o["kind"] for o in proc.records("outcomes")}


def _emsdetten(proc: Process) -> None:
    """About 20 entrepreneurs, the city's kick-off on 5 May 2014, a vision for 2030."""
    [kickoff] = _events(proc, "hold_kickoff")
    assert dt.date(2014, 5, 5) == _day(kickoff)
    assert 20 == len(_companies(_before(proc, kickoff)))
    assert "municipality" == proc.records("partners")[0]["kind"]
    [vision] = proc.records("vision")
    assert 2030 == vision["horizon_year"]
    assert [] != proc.records("teams")


def _mierendorff(proc: Process) -> None:
    """Stocktake first, kick-off on 2 April 2014, a company founded from a project."""
    [kickoff] = _events(proc, "hold_kickoff")
    assert dt.date(2014, 4, 2) == _day(kickoff)
    first_activity = _events(proc, "existing_activity_recorded")[0]
    assert first_activity.seq < _events(proc, "theme_proposed")[0].seq
    [company] = [o for o in proc.records("outcomes") if o["kind"] == "company"]
    assert company.get("project") is not None
    assert "handed_over" in {p["status"] for p in proc.records("projects")}


def _ingolstadt(proc: Process) -> None:
    """A one-year start phase, closing on 10 September 2013, four groups, a panel with the IHK."""
    [kickoff], [closing] = _events(proc, "hold_kickoff"), _events(proc, "hold_closing")
    assert dt.date(2013, 9, 10) == _day(closing)
    assert 300 <= (closing.at - kickoff.at).days <= 380
    assert 4 == len(_before(proc, closing).records("teams"))
    [panel] = [e for e in _events(proc, "meeting_held") if e.payload["kind"] == "panel"]
    assert _day(closing) == _day(panel)
    assert "ihk" in panel.payload["attendees"]


def _ummanz(proc: Process) -> None:
    """A circle of entrepreneurs, the IHK, a university and the municipality; three groups."""
    kinds = {p["id"]: p["kind"] for p in proc.records("partners")}
    assert {"company", "chamber", "education", "municipality"} == {
        kinds[m["partner"]] for m in proc.records("circle")}
    assert 3 == len(proc.records("teams"))


def _sued_westthueringen(proc: Process) -> None:
    """At MT1 on 11 March 2014, 13 entrepreneurs choose a theme and form a circle with two
    spokespersons."""
    [kickoff], [mt1] = _events(proc, "hold_kickoff"), _events(proc, "hold_milestone")
    assert dt.date(2014, 3, 11) == _day(mt1)
    assert (0, 0) == (len(_before(proc, kickoff).records("circle")),
                      len(_before(proc, mt1).records("selected_themes")))
    assert 13 == len(_companies(proc))
    assert 2 == sum(bool(m.get("speaker")) for m in proc.records("circle"))
    assert 1 == len(proc.records("selected_themes"))
    assert all(e.seq > mt1.seq for e in _events(proc, "circle_member_joined"))


def _unstrut_hainich(proc: Process) -> None:
    """Kick-off on 25 November 2015 with themes identified; the choice only after MT1."""
    [kickoff] = _events(proc, "hold_kickoff")
    mt1 = _events(proc, "hold_milestone")[0]
    assert (dt.date(2015, 11, 25), dt.date(2016, 1, 20)) == (_day(kickoff), _day(mt1))
    at_kickoff = _before(proc, kickoff)
    assert ([], True) == (list(at_kickoff.records("selected_themes")),
                          len(at_kickoff.records("themes")) >= 1)
    assert _events(proc, "theme_selected")[0].seq > mt1.seq
    assert 5 == len(_events(proc, "hold_milestone"))


FACTS: dict[str, Callable[[Process], None]] = {
    "emsdetten": _emsdetten,
    "ingolstadt": _ingolstadt,
    "mierendorff-insel": _mierendorff,
    "sued-westthueringen": _sued_westthueringen,
    "trier": _trier,
    "ummanz": _ummanz,
    "unstrut-hainich": _unstrut_hainich,
}


@pytest.mark.parametrize("name", sorted(FACTS))
def test_region_story_follows_its_public_facts(name: str) -> None:
    """Each region scenario holds the dates and figures of the region's public reports."""
    FACTS[name](_run(name))
