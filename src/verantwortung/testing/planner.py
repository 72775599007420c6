"""Find event sequences, with data, that make a template's guards pass or fail.

The planner reads the rule specs (they are data) and synthesises the domain events
that satisfy them: a ``count`` rule asks for records of a collection that match
its ``where`` filter — following references, so "5 circle members whose partner
is a company" first adds 5 companies, then 5 members — and moves a status field
along its moves when the filter asks for one; a ``present`` rule for a single
record, one of its fields or a payload field; a ``compare`` rule for a count, a
record field or a payload field with a value that satisfies the operator; a
``custom`` rule for the sample its registration declares. ``all``, ``any`` and
``not`` combine these (see :mod:`verantwortung.testing.goals`).

Every candidate step is fired on a real process, and every attempt runs on a copy
first and is kept only when the rule then holds, so whatever the planner claims
was accepted by the engine and nothing is added that a rule did not need.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..engine import CompiledEvent, CompiledTemplate, Process, compiled_template
from ..exceptions import TransitionRefused
from ..model.rule_walk import custom_names
from ..model.rules import CountRule, ParamRef
from ..model.specs import FieldSpec
from ..model.template import Check, ProcessTemplate
from ..rules.compile import Compiled, compile_rule
from ..rules.registry import registry
from .plan_parts import RecordsView, conjunction, matches, plain_value, route

__all__ = ["START", "Planner", "Step", "steps_since"]

START = dt.datetime(2014, 1, 6, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class Step:
    """One action of a story: a trigger or domain event with its payload."""

    name: str
    payload: Mapping[str, Any]
    actor: str | None = None


@dataclass(slots=True)
class Pending:
    """A step that adds a record, not fired yet, and the status moves it needs afterwards."""

    step: Step
    moves: dict[str, tuple[Any, ...]] = field(default_factory=dict)


def _plain(value: Any) -> Any:
    """A plain JSON copy (mappings as dicts, sequences as lists) of a stored value."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def steps_since(proc: Process, start: int) -> list[Step]:
    """The accepted events of ``proc`` after the first ``start`` ones, as steps."""
    return [Step(e.kind, _plain(e.payload), e.actor) for e in proc.history[start:]]


