"""Stories as a whole: told again with data made early, and cut to what they need.

:func:`seeded` tells a story into a phase again, making before each phase change
what a later guard needs and only that phase allows; :func:`shortened` drops every
domain event the story does not need, so the "shortest story" into a phase sets
nothing twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..engine import Process
from ..model.specs import FieldSpec
from .goals import achieve
from .planner import Planner, Step

__all__ = ["seeded", "shortened"]


def shortened(planner: Planner, steps: Sequence[Step], keep: int = 0) -> list[Step]:
    """``steps`` without the ones after the first ``keep`` that the story does not need.

    A step is left out when the story without it still runs and ends in the same
    phase with the same last step: nothing is set twice, nothing made for nothing.
    """
    out = list(steps)
    end = planner.run(out)
    if end is None:
        return out
    for i in range(len(out) - 2, keep - 1, -1):
        if out[i].name in planner.ct.triggers:
            continue
        trial = out[:i] + out[i + 1:]
        proc = planner.run(trial)
        if proc is not None and proc.phase == end.phase:
            out = trial
    return out

def seeded(planner: Planner, base: Sequence[Step], goals: Sequence[tuple[Any, bool]],
           fields: Mapping[str, FieldSpec]) -> Process | None:
    """``base`` run again, with data for ``goals`` made before each phase change.

    A guard of a later phase may need records that only an earlier phase can add
    (partners join in preparation, the circle forms at the kick-off): before every
    phase trigger of the story, whatever part of the goals can be made there is made,
    as long as that trigger still passes. None when the story no longer runs.
    """
    triggers = {t.id for t in planner.template.triggers}
    proc = planner.start()
    for step in [*base, None]:
        if step is None or step.name in triggers:
            trial = Process.replay(planner.template, proc.history)
            for rule, want in goals:
                if achieve(planner, trial, rule, want, {}, fields):
                    continue  # met here already: nothing half-made needed
                planner.partial = True
                try:
                    achieve(planner, trial, rule, want, {}, fields)
                finally:
                    planner.partial = False
            if step is None or planner.try_fire(trial, step):
                proc = trial
                continue
        if step is not None and not planner.try_fire(proc, step):
            return None
    return proc
