"""Explore a template with data: reachability, transition and guard coverage, invariants.

Breadth-first over the phase graph, the planner prepares the data each transition
needs and fires it on a real process; so "reachable" means a concrete, accepted
event sequence exists. Then every hard guard is broken on purpose (refusable?),
each deadline is made due and cleared again (:mod:`.deadline_check`), and random
runs check the template's invariants after every accepted event.
"""

from __future__ import annotations

import random
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..engine import Process
from ..exceptions import Diagnostic, TransitionRefused
from ..model.rule_walk import RuleVisitor, walk
from ..model.rules import CompareRule, CountRule, FieldOperand, Rule
from ..model.template import Check, EventDef, ProcessTemplate, Transition
from .deadline_check import DeadlineOutcome, check_deadlines
from .explore_findings import finding, findings, guards_to_check
from .plan_parts import route
from .planner import Planner, Step, steps_since
from .stories import seeded, shortened
from .walk import random_payload, walk_step

__all__ = ["Budget", "Exploration", "Refusal", "explore", "random_runs", "walk_step"]

Edge = tuple[str, str]  # trigger, source phase


@dataclass(frozen=True, slots=True)
class Refusal:
    """A story that ends in a refusal with ``code``."""

    trigger: str
    code: str
    steps: tuple[Step, ...]


@dataclass(slots=True)
class Exploration:
    """What exploring a template found."""

    template: ProcessTemplate
    reach: dict[str, list[Step]] = field(default_factory=dict)
    taken: dict[Edge, list[Step]] = field(default_factory=dict)
    refusals: dict[tuple[str, str, str], Refusal] = field(default_factory=dict)
    guards_passed: set[tuple[str, str]] = field(default_factory=set)
    broken: dict[str, tuple[Step, ...]] = field(default_factory=dict)  # invariant -> story
    deadlines: dict[str, DeadlineOutcome] = field(default_factory=dict)
    runs: int = 0
    run_steps: int = 0
    findings: list[Diagnostic] = field(default_factory=list)

    @property
    def declared(self) -> dict[tuple[str, str], list[Transition]]:
        """Declared transitions (trigger and where it is written) with their expansions."""
        out: dict[tuple[str, str], list[Transition]] = {}
        for trig in self.template.triggers:
            for t in trig.transitions:
                out.setdefault((trig.id, str(t.origin)), []).append(t)
        return out

    def coverage(self) -> dict[str, Any]:
        """Phase, transition and guard coverage as numbers (JSON-ready)."""
        phases = [p.id for p in self.template.phases]
        declared = self.declared
        covered = [k for k, ts in declared.items()
                   if any((t.trigger, t.source) in self.taken for t in ts)]
        expanded = [(t.trigger, t.source) for t in self.template.transitions]
        guards = guards_to_check(self.template)
        refusable = {(trigger, code) for trigger, code, _ in self.refusals}
        return {
            "phases": {"reached": len([p for p in phases if p in self.reach]),
                       "total": len(phases),
                       "missing": [p for p in phases if p not in self.reach]},
            "transitions": {"covered": len(covered), "total": len(declared),
                            "missing": [f"{k[0]} ({k[1]})" for k in declared
                                        if k not in covered]},
            "expanded": {"covered": len([e for e in expanded if e in self.taken]),
                         "total": len(expanded),
                         "never_taken": [f"{t} from {s}" for t, s in expanded
                                         if (t, s) not in self.taken]},
            "guards": {"total": len(guards),
                       "passable": len([g for g in guards if g in self.guards_passed]),
                       "refusable": len([g for g in guards if g in refusable])},
            "invariants": {"count": len(self.template.invariants), "runs": self.runs,
                           "steps": self.run_steps},
            "deadlines": {"total": len(self.template.deadlines),
                          "due": len([d for d in self.deadlines.values() if d.due]),
                          "cleared": len([d for d in self.deadlines.values()
                                          if d.cleared_by and not d.ends]),
                          "found": [d.to_dict() for d in self.deadlines.values()]},
        }


@dataclass(frozen=True, slots=True)
class Budget:
    """How much exploring may cost: events fired, and seconds of wall time."""

    fires: int = 200_000
    seconds: float = 60.0


