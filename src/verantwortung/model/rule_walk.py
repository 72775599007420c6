"""One walker over the rule vocabulary: every consumer of a rule tree goes through here.

:class:`RuleVisitor` has one abstract method per kind of rule (``visit_count`` ...
``visit_until``), and :meth:`RuleVisitor.visit` dispatches to them with a ``match``
that ends in ``assert_never``. A consumer that needs the kinds apart (compiling,
verbalising, planning, static checks, placeholders) is a visitor; a walk that only
descends (the custom rules used, the time rules inside) uses :func:`children`,
:func:`walk` or :func:`nodes`, which know the sub-rules of each kind in one place.

Adding a kind of rule (a class in :data:`~verantwortung.model.rules.Rule`) therefore
makes ``mypy --strict`` name every place that does not handle it:

1. ``visit`` and :func:`children` no longer cover every member of the union, and the
   ``assert_never`` at their ends fails to type-check until a ``case`` and an abstract
   ``visit_<kind>`` method are added here;
2. every visitor that does not implement the new method is then abstract: mypy reports
   each place that instantiates it ("Cannot instantiate abstract class ... with abstract
   attribute 'visit_<kind>'"), and Python refuses to instantiate it.
   ``tests/model/test_rule_walk.py`` checks that every visitor in the library
   implements every kind of :data:`~verantwortung.model.rules.RULE_KINDS`.

A visitor keeps what it needs besides the rule (a location, the wanted outcome) on
itself; where a sub-rule needs other context, the visitor visits it with a new one.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import Generic, TypeVar, assert_never

from .rules import (
    AllRule,
    AnyRule,
    CompareRule,
    CountRule,
    CustomRule,
    NotRule,
    PresentRule,
    Rule,
    SinceRule,
    UntilRule,
)

__all__ = ["RuleVisitor", "children", "custom_names", "nodes", "placeholders", "rule_kind",
           "walk"]

T = TypeVar("T")
N = TypeVar("N", CountRule, PresentRule, CompareRule, AllRule, AnyRule, NotRule, CustomRule,
            SinceRule, UntilRule)


class RuleVisitor(ABC, Generic[T]):
    """One method per kind of rule; :meth:`visit` picks the one for a rule."""

    def visit(self, rule: Rule) -> T:
        """The result of the method for ``rule``'s kind."""
        match rule:
            case CountRule():
                return self.visit_count(rule)
            case PresentRule():
                return self.visit_present(rule)
            case CompareRule():
                return self.visit_compare(rule)
            case AllRule():
                return self.visit_all(rule)
            case AnyRule():
                return self.visit_any(rule)
            case NotRule():
                return self.visit_not(rule)
            case CustomRule():
                return self.visit_custom(rule)
            case SinceRule():
                return self.visit_since(rule)
            case UntilRule():
                return self.visit_until(rule)
            case _:  # pragma: no cover - the model admits no other kind
                assert_never(rule)

    @abstractmethod
    def visit_count(self, rule: CountRule) -> T:
        """``{count: collection, where: ..., min: ..., max: ...}``."""

    @abstractmethod
    def visit_present(self, rule: PresentRule) -> T:
        """``{present: record.field}`` or ``{present: payload.field}``."""

    @abstractmethod
    def visit_compare(self, rule: CompareRule) -> T:
        """``{compare: {left: ..., op: ..., right: ...}}``."""

    @abstractmethod
    def visit_all(self, rule: AllRule) -> T:
        """``{all: [rule, ...]}``."""

    @abstractmethod
    def visit_any(self, rule: AnyRule) -> T:
        """``{any: [rule, ...]}``."""

    @abstractmethod
    def visit_not(self, rule: NotRule) -> T:
        """``{not: rule}``."""

    @abstractmethod
    def visit_custom(self, rule: CustomRule) -> T:
        """``{custom: name, args: ...}``."""

    @abstractmethod
    def visit_since(self, rule: SinceRule) -> T:
        """``{since: collection, ...}`` (or ``"*"``, the latest event)."""

    @abstractmethod
    def visit_until(self, rule: UntilRule) -> T:
        """``{until: collection, ...}``."""


