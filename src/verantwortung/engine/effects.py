"""What a domain event does to the records: add, update or remove one, with integrity checks.

References must point at existing records, ids must be new, ``unique`` references
may appear once, and a choice field with ``moves`` only changes along them. Each
problem is an ``invalid_payload`` (or ``status_move_not_allowed``) reason naming
the field; nothing is changed then.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..model.glossary import listing, quote, value_label
from ..model.process import Reason
from .compiled import CompiledEvent
from .payload import field_words
from .reasons import generic
from .state import State, Undo

__all__ = ["apply_effect"]


def own(data: Mapping[str, Any]) -> dict[str, Any]:
    """A copy whose lists are not shared with the event payload (values are flat JSON)."""
    return {k: (list(v) if isinstance(v, list) else v) for k, v in data.items()}


def _payload_reason(de: str, en: str, field: str) -> Reason:
    return Reason(code="invalid_payload", message_de=de, message_en=en,
                  seen={"field": field, "problem": "reference"})


def _words(ev: CompiledEvent, collection: str, value: Any) -> tuple[str, ...]:
    """The collection's label and the value, quoted, in de and en (for a message)."""
    spec = ev.collections.get(collection)
    names = [spec.label.get(lang) if spec is not None else collection for lang in ("de", "en")]
    return (quote(names[0], "de"), quote(names[1], "en"), quote(str(value), "de"),
            quote(str(value), "en"))


def _unknown(ev: CompiledEvent, name: str, collection: str, value: Any) -> Reason:
    where_de, where_en, v_de, v_en = _words(ev, collection, value)
    field_de, field_en = field_words(name, ev.fields.get(name))
    return _payload_reason(f"{field_de}: {v_de} gibt es unter {where_de} nicht.",
                           f"{field_en}: {v_en} is not a known entry of {where_en}.", name)


def _check_refs(state: State, ev: CompiledEvent, data: dict[str, Any]) -> list[Reason]:
    problems: list[Reason] = []
    for name, spec in ev.fields.items():
        if name not in data or spec.type not in ("ref", "refs") or name == ev.key:
            continue
        values = data[name] if spec.type == "refs" else [data[name]]
        for value in values:
            if state.lookup(spec.to or "", value) is None:
                problems.append(_unknown(ev, name, spec.to or "", value))
    return problems


def _keyed(state: State, collection: str, key: str, value: Any) -> dict[str, Any] | None:
    """The record an update or removal names: by id, else the newest whose ``key`` matches."""
    if state.is_indexed(collection):
        return state.lookup(collection, value)
    return next((r for r in reversed(state.records(collection)) if r.get(key) == value), None)


def _clashes(state: State, ev: CompiledEvent, target: str,
             data: dict[str, Any]) -> list[Reason]:
    """A new record's id that exists already, and ``unique`` values that are taken."""
    problems: list[Reason] = []
    if state.is_single(target):
        return problems
    clash = state.same_id(target, data["id"]) if "id" in data else None
    if clash is not None:
        where_de, where_en, v_de, v_en = _words(ev, target, data["id"])
        known = ("", "") if clash == data["id"] else (
            f" (als {quote(str(clash), 'de')})", f" (as {quote(str(clash), 'en')})")
        problems.append(_payload_reason(
            f"Kennung: {v_de} gibt es unter {where_de} schon{known[0]}.",
            f"Id: {v_en} already exists in {where_en}{known[1]}.", "id"))
    for name, spec in ev.fields.items():
        if spec.unique and name in data and state.holds(target, name, data[name]):
            where_de, where_en, v_de, v_en = _words(ev, target, data[name])
            field_de, field_en = field_words(name, spec)
            problems.append(_payload_reason(
                f"{field_de}: {v_de} steht unter {where_de} schon.",
                f"{field_en}: {v_en} is already in {where_en}.", name))
    return problems


def _refused_moves(ev: CompiledEvent, record: Mapping[str, Any], key_value: Any,
                   changes: Mapping[str, Any]) -> list[Reason]:
    """A ``status_move_not_allowed`` reason for each change off its field's ``moves``."""
    problems: list[Reason] = []
    for name, new in changes.items():
        moves = ev.fields[name].moves
        old = record.get(name)
        if moves is not None and old is not None and new != old and new not in moves.get(
                old, ()):
            problems.append(generic(
                "status_move_not_allowed", None, _move_words(record, ev.fields[name], old, new,
                                                             moves.get(old, [])),
                record=key_value, old=old, new=new,
                allowed=", ".join(moves.get(old, ())) or "–"))
    return problems


Effect = tuple[Undo | None, list[Reason]]


def _add(state: State, ev: CompiledEvent, target: str, data: dict[str, Any],
         problems: list[Reason]) -> Effect:
    problems.extend(_clashes(state, ev, target, data))
    if problems:
        return None, problems
    return state.add(target, {**ev.starts, **own({k: v for k, v in data.items()
                                                  if k in ev.keeps})}), []


def _change(state: State, ev: CompiledEvent, target: str, key: str, data: dict[str, Any],
            problems: list[Reason]) -> Effect:
    record = _keyed(state, target, key, data[key])
    if record is None:
        problems.append(_unknown(ev, key, target, data[key]))
        return None, problems
    if ev.removes is not None:
        return (None, problems) if problems else (state.remove(target, record), [])
    changes = {k: v for k, v in own(data).items() if k != key and k in ev.keeps}
    problems.extend(_refused_moves(ev, record, data[key], changes))
    if problems:
        return None, problems
    return state.update(target, record, changes), []


def apply_effect(state: State, ev: CompiledEvent, data: dict[str, Any]) -> Effect:
    """Apply ``ev`` with its validated payload; (undo, []) or (None, reasons)."""
    problems = _check_refs(state, ev, data)
    if ev.adds is not None:
        return _add(state, ev, ev.adds, data, problems)
    changed = ev.updates or ev.removes
    if changed is not None and ev.key is not None:
        return _change(state, ev, changed, ev.key, data, problems)
    if problems:
        return None, problems
    return (lambda: None), []  # an event that only logs (e.g. a note without a collection)


def _move_words(record: Mapping[str, Any], spec: Any, old: Any, new: Any,
                allowed: list[str]) -> dict[str, str]:
    """The words of a refused status move: the record's title, the statuses' labels."""
    name = str(record.get("title") or record.get("name") or record.get("id"))
    out = {"record": name}
    for lang in ("de", "en"):
        options = [quote(value_label(v, lang, spec), lang) for v in allowed]
        out[f"old_{lang}"] = value_label(old, lang, spec)
        out[f"new_{lang}"] = value_label(new, lang, spec)
        out[f"allowed_{lang}"] = listing(options, lang, "or") or (
            "kein Wechsel" if lang == "de" else "no other status")
    return out
