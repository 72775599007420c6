"""What a template *is*: its semantic content and the digest of it.

The semantic content is the expanded definition without its wording: phases,
triggers, rules, events, collections, parameters, deadlines and invariants, but no
title, label, description, message, checklist or question. A wording fix keeps the
digest; any change of what a process may do changes it. Stores and start events record
the digest, so a template edited without a new version is noticed when a history of
the old content is loaded.

Migration plans (``migrates_from:``) are not part of it: they say how *other*
versions map onto this one, and every ``template_migrated`` event records the digest
of the plan it used.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from typing import Any

from pydantic import BaseModel

from .document import TemplateDocument
from .specs import Message, Text

__all__ = ["definition_text", "semantic_content", "semantic_differences", "semantic_digest"]

# not what a process may do: where the schema is, the base file (already merged),
# and the plans from other versions
_NOT_SEMANTIC = frozenset({"schema_", "extends", "migrates_from"})
_CACHE: OrderedDict[int, tuple[TemplateDocument, str]] = OrderedDict()
_CACHE_SIZE = 64
_TEXTS: OrderedDict[int, tuple[TemplateDocument, str]] = OrderedDict()
_ATOMS = frozenset({str, int, float, bool})


def _wording(value: Any) -> bool:
    """Whether ``value`` is wording only: a text, or a list or mapping of texts."""
    if isinstance(value, (Text, Message)):
        return True
    if isinstance(value, (list, tuple)) and value:
        return all(isinstance(v, (Text, Message)) for v in value)
    if isinstance(value, dict) and value:
        return all(isinstance(v, (Text, Message)) for v in value.values())
    return False


_Fields = tuple[tuple[str, str, bool, Any], ...]
_FIELDS: dict[type[BaseModel], _Fields] = {}


def _fields(model: type[BaseModel]) -> _Fields:
    """(name, key, required, default) of every field a digest may write, once per class
    (pydantic's ``get_default`` inspects a default factory's signature on every call)."""
    found = _FIELDS.get(model)
    if found is None:
        found = _FIELDS[model] = tuple(
            (name, info.alias or name, info.is_required(),
             None if info.is_required() else info.get_default(call_default_factory=True))
            for name, info in model.model_fields.items() if name not in _NOT_SEMANTIC)
    return found


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        out = {}
        for name, key, required, default in _fields(type(value)):
            item = getattr(value, name)
            # a value left at its default is not written: a new optional key of the
            # format (with a default) must not change the digest of every template
            if item is None or (not required and item == default):
                continue
            if type(item) in _ATOMS:  # most fields: neither wording nor anything to walk
                out[key] = item
            elif not _wording(item):
                out[key] = _plain(item)
        return out
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def semantic_content(document: TemplateDocument) -> dict[str, Any]:
    """The document as plain data without its wording (see the module docstring)."""
    return dict(_plain(document))


def semantic_digest(document: TemplateDocument) -> str:
    """SHA-256 of :func:`semantic_content` as canonical JSON (computed once per document)."""
    cached = _CACHE.get(id(document))
    if cached is not None and cached[0] is document:
        return cached[1]
    text = json.dumps(semantic_content(document), sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"), default=str)
    digest = hashlib.sha256(text.encode()).hexdigest()
    _CACHE[id(document)] = (document, digest)
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return digest


def definition_text(document: TemplateDocument) -> str:
    """The whole document (wording too) as JSON text, without ``extends:`` and
    ``$schema`` (computed once per document): what a store keeps of a template."""
    cached = _TEXTS.get(id(document))
    if cached is not None and cached[0] is document:
        return cached[1]
    data = document.model_dump(mode="json", by_alias=True, exclude_none=True,
                               exclude={"extends", "schema_"})
    text = json.dumps(data, ensure_ascii=False, indent=1)
    _TEXTS[id(document)] = (document, text)
    while len(_TEXTS) > _CACHE_SIZE:
        _TEXTS.popitem(last=False)
    return text


def semantic_differences(old: TemplateDocument, new: TemplateDocument,
                         limit: int = 8) -> list[str]:
    """What differs between two documents' semantic content, as ``path: old -> new``
    lines (at most ``limit``, then a count of the rest)."""
    found: list[str] = []
    _diff(semantic_content(old), semantic_content(new), "", found)
    if len(found) > limit:
        found[limit:] = [f"... and {len(found) - limit} more"]
    return found


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _diff(old: Any, new: Any, path: str, found: list[str]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            where = f"{path}.{key}" if path else str(key)
            if key not in new:
                found.append(f"{where}: removed")
            elif key not in old:
                found.append(f"{where}: added")
            else:
                _diff(old[key], new[key], where, found)
    elif old != new:
        found.append(f"{path}: {_short(old)} -> {_short(new)}")
