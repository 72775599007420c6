"""Static checks of one rule, kind by kind, located at the YAML that caused them.

Kept apart from :mod:`verantwortung.io.checks` (which calls in here) so both stay small;
the rule tree is walked by :class:`~verantwortung.model.rule_walk.RuleVisitor`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..model.rule_walk import RuleVisitor
from ..model.rules import (
    AllRule,
    AnyRule,
    CompareRule,
    CountOperand,
    CountRule,
    CustomRule,
    FieldOperand,
    NotRule,
    ParamRef,
    PresentRule,
    Rule,
    SinceRule,
    UntilRule,
    comparison_problem,
)
from .kinds import Payload, operand_kind
from .time_checks import check_time_rule

if TYPE_CHECKING:
    from .checks import Loc, _Checker

__all__ = ["check_rule"]


def check_rule(checker: _Checker, rule: Rule, loc: Loc, payload: Payload) -> None:
    """Report what is wrong with ``rule`` (at ``loc``) and every rule inside it."""
    _RuleCheck(checker, loc, payload).visit(rule)


class _RuleCheck(RuleVisitor[None]):
    """Checks one rule at ``loc``; sub-rules are checked at their own locations."""

    def __init__(self, checker: _Checker, loc: Loc, payload: Payload) -> None:
        self.checker, self.loc, self.payload = checker, loc, payload

    def _bounds(self, rule: CountRule) -> None:
        for which, value in (("min", rule.min), ("max", rule.max)):
            if isinstance(value, ParamRef):
                self.checker.param(value, (*self.loc, which))

    def visit_count(self, rule: CountRule) -> None:
        self.checker.count(rule.count, rule.where, self.loc)
        self._bounds(rule)

    def visit_present(self, rule: PresentRule) -> None:
        self.checker.path(rule.present, (*self.loc, "present"), self.payload)

    def visit_compare(self, rule: CompareRule) -> None:
        kinds = []
        for side, op in (("left", rule.compare.left), ("right", rule.compare.right)):
            oloc = (*self.loc, "compare", side)
            if isinstance(op, ParamRef):
                self.checker.param(op, oloc, numeric=False)
            elif isinstance(op, CountOperand):
                self.checker.count(op.count, op.where, oloc)
            elif isinstance(op, FieldOperand):
                self.checker.path(op.field, (*oloc, "field"), self.payload)
            kinds.append(operand_kind(op, self.checker.collections, self.checker.doc.parameters,
                                      self.payload))
        problem = comparison_problem(rule.compare.op, *kinds)
        if problem is not None:
            self.checker.report((*self.loc, "compare", "op"), "E104", problem)

    def _parts(self, key: str, parts: Sequence[Rule]) -> None:
        for i, sub in enumerate(parts):
            check_rule(self.checker, sub, (*self.loc, key, i), self.payload)

    def visit_all(self, rule: AllRule) -> None:
        self._parts("all", rule.all)

    def visit_any(self, rule: AnyRule) -> None:
        self._parts("any", rule.any)

    def visit_not(self, rule: NotRule) -> None:
        check_rule(self.checker, rule.not_, (*self.loc, "not"), self.payload)

    def visit_custom(self, rule: CustomRule) -> None:
        registered = self.checker.custom_rules
        if registered is None or rule.custom in registered:
            return
        known = ", ".join(sorted(registered))
        listing = f"registered: {known}" if known else "no custom rules are registered"
        self.checker.report((*self.loc, "custom"), "E208", f"unknown custom rule "
                            f"{rule.custom!r}; {listing}")

    def visit_since(self, rule: SinceRule) -> None:
        check_time_rule(self.checker, rule, self.loc, "since")

    def visit_until(self, rule: UntilRule) -> None:
        check_time_rule(self.checker, rule, self.loc, "until")
