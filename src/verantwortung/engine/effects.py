"""What a domain event does to the records: add, update or remove one, with integrity checks.

References must point at existing records, ids must be new, ``unique`` references
may appear once, and a choice field with ``moves`` only changes along them. Each
problem is an ``invalid_payload`` (or ``status_move_not_allowed``) reason naming
the field; nothing is changed then.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..model.process import Reason
from ..model.text import id_key
from .compiled import CompiledEvent
from .reasons import generic
from .state import State, Undo

__all__ = ["apply_effect"]


def own(data: Mapping[str, Any]) -> dict[str, Any]:
    """A copy whose lists are not shared with the event payload (values are flat JSON)."""
    return {k: (list(v) if isinstance(v, list) else v) for k, v in data.items()}


def _payload_reason(event: str, de: str, en: str, field: str) -> Reason:
    return Reason(code="invalid_payload", message_de=f"{event}: {de}", message_en=f"{event}: {en}",
                  seen={"field": field, "problem": "reference"})


def _check_refs(state: State, ev: CompiledEvent, data: dict[str, Any]) -> list[Reason]:
    problems: list[Reason] = []
    for name, spec in ev.fields.items():
        if name not in data or spec.type not in ("ref", "refs") or name == ev.key:
            continue
        values = data[name] if spec.type == "refs" else [data[name]]
        for value in values:
            if state.lookup(spec.to or "", value) is None:
                problems.append(_payload_reason(
                    ev.name, f"Feld {name!r}: {value!r} ist in {spec.to!r} nicht bekannt",
                    f"field {name!r}: {value!r} is not a known entry of {spec.to!r}", name))
    return problems


def _same_id(state: State, collection: str, record_id: Any) -> Any:
    """The id of a record that ``record_id`` reads as (same after case folding and NFKC)."""
    if state.lookup(collection, record_id) is not None:
        return record_id
    if not isinstance(record_id, str):
        return None
    key = id_key(record_id)
    return next((r["id"] for r in state.records(collection)
                 if isinstance(r.get("id"), str) and id_key(r["id"]) == key), None)


def _keyed(state: State, collection: str, key: str, value: Any) -> dict[str, Any] | None:
    """The record an update or removal names: by id, else the newest whose ``key`` matches."""
    if state.is_indexed(collection):
        return state.lookup(collection, value)
    return next((r for r in reversed(state.records(collection)) if r.get(key) == value), None)


def apply_effect(state: State, ev: CompiledEvent,
                 data: dict[str, Any]) -> tuple[Undo | None, list[Reason]]:
    """Apply ``ev`` with its validated payload; (undo, []) or (None, reasons)."""
    problems = _check_refs(state, ev, data)
    if ev.adds is not None:
        target = ev.adds
        if not state.is_single(target):
            clash = _same_id(state, target, data["id"]) if "id" in data else None
            if clash is not None:
                known = "" if clash == data["id"] else f" (als {clash!r})"
                problems.append(_payload_reason(
                    ev.name, f"Kennung {data['id']!r} gibt es in {target!r} schon{known}",
                    f"id {data['id']!r} already exists in {target!r}"
                    f"{known.replace('als', 'as')}", "id"))
            for name, spec in ev.fields.items():
                if spec.unique and name in data and state.holds(target, name, data[name]):
                    problems.append(_payload_reason(
                        ev.name, f"{data[name]!r} steht in {target!r} schon",
                        f"{data[name]!r} is already in {target!r}", name))
        if problems:
            return None, problems
        return state.add(target, {**ev.starts, **own({k: v for k, v in data.items()
                                                          if k in ev.keeps})}), []
    changed = ev.updates or ev.removes
    if changed is not None and ev.key is not None:
        target = changed
        record = _keyed(state, target, ev.key, data[ev.key])
        if record is None:
            problems.append(_payload_reason(
                ev.name, f"Feld {ev.key!r}: {data[ev.key]!r} ist in {target!r} nicht bekannt",
                f"field {ev.key!r}: {data[ev.key]!r} is not a known entry of {target!r}",
                ev.key))
            return None, problems
        if ev.removes is not None:
            return (None, problems) if problems else (state.remove(target, record), [])
        changes = {k: v for k, v in own(data).items() if k != ev.key and k in ev.keeps}
        for name, new in changes.items():
            moves = ev.fields[name].moves
            old = record.get(name)
            if moves is not None and old is not None and new != old and new not in moves.get(
                    old, ()):
                problems.append(generic("status_move_not_allowed", record=data[ev.key],
                                        old=old, new=new,
                                        allowed=", ".join(moves.get(old, ())) or "–"))
        if problems:
            return None, problems
        return state.update(target, record, changes), []
    if problems:
        return None, problems
    return (lambda: None), []  # an event that only logs (e.g. a note without a collection)
