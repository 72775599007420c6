"""Turn pydantic validation errors into located, readable diagnostics.

Pydantic reports locations as tuples like ``("triggers", "hold_kickoff", "guards",
"x", "rule", "count", "min")`` in which union tags (``count``) and member types
(``list[str]``) are mixed with the keys of the input. We walk the input data to
keep only the real keys, then look the position up in the source map, so every
error becomes ``path:line:col: CODE message``.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from typing import Any, Union

import yaml
from pydantic import BaseModel, Tag, ValidationError

from ..exceptions import Diagnostic, did_you_mean
from ..model.template import SourceRef
from .files import excerpt

__all__ = ["Sources", "copy_data", "data_loc", "diagnostics_from_validation", "named_entry"]

Loc = tuple[str | int, ...]


def copy_data(value: Any) -> Any:
    """A copy of plain YAML data (mappings, lists, scalars) that shares no container."""
    if isinstance(value, dict):
        return {k: copy_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_data(v) for v in value]
    return value


class Sources:
    """Positions of values and keys of a (possibly merged) document, by location."""

    def __init__(self, values: Mapping[Loc, SourceRef], keys: Mapping[Loc, SourceRef],
                 fallback: str) -> None:
        self.values = values
        self.keys = keys
        self.fallback = fallback

    def at(self, loc: Loc, *, key: bool = False) -> SourceRef:
        """Position of ``loc`` (its key when ``key``), else of its nearest known parent."""
        if key and loc in self.keys:
            return self.keys[loc]
        for n in range(len(loc), -1, -1):
            ref = self.values.get(loc[:n])
            if ref is not None:
                return ref
        return SourceRef(path=self.fallback, line=1, column=1)

    def diagnostic(self, loc: Loc, code: str, message: str, *, key: bool = False,
                   severity: str = "error") -> Diagnostic:
        """A diagnostic located at ``loc``."""
        ref = self.at(loc, key=key)
        return Diagnostic(ref.path, ref.line, ref.column, code, message,
                          "warning" if severity == "warning" else "error")


def _looks_like_tag(item: str) -> bool:
    return "[" in item or item in {"str", "int", "float", "bool", "function-after",
                                   "function-before"}


def _alternatives(tp: Any) -> tuple[list[tuple[str | None, Any]], bool]:
    """The members of a union with their tags, and whether the union is tagged."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        inner, *meta = typing.get_args(tp)
        tag = next((m.tag for m in meta if isinstance(m, Tag)), None)
        if tag is not None:
            return [(tag, inner)], True
        return _alternatives(inner)
    if origin in (Union, types.UnionType):
        members = [alt for arg in typing.get_args(tp) for alt in _alternatives(arg)[0]]
        return members, any(tag is not None for tag, _ in members)
    return [(None, tp)], False


def _type_name(tp: Any) -> str:
    if isinstance(tp, type):
        return tp.__name__
    return repr(tp).replace("typing.", "")


def _step(tp: Any, item: Any) -> Any:
    """The type of ``item`` inside a value of type ``tp`` (None when unknown)."""
    for _, alt in _alternatives(tp)[0]:
        origin = typing.get_origin(alt)
        if isinstance(alt, type) and issubclass(alt, BaseModel):
            for name, info in alt.model_fields.items():
                if item in (name, info.alias):
                    return info.annotation
        elif origin is dict and isinstance(item, str):
            return typing.get_args(alt)[1]
        elif origin is list and isinstance(item, int):
            return typing.get_args(alt)[0]
    return None


def _descend(tp: Any, item: Any) -> tuple[Any, bool]:
    """The type one step into ``tp`` for an item of a pydantic location, and whether the
    item named a union member (a tag like ``count``, or a type like ``list[str]``)."""
    members, tagged = _alternatives(tp)
    if len(members) > 1 and isinstance(item, str):
        names = {tag if tagged else _type_name(t): t for tag, t in members}
        if item in names:
            return names[item], True
    return _step(tp, item), False


def data_loc(data: Any, loc: tuple[Any, ...], model: Any = None) -> Loc:
    """Keep only the parts of a pydantic location that are keys or indexes of ``data``.

    With ``model``, the types are walked alongside the data, so a union tag that is
    spelled like a key (the rule kind ``count`` beside the key ``count``) is skipped.
    """
    out: list[str | int] = []
    node, tp = data, model
    for n, item in enumerate(loc):
        if tp is not None:
            member, is_member = _descend(tp, item)
            if is_member:
                tp = member  # a union member's name or tag, not a key
                continue
        in_dict = isinstance(node, dict) and item in node
        in_list = isinstance(node, list) and isinstance(item, int) and 0 <= item < len(node)
        if in_dict or in_list:
            out.append(item)
            node = node[item]
            tp = _step(tp, item) if tp is not None else None
        elif isinstance(node, dict) and isinstance(item, str) and n == len(loc) - 1 \
                and not _looks_like_tag(item):
            out.append(item)  # a missing or unknown key: keep it for key lookups
            break
        elif tp is not None and not _looks_like_tag(str(item)):
            tp = _step(tp, item)
    return tuple(out)


