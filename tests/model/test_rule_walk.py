"""The one walker over the rule vocabulary: dispatch, sub-rules, every visitor complete."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter

import verantwortung
from verantwortung.model.rule_walk import (
    RuleVisitor,
    children,
    custom_names,
    nodes,
    placeholders,
    rule_kind,
    walk,
)
from verantwortung.model.rules import RULE_KINDS, CountRule, CustomRule, Rule

RULE = TypeAdapter(Rule)

_NUMBER = st.integers(0, 9) | st.builds(lambda p: {"param": p}, st.sampled_from(["a", "b"]))
LEAVES = st.one_of(
    st.builds(lambda c, lo: {"count": c, "min": lo}, st.sampled_from(["items", "tags"]), _NUMBER),
    st.builds(lambda p: {"present": p}, st.sampled_from(["profile", "payload.n"])),
    st.builds(lambda a, op, b: {"compare": {"left": a, "op": op, "right": b}},
              st.sampled_from([{"field": "payload.n"}, {"count": "items"}]),
              st.sampled_from(["<", "==", ">="]), _NUMBER),
    st.builds(lambda n: {"custom": n}, st.sampled_from(["one", "two"])),
    st.builds(lambda hi: {"since": "*", "max": hi}, _NUMBER),
    st.builds(lambda lo: {"until": "events", "field": "date", "min": lo}, _NUMBER),
)
#: random rule trees (as YAML would give them) over every kind of the vocabulary
TREES = st.recursive(LEAVES, lambda inner: st.one_of(
    st.builds(lambda r: {"not": r}, inner),
    st.builds(lambda rs: {"all": rs}, st.lists(inner, min_size=1, max_size=3)),
    st.builds(lambda rs: {"any": rs}, st.lists(inner, min_size=1, max_size=3)),
), max_leaves=12)


def _raw_kinds(raw: dict[str, Any]) -> list[str]:
    """The kinds of a rule written as a mapping and of the rules inside it, depth first."""
    kind = next(k for k in RULE_KINDS if k in raw)
    inner = raw[kind] if kind in ("all", "any") else [raw[kind]] if kind == "not" else []
    return [kind, *(k for sub in inner for k in _raw_kinds(sub))]


def _visitor_classes() -> list[type[RuleVisitor[Any]]]:
    """Every subclass of RuleVisitor the library defines, once all its modules are imported."""
    for info in pkgutil.walk_packages(verantwortung.__path__, "verantwortung."):
        if info.name.endswith(".__main__"):  # runs the command line when imported
            continue
        try:
            importlib.import_module(info.name)
        except ImportError:  # pragma: no cover - an optional extra is not installed
            continue
    found: list[type[RuleVisitor[Any]]] = []
    todo = list(RuleVisitor.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


VISITORS = _visitor_classes()


def test_the_visitor_has_one_method_per_kind() -> None:
    """RuleVisitor's abstract methods are exactly visit_<kind> for every kind of rule."""
    assert {f"visit_{k}" for k in RULE_KINDS} == set(RuleVisitor.__abstractmethods__)


def test_the_library_walks_rules_with_visitors() -> None:
    """Compiling, checking, planning and verbalising are all visitors (found by the test)."""
    modules = {c.__module__ for c in VISITORS}
    assert {"verantwortung.rules.compile", "verantwortung.io.rule_checks",
            "verantwortung.testing.goals", "verantwortung.render.verbalize",
            "verantwortung.render.deadline_words"} <= modules


