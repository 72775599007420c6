"""Judging a trigger or a domain event before it fires: ``Checked``, a named result.

``Process`` gathers the reasons every step shares (role, order in time) and hands the
rest to :func:`check_trigger` or :func:`check_event`: the phase, the payload, the
guards and the advisories. A domain event's guards judge the state it would produce,
so its effect is applied first and stays applied only when it passes and the check is
not ``dry``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from ..model.process import Reason
from .compiled import CompiledEvent, CompiledTemplate, CompiledTrigger
from .effects import apply_effect
from .state import State

__all__ = ["Checked", "check_event", "check_trigger"]


class Checked(NamedTuple):
    """What firing would meet: every reason against it, the advisories it raises, the
    phase it leads to (a trigger's, when it has a transition) and the clean payload."""

    reasons: list[Reason]
    advisories: list[Reason]
    target: str | None
    data: dict[str, Any]


def check_trigger(ct: CompiledTemplate, state: State, trig: CompiledTrigger,
                  payload: Mapping[str, Any] | None, reasons: list[Reason], *,
                  dry: bool) -> Checked:
    """Judge a phase trigger in the current phase; ``reasons`` holds what was found so far."""
    phase = state.phase
    edge = trig.edges.get(phase)
    if edge is None:
        reasons.append(ct.say("not_in_phase", name=trig.name, phase=phase))
        return Checked(reasons, [], None, {})
    as_options = dry and payload is None  # as options(): missing fields, guards on defaults
    if as_options:
        empty, missing = trig.validate.empty
        data, invalid = dict(empty), list(missing)
    else:
        data, invalid = trig.validate(payload)  # None: judged with the defaults
    reasons.extend(invalid)
    if invalid and not as_options:
        return Checked(reasons, [], edge.target, data)
    reasons.extend(r for g in edge.guards if (r := g.evaluate(state, data)))
    advisories = [r for a in edge.advisories if (r := a.evaluate(state, data))]
    return Checked(reasons, advisories, edge.target, data)


def check_event(ct: CompiledTemplate, state: State, ev: CompiledEvent,
                payload: Mapping[str, Any] | None, reasons: list[Reason], *,
                dry: bool) -> Checked:
    """Judge a domain event; when it passes and ``dry`` is false its effect stays applied."""
    phase = state.phase
    if phase not in ev.phases:
        reasons.append(ct.say("not_in_phase", name=ev.name, phase=phase))
        return Checked(reasons, [], None, {})
    if dry and payload is None:
        return Checked(reasons, [], None, {})  # an event's guards judge its payload: none
    data, invalid = ev.validate(payload)
    reasons.extend(invalid)
    if invalid:
        return Checked(reasons, [], None, data)
    undo, problems = apply_effect(state, ev, data)
    reasons.extend(problems)
    if undo is None:
        return Checked(reasons, [], None, data)
    try:  # an event's guards judge the state it would produce: apply, judge, undo
        reasons.extend(r for g in ev.guards if (r := g.evaluate(state, data)))
        advisories = [r for a in ev.advisories if (r := a.evaluate(state, data))]
    except BaseException:
        undo()  # a custom rule that raises must not leave the record behind
        raise
    if dry or reasons:
        undo()
    return Checked(reasons, advisories, None, data)