def named_entry(model: type[BaseModel], loc: Loc) -> tuple[Loc, type[BaseModel] | None]:
    """The deepest prefix of ``loc`` that names an entry of a mapping of models (a phase,
    a trigger, a guard, a field, ...) and that entry's model; ``((), None)`` if none."""
    found: tuple[Loc, type[BaseModel] | None] = ((), None)
    tp: Any = model
    for n, item in enumerate(loc):
        in_mapping = any(typing.get_origin(alt) is dict for _, alt in _alternatives(tp)[0])
        tp = _step(tp, item)
        if tp is None:
            break
        models = [t for _, t in _alternatives(tp)[0]
                  if isinstance(t, type) and issubclass(t, BaseModel)]
        if in_mapping and isinstance(item, str) and len(models) == 1:
            found = (loc[:n + 1], models[0])
    return found


def _model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model that validates the mapping at ``loc`` (None when not a model)."""
    tp: Any = root
    for item in loc:
        nxt, _ = _descend(tp, item)
        if nxt is not None:  # else: an item pydantic adds (a validator's name); stay here
            tp = nxt
    models = [t for _, t in _alternatives(tp)[0]
              if isinstance(t, type) and issubclass(t, BaseModel)]
    return models[0] if len(models) == 1 else None


def _allowed_keys(key: str, model: type[BaseModel] | None) -> str:
    if model is None:
        return ""
    names = [info.alias or name for name, info in model.model_fields.items()]
    hint = did_you_mean(key, names) if len(key) <= 64 else ""  # no fuzzy match of a novel
    return hint + "; allowed keys are " + ", ".join(names)


_TYPE_NAMES = {
    "string_type": "text", "int_type": "a whole number", "int_parsing": "a whole number",
    "int_from_float": "a whole number", "float_type": "a number", "float_parsing": "a number",
    "bool_type": "true or false", "bool_parsing": "true or false",
    "dict_type": "a mapping", "model_type": "a mapping", "model_attributes_type": "a mapping",
    "list_type": "a list", "none_required": "nothing",
}


def _shown(value: Any) -> str:
    """A value as the template author wrote it: YAML flow text, quoted when it is text."""
    return repr(value) if isinstance(value, str) and len(value) <= 40 else flow_text(value)


def flow_text(value: Any) -> str:
    """A value as YAML flow text (``{append: other}``, not a Python repr), kept short."""
    try:
        text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True,
                              width=10**6).strip().removesuffix("...").strip()
    except yaml.YAMLError:  # not plain data: say what it is
        text = type(value).__name__
    return text if len(text) <= 40 else text[:37] + "..."


def diagnostics_from_validation(exc: ValidationError, data: Any, sources: Sources,
                                model: type[BaseModel]) -> list[Diagnostic]:
    """One diagnostic per distinct problem in ``exc``; union alternatives are merged."""
    merged: dict[tuple[Loc, str], dict[str, Any]] = {}
    for err in exc.errors(include_url=False):
        raw_loc = tuple(err["loc"])
        loc = data_loc(data, raw_loc, model)
        kind = err["type"]
        on_key = bool(raw_loc) and raw_loc[-1] == "[key]"  # a mapping key itself is invalid
        if kind == "extra_forbidden":
            key = str(raw_loc[-1])
            parent = _model_at(model, raw_loc[:-1])
            message = f"unknown key {excerpt(key)}{_allowed_keys(key, parent)}"
            diag = sources.diagnostic(loc, "E101", message,
                                      key=True)
            merged.setdefault((loc, "E101"), {"diag": diag})
        elif kind == "missing":
            name = raw_loc[-1]
            merged.setdefault(((*loc[:-1], name), "E102"), {
                "diag": sources.diagnostic(loc[:-1] if loc and loc[-1] == name else loc,
                                           "E102", f"missing required key {name!r}")})
        elif kind in _TYPE_NAMES:
            entry = merged.setdefault((loc, "E103"), {"expected": [], "input": err["input"]})
            name = _TYPE_NAMES[kind]
            if name not in entry["expected"]:
                entry["expected"].append(name)
        else:
            merged.setdefault((loc, "E104"), {"diag": sources.diagnostic(
                loc, "E104", _value_message(kind, err), key=on_key)})
    return _gathered(merged, sources)


def _value_message(kind: str, err: Any) -> str:
    """pydantic's message of an invalid value, as a sentence of ours (E104)."""
    message = str(err["msg"])
    if kind == "value_error":
        return message.removeprefix("Value error, ")
    if kind in ("literal_error", "string_pattern_mismatch"):
        message = f"{_shown(err['input'])} is not allowed: {message[0].lower()}{message[1:]}"
        if kind == "string_pattern_mismatch":
            message += " (ids are lower-case words: letters, digits, underscores)"
        return message
    return message[0].lower() + message[1:]


def _gathered(merged: dict[tuple[Loc, str], dict[str, Any]],
              sources: Sources) -> list[Diagnostic]:
    """The merged problems as diagnostics; a type mismatch only where nothing else failed."""
    out: list[Diagnostic] = []
    for (loc, code), entry in merged.items():
        if code == "E103":
            # a union that failed on a type in one branch but for another reason elsewhere
            # reports the other reason; only a pure type mismatch is shown as such
            if (loc, "E104") in merged or (loc, "E101") in merged:
                continue
            expected = " or ".join(entry["expected"])
            out.append(sources.diagnostic(
                loc, "E103", f"expected {expected}, got {_shown(entry['input'])}"))
        else:
            out.append(entry["diag"])
    return out