class _OutOfBudgetError(Exception):
    """Raised inside the planner when the budget is used up; explore() reports it."""


class _BudgetedPlanner(Planner):
    """A planner that stops, by raising :class:`_OutOfBudgetError`, when its budget is spent.

    A template may ask for what no budget affords (a guard that needs a million
    records); exploring it then ends with a warning instead of running forever.
    """

    def __init__(self, template: ProcessTemplate, budget: Budget) -> None:
        super().__init__(template)
        self.budget = budget
        self.fires = 0
        self.deadline = time.monotonic() + budget.seconds

    def try_fire(self, proc: Process, step: Step) -> bool:
        self.fires += 1
        if self.fires > self.budget.fires or (
                self.fires % 64 == 0 and time.monotonic() > self.deadline):
            raise _OutOfBudgetError
        return super().try_fire(proc, step)


def explore(template: ProcessTemplate, *, progress: Callable[[str], None] | None = None,
            budget: Budget | None = None) -> Exploration:
    """Find a data-backed path to every phase, take every transition, break every guard.

    When ``budget`` (default :class:`Budget`) runs out, the exploration stops and says
    so in a W402 finding; what it found until then is kept.
    """
    planner = _BudgetedPlanner(template, budget or Budget())
    result = Exploration(template)
    try:
        _explore(planner, result, progress)
    except _OutOfBudgetError:
        fallback = template.files[0] if template.files else template.id
        result.findings.append(finding(
            None, fallback, "W402", f"exploring stopped after {planner.fires - 1:,} events "
            f"(budget: {planner.budget.fires:,} events, {planner.budget.seconds:g} seconds); "
            "the template asks for more data than that, and the findings are incomplete",
            "warning"))
    return result


def _explore(planner: Planner, result: Exploration,
             progress: Callable[[str], None] | None) -> None:
    template = result.template
    initial = template.initial_phase.id
    result.reach[initial] = []
    queue = deque([initial])
    while queue:
        phase = queue.popleft()
        for trig in template.triggers:
            for t in trig.transitions:
                if t.source != phase or (trig.id, phase) in result.taken:
                    continue
                proc = _take(planner, result, t)
                if proc is not None and proc.phase not in result.reach:
                    result.reach[proc.phase] = result.taken[(trig.id, phase)]
                    queue.append(proc.phase)
        if progress:
            progress(f"explored {len(result.reach)} phases")
    _break_guards(planner, result)
    _event_guards(planner, result)
    _break_invariants(planner, result)
    result.deadlines = check_deadlines(planner, result.reach)
    findings(result)


def _take(planner: Planner, result: Exploration, t: Transition) -> Process | None:
    """Take ``t`` after the story into its source phase; the process after it, or None.

    When a guard fails at the end of that story, the story is told again with the
    guard's data made as early as each part can be (some records can only be added in
    an earlier phase).
    """
    base = result.reach[t.source]
    goals = [(g.spec.rule, True) for g in t.guards]
    for proc in _starts(planner, base, t, goals):
        steps = planner.prepare(proc, t.trigger, best_effort=True)
        if steps is None:
            continue
        try:
            proc.fire(steps[-1].name, payload=dict(steps[-1].payload), at=proc.history[-1].at)
        except TransitionRefused as exc:
            failing = {r.code for r in exc.reasons}
            result.guards_passed.update(
                (t.trigger, g.code) for g in t.guards if g.code not in failing)
            continue
        path = steps_since(proc, 1)
        reseeded = path[:len(base)] != base  # the base was seeded anew for this step
        result.taken[(t.trigger, t.source)] = shortened(planner, path,
                                                        0 if reseeded else len(base))
        result.guards_passed.update((t.trigger, g.code) for g in t.guards)
        return proc
    return None


def _starts(planner: Planner, base: list[Step], t: Transition,
            goals: list[tuple[Any, bool]]) -> Iterator[Process]:
    """Where to prepare ``t`` from: the end of ``base``, then ``base`` seeded for ``goals``."""
    proc = planner.run(base)
    if proc is not None:
        yield proc
    again = seeded(planner, base, goals, planner.template.trigger(t.trigger).payload)
    if again is not None:
        yield again


