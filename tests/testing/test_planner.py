"""The planner passes and breaks every kind of rule, and finds whatever a random search finds."""

from __future__ import annotations

import json
import random
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import verantwortung as v
from verantwortung.rules import Sample, registry
from verantwortung.testing import explore

# items can only be added at the start, tags only in the middle, `go` leaves the middle:
# a guard on items or on tagged items needs data made one or two phases before it
PROBE = """\
id: probe
version: "1"
title: {de: Probe, en: Probe}
parameters:
  least: {type: int, default: 2, min: 0, max: 5}
collections:
  items:
    label: {de: Dinge, en: Items}
    fields:
      id: {type: id}
      kind: {type: choice, values: [a, b]}
      size: {type: int, required: false, min: 0, max: 5}
      status: {type: choice, values: [new, used, gone], default: new,
               moves: {new: [used], used: [gone]}}
  tags:
    label: {de: Marken, en: Tags}
    fields:
      item: {type: ref, to: items}
  profile:
    label: {de: Profil, en: Profile}
    single: true
    fields:
      mode: {type: choice, values: [x, y]}
      year: {type: int, required: false, min: 0, max: 5}
phases:
  start: {initial: true, label: {de: Start, en: Start}}
  middle: {label: {de: Mitte, en: Middle}}
  done: {final: true, label: {de: Ende, en: Done}}
triggers:
  begin: {label: {de: Beginn, en: Begin}, from: start, to: middle}
  go:
    label: {de: Los, en: Go}
    payload:
      n: {type: int, required: false, min: 0, max: 5}
    from: middle
    to: done
    guards:
      probe:
        rule: RULE
        message: {de: Nein, en: No}
events:
  item_added: {label: {de: Ding, en: Item added}, phases: [start], adds: items}
  item_used:
    label: {de: Ding benutzt, en: Item used}
    updates: items
    key: item
    fields: [status]
  tag_added: {label: {de: Marke, en: Tag added}, phases: [middle], adds: tags}
  profile_set: {label: {de: Profil, en: Profile set}, adds: profile}
"""


def _big_item(view: Any, payload: Mapping[str, Any], args: Mapping[str, Any]) -> bool:
    return any((r.get("size") or 0) >= 3 for r in view.records("items"))


@pytest.fixture(scope="module", autouse=True)
def big_item_rule() -> Iterator[None]:
    """A custom rule with declared samples, registered for this module's templates."""
    registry.add("probe_big_item", _big_item,
                 satisfied_by=Sample(steps=({"do": "item_added", "with": {"size": 4}},)),
                 broken_by=Sample())
    yield
    registry.remove("probe_big_item")


def _probe(rule: Mapping[str, Any]) -> v.ProcessTemplate:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "probe.yaml"
        path.write_text(PROBE.replace("RULE", json.dumps(rule)), encoding="utf-8")
        return v.load_template(path)


def _judged(rule: Mapping[str, Any]) -> tuple[bool, bool]:
    """(passable, refusable) of the probe guard, as exploration finds them."""
    result = explore(_probe(rule))
    return (("go", "probe") in result.guards_passed,
            ("go", "probe", "") in result.refusals)


REPRO = {"compare": {"left": {"field": "profile.year"}, "op": "==", "right": 4}}


def test_compare_on_a_record_field_is_passable_and_refusable() -> None:
    """A guard comparing a single record's field with a number is passed and broken."""
    assert (True, True) == _judged(REPRO)


@pytest.mark.parametrize("op", ["<", "<=", "==", "!=", ">=", ">"])
@pytest.mark.parametrize(("left", "right"), [
    ({"field": "profile.year"}, 2),
    ({"field": "payload.n"}, 3),
    ({"count": "items", "where": {"kind": "b"}}, {"param": "least"}),
    ({"count": "items"}, {"count": "tags"}),
    ({"field": "payload.n"}, {"field": "profile.year"}),
    (1, {"count": "tags", "where": {"item.kind": "a"}}),
])
def test_compare_passes_and_fails_with_every_operator(op: str, left: Any, right: Any) -> None:
    """compare on record fields, payload fields, counts and parameters, with every op."""
    assert (True, True) == _judged({"compare": {"left": left, "op": op, "right": right}})


@pytest.mark.parametrize("rule", [
    {"not": {"present": "profile"}},
    {"any": [{"count": "tags", "min": 2}, {"present": "payload.n"}]},
    {"all": [{"present": "profile.year"}, {"count": "items", "where": {"kind": "a"}, "max": 1}]},
    {"count": "items", "where": {"status": "gone"}, "min": 1, "max": 2},
    {"custom": "probe_big_item"},
    {"not": {"custom": "probe_big_item"}},
])
def test_every_rule_kind_is_passable_and_refusable(rule: Mapping[str, Any]) -> None:
    """not, any, all, count with a status filter and custom rules are passed and broken."""
    assert (True, True) == _judged(rule)


