"""Payload validation: one pydantic validator per event, built once from the template.

Field specs become a TypedDict with ``extra='forbid'``; pydantic-core validates a
payload in a few microseconds, and every problem becomes its own
``invalid_payload`` reason naming the field by its label and what was expected
("Art: erwartet wird Unternehmen, Kommune, … oder Sonstige"); ``seen`` keeps the
field's id and the problem's code for programs.
"""

from __future__ import annotations

import copy
import datetime as dt
import reprlib
from collections.abc import Mapping
from functools import cached_property
from types import MappingProxyType
from typing import Annotated, Any, Literal, NotRequired, Required

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)
from typing_extensions import TypedDict

from ..model.glossary import field_label, listing, quote, value_label
from ..model.process import Reason
from ..model.specs import FieldSpec
from ..model.text import TextKind, check_text

__all__ = ["PayloadValidator", "field_words"]

# lengths and characters are the text policy's (model.text), checked after pydantic
_Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, strict=True)]
_Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, strict=True)]
#: how deep a payload may nest and how many values it may hold: payload values are flat
#: (a list of ids at most), so anything deeper is refused before it is looked at
MAX_DEPTH = 8
MAX_VALUES = 10_000
_KINDS: dict[str, TextKind] = {"id": "id", "ref": "id", "refs": "id", "text": "text"}
_SHOWN = reprlib.Repr()
_SHOWN.maxstring = _SHOWN.maxother = 60
LANGS = ("de", "en")


def _given(value: Any, lang: str) -> str:
    """A value someone gave, shortened, a text in the quotes of ``lang``."""
    if isinstance(value, str):
        return quote(_SHOWN.repr(value)[1:-1], lang)
    if isinstance(value, (list, tuple)):
        shown = [_given(v, lang) for v in value[:5]]
        return ", ".join(shown + (["…"] if len(value) > 5 else [])) or "[]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return _SHOWN.repr(value)


def _field(name: str, spec: FieldSpec | None, lang: str, item: Any = None) -> str:
    """A field as a person reads it: its label, capitalised; the item of a list by number."""
    text = field_label(name, lang, spec)
    text = text[:1].upper() + text[1:]
    if isinstance(item, int):
        text += f" (Nr. {item + 1})" if lang == "de" else f" (no. {item + 1})"
    return text


def _date_input(value: Any) -> Any:
    """Dates come as ISO text or date objects; a number is not a date (no epoch guessing)."""
    if isinstance(value, (str, dt.date)):
        return value
    raise ValueError("expected a date as YYYY-MM-DD")


_TYPED_DICT: Any = TypedDict  # called with run-time fields, which static typing cannot follow


def _annotation(spec: FieldSpec) -> Any:
    if spec.type == "id" or spec.type == "ref":
        return _Id
    if spec.type == "text":
        return _Text
    if spec.type == "int":
        return Annotated[StrictInt, Field(ge=spec.min, le=spec.max)]
    if spec.type == "bool":
        return StrictBool
    if spec.type == "date":
        return Annotated[dt.date, BeforeValidator(_date_input)]
    if spec.type == "choice":
        return Literal[tuple(spec.values or ())]
    if spec.type == "refs":  # min/max bound how many ids the list holds
        return Annotated[list[_Id], Field(min_length=spec.min or 0,
                                          max_length=spec.max if spec.max is not None else 1000)]
    raise ValueError(f"unknown field type {spec.type!r}")  # pragma: no cover


def _expected(spec: FieldSpec) -> tuple[str, str]:
    """What a field expects, in de and en."""
    if spec.type == "choice":
        de, en = ([value_label(v, lang, spec) for v in spec.values or ()] for lang in LANGS)
        return listing(de, "de", "or"), listing(en, "en", "or")
    if spec.type == "int":
        lo, hi = spec.min, spec.max
        if lo is not None and hi is not None:
            return f"eine ganze Zahl von {lo} bis {hi}", f"a whole number from {lo} to {hi}"
        if lo is not None:
            return f"eine ganze Zahl ab {lo}", f"a whole number of at least {lo}"
        if hi is not None:
            return f"eine ganze Zahl bis {hi}", f"a whole number of at most {hi}"
        return "eine ganze Zahl", "a whole number"
    return {
        "id": ("eine Kennung (Text)", "an id (text)"),
        "ref": ("die Kennung eines Eintrags", "the id of an entry"),
        "refs": ("eine Liste von Kennungen", "a list of ids"),
        "text": ("ein nicht leerer Text", "a non-empty text"),
        "bool": ("true oder false", "true or false"),
        "date": ("ein Datum (JJJJ-MM-TT)", "a date (YYYY-MM-DD)"),
    }[spec.type]