def _break_guards(planner: Planner, result: Exploration) -> None:
    for t in planner.template.transitions:
        if t.source not in result.reach:
            continue
        for guard in t.guards:
            if (t.trigger, guard.code, "") in result.refusals:
                continue
            story = _refuse_trigger(planner, result.reach[t.source], t, guard)
            if story is not None:
                result.refusals[(t.trigger, guard.code, "")] = Refusal(
                    t.trigger, guard.code, tuple(story))


def _refuse_trigger(planner: Planner, base: list[Step], t: Transition,
                    guard: Check) -> list[Step] | None:
    """A story whose last step is ``t``'s trigger, refused with ``guard``'s code."""
    goals = [(g.spec.rule, g.code != guard.code) for g in t.guards]
    # first with every other guard passing; else (when they cannot all pass while this one
    # fails, e.g. one needs a vision's text and this one a vision) refused with others too
    for best_effort in (False, True):
        for proc in _starts(planner, base, t, goals):
            steps = planner.prepare(proc, t.trigger, skip=guard, break_it=True,
                                    best_effort=best_effort)
            if steps is None:
                continue
            try:
                proc.fire(steps[-1].name, payload=dict(steps[-1].payload),
                          at=proc.history[-1].at)
            except TransitionRefused as exc:
                if guard.code in {r.code for r in exc.reasons}:
                    return [*steps_since(proc, 1), steps[-1]]
    return None


def _event_guards(planner: Planner, result: Exploration) -> None:
    for ev in planner.template.events:
        if ev.guards and ev.spec.adds is None:
            _change_guards(planner, result, ev)
        if not ev.guards or ev.spec.adds is None:
            continue
        phase = next((p for p in ev.phases if p in result.reach), None)
        if phase is None:
            continue
        base = result.reach[phase]
        proc = planner.run(base)
        if proc is not None and planner.make(proc, ev.spec.adds, {}) is not None:
            result.guards_passed.update((ev.id, g.code) for g in ev.guards)
        for guard in ev.guards:
            proc = planner.run(base)
            if proc is None:
                continue
            story = _refuse_event(planner, proc, ev.spec.adds, guard)
            if story is not None:
                result.refusals[(ev.id, guard.code, "")] = Refusal(ev.id, guard.code, story)


def _change_guards(planner: Planner, result: Exploration, ev: EventDef) -> None:
    """Guards of an event that updates or removes a record: one change that passes, and
    for each guard a record moved along its status to where the guard refuses."""
    target = ev.spec.updates or ev.spec.removes
    phase = next((p for p in ev.phases if p in result.reach), None)
    if target is None or phase is None:
        return
    proc = planner.run(result.reach[phase])
    if proc is not None and (planner.make(proc, target, {}) is not None
                             or proc.records(target)):
        compiled_ev = planner.ct.events[ev.id]
        payload = random_payload(planner, proc, compiled_ev.fields, lambda n: 0,
                                 updating=compiled_ev)
        if payload is not None and planner.try_fire(proc, Step(ev.id, payload)):
            result.guards_passed.update((ev.id, g.code) for g in ev.guards)
    for guard in ev.guards:
        proc = planner.run(result.reach[phase])
        story = None if proc is None else _refuse_change(planner, proc, ev, guard)
        if story is not None:
            result.refusals[(ev.id, guard.code, "")] = Refusal(ev.id, guard.code, story)


def _refuse_change(planner: Planner, proc: Process, ev: EventDef,
                   guard: Check) -> tuple[Step, ...] | None:
    """Add a record that matches the guard's filter but for its status, then move the
    status there with the event; the story when the guard refuses that move."""
    rule = guard.spec.rule
    if not isinstance(rule, CountRule) or rule.count != ev.spec.updates:
        return None
    collection = rule.count
    built = planner.pending(proc, collection, dict(rule.where))
    if built is None or not planner.try_fire(proc, built.step):
        return None
    rid = built.step.payload.get("id")
    record = next((r for r in proc.records(collection) if r.get("id") == rid), {})
    for name, allowed in built.moves.items():
        moves = planner.template.collections[collection].fields[name].moves or {}
        for value in route(moves, record.get(name), allowed) or ():
            step = Step(ev.id, {ev.spec.key or "": rid, name: value})
            try:
                proc.fire(step.name, payload=dict(step.payload), at=proc.history[-1].at)
            except TransitionRefused as exc:
                found = guard.code in {r.code for r in exc.reasons}
                return (*steps_since(proc, 1), step) if found else None
    return None