def test_a_status_filter_moves_a_new_record_along_its_moves() -> None:
    """A count of 'gone' items is met by adding an item and moving it new -> used -> gone."""
    result = explore(_probe({"count": "items", "where": {"status": "gone"}, "min": 1}))
    kinds = [s.name for s in result.taken[("go", "middle")]]
    assert ["item_added", "item_used", "item_used", "begin", "go"] == kinds


def test_a_record_leaves_a_status_filter_along_its_moves() -> None:
    """"An item, but none still new" is met by adding an item and moving it to used."""
    rule = {"all": [{"count": "items", "min": 1},
                    {"not": {"count": "items", "where": {"status": "new"}, "min": 1}}]}
    result = explore(_probe(rule))
    kinds = [s.name for s in result.taken[("go", "middle")]]
    assert ["item_added", "item_used", "begin", "go"] == kinds


def test_a_truly_impossible_guard_stays_unpassable() -> None:
    """A guard that contradicts itself is reported as C002."""
    rule = {"all": [{"present": "profile"}, {"not": {"present": "profile"}}]}
    tpl = _probe(rule)
    assert "C002" in {d.code for d in explore(tpl).findings}


# -- cross-check against a bounded random search ---------------------------------------

LEAVES = st.one_of(
    st.builds(lambda c, lo, hi: {k: x for k, x in
                                 (("count", c[0]), ("where", c[1]), ("min", lo), ("max", hi))
                                 if x is not None} if lo is not None or hi is not None
              else {"count": c[0], "where": c[1], "min": 1},
              st.sampled_from([("items", {}), ("items", {"kind": "a"}),
                               ("items", {"status": "used"}), ("items", {"status": "new"}),
                               ("tags", {}),
                               ("tags", {"item.kind": "b"})]),
              st.none() | st.integers(0, 3), st.none() | st.integers(0, 3)),
    st.builds(lambda p: {"present": p},
              st.sampled_from(["profile", "profile.year", "payload.n"])),
    st.builds(lambda a, op, b: {"compare": {"left": a, "op": op, "right": b}},
              st.sampled_from([{"field": "profile.year"}, {"field": "payload.n"},
                               {"count": "items"}, {"count": "tags"}]),
              st.sampled_from(["<", "<=", "==", "!=", ">=", ">"]),
              st.integers(0, 5) | st.sampled_from([{"param": "least"}, {"count": "items"},
                                                   {"field": "profile.year"}])),
    st.just({"custom": "probe_big_item"}),
)
RULES = st.recursive(LEAVES, lambda inner: st.one_of(
    st.builds(lambda r: {"not": r}, inner),
    st.builds(lambda rs: {"all": rs}, st.lists(inner, min_size=1, max_size=3)),
    st.builds(lambda rs: {"any": rs}, st.lists(inner, min_size=1, max_size=3)),
), max_leaves=4)


def _random_value(rng: random.Random, proc: v.Process, spec: Any, ids: list[str]) -> Any:
    if spec.type == "id":
        return f"r{rng.randrange(10**6)}"
    if spec.type == "ref":
        return rng.choice(ids) if ids else "none"
    if spec.type == "int":
        return rng.randint(spec.min or 0, spec.max if spec.max is not None else 5)
    if spec.type == "choice":
        return rng.choice(list(spec.values or []))
    return "Text"


def _random_search_passes(tpl: v.ProcessTemplate, seed: int, runs: int = 40,
                          steps: int = 8) -> bool:
    """Whether some random event sequence (random payloads, small values) passes ``go``."""
    from verantwortung.engine.compiled import compiled

    ct = compiled(tpl)
    rng = random.Random(seed)
    items = {**{t: c.validate.fields for t, c in ct.triggers.items()},
             **{e: c.validate.fields for e, c in ct.events.items()}}
    for _ in range(runs):
        proc = v.Process.start(tpl, region="R")
        for _ in range(steps):
            name = rng.choice(sorted(items))
            ids = [r["id"] for r in proc.records("items")]
            payload = {k: _random_value(rng, proc, f, ids) for k, f in items[name].items()
                       if f.required or rng.random() < 0.5}
            try:
                proc.fire(name, payload=payload)
            except v.TransitionRefused:
                continue
            if name == "go":
                return True
    return False


@settings(max_examples=40, deadline=None)
@given(RULES, st.integers(0, 2**16))
@example({"all": [{"count": "items", "min": 1}, {"count": "items", "where": {"kind": "a"},
                                                 "max": 0}]}, 0)  # the second choice value
@example({"all": [{"all": [{"count": "items", "where": {"kind": "a"}, "max": 0},
                           {"count": "items", "min": 1}]}]}, 0)  # seeding, first try failed
@example({"all": [{"any": [{"present": "profile"}, {"present": "payload.n"}]},
                  {"not": {"present": "profile"}}]}, 0)  # the any picks what the all allows
def test_whatever_a_random_search_passes_the_planner_passes(rule: Any, seed: int) -> None:
    """If a bounded random search over event sequences passes a guard, check finds it
    passable too."""
    tpl = _probe(rule)
    if _random_search_passes(tpl, seed):
        assert ("go", "probe") in explore(tpl).guards_passed, json.dumps(rule)
