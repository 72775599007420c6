"""Erasure of one person's personal data: the fold of ``person_erased``, and the history
with the erased values replaced.

Fields marked ``personal: true`` in a collection hold what identifies a person (a name,
an e-mail address, a phone number); the process never needs them to decide anything.
Erasing a person replaces each such value of their record by :data:`TOMBSTONE`, in the
state (the fold of ``person_erased``) and, through :func:`erased_payloads`, in every
earlier event that carried it: the events that added or updated the record, and the
corrections of those. A history rewritten so replays to the same phase and records,
minus the values. The ``person_erased`` event itself names the person's id, the
collection, the fields and a reason, never a value.

Ids are not personal data: a person's id must not be their name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..model.process import Event, Reason
from ..model.template import ProcessTemplate
from .corrections import CORRECTED, ERASED, invalid
from .reasons import generic

if TYPE_CHECKING:
    from .process import Process

__all__ = ["TOMBSTONE", "erase_in_state", "erased_payloads", "personal_fields"]

#: what an erased value reads as, in the state and in the stored events
TOMBSTONE = "[erased]"


def personal_fields(template: ProcessTemplate) -> dict[str, tuple[str, ...]]:
    """Collection -> its personal fields, for the collections that have any."""
    return {name: fields for name, spec in template.collections.items()
            if (fields := tuple(f for f, s in spec.fields.items() if s.personal))}


def erase_in_state(proc: Process, data: dict[str, Any]) -> tuple[dict[str, Any],
                                                                 list[Reason]]:
    """Replace the person's personal values in the state; the clean payload, or reasons."""
    where = personal_fields(proc.template)
    if not where:
        return data, [generic("nothing_personal")]
    person, collection = data.get("person"), data.get("collection")
    if collection is not None and collection not in where:
        return data, [invalid(ERASED, "collection", f"{collection} hat keine "
                              f"personenbezogenen Felder; infrage kommen: {', '.join(where)}",
                              f"{collection} has no personal fields; possible: "
                              f"{', '.join(where)}")]
    state = proc._state
    found = [(c, r) for c in ([collection] if collection else where)
             if (r := state.lookup(c, person)) is not None]
    if not found:
        return data, [generic("unknown_person", person=str(person)[:100],
                              collections=", ".join(where))]
    name, record = found[0]
    # erasing again changes nothing and is accepted: a replay of the rewritten history
    # meets the values erased already
    changes = {f: TOMBSTONE for f in where[name] if record.get(f) not in (None, TOMBSTONE)}
    if changes:
        state.update(name, record, changes)
    # a list of every personal field of the collection: the same for every erasure, so
    # the event says nothing about which values the person had
    return {"person": person, "collection": name, "fields": list(where[name]),
            "reason": data["reason"]}, []


def _erase(payload: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    return {k: (TOMBSTONE if k in fields and v is not None else v) for k, v in payload.items()}


def erased_payloads(template: ProcessTemplate, history: Iterable[Event], person: str,
                    collection: str) -> dict[int, dict[str, Any]]:
    """Sequence number -> the payload with the person's values erased, for every event
    that carried one of them (the rows a store rewrites)."""
    fields = set(personal_fields(template).get(collection, ()))
    events = {e.id: e for e in template.events}
    touched: set[str] = set()
    out: dict[int, dict[str, Any]] = {}
    for e in history:
        if e.kind == CORRECTED and e.payload.get("event") in touched:
            new = _erase(e.payload["payload"], fields)
            if new != e.payload["payload"]:
                out[e.seq] = {**e.payload, "payload": new}
            continue
        spec = events[e.kind].spec if e.kind in events else None
        if spec is None:
            continue
        mine = (spec.adds == collection and e.payload.get("id") == person) or (
            spec.updates == collection and spec.key is not None
            and e.payload.get(spec.key) == person)
        if mine:
            touched.add(e.id)
            new = _erase(e.payload, fields)
            if new != e.payload:
                out[e.seq] = new
    return out
