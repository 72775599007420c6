"""Moving a process to another template version, and replaying across such a move.

A history written by an older version is never rewritten. When it is read by the
newer template, each old event is *upcast* by the newer template's plan for the
version the event was written with (:class:`~verantwortung.model.plan.MigrationSpec`):
its kind, fields and choice values renamed, its phase mapped, dropped, or split into
several new events (each with the fields it declares). The old
events were judged by the rules of their own version, so they are folded without
the guards of the new one (their payloads, references and effects still are checked);
what comes after the ``template_migrated`` event is replayed under the new rules as
usual. An old event that has no counterpart is :class:`~verantwortung.UnmappedError`.

The ``template_migrated`` event names the versions, the digests of both templates
and the digest of the plan; replay refuses a template or plan that is not the one
recorded, so a replay across the move gives exactly the migrated process.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..exceptions import ParameterError, ReplayError, UnmappedError
from ..model.plan import MigrationSpec, follow, plan_digest
from ..model.process import MIGRATED_EVENT, START_EVENT, Event, freeze_payload
from ..model.template import ProcessTemplate
from .compiled import CompiledTemplate, compiled
from .effects import apply_effect
from .inputs import timestamp
from .starting import check_start

if TYPE_CHECKING:
    from .process import Process

__all__ = ["migrate", "migrated_parameters", "moved", "replay_migrated", "started",
           "target_phase"]


def moved(items: Sequence[Event]) -> bool:
    """Whether a history moved to another template version on the way."""
    return any(e.kind == MIGRATED_EVENT for e in items)


def started(template: ProcessTemplate, head: list[Event]) -> tuple[Event, ProcessTemplate]:
    """The start event of a stored history and the template with its parameter values.

    A start written by an older version that ``template`` has a plan from counts (a
    snapshot after the move restores such a history); its parameters are migrated.
    """
    first = head[0] if head else None
    if first is not None and first.kind == START_EVENT and (
            first.template, first.template_version) != (template.id, template.version) \
            and template.plan_from(first.template, first.template_version) is not None:
        params = migrated_parameters(template, first)
    else:
        first = check_start(template, head)
        params = first.payload.get("parameters") or {}
    return first, template.with_parameters(**params) if params else template


def _plan(template: ProcessTemplate, event: Event) -> MigrationSpec:
    plan = template.plan_from(event.template, event.template_version)
    if plan is None:
        raise ReplayError(f"event {event.seq} was written by {event.template} "
                          f"{event.template_version}; {template.id} {template.version} "
                          "has no migration plan from it")
    return plan


def target_phase(ct: CompiledTemplate, plan: MigrationSpec, event: Event) -> str:
    """The new phase of an old event's phase (Unmapped when the template has none)."""
    phase = follow(plan.phases, event.phase)
    if phase not in ct.series_of:
        raise UnmappedError(event.seq, event.kind, f"phase {phase} has no counterpart in "
                       f"{ct.template.id} {ct.template.version}")
    return phase


def migrated_parameters(template: ProcessTemplate, start: Event) -> dict[str, Any]:
    """The region's parameter values of an old start event, under their new names."""
    plan = _plan(template, start)
    out: dict[str, Any] = {}
    for name, value in (start.payload.get("parameters") or {}).items():
        new = follow({k: v for k, v in plan.parameters.items() if v}, name)
        if name in plan.parameters and plan.parameters[name] is None:
            continue
        if new not in template.parameters:
            raise UnmappedError(start.seq, start.kind, f"parameter {name} has no counterpart")
        out[new] = value
    return out


def _upcast(plan: MigrationSpec, event: Event) -> list[tuple[str, dict[str, Any], bool]]:
    """The events an old event is under the new template: (kind, payload, split); none
    when it is dropped, several when it is split."""
    if event.kind in plan.drop:
        return []
    payload = dict(event.payload)
    for name, values in plan.values.get(event.kind, {}).items():
        if isinstance(payload.get(name), str) and payload[name] in values:
            payload[name] = values[payload[name]]
        elif isinstance(payload.get(name), list):
            payload[name] = [values.get(v, v) if isinstance(v, str) else v
                             for v in payload[name]]
    renames = plan.fields.get(event.kind, {})
    payload = {follow(renames, k): v for k, v in payload.items()}
    parts = plan.split.get(event.kind)
    if parts:
        return [(kind, payload, True) for kind in parts]
    return [(follow(plan.events, event.kind), payload, False)]


