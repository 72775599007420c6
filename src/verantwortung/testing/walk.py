"""One step of a random walk through a template, every decision drawn by ``choose``.

A walk mixes planned steps (a trigger prepared by the planner, a record made to
match a filter) with unplanned ones: any domain event allowed in the phase, or a
bare trigger, with a payload whose choice values, optional fields, numbers and
references (to any existing record, not only the newest) are drawn too, and status
changes along a field's moves. So random runs reach states that planned stories
never build, such as the ones an invariant forbids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from ..engine import CompiledEvent, Process
from ..model.specs import FieldSpec
from .planner import Planner, Step, steps_since

__all__ = ["Choose", "random_payload", "walk_step"]

Choose = Callable[[int], int]  # choose(n) -> a number in range(n)
TEXTS = ("Beispiel", "Anderes", "Ähnliches")
INTS = (0, 1, 2, 3, 5, 10, 100)


def walk_step(planner: Planner, proc: Process, choose: Choose) -> list[Step]:
    """One step of a walk: a prepared trigger, a bare trigger, an event, or a new record.

    ``choose`` makes every decision, so a seeded random walk and a hypothesis draw
    (which shrinks) share this code. Returns the steps that were accepted.
    """
    start = len(proc.history)
    triggers = [t.id for t in planner.template.triggers]
    kind = choose(10)
    if kind < 2:
        steps = planner.prepare(proc, triggers[choose(len(triggers))])
        if steps is not None:
            planner.try_fire(proc, steps[-1])
    elif kind < 3:
        trig = planner.ct.triggers[triggers[choose(len(triggers))]]
        payload = random_payload(planner, proc, trig.validate.fields, choose)
        if payload is not None:
            planner.try_fire(proc, Step(trig.name, payload))
    elif kind < 7:
        _random_event(planner, proc, choose)
    else:
        _planned_record(planner, proc, choose)
    return steps_since(proc, start)


def _random_event(planner: Planner, proc: Process, choose: Choose) -> None:
    events = [e for e in planner.ct.events.values() if proc.phase in e.phases]
    if not events:
        return
    ev = events[choose(len(events))]
    payload = random_payload(planner, proc, ev.fields, choose, updating=ev)
    if payload is not None:
        planner.try_fire(proc, Step(ev.name, payload))


def _planned_record(planner: Planner, proc: Process, choose: Choose) -> None:
    events = [e for e in planner.ct.events.values() if proc.phase in e.phases and e.adds]
    if not events:
        return
    ev = events[choose(len(events))]
    spec = planner.template.collections[ev.adds or ""]
    where: dict[str, Any] = {}
    for name, f in spec.fields.items():
        if f.type == "choice" and f.values and choose(10) < 7:
            where[name] = f.values[choose(len(f.values))]
        elif f.type == "bool" and choose(2):
            where[name] = bool(choose(2))
    planner.make(proc, ev.adds or "", where)


def random_payload(planner: Planner, proc: Process, fields: Mapping[str, FieldSpec],
                   choose: Choose, *, updating: CompiledEvent | None = None
                   ) -> dict[str, Any] | None:
    """A payload of the right shape with drawn values; None when a reference has no target.

    Optional fields are left out half of the time. For an ``updates`` or ``removes``
    event the record is drawn first, and a status field moves along its moves from there.
    """
    payload: dict[str, Any] = {}
    record: Mapping[str, Any] | None = None
    for name, spec in fields.items():
        if not spec.required and not choose(2):
            continue
        if updating is not None and name == updating.key:
            # the record an update or removal names: by id, else by its field of that name
            target = updating.updates or updating.removes or ""
            field = "id" if planner.ct.layout.indexed & {target} else name
            records = [r for r in proc.records(target) if r.get(field) is not None]
            if not records:
                return None
            record = records[choose(len(records))]
            payload[name] = record[field]
            continue
        value = _drawn(planner, proc, name, spec, choose, record)
        if value is None:
            return None
        payload[name] = value
    return payload


def _drawn(planner: Planner, proc: Process, name: str, spec: FieldSpec, choose: Choose,
           record: Mapping[str, Any] | None) -> Any:
    if spec.type == "id":
        return planner.fresh(name[:1] or "x")
    if spec.type in ("ref", "refs"):
        ids = [r["id"] for r in proc.records(spec.to or "") if "id" in r]
        if not ids:
            return planner.value(proc, name, spec)[0]
        if spec.type == "ref":
            return ids[choose(len(ids))]
        least = max(spec.min or 1, 1)
        return [ids[choose(len(ids))] for _ in range(least + choose(2))][:spec.max or None]
    if spec.type == "choice":
        moves = spec.moves
        if moves is not None and record is not None and record.get(name) is not None:
            options = list(moves.get(record[name], ()))
            return options[choose(len(options))] if options else None
        values = list(spec.values or ())
        return values[choose(len(values))]
    if spec.type == "int":
        lo = spec.min if spec.min is not None else 0
        hi = spec.max if spec.max is not None else lo + 100
        pool = sorted({v for v in (lo, hi, *(lo + i for i in INTS)) if lo <= v <= hi})
        return pool[choose(len(pool))]
    if spec.type == "bool":
        return bool(choose(2))
    if spec.type == "date":
        return (proc.history[-1].at.date() + dt.timedelta(days=choose(60))).isoformat()
    return TEXTS[choose(len(TEXTS))]
