"""Make a rule pass or fail by firing steps: the planner's visitor over the vocabulary.

:func:`achieve` takes a rule and what it should come to (pass or fail) and picks a
tactic by the rule's kind (:class:`~verantwortung.model.rule_walk.RuleVisitor`):

* ``count``: add matching records up to the bound (or one past ``max`` to fail);
* ``present``: add the single record, set the field, or fill/drop the payload field;
* ``compare``: find a value for each adjustable side (a count, a record field, a
  payload field) that makes ``left op right`` true — to fail, the negated operator;
* ``all`` / ``any``: every part, or one part, comes to the wanted result;
* ``not``: the part comes to the opposite;
* ``custom``: the sample its registration declares (``satisfied_by`` / ``broken_by``);
* ``since`` / ``until``: none, as no step moves time (the deadline check asks about
  later days instead).

Each tactic runs on a copy of the process and is kept only when the whole rule then
judges as wanted, so a tactic may guess.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..model.field_path import path_field
from ..model.rule_walk import RuleVisitor, children
from ..model.rules import (
    AllRule,
    AnyRule,
    CompareRule,
    CountOperand,
    CountRule,
    CustomRule,
    FieldOperand,
    NotRule,
    PresentRule,
    SinceRule,
    UntilRule,
)
from ..model.specs import FieldSpec
from ..rules.registry import registry
from .plan_parts import plain_value
from .planner import Step

if TYPE_CHECKING:
    from ..engine import Process
    from .planner import Planner

__all__ = ["achieve"]

Fields = Mapping[str, FieldSpec]
Payload = dict[str, Any]

OPS: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt, "<=": operator.le, "==": operator.eq, "!=": operator.ne,
    ">=": operator.ge, ">": operator.gt,
}
NEGATED = {"<": ">=", "<=": ">", "==": "!=", "!=": "==", ">=": "<", ">": "<="}
MIRRORED = {"<": ">", "<=": ">=", "==": "==", "!=": "!=", ">=": "<=", ">": "<"}
COUNT_REACH = 25  # how far past the current count a comparison may ask to go


def achieve(planner: Planner, proc: Process, rule: Any, want: bool, payload: Payload,
            fields: Fields) -> bool:
    """Fire steps on ``proc`` (and fill ``payload``) so ``rule`` passes (``want``) or fails.

    True when the rule then judges as wanted; otherwise ``proc`` and ``payload`` are
    left as they were (except while the planner seeds a story).
    """
    if planner.holds(proc, rule, payload) == want:
        return True

    def attempt(trial: Process, wanted: Payload) -> bool:
        _Tactic(planner, trial, want, wanted, fields).visit(rule)
        return planner.holds(trial, rule, wanted) == want and planner.fits(trial, wanted)

    if planner.attempt(proc, payload, attempt):
        return True
    if planner.variant:
        return False  # a retry with other values is under way: nothing nested retries again
    for variant in (1, 2):  # values the rule leaves open, picked otherwise
        planner.variant = variant
        try:
            if planner.attempt(proc, payload, attempt):
                return True
        finally:
            planner.variant = 0
    return False


def _ok(fn: Callable[[Any, Any], Any], a: Any, b: Any) -> bool:
    try:
        return bool(fn(a, b))
    except TypeError:  # e.g. a missing field (None) against a number: the rule fails
        return False


# -- count -------------------------------------------------------------------------------

def _count(planner: Planner, proc: Process, rule: CountRule, want: bool, payload: Payload,
           fields: Fields) -> None:
    lo, hi = planner.bound(rule.min), planner.bound(rule.max)
    least = None if lo is None else int(-(-lo // 1))  # a bound may be a float parameter
    most = None if hi is None else int(hi // 1)
    now = planner.count(proc, rule.count, rule.where)

    def beyond(trial: Process, wanted: Payload) -> bool:
        return most is not None and count_up(planner, trial, rule.count, rule.where, most + 1)

    if want and most is not None and now > most:
        count_down(planner, proc, rule.count, rule.where, most)
    elif want and least is not None:
        count_up(planner, proc, rule.count, rule.where, least)
    elif not want and not planner.attempt(proc, payload, beyond) and least is not None:
        count_down(planner, proc, rule.count, rule.where, least - 1)


def count_up(planner: Planner, proc: Process, collection: str, where: Mapping[str, Any],
             target: int) -> bool:
    """Add records of ``collection`` matching ``where`` until ``target`` of them exist."""
    count = planner.count(proc, collection, where)
    while count < target:
        if planner.make(proc, collection, where) is None:
            return False
        now = planner.count(proc, collection, where)
        if now <= count:  # the new record does not match: more would not help
            return False
        count = now
    return True


def count_down(planner: Planner, proc: Process, collection: str, where: Mapping[str, Any],
               target: int) -> bool:
    """Move matching records out of ``where`` (a status along its moves) until ``target`` match.

    Records are never removed; a record stops matching when an ``updates`` event moves
    one of the filtered fields to a value the filter does not allow.
    """
    spec = planner.template.collections.get(collection)
    if spec is None:
        return False
    bound = {k: planner.bound(v) for k, v in where.items()}
    movable = {name: [x for x in (spec.fields[name].values or ())
                      if x not in (v if isinstance(v, list) else [v])]
               for name, v in bound.items()
               if name in spec.fields and spec.fields[name].type == "choice"}
    for record in list(proc.records(collection)):
        if planner.count(proc, collection, where) <= target:
            return True
        if "id" not in record or not _matches_now(planner, proc, collection, record, where):
            continue
        for name, others in movable.items():
            def moved(trial: Process, wanted: Payload, n: str = name, o: list[Any] = others,
                      rid: Any = record["id"]) -> bool:
                return planner.move(trial, collection, rid, n, o)

            if planner.attempt(proc, {}, moved):
                break
    return planner.count(proc, collection, where) <= target


def _matches_now(planner: Planner, proc: Process, collection: str, record: Mapping[str, Any],
                 where: Mapping[str, Any]) -> bool:
    key = {"id": record["id"]} if "id" in record else {}
    return planner.count(proc, collection, {**where, **key}) > 0


# -- present -----------------------------------------------------------------------------

def _present(planner: Planner, proc: Process, rule: PresentRule, want: bool,
             payload: Payload, fields: Fields) -> None:
    head, _, rest = rule.present.partition(".")
    if head == "payload":
        if not want:
            payload.pop(rest, None)
            return
        spec = fields.get(rest)
        if spec is not None:
            value, _ = planner.value(proc, rest, spec.model_copy(update={"default": None}))
            if value is not None:
                payload[rest] = value
        return
    if not want:
        return  # a record, once there, stays
    if not rest:
        planner.make(proc, head, {})
        return
    spec = field_spec(planner, rule.present, fields)
    if spec is not None and spec.type not in ("ref", "refs"):
        set_field(planner, proc, rule.present,
                  plain_value(proc, rest, spec, planner.fresh, planner.variant), payload)
    elif spec is not None:
        planner.make(proc, head, {})


# -- compare -----------------------------------------------------------------------------

def _compare(planner: Planner, proc: Process, rule: CompareRule, want: bool,
             payload: Payload, fields: Fields) -> None:
    cmp = rule.compare
    op = cmp.op if want else NEGATED[cmp.op]
    sides = [(cmp.left, cmp.right, op), (cmp.right, cmp.left, MIRRORED[op])]
    for side, other, side_op in sides:
        target = operand_value(planner, proc, other, payload)
        if target is None and _adjustable(other):
            continue  # give the other side a value first (below)
        def adjusted(trial: Process, wanted: Payload, s: Any = side, so: str = side_op,
                     t: Any = target) -> bool:
            return adjust(planner, trial, s, so, t, wanted, fields) and _ok(
                OPS[op], *_values(planner, trial, cmp, wanted))

        if planner.attempt(proc, payload, adjusted):
            return
    for side, other, side_op in sides:  # a missing field on one side: set it, then adjust
        if not isinstance(other, FieldOperand):
            continue

        def fill_then_adjust(trial: Process, wanted: Payload, s: Any = side, o: Any = other,
                             so: str = side_op) -> bool:
            spec = field_spec(planner, o.field, fields)
            if spec is None or not set_field(planner, trial, o.field, plain_value(
                    trial, o.field, spec, planner.fresh, planner.variant), wanted):
                return False
            target = operand_value(planner, trial, o, wanted)
            return adjust(planner, trial, s, so, target, wanted, fields) and _ok(
                OPS[op], *_values(planner, trial, cmp, wanted))

        if planner.attempt(proc, payload, fill_then_adjust):
            return


def _adjustable(operand: Any) -> bool:
    return isinstance(operand, (CountOperand, FieldOperand))


def _values(planner: Planner, proc: Process, cmp: Any, payload: Payload) -> tuple[Any, Any]:
    return (operand_value(planner, proc, cmp.left, payload),
            operand_value(planner, proc, cmp.right, payload))


def operand_value(planner: Planner, proc: Process, operand: Any, payload: Payload) -> Any:
    """The value an operand has on ``proc`` now."""
    if not _adjustable(operand):
        return planner.bound(operand)
    seen = planner.seen(proc, CompareRule.model_validate(
        {"compare": {"left": operand, "op": "==", "right": 0}}), payload)
    return seen["left"]


def adjust(planner: Planner, proc: Process, operand: Any, op: str, target: Any,
           payload: Payload, fields: Fields) -> bool:
    """Change what ``operand`` reads so that ``operand op target`` holds."""
    fn = OPS[op]
    if isinstance(operand, CountOperand):
        now = planner.count(proc, operand.count, operand.where)
        goal = next((n for n in range(now, now + COUNT_REACH) if _ok(fn, n, target)), None)
        if goal is not None:
            return count_up(planner, proc, operand.count, operand.where, goal)
        fewer = next((n for n in range(now - 1, -1, -1) if _ok(fn, n, target)), None)
        return fewer is not None and count_down(planner, proc, operand.count, operand.where,
                                                fewer)
    if isinstance(operand, FieldOperand):
        spec = field_spec(planner, operand.field, fields)
        for value in candidates(spec, target):
            def given(trial: Process, wanted: Payload, v: Any = value) -> bool:
                return set_field(planner, trial, operand.field, v, wanted) and _ok(
                    fn, operand_value(planner, trial, operand, wanted), target)

            if _ok(fn, value, target) and planner.attempt(proc, payload, given):
                return True
        return False
    return _ok(fn, planner.bound(operand), target)


def candidates(spec: FieldSpec | None, target: Any) -> list[Any]:
    """Values of a field worth trying against ``target``: near it, at the bounds, typical."""
    kind = spec.type if spec is not None else (
        "int" if isinstance(target, (int, float)) and not isinstance(target, bool) else
        "bool" if isinstance(target, bool) else "text")
    out: list[Any] = []
    if kind == "int":
        near = [0, 1]
        if isinstance(target, (int, float)) and not isinstance(target, bool):
            base = int(target)
            near = [base, base + 1, base - 1, base + 2, base - 2, *near]
        lo = spec.min if spec is not None else None
        hi = spec.max if spec is not None else None
        out = [v for v in [*near, *(b for b in (lo, hi) if b is not None)]
               if (lo is None or v >= lo) and (hi is None or v <= hi)]
    elif kind == "bool":
        out = [True, False]
    elif kind == "choice" and spec is not None:
        out = list(spec.values or ())
    elif kind == "date":
        out = _dates(target)
    else:
        texts = [target, f"{target}a", "A", "Beispiel", "zz"] if isinstance(target, str) and \
            target.strip() else ["A", "Beispiel", "zz"]
        out = [t for t in texts if isinstance(t, str) and t.strip()]
    return list(dict.fromkeys(out))


def _dates(target: Any) -> list[str]:
    try:
        day = dt.date.fromisoformat(str(target))
    except ValueError:
        return ["2014-01-06"]
    return [(day + dt.timedelta(days=d)).isoformat() for d in (0, 1, -1)]


def field_spec(planner: Planner, path: str, fields: Fields) -> FieldSpec | None:
    """The spec of the field a path reads (``payload.x``, ``record.field``, ``record.ref.f``)."""
    return path_field(path, planner.template.collections, fields)


def set_field(planner: Planner, proc: Process, path: str, value: Any, payload: Payload) -> bool:
    """Give the field at ``path`` the value ``value`` (a payload field, or a single record's)."""
    head, _, rest = path.partition(".")
    if head == "payload":
        payload[rest] = value
        return True
    if not rest:
        return False
    return planner.make(proc, head, {rest: value}) is not None


# -- all, any, not, custom ---------------------------------------------------------------

def _junction(planner: Planner, proc: Process, rule: AllRule | AnyRule, want: bool,
              payload: Payload, fields: Fields, *, conjunction: bool) -> None:
    """``conjunction``: an ``all`` (else an ``any``)."""
    parts = list(children(rule))
    every = conjunction == want  # all pass, or (to fail an any) all fail
    if every:
        for order in (parts, parts[::-1]):  # met in turn, none undoing one met before
            def each(trial: Process, wanted: Payload, order: list[Any] = order) -> bool:
                return _each(planner, trial, order, want, wanted, fields) and planner.holds(
                    trial, rule, wanted) == want

            if planner.attempt(proc, payload, each):
                return
        return
    for part in parts:
        def decided(trial: Process, wanted: Payload, p: Any = part) -> bool:
            return achieve(planner, trial, p, want, wanted, fields) and planner.holds(
                trial, rule, wanted) == want and planner.fits(trial, wanted)

        if planner.attempt(proc, payload, decided):
            return


def _each(planner: Planner, proc: Process, parts: list[Any], want: bool, payload: Payload,
          fields: Fields) -> bool:
    """Bring every part to ``want`` in turn, keeping the parts met before it."""
    for _ in range(2):  # a later part may still undo an earlier one: a second round mends it
        for i, part in enumerate(parts):
            met = [(p, want) for p in parts[:i] if planner.holds(proc, p, payload) == want]
            planner.keep.extend(met)
            try:
                achieve(planner, proc, part, want, payload, fields)
            finally:
                del planner.keep[len(planner.keep) - len(met):]
        if all(planner.holds(proc, p, payload) == want for p in parts):
            return True
    return False


def _not(planner: Planner, proc: Process, rule: NotRule, want: bool, payload: Payload,
         fields: Fields) -> None:
    achieve(planner, proc, rule.not_, not want, payload, fields)


def _custom(planner: Planner, proc: Process, rule: CustomRule, want: bool, payload: Payload,
            fields: Fields) -> None:
    sample = registry.sample(rule.custom, rule.args, passes=want)
    if sample is None:
        return
    payload.update(sample.payload)
    for step in sample.steps:
        name = str(step["do"])
        item = planner.ct.events.get(name)
        spec = item.fields if item is not None else planner.template.trigger(name).payload
        built = planner.payload_for(proc, spec, dict(step.get("with") or {}))
        if built is None or not planner.try_fire(proc, Step(name, built[0])):
            return


class _Tactic(RuleVisitor[None]):
    """The tactic for each kind of rule: steps on ``proc`` toward ``want``."""

    def __init__(self, planner: Planner, proc: Process, want: bool, payload: Payload,
                 fields: Fields) -> None:
        self.planner, self.proc, self.want = planner, proc, want
        self.payload, self.fields = payload, fields

    def visit_count(self, rule: CountRule) -> None:
        _count(self.planner, self.proc, rule, self.want, self.payload, self.fields)

    def visit_present(self, rule: PresentRule) -> None:
        _present(self.planner, self.proc, rule, self.want, self.payload, self.fields)

    def visit_compare(self, rule: CompareRule) -> None:
        _compare(self.planner, self.proc, rule, self.want, self.payload, self.fields)

    def visit_all(self, rule: AllRule) -> None:
        _junction(self.planner, self.proc, rule, self.want, self.payload, self.fields,
                  conjunction=True)

    def visit_any(self, rule: AnyRule) -> None:
        _junction(self.planner, self.proc, rule, self.want, self.payload, self.fields,
                  conjunction=False)

    def visit_not(self, rule: NotRule) -> None:
        _not(self.planner, self.proc, rule, self.want, self.payload, self.fields)

    def visit_custom(self, rule: CustomRule) -> None:
        _custom(self.planner, self.proc, rule, self.want, self.payload, self.fields)

    def visit_since(self, rule: SinceRule) -> None:
        """No step moves the days since a date: time rules are left to the deadline check
        (:mod:`verantwortung.testing.deadline_check`), which asks about later days."""

    def visit_until(self, rule: UntilRule) -> None:
        """As for ``since``: no step moves the days until a date."""