@pytest.mark.parametrize("cls", VISITORS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_visitor_in_the_library_handles_every_kind(cls: type[RuleVisitor[Any]]) -> None:
    """No visitor leaves a kind of rule abstract (mypy reports where one is instantiated)."""
    assert frozenset() == cls.__abstractmethods__
    for kind in RULE_KINDS:
        assert callable(getattr(cls, f"visit_{kind}"))


def test_a_visitor_missing_a_kind_cannot_be_made() -> None:
    """A visitor without a method for some kind is abstract: Python refuses to create it."""

    class Partial(RuleVisitor[int]):
        def visit_count(self, rule: CountRule) -> int:
            return 1

    with pytest.raises(TypeError, match="abstract"):
        Partial()  # type: ignore[abstract]


@pytest.mark.parametrize("raw", [
    {"count": "items", "min": 1}, {"present": "profile"},
    {"compare": {"left": 1, "op": "<", "right": 2}}, {"all": [{"present": "a"}]},
    {"any": [{"present": "a"}]}, {"not": {"present": "a"}}, {"custom": "x"},
    {"since": "*", "max": 3}, {"until": "events", "min": 0},
], ids=lambda raw: next(iter(raw)))
def test_visit_dispatches_by_kind(raw: dict[str, Any]) -> None:
    """Each kind of rule reaches its own method: rule_kind names the key it was written with."""
    assert next(iter(raw)) == rule_kind(RULE.validate_python(raw))


@given(TREES)
def test_walk_visits_every_rule_once_depth_first(raw: dict[str, Any]) -> None:
    """walk yields the rule and every rule inside it, each once, in the order written."""
    rule = RULE.validate_python(raw)
    seen = list(walk(rule))
    assert _raw_kinds(raw) == [rule_kind(n) for n in seen]
    assert len(seen) == len({id(n) for n in seen})


@given(TREES)
def test_children_round_trip(raw: dict[str, Any]) -> None:
    """A rule rebuilt from its own fields and its children is the rule again."""
    for node in walk(RULE.validate_python(raw)):
        kind = rule_kind(node)
        data = node.model_dump(by_alias=True)
        subs = [c.model_dump(by_alias=True) for c in children(node)]
        if kind in ("all", "any"):
            data[kind] = subs
        elif kind == "not":
            (data["not"],) = subs
        else:
            assert [] == subs
        assert node == RULE.validate_python(data)


@given(TREES)
def test_nodes_and_custom_names_find_rules_at_any_depth(raw: dict[str, Any]) -> None:
    """nodes picks the rules of one kind from the walk; custom_names their names."""
    rule = RULE.validate_python(raw)
    customs = [n for n in walk(rule) if rule_kind(n) == "custom"]
    assert customs == list(nodes(rule, CustomRule))
    assert {n.custom for n in nodes(rule, CustomRule)} == custom_names(rule)


@given(TREES)
def test_placeholders_of_a_junction_are_those_of_its_parts(raw: dict[str, Any]) -> None:
    """A message may use the names any sub-rule offers; a custom rule anywhere allows any."""
    rule = RULE.validate_python(raw)
    leaves = [placeholders(n) for n in walk(rule) if not children(n)]
    expected = None if None in leaves else frozenset().union(*(x for x in leaves if x))
    assert expected == placeholders(rule)


def test_placeholders_name_the_values_a_rule_saw() -> None:
    """A count offers count, min, max and collection; a time rule its unit and date."""
    assert {"count", "min", "max", "collection"} == placeholders(
        RULE.validate_python({"count": "items", "min": 1}))
    assert {"months", "date", "min", "max", "collection"} == placeholders(
        RULE.validate_python({"since": "*", "max": 3, "unit": "months"}))
    assert None is placeholders(RULE.validate_python({"not": {"custom": "x"}}))


_RULE_CLASSES = {"CountRule", "PresentRule", "CompareRule", "AllRule", "AnyRule", "NotRule",
                 "CustomRule", "SinceRule", "UntilRule", "TimeRule"}


def _rule_checks(fn: ast.AST) -> int:
    """How many isinstance calls in ``fn`` test for a rule class."""
    n = 0
    for node in ast.walk(fn):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "isinstance" \
                and len(node.args) == 2:
            names = {getattr(e, "id", None) for e in ast.walk(node.args[1])}
            n += bool(names & _RULE_CLASSES)
    return n


def test_no_isinstance_chains_over_rule_classes_outside_the_walker() -> None:
    """Outside the walker, a function tests a rule's class at most once (no dispatch by hand)."""
    src = Path(verantwortung.__file__).parent
    chains = [f"{path.relative_to(src)}:{fn.lineno} {fn.name}"
              for path in sorted(src.rglob("*.py")) if path.name != "rule_walk.py"
              for fn in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
              if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef) and _rule_checks(fn) > 1]
    assert [] == chains
