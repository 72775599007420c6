"""Forms generated from a trigger's or event's payload fields, and form data back to a payload.

choice -> select with the template's labels, ref -> select of the existing records by
name, refs -> multi-select, date -> date input, bool -> checkbox, int -> number input,
id and text -> text input. What a form sends is turned into a payload the engine
validates: nothing here decides what is valid, so a form and the API refuse alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..engine.compiled import compiled
from ..engine.process import Process
from ..exceptions import RefusalReason
from ..model.specs import FieldSpec
from ..model.template import ProcessTemplate
from ..render.words import field_label, value_label

__all__ = ["FormField", "form_fields", "payload_fields", "payload_from_form", "record_name"]

_INPUT = {"id": "text", "text": "text", "int": "number", "date": "date", "bool": "checkbox",
          "choice": "select", "ref": "select", "refs": "multiselect"}
# text fields that usually hold more than a line
_LONG = frozenset({"text", "minutes", "notes", "details", "summary", "results", "agenda"})


@dataclass(slots=True)
class FormField:
    """One field of a generated form, with what the user entered and what was wrong."""

    name: str
    label: str
    input: str  # text, number, date, checkbox, select, multiselect
    required: bool
    options: list[tuple[str, str]] = field(default_factory=list)
    value: Any = None
    errors: list[str] = field(default_factory=list)
    long: bool = False  # a text that deserves a textarea

    def selected(self, option: str) -> bool:
        """Whether ``option`` is what the user chose (for select and multiselect)."""
        if isinstance(self.value, list):
            return option in self.value
        return bool(self.value == option)


def payload_fields(template: ProcessTemplate, name: str) -> Mapping[str, FieldSpec]:
    """The payload fields of a trigger or domain event (empty for an unknown name)."""
    ct = compiled(template)
    item = ct.triggers.get(name) or ct.events.get(name)
    return item.validate.fields if item is not None else {}


def record_name(record: Mapping[str, Any]) -> str:
    """What a record is called on a page: its name, title or text, else its id."""
    for key in ("name", "title", "text"):
        value = record.get(key)
        if isinstance(value, str) and value:
            return value
    return str(record.get("id", "?"))


def _options(proc: Process, spec: FieldSpec, lang: str) -> list[tuple[str, str]]:
    if spec.type == "choice":
        return [(v, value_label(v, lang, spec)) for v in spec.values or ()]
    if spec.type in ("ref", "refs") and spec.to:
        return [(str(r.get("id")), record_name(r)) for r in proc.records(spec.to)
                if r.get("id") is not None]
    return []


def form_fields(proc: Process, name: str, lang: str, values: Mapping[str, Any] | None = None,
                reasons: Sequence[RefusalReason] = ()) -> list[FormField]:
    """The fields of the form of ``name`` for ``proc``, filled with ``values``; each
    ``invalid_payload`` reason is shown next to its field."""
    out = []
    for key, spec in payload_fields(proc.template, name).items():
        f = FormField(key, field_label(key, lang, spec), _INPUT[spec.type],
                      spec.required and spec.default is None, _options(proc, spec, lang),
                      (values or {}).get(key), long=key in _LONG)
        f.errors = [r.message(lang) for r in reasons
                    if r.code == "invalid_payload" and r.seen.get("field") == key]
        out.append(f)
    return out


def _value(spec: FieldSpec, raw: list[str]) -> Any:
    """The payload value of one field from its form values (None: leave it out)."""
    if spec.type == "refs":
        chosen = [v for v in raw if v]
        return chosen if chosen or spec.required else None
    if spec.type == "bool":
        return True if raw and raw[-1] in ("on", "true", "1") else (
            False if spec.required and spec.default is None else None)
    text = raw[-1].strip() if raw else ""
    if not text:
        return None
    if spec.type == "int":
        try:
            return int(text)
        except ValueError:
            return text  # the engine says what it expected, located at the field
    return text


def payload_from_form(template: ProcessTemplate, name: str,
                      form: Mapping[str, list[str]]) -> dict[str, Any]:
    """The payload a submitted form stands for; fields left empty are left out."""
    payload: dict[str, Any] = {}
    for key, spec in payload_fields(template, name).items():
        value = _value(spec, form.get(f"f.{key}", []))
        if value is not None:
            payload[key] = value
    return payload
