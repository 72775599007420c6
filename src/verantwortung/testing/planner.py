"""Find event sequences, with data, that make a template's guards pass or fail.

The planner reads the rule specs (they are data) and synthesises the domain events
that satisfy them: a ``count`` rule asks for records of a collection that match
its ``where`` filter — following references, so "5 circle members whose partner
is a company" first adds 5 companies, then 5 members — a ``present`` rule for a
single record or a payload field. Every candidate step is fired on a real
process, so whatever the planner claims was accepted by the engine.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..engine.compiled import CompiledEvent, CompiledTemplate, compiled
from ..engine.process import Process
from ..exceptions import TransitionRefused
from ..model.document import BUILTIN_COLLECTIONS, FieldSpec
from ..model.rules import (
    AllRule,
    AnyRule,
    CompareRule,
    CountOperand,
    CountRule,
    NotRule,
    ParamRef,
    PresentRule,
)
from ..model.template import Check, ProcessTemplate

__all__ = ["START", "Planner", "Step"]

START = dt.datetime(2014, 1, 6, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class Step:
    """One action of a story: a trigger or domain event with its payload."""

    name: str
    payload: Mapping[str, Any]
    actor: str | None = None


class Planner:
    """Builds processes step by step and synthesises steps that satisfy or break rules."""

    def __init__(self, template: ProcessTemplate, region: str = "Testregion") -> None:
        self.template = template
        self.ct: CompiledTemplate = compiled(template)
        self.region = region
        self._ids = itertools.count(1)

    # -- running stories ----------------------------------------------------------------

    def start(self) -> Process:
        """A fresh process at the story's start date."""
        return Process.start(self.template, region=self.region, at=START)

    def run(self, steps: Sequence[Step]) -> Process | None:
        """The process after ``steps``, or None if any step is refused."""
        proc = self.start()
        for step in steps:
            if not self.try_fire(proc, step):
                return None
        return proc

    @staticmethod
    def try_fire(proc: Process, step: Step) -> bool:
        """Fire ``step``; False (and nothing changed) when refused."""
        try:
            proc.fire(step.name, actor=step.actor, payload=dict(step.payload),
                      at=proc.history[-1].at)
        except TransitionRefused:
            return False
        return True

    def fresh(self, prefix: str) -> str:
        """A new id that no generated record used before."""
        return f"{prefix}{next(self._ids)}"

    # -- payloads -------------------------------------------------------------------------

    def value(self, proc: Process, name: str, spec: FieldSpec) -> tuple[Any, list[Step]]:
        """A valid value for a field, and the steps needed first (for references)."""
        if spec.default is not None and spec.type != "ref":
            return spec.default, []
        if spec.type == "id":
            return self.fresh(name[:1] or "x"), []
        if spec.type == "int":
            if spec.min is not None:
                return spec.min, []
            return (1 if spec.max is None or spec.max >= 1 else spec.max), []
        if spec.type == "bool":
            return False, []
        if spec.type == "date":
            return proc.history[-1].at.date().isoformat(), []
        if spec.type == "choice":
            return (spec.values or [""])[0], []
        if spec.type in ("ref", "refs"):
            target = spec.to or ""
            existing = [r["id"] for r in proc.records(target)]
            if existing:
                return (existing[-1] if spec.type == "ref" else [existing[-1]]), []
            made = self.make(proc, target, {})
            if made is None:
                return None, []
            steps, rid = made
            return (rid if spec.type == "ref" else [rid]), steps
        return "Beispiel", []

    def payload_for(self, proc: Process, fields: Mapping[str, FieldSpec],
                    fixed: Mapping[str, Any]) -> tuple[dict[str, Any], list[Step]] | None:
        """A payload with every required field, ``fixed`` values kept; steps needed first."""
        payload = dict(fixed)
        before: list[Step] = []
        for name, spec in fields.items():
            if name in payload or not spec.required:
                continue
            value, steps = self.value(proc, name, spec)  # its steps are fired already
            if value is None:
                return None
            before.extend(steps)
            payload[name] = value
        return payload, before

    def adder(self, proc: Process, collection: str) -> CompiledEvent | None:
        """A domain event that adds to ``collection`` and is allowed in the current phase."""
        for ev in self.ct.events.values():
            if ev.adds == collection and proc.phase in ev.phases:
                return ev
        return None

    def make(self, proc: Process, collection: str, where: Mapping[str, Any]
             ) -> tuple[list[Step], Any] | None:
        """Add a record of ``collection`` matching ``where`` (fired on ``proc``).

        Returns the steps and the new record's id (or None when impossible here).
        """
        built = self.pending(proc, collection, where)
        if built is None:
            return None
        prep, step = built
        event = self.template.event(step.name)
        payload = dict(step.payload)
        for guard in event.guards:  # the event's own guards (e.g. a patron must be named)
            more = self.satisfy(proc, guard.spec.rule, payload, self.ct.events[step.name].fields)
            if more is None:
                return None
            prep.extend(more)
        step = Step(step.name, payload)
        if not self.try_fire(proc, step):
            return None
        return [*prep, step], step.payload.get("id")

    def pending(self, proc: Process, collection: str, where: Mapping[str, Any]
                ) -> tuple[list[Step], Step] | None:
        """The step that adds a matching record, unfired, after the steps it needs (fired)."""
        if collection in BUILTIN_COLLECTIONS:
            return None
        ev = self.adder(proc, collection)
        if ev is None:
            return None
        spec = self.template.collections[collection]
        fixed: dict[str, Any] = {}
        steps: list[Step] = []
        nested: dict[str, dict[str, Any]] = {}
        for path, value in where.items():
            head, _, rest = path.partition(".")
            if rest:
                nested.setdefault(head, {})[rest] = value
            else:
                fixed[head] = value[0] if isinstance(value, (list, tuple)) else value
        for head, sub in nested.items():
            field = spec.fields[head]
            used = {r.get(head) for r in proc.records(collection)} if field.unique else set()
            match = next((r["id"] for r in proc.records(field.to or "")
                          if r["id"] not in used and _matches(proc, field.to or "", r, sub)),
                         None)
            if match is None:
                made = self.make(proc, field.to or "", sub)
                if made is None:
                    return None
                steps.extend(made[0])
                match = made[1]
            fixed[head] = match
        if "id" in spec.fields and "id" not in fixed:
            fixed["id"] = self.fresh(collection[:1])
        for name, field in spec.fields.items():  # unique refs need an unused target
            if field.unique and field.type == "ref" and name not in fixed:
                used = {r.get(name) for r in proc.records(collection)}
                free = [r["id"] for r in proc.records(field.to or "") if r["id"] not in used]
                if free:
                    fixed[name] = free[0]
                else:
                    made = self.make(proc, field.to or "", {})
                    if made is None:
                        return None
                    steps.extend(made[0])
                    fixed[name] = made[1]
        for name in [n for n in fixed if n not in ev.fields]:
            # a status field is not part of the adding event: new records start at its
            # default, which must be what the filter asks for
            wanted = where.get(name, fixed[name])
            allowed = wanted if isinstance(wanted, (list, tuple)) else [wanted]
            if ev.starts.get(name) not in allowed:
                return None
            del fixed[name]
        built = self.payload_for(proc, ev.fields, fixed)
        if built is None:
            return None
        payload, before = built
        return [*steps, *before], Step(ev.name, payload)

    # -- satisfying and breaking rules ---------------------------------------------------

    def _bound(self, value: Any) -> Any:
        return self.template.values[value.param] if isinstance(value, ParamRef) else value

    def satisfy(self, proc: Process, rule: Any, payload: dict[str, Any],
                fields: Mapping[str, FieldSpec]) -> list[Step] | None:
        """Fire steps on ``proc`` (and fill ``payload``) so that ``rule`` passes, or None."""
        if isinstance(rule, CountRule):
            return self._count_up(proc, rule.count, rule.where, self._bound(rule.min),
                                  self._bound(rule.max))
        if isinstance(rule, PresentRule):
            head, _, rest = rule.present.partition(".")
            if head == "payload":
                spec = fields.get(rest, FieldSpec(type="text"))
                value, steps = self.value(proc, rest, spec)
                if value is None:
                    return None
                payload[rest] = value
                return steps
            if proc.records(head) and not rest:
                return []
            made = self._make_single(proc, head)
            return made
        if isinstance(rule, CompareRule) and isinstance(rule.compare.left, CountOperand):
            right = self._bound(rule.compare.right)
            if not isinstance(right, (int, float)):
                return None
            lo = {">": right + 1, ">=": right, "==": right}.get(rule.compare.op)
            return self._count_up(proc, rule.compare.left.count, rule.compare.left.where, lo,
                                  None)
        if isinstance(rule, AllRule):
            collected: list[Step] = []
            for sub in rule.all:
                more = self.satisfy(proc, sub, payload, fields)
                if more is None:
                    return None
                collected.extend(more)
            return collected
        if isinstance(rule, AnyRule):
            for sub in rule.any:
                trial = Process.replay(self.template, proc.history)
                if self.satisfy(trial, sub, dict(payload), fields) is not None:
                    found = self.satisfy(proc, sub, payload, fields)
                    if found is not None:
                        return found
            return None
        return None  # not, custom, other comparisons: only if they already hold

    def _make_single(self, proc: Process, collection: str) -> list[Step] | None:
        made = self.make(proc, collection, {})
        if made is None:
            return None
        steps, _ = made
        spec = self.template.collections.get(collection)
        if spec is not None:  # fill optional fields too, so `present: x.field` holds
            ev = self.adder(proc, collection)
            optional = {n: f for n, f in spec.fields.items() if not f.required}
            if ev is not None and optional:
                extra = dict(steps[-1].payload)
                for name, field in optional.items():
                    value, _ = self.value(proc, name, field.model_copy(update={"default": None}))
                    if value is not None and field.type not in ("ref", "refs"):
                        extra[name] = value
                step = Step(ev.name, extra)
                if self.try_fire(proc, step):
                    steps.append(step)
        return steps

    def count(self, proc: Process, collection: str, where: Mapping[str, Any]) -> int:
        """How many records of ``collection`` match ``where``, counted as the engine does."""
        from ..rules.compile import compile_rule

        probe = compile_rule(CountRule(count=collection, where=dict(where), min=0),
                             self.template.collections, self.template.values)
        return int(probe(_View(proc), {})[1]["count"])

    def _count_up(self, proc: Process, collection: str, where: Mapping[str, Any],
                  lo: Any, hi: Any) -> list[Step] | None:
        steps: list[Step] = []
        while True:
            count = self.count(proc, collection, where)
            if hi is not None and count > hi:
                return None
            if lo is None or count >= lo:
                return steps
            made = self.make(proc, collection, where)
            if made is None:
                return None
            steps.extend(made[0])

    def violate(self, proc: Process, rule: Any, payload: dict[str, Any]) -> list[Step] | None:
        """Fire steps on ``proc`` so that ``rule`` fails, or None when that is not possible."""
        if isinstance(rule, CountRule):
            hi = self._bound(rule.max)
            lo = self._bound(rule.min)
            probe_lo = None if hi is None else hi + 1
            if lo is not None and self.count(proc, rule.count, rule.where) < lo:
                return []
            if probe_lo is None:
                return None
            return self._count_up(proc, rule.count, rule.where, probe_lo, None)
        if isinstance(rule, PresentRule):
            head, _, rest = rule.present.partition(".")
            if head == "payload":
                payload.pop(rest, None)
                return []
            return [] if not proc.records(head) else None
        if isinstance(rule, AllRule):
            for sub in rule.all:
                trial = Process.replay(self.template, proc.history)
                if self.violate(trial, sub, dict(payload)) is not None:
                    return self.violate(proc, sub, payload)
            return None
        if isinstance(rule, AnyRule):
            steps: list[Step] = []
            for sub in rule.any:
                more = self.violate(proc, sub, payload)
                if more is None:
                    return None
                steps.extend(more)
            return steps
        if isinstance(rule, NotRule):
            return self.satisfy(proc, rule.not_, payload, {})
        return None

    # -- triggers -------------------------------------------------------------------------

    def prepare(self, proc: Process, trigger: str, *, skip: Check | None = None,
                break_it: bool = False, best_effort: bool = False) -> list[Step] | None:
        """Steps that make ``trigger`` pass from here (ending with the trigger itself).

        With ``skip`` (a guard), that guard is left alone, or broken with ``break_it``;
        the last step is then the trigger as it would be refused. With ``best_effort``,
        guards the planner cannot satisfy are left failing instead of giving up, so the
        refusal shows which ones they are.
        """
        trig = self.template.trigger(trigger)
        edge = next((t for t in trig.transitions if t.source == proc.phase), None)
        if edge is None:
            return None
        built = self.payload_for(proc, trig.payload, {})
        if built is None:
            return None
        payload, steps = built
        for guard in edge.guards:
            if skip is not None and guard.code == skip.code:
                continue
            trial = Process.replay(self.template, proc.history) if best_effort else proc
            more = self.satisfy(trial, guard.spec.rule, payload, trig.payload)
            if more is None:
                if best_effort:
                    continue
                return None
            if best_effort:
                for step in more:
                    self.try_fire(proc, step)
            steps.extend(more)
        if skip is not None and break_it:
            more = self.violate(proc, skip.spec.rule, payload)
            if more is None:
                return None
            steps.extend(more)
        return [*steps, Step(trigger, payload)]


class _View:
    """The RecordView protocol over a process's public, copied records."""

    def __init__(self, proc: Process) -> None:
        self.proc = proc

    def records(self, collection: str) -> list[dict[str, Any]]:
        return list(self.proc.records(collection))

    def single(self, collection: str) -> dict[str, Any] | None:
        found = self.proc.records(collection)
        return found[0] if found else None

    def lookup(self, collection: str, record_id: Any) -> dict[str, Any] | None:
        return next((r for r in self.proc.records(collection) if r.get("id") == record_id),
                    None)


def _matches(proc: Process, collection: str, record: Mapping[str, Any],
             where: Mapping[str, Any]) -> bool:
    for path, expected in where.items():
        head, _, rest = path.partition(".")
        value = record.get(head)
        if rest:
            spec = proc.template.collections[collection].fields[head]
            target = next((r for r in proc.records(spec.to or "") if r.get("id") == value), None)
            if target is None or not _matches(proc, spec.to or "", target, {rest: expected}):
                return False
            continue
        allowed = expected if isinstance(expected, (list, tuple)) else [expected]
        if value not in allowed:
            return False
    return True