def _refuse_event(planner: Planner, proc: Process, collection: str,
                  guard: Check) -> tuple[Step, ...] | None:
    """Add matching records until the event's own guard refuses the next one."""
    where = _filter_of(guard.spec.rule, collection)
    for _ in range(64):
        built = planner.pending(proc, collection, where)
        if built is None:
            return None
        try:
            proc.fire(built.step.name, payload=dict(built.step.payload),
                      at=proc.history[-1].at)
        except TransitionRefused as exc:
            if guard.code in {r.code for r in exc.reasons}:
                return (*steps_since(proc, 1), built.step)
            return None
    return None


def _filter_of(rule: Rule, collection: str) -> dict[str, Any]:
    """The filter of the first count over ``collection`` in ``rule`` (inside all, any and
    not too), or the value a ``payload.field != value`` comparison singles out: the
    records to add until an event's guard refuses the next one."""
    singles = _Singles(collection)
    return next((found for node in walk(rule) if (found := singles.visit(node))), {})


class _Singles(RuleVisitor[dict[str, Any]]):
    """What one rule (not those inside it) singles out of ``collection``, or nothing."""

    def __init__(self, collection: str) -> None:
        self.collection = collection

    def visit_count(self, rule: CountRule) -> dict[str, Any]:
        return dict(rule.where) if rule.count == self.collection else {}

    def visit_compare(self, rule: CompareRule) -> dict[str, Any]:
        c = rule.compare
        if c.op == "!=" and isinstance(c.right, str) and isinstance(c.left, FieldOperand) \
                and c.left.field.startswith("payload."):
            return {c.left.field.removeprefix("payload."): c.right}
        return {}

    def _nothing(self, rule: Rule) -> dict[str, Any]:
        return {}

    # the other kinds single out nothing themselves (walk() looks inside junctions)
    visit_present = visit_all = visit_any = visit_not = visit_custom = visit_since = \
        visit_until = _nothing


def _break_invariants(planner: Planner, result: Exploration) -> None:
    """Plan a story that breaks each invariant, from every phase reached, and report it."""
    tpl = planner.template
    fallback = tpl.files[0] if tpl.files else tpl.id
    for inv in tpl.invariants:
        for phase, base in result.reach.items():
            proc = planner.run(base)
            if proc is None or proc.is_final or planner.violate(proc, inv.spec.rule, {}) is None:
                continue
            story = tuple(steps_since(proc, 1))
            result.broken[inv.code] = story
            result.findings.append(finding(
                inv.source, fallback, "C004", f"invariant {inv.code!r} is violated by a story "
                f"of {_steps(len(story))}, broken in phase {phase!r} by "
                f"{', '.join(s.name for s in story[len(base):])}"))
            break


def _steps(n: int) -> str:
    return f"{n} step" if n == 1 else f"{n} steps"


def random_runs(template: ProcessTemplate, result: Exploration, *, runs: int, seed: int = 0,
                max_steps: int = 80, progress: Callable[[str], None] | None = None) -> None:
    """Random walks (planned and unplanned steps); invariants are checked after each one."""
    rng = random.Random(seed)
    planner = Planner(template)
    fallback = template.files[0] if template.files else template.id
    invariants = {c.code: c for c in template.invariants}
    for run in range(runs):
        proc = planner.start()
        story: list[Step] = []
        for _ in range(max_steps):
            if proc.is_final:
                break
            story.extend(walk_step(planner, proc, rng.randrange))
            result.run_steps += 1
            for reason in proc.invariant_violations():
                if reason.code not in result.broken:
                    result.broken[reason.code] = tuple(story)
                    result.findings.append(finding(
                        invariants[reason.code].source, fallback, "C004",
                        f"invariant {reason.code!r} is violated after {_steps(len(story))} of "
                        f"random run {run + 1}: {reason.message_en}"))
        result.runs += 1
        if progress:
            progress(f"random run {run + 1}/{runs}")
