"""Payload validation: one pydantic validator per event, built once from the template.

Field specs become a TypedDict with ``extra='forbid'``; pydantic-core validates a
payload in a few microseconds, and every problem becomes its own
``invalid_payload`` reason naming the field and what was expected.
"""

from __future__ import annotations

import datetime as dt
import reprlib
from collections.abc import Mapping
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

from ..model.document import FieldSpec
from ..model.process import Reason
from ..model.text import TextKind, check_text

__all__ = ["PayloadValidator"]

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
        values = ", ".join(spec.values or ())
        return f"einer von: {values}", f"one of: {values}"
    if spec.type == "int":
        bounds = (f" ({spec.min}..{spec.max})" if spec.min is not None or spec.max is not None
                  else "")
        return f"eine ganze Zahl{bounds}", f"a whole number{bounds}"
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


class PayloadValidator:
    """Validates and normalises the payload of one event or trigger."""

    def __init__(self, name: str, fields: Mapping[str, FieldSpec]) -> None:
        self.name = name
        self.fields = dict(fields)
        self._adapter = _adapter_for(self.fields)
        self._defaults = {k: s.default for k, s in fields.items() if s.default is not None}
        self._dates = [k for k, s in fields.items() if s.type == "date"]
        #: the fields a payload must have (required, without a default)
        self.required = tuple(k for k, s in fields.items() if s.required and s.default is None)
        self._nothing_required = not self.required
        data, reasons = self(None)
        #: what an empty payload gives, judged once: options() asks it for every trigger;
        #: when fields are missing, the guards still judge the defaults
        self.empty: tuple[Mapping[str, Any], tuple[Reason, ...]] = (
            MappingProxyType(data if not reasons else dict(self._defaults)), tuple(reasons))

    def __call__(self, payload: Mapping[str, Any] | None) -> tuple[dict[str, Any], list[Reason]]:
        """The normalised payload (JSON-ready) and the reasons it is invalid (empty if valid)."""
        if payload is None:
            payload = {}
        if not isinstance(payload, Mapping):
            return {}, [self._reason(
                "Die Nutzdaten müssen ein Objekt mit Feldern sein.",
                f"the payload must be a mapping of fields, got {type(payload).__name__}",
                {})]
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
                    where = f"{key}[{i}]" if isinstance(value, list) else key
                    reasons.append(self._reason(
                        f"Feld {where!r} {problem.de}", f"field {where!r} {problem.en}",
                        {"field": key, "problem": problem.code}))
                clean.append(text)
            data[key] = clean if isinstance(value, list) else clean[0]
        return reasons

    def _reason(self, de: str, en: str, seen: dict[str, Any]) -> Reason:
        # a missing or wrong value of a declared field: other input resolves it
        key = seen.get("field")
        return Reason(code="invalid_payload", message_de=f"{self.name}: {de}",
                      message_en=f"{self.name}: {en}", seen=seen,
                      needs_input=(key,) if key in self.fields else ())

    def _explain(self, err: Mapping[str, Any]) -> Reason:
        loc = err["loc"]
        key = str(loc[0]) if loc else ""
        spec = self.fields.get(key)
        got = err.get("input")
        shown = _SHOWN.repr(got)
        seen = {"field": key, "problem": err["type"]}
        if err["type"] == "extra_forbidden":
            allowed = ", ".join(self.fields) or "keine"
            return self._reason(f"Feld {key!r} ist nicht vorgesehen; erlaubt: {allowed}",
                                f"field {key!r} is not allowed; fields are "
                                f"{', '.join(self.fields) or 'none'}", seen)
        if err["type"] == "missing":
            return self._reason(f"Feld {key!r} fehlt", f"field {key!r} is required", seen)
        if spec is None:  # pragma: no cover - every other error belongs to a known field
            return self._reason(f"Feld {key!r}: {err['msg']}", f"field {key!r}: {err['msg']}",
                                seen)
        de, en = _expected(spec)
        where = f"{key}[{loc[1]}]" if len(loc) > 1 else key
        return self._reason(f"Feld {where!r} erwartet {de}, erhalten: {shown}",
                            f"field {where!r} expects {en}, got {shown}", seen)
