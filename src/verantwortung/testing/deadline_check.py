"""Can each deadline of a template become due, and be cleared again?

For every deadline, the stories :func:`~verantwortung.testing.explore` found into its
phases are continued: the dated records its time rules read are made when there are
none (a scheduled kick-off for "the kick-off is overdue"), and the process is asked
what is due on each day the deadline's rule can change (the engine names those days),
so "due" means a concrete story and a date on which ``due()`` lists it. Then, on that
day, each step the phase allows is tried on a copy, with the data the planner makes for
it; the first after which the deadline is no longer due and the process still runs
clears it. Else time may clear it (a reminder of a date that passes), and last a step
into a final phase (an abort ends every deadline).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..engine import Process, compiled_template, turning_days
from ..model.rule_walk import walk
from ..model.rules import ANY_EVENT, SinceRule, UntilRule
from ..model.template import ProcessTemplate
from .plan_parts import RecordsView
from .planner import Planner, Step, steps_since

__all__ = ["TIME", "DeadlineOutcome", "check_deadlines"]

#: what ``cleared_by`` says when only time passing clears a deadline
TIME = "time"


@dataclass(frozen=True, slots=True)
class DeadlineOutcome:
    """What was found for one deadline: a story and a day it is due, and what clears it."""

    code: str
    due: dt.date | None = None
    steps: tuple[Step, ...] = ()
    cleared_by: str | None = None  # a trigger or event, or TIME; None: nothing found
    ends: bool = False  # the step that clears it ends the process (no other was found)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"code": self.code, "due": self.due.isoformat() if self.due else None,
                "steps": len(self.steps), "cleared_by": self.cleared_by, "ends": self.ends}


def check_deadlines(planner: Planner, reach: Mapping[str, Sequence[Step]]
                    ) -> dict[str, DeadlineOutcome]:
    """Each deadline of the planner's template, tried in every phase ``reach`` has a
    story into (phase -> steps)."""
    tpl = planner.template
    return {d.code: _one(planner, reach, tpl, d) for d in tpl.deadlines}


def _one(planner: Planner, reach: Mapping[str, Sequence[Step]], tpl: ProcessTemplate,
         deadline: Any) -> DeadlineOutcome:
    best: tuple[int, DeadlineOutcome] | None = None
    for phase in (p.id for p in tpl.phases if p.id in deadline.phases and p.id in reach):
        base = planner.run(reach[phase])
        if base is None:
            continue
        for proc in _seeded(planner, base, deadline.spec.rule):
            day = _due_day(proc, deadline.code)
            if day is None:
                continue
            rank, by = _cleared(planner, proc, deadline.code, day)
            outcome = DeadlineOutcome(deadline.code, day, tuple(steps_since(proc, 1)), by,
                                      ends=rank == 2)
            if rank == 0:
                return outcome
            if best is None or rank < best[0]:
                best = (rank, outcome)
    return best[1] if best is not None else DeadlineOutcome(deadline.code)


def _seeded(planner: Planner, proc: Process, rule: Any) -> Iterator[Process]:
    """``proc``, then copies with a record made for each time rule that reads records."""
    yield proc
    for time_rule in (n for n in walk(rule) if isinstance(n, (SinceRule, UntilRule))):
        if time_rule.source == ANY_EVENT or time_rule.source not in planner.template.collections:
            continue
        trial = Process.replay(planner.template, proc.history)
        where = {k: planner.bound(v) for k, v in time_rule.where.items()}
        if planner.make(trial, time_rule.source, where) is not None:
            yield trial


def _codes(proc: Process, day: dt.date) -> set[str]:
    return {d.code for d in proc.due(at=day)}


def _candidates(proc: Process, code: str) -> list[dt.date]:
    """The days after the latest event on which the deadline's result can change."""
    last = proc.history[-1].at
    days = turning_days(compiled_template(proc.template), RecordsView(proc), last, code)
    return sorted({last.date(), *(d for d in days if d >= last.date())})


def _due_day(proc: Process, code: str) -> dt.date | None:
    return next((d for d in _candidates(proc, code) if code in _codes(proc, d)), None)


def _cleared(planner: Planner, proc: Process, code: str, day: dt.date
             ) -> tuple[int, str | None]:
    """What clears ``code`` on ``day``, best first: (0, a step that keeps the process
    running), (1, TIME), (2, a step into a final phase, such as an abort), (3, None)."""
    when = dt.datetime.combine(day, dt.time(0), dt.UTC)  # as due(at=day) reads the day
    final: str | None = None
    planner.clock = when
    try:
        for option in proc.options(at=when):
            trial = Process.replay(planner.template, proc.history)
            steps = planner.prepare(trial, option.name) if option.kind == "trigger" else (
                _event_steps(planner, trial, option.name))
            if not steps or not planner.try_fire(trial, steps[-1]):
                continue
            if code not in _codes(trial, day):
                if not trial.is_final:
                    return 0, option.name
                final = final or option.name
    finally:
        planner.clock = None
    if any(code not in _codes(proc, d) for d in _candidates(proc, code) if d > day):
        return 1, TIME
    return (2, final) if final is not None else (3, None)


def _event_steps(planner: Planner, proc: Process, name: str) -> list[Step] | None:
    """The steps that record event ``name`` (with data the planner makes), unfired last."""
    built = planner.payload_for(proc, planner.ct.events[name].fields, {})
    if built is None:
        return None
    payload, before = built  # the steps it needed first are fired already
    return [*before, Step(name, payload)]
