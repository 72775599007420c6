"""Whether a process can still come to a normal end: the planner, from where it stands."""

from __future__ import annotations

from collections import deque

from ..engine import Process
from ..exceptions import TransitionRefused
from .planner import Planner

__all__ = ["final_reachable"]


def final_reachable(proc: Process, *, budget: int = 60) -> bool:
    """True when some data takes ``proc`` on to a final phase (or it is in one).

    Triggers that leave every phase (``from: "*"``, such as ``abort``) do not count:
    they end any process, which says nothing about the way it was going. Each trigger
    is prepared by the planner on a copy of the process; at most ``budget`` of them.
    """
    if proc.is_final:
        return True
    tpl = proc.template
    planner = Planner(tpl, region=proc.region)
    triggers = [t for t in tpl.triggers if not t.any_source]
    seen, queue, tries = {proc.phase}, deque([proc]), 0
    while queue and tries < budget:
        here = queue.popleft()
        for trig in triggers:
            if not any(t.source == here.phase for t in trig.transitions):
                continue
            tries += 1
            trial = Process.replay(tpl, here.history)
            steps = planner.prepare(trial, trig.id)
            if steps is None:
                continue
            try:
                trial.fire(steps[-1].name, payload=dict(steps[-1].payload),
                           at=trial.history[-1].at)
            except TransitionRefused:
                continue
            if trial.is_final:
                return True
            if trial.phase not in seen:
                seen.add(trial.phase)
                queue.append(trial)
    return False