def _split_filter(where: Mapping[str, Any], fixed: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Put the values ``where`` asks of a record's own fields into ``fixed``; return what
    it asks of the records its references name (reference field -> their filter)."""
    nested: dict[str, dict[str, Any]] = {}
    for path, value in where.items():
        head, _, rest = path.partition(".")
        if value is None:  # a filter on an unset field: leave it out
            continue
        if rest:
            nested.setdefault(head, {})[rest] = value
        else:
            fixed[head] = value[0] if isinstance(value, (list, tuple)) else value
    return nested


def _split_moves(ev: CompiledEvent, where: Mapping[str, Any],
                 fixed: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    """Take the fields the adding event does not set out of ``fixed``: a status field
    starts at its default and moves along the field's moves afterwards (field -> the
    values to move to, when the default is not one of them)."""
    moves: dict[str, tuple[Any, ...]] = {}
    for name in [n for n in fixed if n not in ev.fields]:
        wanted = where.get(name, fixed[name])
        allowed = tuple(wanted) if isinstance(wanted, (list, tuple)) else (wanted,)
        if ev.starts.get(name) not in allowed:
            moves[name] = allowed
        del fixed[name]
    return moves


class Planner:
    """Builds processes step by step and synthesises steps that satisfy or break rules."""

    def __init__(self, template: ProcessTemplate, region: str = "Testregion") -> None:
        self.template = template
        self.ct: CompiledTemplate = compiled_template(template)
        self.region = region
        self._ids = itertools.count(1)
        self._probes: dict[str, Compiled] = {}
        #: while seeding a story, attempts keep what they made even when the rule does not
        #: hold yet: records made early that a later phase builds on
        self.partial = False
        #: which of the values a rule leaves open to pick (the first choice, the second ...),
        #: so that a retry can make records that other parts of a rule need
        self.variant = 0
        #: goals met already that an attempt must not undo (parts of an ``all``)
        self.keep: list[tuple[Any, bool]] = []
        #: the time new steps are dated (None: the time of the latest event), for stories
        #: in which time passes (a deadline becoming due, then cleared)
        self.clock: dt.datetime | None = None

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

    def try_fire(self, proc: Process, step: Step) -> bool:
        """Fire ``step``; False (and nothing changed) when refused."""
        try:
            last = proc.history[-1].at
            proc.fire(step.name, actor=step.actor, payload=dict(step.payload),
                      at=last if self.clock is None else max(self.clock, last))
        except TransitionRefused:
            return False
        return True

    def fresh(self, prefix: str) -> str:
        """A new id that no generated record used before."""
        return f"{prefix}{next(self._ids)}"

    def attempt(self, proc: Process, payload: dict[str, Any],
                tactic: Callable[[Process, dict[str, Any]], bool]) -> bool:
        """Run ``tactic`` on a copy of ``proc``; keep its steps (and payload) when it succeeds.

        While seeding (``partial``), what the tactic made is kept even when it failed.
        """
        trial = Process.replay(self.template, proc.history)
        wanted = dict(payload)
        ok = tactic(trial, wanted)
        if not ok and not self.partial:
            return False
        for step in steps_since(trial, len(proc.history)):
            if not self.try_fire(proc, step):  # pragma: no cover - the copy accepted it
                return False
        payload.clear()
        payload.update(wanted)
        return ok

    def fits(self, proc: Process, payload: Mapping[str, Any]) -> bool:
        """Whether every goal in :attr:`keep` still judges as wanted on ``proc``."""
        return all(self.holds(proc, rule, payload) == want for rule, want in self.keep)

    # -- reading rules ------------------------------------------------------------------

    def bound(self, value: Any) -> Any:
        """A parameter reference's value (lists element by element); other values as they are."""
        if isinstance(value, ParamRef):
            return self.template.values[value.param]
        if isinstance(value, list):
            return [self.bound(v) for v in value]
        return value

    def probe(self, rule: Any) -> Compiled:
        """``rule`` compiled as the engine compiles it (built once per rule)."""
        key = repr(rule)
        found = self._probes.get(key)
        if found is None:
            custom = {name: registry[name] for name in custom_names(rule) if name in registry}
            found = self._probes[key] = compile_rule(rule, self.template.collections,
                                                     self.template.values, custom)
        return found

    def holds(self, proc: Process, rule: Any, payload: Mapping[str, Any]) -> bool:
        """Whether ``rule`` passes on ``proc`` with ``payload``, as the engine judges it."""
        try:
            return bool(self.probe(rule)(RecordsView(proc), payload)[0])
        except Exception:  # a custom rule that raises does not hold
            return False

    def seen(self, proc: Process, rule: Any, payload: Mapping[str, Any]) -> dict[str, Any]:
        """The values ``rule`` saw on ``proc`` (``left``, ``right``, ``count`` ...)."""
        return dict(self.probe(rule)(RecordsView(proc), payload)[1])

    def count(self, proc: Process, collection: str, where: Mapping[str, Any]) -> int:
        """How many records of ``collection`` match ``where``, counted as the engine does."""
        rule = CountRule(count=collection, where=dict(where), min=0)
        return int(self.seen(proc, rule, {})["count"])

    # -- payloads -------------------------------------------------------------------------

    def value(self, proc: Process, name: str, spec: FieldSpec) -> tuple[Any, list[Step]]:
        """A valid value for a field, and the steps needed first (for references)."""
        if spec.default is not None and spec.type != "ref":
            return spec.default, []
        if spec.type in ("ref", "refs"):
            target = spec.to or ""
            existing = [r["id"] for r in proc.records(target)]
            if existing:
                return (existing[-1] if spec.type == "ref" else [existing[-1]]), []
            start = len(proc.history)
            rid = self.make(proc, target, {})
            if rid is None:
                return None, []
            return (rid if spec.type == "ref" else [rid]), steps_since(proc, start)
        return plain_value(proc, name, spec, self.fresh, self.variant), []

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

    def updater(self, proc: Process, collection: str, name: str) -> CompiledEvent | None:
        """A domain event that may change field ``name`` of ``collection`` here."""
        for ev in self.ct.events.values():
            if ev.updates == collection and name in ev.fields and proc.phase in ev.phases:
                return ev
        return None

    # -- making records -------------------------------------------------------------------

    def make(self, proc: Process, collection: str, where: Mapping[str, Any]) -> Any | None:
        """Add a record of ``collection`` matching ``where`` (fired on ``proc``).

        Returns the new record's id (True for a record without one), or None when that is
        impossible here; the steps it took are ``proc``'s newest events.
        """
        built = self.pending(proc, collection, where)
        if built is None:
            return None
        step = built.step
        payload = dict(step.payload)
        from .goals import achieve

        fields = self.ct.events[step.name].fields
        for guard in self.template.event(step.name).guards:  # e.g. a patron must be named
            achieve(self, proc, guard.spec.rule, True, payload, fields)
        if not self.try_fire(proc, Step(step.name, payload)):
            return None
        rid = payload.get("id", True)
        for name, allowed in built.moves.items():
            if not self.move(proc, collection, rid, name, allowed):
                return None
        return rid

    def pending(self, proc: Process, collection: str, where: Mapping[str, Any]
                ) -> Pending | None:
        """The step that adds a matching record, unfired, after the records it refers to."""
        if collection not in self.template.collections:  # built in: no event adds to it
            return None
        spec = self.template.collections[collection]
        where = {k: self.bound(v) for k, v in where.items()}
        fixed: dict[str, Any] = {}
        if spec.single:  # setting a single record again keeps what it already holds
            current = next(iter(proc.records(collection)), {})
            fixed = {k: v for k, v in current.items() if k in spec.fields}
        # referenced records first: while seeding, an earlier phase may make them although
        # the record that refers to them can only be added later
        if not self._refer(proc, collection, _split_filter(where, fixed), fixed):
            return None
        ev = self.adder(proc, collection)
        if ev is None:
            if self.partial:  # what the record will refer to, made while it can be
                for name, fspec in spec.fields.items():
                    if fspec.required and fspec.type in ("ref", "refs") and name not in fixed:
                        self.value(proc, name, fspec)
            return None
        if "id" in spec.fields and "id" not in where:
            fixed["id"] = self.fresh(collection[:1])
        unique: dict[str, Mapping[str, Any]] = {  # unique refs need an unused target
            name: {} for name, fspec in spec.fields.items()
            if fspec.unique and fspec.type == "ref" and name not in fixed}
        if not self._refer(proc, collection, unique, fixed):
            return None
        moves = _split_moves(ev, where, fixed)
        built = self.payload_for(proc, ev.fields, fixed)
        return None if built is None else Pending(Step(ev.name, built[0]), moves)

    def _refer(self, proc: Process, collection: str,
               targets: Mapping[str, Mapping[str, Any]], fixed: dict[str, Any]) -> bool:
        """Set each reference field in ``targets`` to a record matching its filter (found
        or made); False when one cannot be had."""
        for name, where in targets.items():
            match = self._target(proc, collection, name, where)
            if match is None:
                return False
            fixed[name] = match
        return True

    def _target(self, proc: Process, collection: str, name: str,
                where: Mapping[str, Any]) -> Any | None:
        """An existing record for reference ``name`` matching ``where``, or a new one."""
        fspec = self.template.collections[collection].fields[name]
        target = fspec.to or ""
        used = ({r.get(name) for r in proc.records(collection)} if fspec.unique else set())
        match = next((r["id"] for r in proc.records(target)
                      if r["id"] not in used and matches(proc, target, r, where)), None)
        return match if match is not None else self.make(proc, target, where)

    def move(self, proc: Process, collection: str, record_id: Any, name: str,
             allowed: Sequence[Any]) -> bool:
        """Change ``name`` of a record along the field's moves until it is one of ``allowed``."""
        record = next((r for r in proc.records(collection) if r.get("id") == record_id), None)
        moves = self.template.collections[collection].fields[name].moves or {}
        path = route(moves, None if record is None else record.get(name), allowed)
        ev = self.updater(proc, collection, name)
        if path is None or ev is None or ev.key is None:
            return False
        for value in path:
            fixed = {ev.key: record_id, name: value}
            built = self.payload_for(proc, ev.fields, fixed)
            if built is None or not self.try_fire(proc, Step(ev.name, built[0])):
                return False
        return True

    # -- satisfying and breaking rules ---------------------------------------------------

    def satisfy(self, proc: Process, rule: Any, payload: dict[str, Any],
                fields: Mapping[str, FieldSpec]) -> list[Step] | None:
        """Fire steps on ``proc`` (and fill ``payload``) so that ``rule`` passes, or None."""
        from .goals import achieve

        start = len(proc.history)
        return steps_since(proc, start) if achieve(self, proc, rule, True, payload,
                                                   fields) else None

    def violate(self, proc: Process, rule: Any, payload: dict[str, Any],
                fields: Mapping[str, FieldSpec] | None = None) -> list[Step] | None:
        """Fire steps on ``proc`` so that ``rule`` fails, or None when that is not possible."""
        from .goals import achieve

        start = len(proc.history)
        return steps_since(proc, start) if achieve(self, proc, rule, False, payload,
                                                   fields or {}) else None

    # -- triggers -------------------------------------------------------------------------

    def prepare(self, proc: Process, trigger: str, *, skip: Check | None = None,
                break_it: bool = False, best_effort: bool = False) -> list[Step] | None:
        """Steps that make ``trigger`` pass from here (ending with the trigger itself).

        With ``skip`` (a guard), that guard is left alone, or broken with ``break_it``;
        the last step is then the trigger as it would be refused. With ``best_effort``,
        guards the planner cannot satisfy are left failing instead of giving up, so the
        refusal shows which ones they are.
        """
        from .goals import achieve

        trig = self.template.trigger(trigger)
        edge = next((t for t in trig.transitions if t.source == proc.phase), None)
        if edge is None:
            return None
        start = len(proc.history)
        built = self.payload_for(proc, trig.payload, {})
        if built is None:
            return None
        payload = built[0]
        goals = [(g.spec.rule, True) for g in edge.guards
                 if skip is None or g.code != skip.code]
        if skip is not None and break_it:
            goals.append((skip.spec.rule, False))
        if goals and not achieve(self, proc, conjunction(goals), True, payload,
                                 trig.payload):
            if not best_effort:
                return None
            self._most_of(proc, goals[::-1], payload, trig.payload)  # the broken one first
        return [*steps_since(proc, start), Step(trigger, payload)]

    def _most_of(self, proc: Process, goals: Sequence[tuple[Any, bool]],
                 payload: dict[str, Any], fields: Mapping[str, FieldSpec]) -> None:
        """Meet as many goals as can be met in turn, none undoing one met before."""
        from .goals import achieve

        met: list[tuple[Any, bool]] = []
        for rule, want in goals:
            def keeps(trial: Process, wanted: dict[str, Any], r: Any = rule,
                      w: bool = want) -> bool:
                return achieve(self, trial, r, w, wanted, fields) and all(
                    self.holds(trial, m, wanted) == mw for m, mw in met)

            if self.attempt(proc, payload, keeps):
                met.append((rule, want))
