"""Validate what can be validated: a broken element must not hide problems elsewhere.

When the format check fails, its diagnostics are reported, and each broken element
(the phase, trigger, field or guard that holds the error) is replaced by a minimal
stand-in that keeps its id known, or dropped when nothing refers to it by id. The
rest of the document is then validated again, so that the reference checks can run
on everything that is not broken; they stay silent at the stand-ins.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError

from ..exceptions import Diagnostic
from ..model.document import (
    CollectionSpec,
    EventSpec,
    FieldSpec,
    ParameterSpec,
    PhaseSpec,
    RoleSpec,
    TemplateDocument,
    TriggerSpec,
)
from .locate import Sources, copy_data, data_loc, diagnostics_from_validation, named_entry

__all__ = ["validate_partially"]

Loc = tuple[str | int, ...]
MAX_ROUNDS = 4
_LABEL: dict[str, Any] = {"label": {}}
_STAND_INS: dict[type[BaseModel], dict[str, Any]] = {
    PhaseSpec: _LABEL, EventSpec: _LABEL, CollectionSpec: _LABEL, RoleSpec: _LABEL,
    TriggerSpec: {"label": {}, "transitions": []}, FieldSpec: {},
}
# keys whose values other elements depend on (a phase's series, a field's type):
# kept in a stand-in unless they are what is broken
_KEPT = ("initial", "final", "series", "type", "to", "values")
_TOP_LEVEL: dict[str, Any] = {"id": "template", "version": "0", "title": {}}
_PARAMETER_DEFAULTS: dict[str, Any] = {"int": 0, "number": 0, "bool": False, "text": ""}


def _stand_in(model: type[BaseModel], original: Any, broken_key: Any) -> Any:
    """A valid value for a broken entry of ``model`` (None: drop the entry)."""
    if model is ParameterSpec:
        kind = original.get("type") if isinstance(original, dict) else None
        if not isinstance(kind, str) or kind not in _PARAMETER_DEFAULTS or broken_key == "type":
            kind = "int"
        return {"type": kind, "default": _PARAMETER_DEFAULTS[kind]}
    minimal = _STAND_INS.get(model)
    if minimal is None:
        return None
    kept = {k: original[k] for k in _KEPT
            if isinstance(original, dict) and k in original and k != broken_key}
    return {**minimal, **kept}


def _prune(data: dict[str, Any], loc: Loc, *, minimal: bool) -> Loc | None:
    """Put a stand-in where ``loc`` is broken; the stand-in's location, or None when the
    whole document depends on what is broken (a section that is not a mapping)."""
    entry, model = named_entry(TemplateDocument, loc)
    if model is None:
        if len(loc) >= 1 and loc[0] in _TOP_LEVEL:
            data[str(loc[0])] = _TOP_LEVEL[str(loc[0])]
            return loc[:1]
        return None
    parent: Any = data
    for item in entry[:-1]:
        if not isinstance(parent, dict) or item not in parent:
            return entry  # inside an element replaced already in this round
        parent = parent[item]
    if not isinstance(parent, dict):
        return entry
    original = parent.get(entry[-1])
    broken_key = loc[len(entry)] if len(loc) > len(entry) and not minimal else None
    value = _stand_in(model, original, "*" if minimal else broken_key)
    if minimal and isinstance(value, dict):
        value = {k: v for k, v in value.items() if k not in _KEPT or model is ParameterSpec}
    if value is None:
        parent.pop(entry[-1], None)
    else:
        parent[entry[-1]] = value
    return entry


def validate_partially(data: dict[str, Any], src: Sources, report: Callable[[Diagnostic], None]
                       ) -> tuple[TemplateDocument | None, list[Loc]]:
    """The document, or what is left of it with stand-ins for its broken elements, and
    the locations of those stand-ins; every format problem goes to ``report``.

    None when even the rest cannot be validated (a whole section is broken).
    """
    try:
        return TemplateDocument.model_validate(data), []
    except ValidationError as exc:
        for diagnostic in diagnostics_from_validation(exc, data, src, TemplateDocument):
            report(diagnostic)
        error = exc
    pruned = copy_data(data)
    broken: list[Loc] = []
    for _ in range(MAX_ROUNDS):
        earlier = list(broken)  # a stand-in that is still broken becomes minimal
        for err in error.errors(include_url=False):
            loc = data_loc(pruned, tuple(err["loc"]), TemplateDocument)
            if any(loc[:len(b)] == b for b in broken if b not in earlier):
                continue  # replaced already in this round
            where = _prune(pruned, loc, minimal=any(loc[:len(b)] == b for b in earlier))
            if where is None:
                return None, broken
            broken.append(where)
        try:
            return TemplateDocument.model_validate(pruned), broken
        except ValidationError as exc:
            error = exc
    return None, broken
