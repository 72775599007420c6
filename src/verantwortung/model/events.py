"""The payload fields of a domain event, from what it does to which collection.

One place for the engine (which validates payloads) and the checks (which look at
what a guard may read): an ``adds`` event takes the collection's fields, an
``updates`` event the key and the fields it changes, a ``removes`` event the key;
every event also takes its own ``payload`` fields, which only the event log keeps.
"""

from __future__ import annotations

from collections.abc import Mapping

from .specs import BUILTIN_COLLECTIONS, CollectionSpec, EventSpec, FieldSpec, TriggerSpec

__all__ = ["collection_fields", "event_fields", "key_field"]

PHASES_ENTERED = "phases_entered"


def collection_fields(name: str, collections: Mapping[str, CollectionSpec],
                      triggers: Mapping[str, TriggerSpec]) -> dict[str, FieldSpec] | None:
    """The fields records of collection ``name`` have (None for an unknown collection).

    A record of ``phases_entered`` also keeps the payload of the trigger that entered
    the phase (attendance, minutes, ...): those fields are the triggers' payload fields.
    """
    if name == PHASES_ENTERED:
        fields = dict(BUILTIN_COLLECTIONS[name].fields)
        for trig in triggers.values():
            for field, spec in trig.payload.items():
                fields.setdefault(field, spec)
        return fields
    found = collections.get(name) or BUILTIN_COLLECTIONS.get(name)
    return None if found is None else dict(found.fields)


def key_field(collection: str, key: str, fields: Mapping[str, FieldSpec]) -> FieldSpec | None:
    """The payload field that names a record: a reference to its id when the collection
    has ids, else the record's own field of that name (None when there is none)."""
    if "id" in fields:
        return FieldSpec(type="ref", to=collection)
    own = fields.get(key)
    if own is None:
        return None
    return own.model_copy(update={"required": True, "default": None, "unique": False})


def event_fields(spec: EventSpec, collections: Mapping[str, CollectionSpec],
                 triggers: Mapping[str, TriggerSpec]) -> dict[str, FieldSpec]:
    """The payload fields of a domain event (fields of an unknown collection left out)."""
    target = spec.adds or spec.updates or spec.removes
    fields = {} if target is None else collection_fields(target, collections, triggers) or {}
    out: dict[str, FieldSpec] = {}
    if spec.adds is not None:
        # a field with status moves starts at its default and changes only along its moves
        # (through an 'updates' event), so adding a record cannot set it
        out = {n: f for n, f in fields.items() if f.moves is None}
    elif target is not None and spec.key is not None:
        key = key_field(target, spec.key, fields)
        if key is not None:
            out[spec.key] = key
        names = [n for n in spec.fields or () if n in fields]
        for n in names:
            f = fields[n]
            # an update must change something: a single field, or one the record always
            # has (required, or with a default such as a status), must be given
            needed = f.required or f.default is not None or len(names) == 1
            out[n] = f.model_copy(update={"required": needed, "default": None})
    for n, f in spec.payload.items():
        out.setdefault(n, f)
    return out
