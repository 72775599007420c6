"""proc.indicators(): the template's key figures, equal after replay, JSON and store load."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import verantwortung as v
from tests.conftest import ROOT
from verantwortung.model.indicators import Indicator
from verantwortung.store.sql import EventStore
from verantwortung.testing import event_sequences
from verantwortung.testing.planner import Planner

SCHOOL = v.load_template(ROOT / "examples" / "school_partnership" / "schule_wirtschaft.yaml")
MUSTER = v.load_template(ROOT / "examples" / "custom_template" / "musterstadt.yaml")


def _school() -> v.Process:
    proc = v.Process.start(SCHOOL, region="Gera")
    for bid, trade in [("b1", "craft"), ("b2", "industry"), ("b3", "craft")]:
        proc.fire("business_joined", payload={"id": bid, "name": bid.upper(), "trade": trade})
    proc.fire("agreement_signed", payload={"signed_on": "2024-08-01"})
    proc.fire("start_year")
    for pid, bid, pupils in [("x1", "b1", 4), ("x2", "b1", 3), ("x3", "b2", 5)]:
        proc.fire("placement_held", payload={"id": pid, "business": bid, "pupils": pupils})
    return proc


def test_counts_sums_distinct_counts_and_breakdowns() -> None:
    """Each measure of the school template gives the figure a person counts by hand."""
    got = {i.code: i.value for i in _school().indicators()}
    assert {"businesses": 3, "businesses_by_trade": {"craft": 2, "industry": 1, "services": 0},
            "placements": 3, "pupils_placed": 12,
            "pupils_by_trade": {"craft": 7, "industry": 5, "services": 0},
            "hosting_businesses": 2, "craft_placements": 2} == got


def test_labels_in_both_languages_and_of_every_part() -> None:
    """An indicator carries its labels and those of its breakdown's values."""
    by_trade = next(i for i in _school().indicators() if i.code == "businesses_by_trade")
    assert ("Betriebe nach Branche", "Businesses by trade") == (by_trade.label("de"),
                                                                 by_trade.label("en"))
    assert ("Handwerk", "Craft", 3) == (by_trade.part_label("craft", "de"),
                                        by_trade.part_label("craft", "en"), by_trade.total)


MIXED = """\
id: mixed
version: "1"
title: {de: Teams, en: Teams}
collections:
  people:
    label: {de: Leute, en: People}
    fields:
      id: {type: id}
      sector: {type: choice, values: [business, public, civil]}
  teams:
    label: {de: Teams, en: Teams}
    fields:
      id: {type: id}
      members: {type: refs, to: people}
phases:
  open: {initial: true, label: {de: Offen, en: Open}}
  done: {final: true, label: {de: Fertig, en: Done}}
triggers:
  close: {label: {de: Schließen, en: Close}, from: open, to: done}
events:
  person_added: {label: {de: Person erfasst, en: Person added}, adds: people}
  team_formed: {label: {de: Team gebildet, en: Team formed}, adds: teams}
indicators:
  cross_sector_teams:
    label: {de: Vernetzte Teams, en: Cross-sector teams}
    count: teams
    spread: {field: members.sector, min: 2}
  three_sector_teams:
    label: {de: Teams aus drei Bereichen, en: Teams of three sectors}
    count: teams
    spread: {field: members.sector, min: 3}
"""


def test_cross_sector_teams_count_teams_of_two_kinds_or_more(write: Any) -> None:
    """spread: a team of two sectors counts once min is 2, a team of one sector never."""
    proc = v.Process.start(v.load_template(write(MIXED, "mixed.yaml")), region="X")
    for pid, sector in [("a", "business"), ("b", "business"), ("c", "public"),
                        ("d", "civil")]:
        proc.fire("person_added", payload={"id": pid, "sector": sector})
    for tid, members in [("t1", ["a", "c"]), ("t2", ["a", "b"]), ("t3", ["a", "c", "d"]),
                         ("t4", [])]:
        proc.fire("team_formed", payload={"id": tid, "members": members})
    assert [2, 1] == [i.value for i in proc.indicators()]


def test_a_template_without_indicators_has_none() -> None:
    """The bundled 1.0 declares none: an empty tuple."""
    assert () == v.Process.start(v.load_template("verantwortungspartner", version="1.0"),
                                 region="X").indicators()


def test_values_are_read_only_and_json_ready() -> None:
    """A breakdown cannot be changed; to_dict is JSON and from_dict reads it back."""
    values = _school().indicators()
    by_trade = values[1]
    with pytest.raises(TypeError):
        by_trade.value["craft"] = 9  # type: ignore[index]
    text = json.dumps([i.to_dict() for i in values], ensure_ascii=False)
    assert values == tuple(Indicator.from_dict(d) for d in json.loads(text))


def test_parameters_in_a_where_are_resolved(write: Any) -> None:
    """where: {param: ...} compares with the process's parameter value."""
    path = write(ROOT.joinpath("examples", "school_partnership",
                               "schule_wirtschaft.yaml").read_text(encoding="utf-8")
                 + "  big_years:\n    label: {de: Jahre, en: Years}\n    count: phases_entered\n"
                 "    where: {index: {param: years_min}}\n", "school.yaml")
    proc = v.Process.start(v.load_template(path), region="X", parameters={"years_min": 1})
    proc.fire("business_joined", payload={"id": "b", "name": "B", "trade": "craft"})
    proc.fire("agreement_signed", payload={"signed_on": "2024-08-01"})
    proc.fire("start_year")
    assert 1 == next(i.value for i in proc.indicators() if i.code == "big_years")


def _equal_everywhere(template: v.ProcessTemplate, steps: list[Any], tmp: Path) -> None:
    proc = Planner(template).run(steps)
    assert proc is not None
    figures = proc.indicators()
    assert len(template.indicators) == len(figures)
    assert figures == v.Process.replay(template, proc.history).indicators()
    assert figures == v.Process.from_json(template, proc.to_json()).indicators()
    with EventStore(f"sqlite:///{tmp / 'figures.sqlite3'}") as store:
        store.add(proc, str(template.files[-1]))
        assert figures == store.load(proc.id).indicators()
        assert figures == store.load(proc.id, use_snapshot=False).indicators()


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=event_sequences(SCHOOL, max_steps=25))
def test_school_figures_equal_after_replay_json_and_store(steps: list[Any]) -> None:
    """Whatever happened, the school's figures are the same replayed, from JSON, from a store."""
    with tempfile.TemporaryDirectory() as tmp:
        _equal_everywhere(SCHOOL, steps, Path(tmp))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=event_sequences(MUSTER, max_steps=30))
def test_musterstadt_figures_equal_after_replay_json_and_store(steps: list[Any]) -> None:
    """Whatever happened, Musterstadt's figures are the same replayed, from JSON, from a store."""
    with tempfile.TemporaryDirectory() as tmp:
        _equal_everywhere(MUSTER, steps, Path(tmp))