# the same fields give the same validator: building one costs about a millisecond, and a
# template's triggers mostly share a few payloads (most have none)
_ADAPTERS: dict[str, TypeAdapter[dict[str, Any]]] = {}


def _adapter_for(fields: Mapping[str, FieldSpec]) -> TypeAdapter[dict[str, Any]]:
    key = repr([(k, spec.model_dump(mode="json")) for k, spec in fields.items()])
    found = _ADAPTERS.get(key)
    if found is None:
        annotations = {
            k: (Required if spec.required and spec.default is None else NotRequired)[
                _annotation(spec)]
            for k, spec in fields.items()
        }
        # a TypedDict built at run time: the fields come from the template
        typed = _TYPED_DICT("Payload", annotations, total=False)
        typed.__pydantic_config__ = ConfigDict(extra="forbid")
        found = _ADAPTERS.setdefault(key, TypeAdapter(typed))
    return found


_FLAT = frozenset({str, int, float, bool, type(None)})


def _shape_problem(payload: Mapping[str, Any]) -> tuple[str, str] | None:
    """Why ``payload`` nests too deep or holds too much (de, en), without recursion."""
    if len(payload) < MAX_VALUES and all(type(v) in _FLAT for v in payload.values()):
        return None  # the common case: one level of plain values
    stack: list[tuple[Any, int]] = [(payload, 1)]
    count = 0
    while stack:
        value, depth = stack.pop()
        count += 1
        if depth > MAX_DEPTH or count > MAX_VALUES:
            return (f"die Nutzdaten sind tiefer verschachtelt als {MAX_DEPTH} Ebenen oder "
                    f"haben mehr als {MAX_VALUES:,} Werte".replace(",", "."),
                    f"the payload nests deeper than {MAX_DEPTH} levels or holds more than "
                    f"{MAX_VALUES:,} values")
        if isinstance(value, Mapping):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, (list, tuple)):
            stack.extend((v, depth + 1) for v in value)
    return None


def field_words(name: str, spec: FieldSpec | None) -> tuple[str, str]:
    """A field's label in de and en, as a message starts with it."""
    return _field(name, spec, "de"), _field(name, spec, "en")