def _fold_old(proc: Process, template: ProcessTemplate, event: Event) -> None:
    """Apply one event of an older version to ``proc`` (see the module docstring)."""
    ct, state = proc._ct, proc._state
    plan = _plan(template, event)
    phase = target_phase(ct, plan, event)
    for kind, payload, split in [] if event.kind == MIGRATED_EVENT else _upcast(plan, event):
        trig, ev = ct.triggers.get(kind), ct.events.get(kind)
        item = trig or ev
        if item is None:
            raise UnmappedError(event.seq, event.kind, f"{kind} is no event of "
                                f"{template.id} {template.version} (map it or drop it)")
        if split:  # each part takes the fields it declares
            payload = {k: v for k, v in payload.items() if k in item.validate.fields}
        data, invalid = item.validate(payload)
        if not invalid and ev is not None:
            _, invalid = apply_effect(state, ev, data)
        if invalid:
            raise UnmappedError(event.seq, event.kind,
                                "; ".join(r.message_en for r in invalid))
        if trig is not None:
            series, index = ct.series_of[phase]
            state.add("phases_entered", {"phase": phase, "series": series, "index": index,
                                         "at": event.at.isoformat(), **data})
    state.phase = phase
    proc._history.append(event.frozen())


def _check_move(template: ProcessTemplate, move: Event) -> None:
    """ReplayError unless ``move`` took the process to ``template`` by its current plan."""
    to, source = move.payload.get("to") or {}, move.payload.get("from") or {}
    if not isinstance(to, Mapping) or not isinstance(source, Mapping):
        raise ReplayError(f"event {move.seq} ({MIGRATED_EVENT}) names no versions")
    here = {"template": template.id, "version": template.version,
            "digest": template.digest}
    if dict(to) != here:
        raise ReplayError(f"event {move.seq} moved the process to {to.get('template')} "
                          f"{to.get('version')}, not to {template.id} {template.version} "
                          "as it is now (its rules or version differ)")
    plan = template.plan_from(str(source.get("template")), str(source.get("version")))
    if plan is None or plan_digest(plan) != move.payload.get("plan"):
        raise ReplayError(f"event {move.seq}: the migration plan from "
                          f"{source.get('version')} is not the one it was moved with")


def replay_migrated(cls: type[Process], template: ProcessTemplate, items: list[Event]
                    ) -> Process:
    """Replay a history that moved to ``template`` (at its last ``template_migrated``)."""
    last = max(i for i, e in enumerate(items) if e.kind == MIGRATED_EVENT)
    _check_move(template, items[last])
    first = items[0]
    if first.kind != START_EVENT or not isinstance(first.payload.get("region"), str):
        raise ReplayError("a history starts with a process_started event")
    try:
        params = migrated_parameters(template, first)
        tpl = template.with_parameters(**params) if params else template
    except ParameterError as exc:
        raise UnmappedError(first.seq, first.kind, str(exc)) from exc
    proc = cls(compiled(tpl), first.process, first.payload["region"])
    proc._history.append(first.frozen())
    for event in items[1:last + 1]:
        if event.seq != len(proc._history) + 1 or event.process != proc.id:
            raise ReplayError(f"event {event.id} has sequence {event.seq} of process "
                              f"{event.process}; expected {len(proc._history) + 1}")
        if event is items[last]:  # the move: written in the phase the old one maps to
            if event.phase != proc.phase:
                raise ReplayError(f"event {event.seq} ({MIGRATED_EVENT}) says phase "
                                  f"{event.phase!r}; the plan gives {proc.phase!r}")
            proc._history.append(event.frozen())
        else:
            _fold_old(proc, template, event)
    proc._apply(items[last + 1:])
    return proc


def migrate(proc: Process, template: ProcessTemplate, *, actor: str | None = None,
            at: dt.datetime | dt.date | str | None = None) -> Process:
    """``proc`` moved to ``template``: its history plus a ``template_migrated`` event.

    ``proc`` itself is not changed. ReplayError when ``template`` has no plan from the
    process's version; :class:`~verantwortung.UnmappedError` when an old event has no counterpart.
    """
    old = proc.template
    plan = template.plan_from(old.id, old.version)
    if plan is None:
        raise ReplayError(f"{template.id} {template.version} has no migration plan from "
                          f"{old.id} {old.version}")
    history = list(proc.history)
    when = max(timestamp(at), history[-1].at)
    ct = compiled(template)
    phase = target_phase(ct, plan, history[-1])
    payload = {"from": {"template": old.id, "version": old.version,
                        "digest": old.digest},
               "to": {"template": template.id, "version": template.version,
                      "digest": template.digest},
               "plan": plan_digest(plan)}
    move = Event(os.urandom(12).hex(), proc.id, proc.version + 1, when, actor,
                 MIGRATED_EVENT, freeze_payload(payload), template.id, template.version,
                 phase)
    return replay_migrated(type(proc), template, [*history, move])
