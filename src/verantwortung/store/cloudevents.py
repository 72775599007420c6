"""Stored events as CloudEvents 1.0 (JSON format), and a JSON Schema per event kind.

One stored event becomes::

    {"specversion": "1.0", "type": "verantwortung.partner_added",
     "source": "urn:verantwortung", "id": "<event id>", "time": "<RFC 3339>",
     "subject": "<process id>", "datacontenttype": "application/json",
     "vtposition": 42,
     "data": {"payload": {...}, "label": {"de": "...", "en": "..."},
              "template": {"id": "...", "version": "..."}, "process": "<process id>",
              "seq": 3, "phase": "preparation", "actor": "facilitator:Anna"}}

``id`` is the event's id, unique in the store: a consumer drops an event it has seen.
``vtposition`` (an extension attribute: lowercase letters and digits, as the spec asks)
is the store-wide position. :func:`event_schemas` describes each kind's document from
the template's payload fields, so that a consumer needs no template.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..engine.compiled import compiled
from ..engine.corrections import CORRECTED, ERASED, LABELS, RETRACTED
from ..exceptions import StoreError
from ..model.plan import follow
from ..model.process import MIGRATED_EVENT, START_EVENT
from ..model.specs import FieldSpec
from ..model.template import ProcessTemplate
from .rows import StoredEvent

if TYPE_CHECKING:
    from .sql import EventStore

__all__ = ["CONTENT_TYPE", "DEFAULT_SOURCE", "CloudEvents", "event_schemas", "kind_label",
           "to_cloudevent"]

DEFAULT_SOURCE = "urn:verantwortung"
CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"
SCHEMA = "https://json-schema.org/draft/2020-12/schema"
# events the library writes itself, not declared by a template
_VERSION = {"type": "object", "properties": {"template": {"type": "string"}, "version": {
    "type": "string"}, "digest": {"type": "string"}}, "required": ["template", "version",
                                                                   "digest"]}
_LIBRARY_KINDS: dict[str, tuple[dict[str, str], dict[str, Any], list[str]]] = {
    START_EVENT: ({"de": "Prozess gestartet", "en": "Process started"},
                  {"region": {"type": "string", "minLength": 1},
                   "parameters": {"type": "object"}, "template_digest": {"type": "string"}},
                  ["region"]),
    MIGRATED_EVENT: ({"de": "Auf eine neue Vorlagenversion umgestellt",
                      "en": "Moved to a new template version"},
                     {"from": _VERSION, "to": _VERSION, "plan": {"type": "string"}},
                     ["from", "to", "plan"]),
    CORRECTED: (LABELS[CORRECTED], {"event": {"type": "string"}, "reason": {"type": "string"},
                                    "payload": {"type": "object"}},
                ["event", "reason", "payload"]),
    RETRACTED: (LABELS[RETRACTED], {"event": {"type": "string"}, "reason": {"type": "string"}},
                ["event", "reason"]),
    ERASED: (LABELS[ERASED], {"person": {"type": "string"}, "collection": {"type": "string"},
                              "fields": {"type": "array", "items": {"type": "string"}},
                              "reason": {"type": "string"}},
             ["person", "collection", "fields", "reason"]),
}


def kind_label(tpl: ProcessTemplate | None, kind: str) -> dict[str, str]:
    """The German and English label of an event kind (the kind itself if none is known)."""
    if kind in _LIBRARY_KINDS:
        return dict(_LIBRARY_KINDS[kind][0])
    if tpl is not None:
        ct = compiled(tpl)
        # an event of an older version: by the name a migration plan gives it now
        names = [kind, *(follow(p.events, kind) for p in tpl.migrations)]
        item = next((i for n in names if (i := ct.triggers.get(n) or ct.events.get(n))),
                    None)
        if item is not None:
            return {"de": item.label_de, "en": item.label_en}
    return {"de": kind, "en": kind}


def to_cloudevent(stored: StoredEvent, tpl: ProcessTemplate | None,
                  source: str = DEFAULT_SOURCE) -> dict[str, Any]:
    """The CloudEvent of a stored event (labels from ``tpl`` when it is given)."""
    e = stored.event
    return {"specversion": "1.0", "type": f"verantwortung.{e.kind}", "source": source,
            "id": e.id, "time": e.at.isoformat(), "subject": e.process,
            "datacontenttype": "application/json", "vtposition": stored.position,
            "data": {"payload": e.payload, "label": kind_label(tpl, e.kind),
                     "template": {"id": e.template, "version": e.template_version},
                     "process": e.process, "seq": e.seq, "phase": e.phase,
                     "actor": e.actor}}


class CloudEvents:
    """Turns a store's events into CloudEvents, loading each process's template once.

    A template that no longer loads does not stop the feed: its events go out with the
    kind as their label.
    """

    def __init__(self, store: EventStore, source: str = DEFAULT_SOURCE) -> None:
        self.store = store
        self.source = source
        self._templates: dict[str, ProcessTemplate | None] = {}

    def __call__(self, stored: StoredEvent) -> dict[str, Any]:
        """The CloudEvent of ``stored``."""
        pid = stored.event.process
        if pid not in self._templates:
            try:
                self._templates[pid] = self.store.template_of(pid)
            except StoreError:
                self._templates[pid] = None
        return to_cloudevent(stored, self._templates[pid], self.source)


def _field_schema(spec: FieldSpec) -> dict[str, Any]:
    out: dict[str, Any]
    if spec.type in ("id", "ref"):
        out = {"type": "string", "minLength": 1, "maxLength": 200}
    elif spec.type == "text":
        out = {"type": "string", "minLength": 1, "maxLength": 20_000}
    elif spec.type == "int":
        out = {"type": "integer"}
        out |= {k: v for k, v in (("minimum", spec.min), ("maximum", spec.max))
                if v is not None}
    elif spec.type == "bool":
        out = {"type": "boolean"}
    elif spec.type == "date":
        out = {"type": "string", "format": "date"}
    elif spec.type == "choice":
        out = {"enum": list(spec.values or ())}
    else:  # refs: a list of ids
        out = {"type": "array", "items": {"type": "string", "minLength": 1},
               "minItems": spec.min or 0}
        if spec.max is not None:
            out["maxItems"] = spec.max
    if spec.label is not None:
        out["title"] = spec.label.get("en")
        out["x-label"] = {"de": spec.label.get("de"), "en": spec.label.get("en")}
    return out


def _payload_schema(fields: Mapping[str, FieldSpec]) -> tuple[dict[str, Any], list[str]]:
    props = {key: _field_schema(spec) for key, spec in fields.items()}
    required = [k for k, s in fields.items() if s.required and s.default is None]
    return props, required


def _document(tpl: ProcessTemplate, kind: str, label: dict[str, str],
              props: dict[str, Any], required: list[str]) -> dict[str, Any]:
    string = {"type": "string", "minLength": 1}
    data = {"type": "object", "additionalProperties": False,
            "required": ["payload", "label", "template", "process", "seq", "phase"],
            "properties": {
                "payload": {"type": "object", "additionalProperties": False,
                            "properties": props, "required": required},
                "label": {"type": "object", "properties": {"de": string, "en": string},
                          "required": ["de", "en"]},
                "template": {"type": "object", "required": ["id", "version"],
                             "properties": {"id": {"const": tpl.id},
                                            "version": {"const": tpl.version}}},
                "process": string, "seq": {"type": "integer", "minimum": 1},
                "phase": string, "actor": {"type": ["string", "null"]}}}
    return {
        "$schema": SCHEMA, "$id": f"urn:verantwortung:{tpl.id}:{tpl.version}:{kind}",
        "title": f"verantwortung.{kind}: {label['en']}", "description": label["de"],
        "type": "object",
        "required": ["specversion", "type", "source", "id", "time", "subject",
                     "datacontenttype", "vtposition", "data"],
        "properties": {
            "specversion": {"const": "1.0"}, "type": {"const": f"verantwortung.{kind}"},
            "source": {"type": "string", "format": "uri-reference"}, "id": string,
            "time": {"type": "string", "format": "date-time"}, "subject": string,
            "datacontenttype": {"const": "application/json"},
            "vtposition": {"type": "integer", "minimum": 1}, "data": data}}


def event_schemas(tpl: ProcessTemplate) -> dict[str, dict[str, Any]]:
    """A JSON Schema of the CloudEvent of every kind of event ``tpl`` writes, by type."""
    ct = compiled(tpl)
    kinds: dict[str, tuple[dict[str, Any], list[str]]] = {
        kind: (dict(props), list(required)) for kind, (_, props, required)
        in _LIBRARY_KINDS.items() if kind != MIGRATED_EVENT or tpl.migrations}
    for trig in ct.triggers.values():
        kinds[trig.name] = _payload_schema(trig.validate.fields)
    for ev in ct.events.values():
        kinds[ev.name] = _payload_schema(ev.validate.fields)
    return {f"verantwortung.{kind}": _document(tpl, kind, kind_label(tpl, kind), *schema)
            for kind, schema in kinds.items()}