class PayloadValidator:
    """Validates and normalises the payload of one event or trigger."""

    def __init__(self, name: str, fields: Mapping[str, FieldSpec]) -> None:
        self.name = name
        self.fields = dict(fields)
        self._defaults = {k: s.default for k, s in fields.items() if s.default is not None}
        #: the values of fields a payload may leave out (read only)
        self.defaults: Mapping[str, Any] = MappingProxyType(self._defaults)
        self._dates = [k for k, s in fields.items() if s.type == "date"]
        #: the fields a payload must have (required, without a default)
        self.required = tuple(k for k, s in fields.items() if s.required and s.default is None)
        self._nothing_required = not self.required
        self._origin: PayloadValidator | None = None  # the one renamed() copied

    # the pydantic validator is built when the first payload needs it, not when the template
    # is compiled: a command that only reads a process (status, report) fires nothing, and
    # building the validators of a template's ~30 events was two thirds of its compile time
    @cached_property
    def _adapter(self) -> TypeAdapter[dict[str, Any]]:
        return _adapter_for(self.fields)

    @cached_property
    def empty(self) -> tuple[Mapping[str, Any], tuple[Reason, ...]]:
        """What an empty payload gives, judged once: options() asks it for every trigger;
        when fields are missing, the guards still judge the defaults. Shared with the
        validators :meth:`renamed` made (its reasons do not name the event)."""
        if self._origin is not None:
            return self._origin.empty
        data, reasons = self(None)
        return MappingProxyType(data if not reasons else dict(self._defaults)), tuple(reasons)

    def renamed(self, name: str) -> PayloadValidator:
        """The same validator for another event or trigger with the same fields (what it
        holds is never changed, so the two share it)."""
        other = copy.copy(self)
        other.name = name
        other._origin = self._origin or self
        return other

    def __call__(self, payload: Mapping[str, Any] | None) -> tuple[dict[str, Any], list[Reason]]:
        """The normalised payload (JSON-ready) and the reasons it is invalid (empty if valid)."""
        if payload is None:
            payload = {}
        if not isinstance(payload, Mapping):
            return {}, [self._reason(
                "Die Angaben müssen ein Objekt mit Feldern sein.",
                "The entries must be a mapping of fields.", {})]
        if not payload and self._nothing_required:  # e.g. a meeting without minutes
            return dict(self._defaults), []
        shape = _shape_problem(payload)
        if shape is not None:
            return {}, [self._reason(*shape, {"problem": "too_deep"})]
        try:  # the defaults are validated like given values: a stored event always replays
            data = self._adapter.validate_python({**self._defaults, **payload})
        except ValidationError as exc:
            return {}, [self._explain(err) for err in exc.errors(include_url=False)]
        for key in self._dates:
            if key in data:
                data[key] = data[key].isoformat()
        reasons = self._apply_policy(data)
        return (data, []) if not reasons else ({}, reasons)

    def _apply_policy(self, data: dict[str, Any]) -> list[Reason]:
        """Normalise every text of ``data`` in place; the reasons some are refused."""
        reasons = []
        for key, value in data.items():
            kind = _KINDS.get(self.fields[key].type)
            if kind is None:
                continue
            items = value if isinstance(value, list) else [value]
            clean = []
            for i, item in enumerate(items):
                text, problem = check_text(item, kind)
                if problem is not None:
                    at = i if isinstance(value, list) else None
                    spec = self.fields[key]
                    reasons.append(self._reason(
                        f"{_field(key, spec, 'de', at)} {problem.de}.",
                        f"{_field(key, spec, 'en', at)} {problem.en}.",
                        {"field": key, "problem": problem.code}))
                clean.append(text)
            data[key] = clean if isinstance(value, list) else clean[0]
        return reasons

    def _reason(self, de: str, en: str, seen: dict[str, Any]) -> Reason:
        # a missing or wrong value of a declared field: other input resolves it
        key = seen.get("field")
        return Reason(code="invalid_payload", message_de=de, message_en=en, seen=seen,
                      needs_input=(key,) if key in self.fields else ())

    def _explain(self, err: Mapping[str, Any]) -> Reason:
        loc = err["loc"]
        key = str(loc[0]) if loc else ""
        spec = self.fields.get(key)
        got = err.get("input")
        seen = {"field": key, "problem": err["type"]}
        if err["type"] == "extra_forbidden":
            names_de, names_en = ([_field(k, s, lang) for k, s in self.fields.items()]
                                  for lang in LANGS)
            return self._reason(
                f"{quote(key, 'de')} ist hier keine vorgesehene Angabe; " + (
                    f"vorgesehen sind {listing(names_de, 'de')}." if names_de else
                    "hier gibt es keine."),
                f"{quote(key, 'en')} is not an entry here; " + (
                    f"the entries are {listing(names_en, 'en')}." if names_en else
                    "there are none."), seen)
        if err["type"] == "missing":
            return self._reason(f"{_field(key, spec, 'de')} fehlt.",
                                f"{_field(key, spec, 'en')} is missing.", seen)
        if spec is None:  # pragma: no cover - every other error belongs to a known field
            return self._reason(f"{quote(key, 'de')}: {err['msg']}",
                                f"{quote(key, 'en')}: {err['msg']}", seen)
        de, en = _expected(spec)
        at = loc[1] if len(loc) > 1 else None
        return self._reason(f"{_field(key, spec, 'de', at)}: erwartet wird {de}; angegeben: "
                            f"{_given(got, 'de')}.", f"{_field(key, spec, 'en', at)}: expected "
                            f"{en}; given: {_given(got, 'en')}.", seen)