def children(rule: Rule) -> tuple[Rule, ...]:
    """The direct sub-rules of ``rule``, in their order (none for a rule that has none)."""
    match rule:
        case AllRule():
            return tuple(rule.all)
        case AnyRule():
            return tuple(rule.any)
        case NotRule():
            return (rule.not_,)
        case CountRule() | PresentRule() | CompareRule() | CustomRule() | SinceRule() \
                | UntilRule():
            return ()
        case _:  # pragma: no cover - the model admits no other kind
            assert_never(rule)


def walk(rule: Rule) -> Iterator[Rule]:
    """``rule`` and every rule inside it, each once, depth first in their order."""
    stack: list[Rule] = [rule]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(children(node)))


def nodes(rule: Rule, kind: type[N]) -> Iterator[N]:
    """The rules of one kind in ``rule`` (itself included), in :func:`walk` order."""
    for node in walk(rule):
        if isinstance(node, kind):
            yield node


def custom_names(rule: Rule) -> set[str]:
    """The names of the custom rules ``rule`` uses, at any depth."""
    return {node.custom for node in nodes(rule, CustomRule)}


class _Kind(RuleVisitor[str]):
    def visit_count(self, rule: CountRule) -> str:
        return "count"

    def visit_present(self, rule: PresentRule) -> str:
        return "present"

    def visit_compare(self, rule: CompareRule) -> str:
        return "compare"

    def visit_all(self, rule: AllRule) -> str:
        return "all"

    def visit_any(self, rule: AnyRule) -> str:
        return "any"

    def visit_not(self, rule: NotRule) -> str:
        return "not"

    def visit_custom(self, rule: CustomRule) -> str:
        return "custom"

    def visit_since(self, rule: SinceRule) -> str:
        return "since"

    def visit_until(self, rule: UntilRule) -> str:
        return "until"


_KIND = _Kind()


def rule_kind(rule: Rule) -> str:
    """The key that names ``rule``'s kind in a template (``count``, ``not``, ``since`` ...)."""
    return _KIND.visit(rule)


class _Placeholders(RuleVisitor[frozenset[str] | None]):
    """Names a message may use for the values a rule saw; None means any (custom rules)."""

    def visit_count(self, rule: CountRule) -> frozenset[str]:
        return frozenset({"count", "min", "max", "collection"})

    def visit_present(self, rule: PresentRule) -> frozenset[str]:
        return frozenset({"path", "value"})

    def visit_compare(self, rule: CompareRule) -> frozenset[str]:
        return frozenset({"left", "right", "op"})

    def _junction(self, parts: list[Rule]) -> frozenset[str] | None:
        names: set[str] = set()
        for sub in parts:
            inner = self.visit(sub)
            if inner is None:
                return None
            names |= inner
        return frozenset(names)

    def visit_all(self, rule: AllRule) -> frozenset[str] | None:
        return self._junction(rule.all)

    def visit_any(self, rule: AnyRule) -> frozenset[str] | None:
        return self._junction(rule.any)

    def visit_not(self, rule: NotRule) -> frozenset[str] | None:
        return self.visit(rule.not_)

    def visit_custom(self, rule: CustomRule) -> None:
        return None

    def _time(self, rule: SinceRule | UntilRule) -> frozenset[str]:
        return frozenset({rule.unit, "date", "min", "max", "collection"})

    def visit_since(self, rule: SinceRule) -> frozenset[str]:
        return self._time(rule)

    def visit_until(self, rule: UntilRule) -> frozenset[str]:
        return self._time(rule)


_PLACEHOLDERS = _Placeholders()


def placeholders(rule: Rule) -> frozenset[str] | None:
    """Names a message may use for the values this rule saw; None means any (custom rules)."""
    return _PLACEHOLDERS.visit(rule)
