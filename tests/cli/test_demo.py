"""The demo tells the shipped Mittelweser scenario: one copy of the story, in the wheel
too, dated forwards, stored as the scenario runs."""

from __future__ import annotations

import tomllib
from pathlib import Path

import verantwortung as v
from tests.conftest import ROOT
from verantwortung.cli import demo
from verantwortung.cli.demo import SCENARIO, run_demo, scenario_path, story
from verantwortung.testing import load_scenario, run_scenario


def test_the_story_is_the_shipped_scenario() -> None:
    """The demo reads examples/scenarios/mittelweser.scenario.yaml: that file in a source
    checkout, its byte-equal copy beside the demo in an installed wheel."""
    shipped = ROOT / "examples" / "scenarios" / SCENARIO
    found = scenario_path()
    beside_demo = Path(demo.__file__).resolve().parent / SCENARIO  # where a wheel has it
    assert found.resolve() in (shipped.resolve(), beside_demo)
    assert shipped.read_bytes() == found.read_bytes()


def test_the_wheel_carries_the_scenario_beside_the_demo() -> None:
    """pyproject force-includes that one file where scenario_path looks in a wheel."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    included = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert f"verantwortung/cli/{SCENARIO}" == included[f"examples/scenarios/{SCENARIO}"]


def test_every_do_step_is_told_in_order_with_its_payload() -> None:
    """story() has each 'do' step of the scenario once, in order, with its actor and payload."""
    doc = load_scenario(scenario_path()).doc
    expected = [(s.do, s.by, s.with_ or {}) for s in doc.steps if s.do is not None]
    assert expected == [(s.name, s.actor, s.payload) for s in story()]


def test_the_story_never_goes_back_in_time() -> None:
    """An undated step happens on the day of the step before it: the dates only grow."""
    days = [s.at for s in story()]
    assert sorted(days) == days
    assert "2013-09-02" == days[0]


def test_the_demo_stores_what_the_scenario_run_records(tmp_path: Path) -> None:
    """The demo store holds one concluded process with the events of `verantwortung run`
    (the same kinds and payloads, in the same order), printing one line per step."""
    lines: list[str] = []
    with v.EventStore(f"sqlite:///{tmp_path / 'demo.sqlite3'}", create=True) as store:
        proc = run_demo(store, lang="en", echo=lines.append)
        [info] = store.list()
        stored = store.load(info.id)
    ran = run_scenario(scenario_path()).process
    assert ran is not None
    assert ("concluded", "Mittelweser", proc.version) == (info.phase, info.region, info.version)
    assert [(e.kind, dict(e.payload)) for e in ran.history[1:]] == [
        (e.kind, dict(e.payload)) for e in stored.history[1:]]
    assert len(story()) == sum(line.startswith("  20") for line in lines)
    assert lines[-1].startswith(f"{proc.version} events stored in sqlite:///")
