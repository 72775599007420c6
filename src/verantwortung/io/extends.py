"""``extends:``: a template that adapts another one, keeping where each element came from.

Merging is by key, at every level of mappings:

* a mapping entry merges into the base entry of the same key (labels, guards,
  payload fields, ...); lists and scalars replace;
* ``{remove: true}`` deletes the base entry (a typo'd id is an error, not a no-op);
* ``replace: true`` inside an entry replaces the base entry wholesale;
* under ``parameters:``, a bare value overrides the default: ``milestones_max: 4``.

Positions travel with the data: a merged element points at the file that wrote it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..exceptions import Diagnostic
from ..model.template import SourceRef
from .locate import Sources

__all__ = ["Layer", "merge_layers", "strip_directives"]

Loc = tuple[str | int, ...]
REMOVE, REPLACE = "remove", "replace"


class Layer:
    """One document's data and source positions, as the merge sees it."""

    def __init__(self, data: dict[str, Any], values: dict[Loc, SourceRef],
                 keys: dict[Loc, SourceRef], path: str) -> None:
        self.data = data
        self.values = values
        self.keys = keys
        self.path = path

    def sources(self) -> Sources:
        """The positions of this layer, for diagnostics."""
        return Sources(self.values, self.keys, self.path)


def _drop(positions: dict[Loc, SourceRef], prefix: Loc) -> None:
    n = len(prefix)
    for loc in [loc for loc in positions if loc[:n] == prefix]:
        del positions[loc]


def _copy(target: dict[Loc, SourceRef], source: dict[Loc, SourceRef], prefix: Loc) -> None:
    n = len(prefix)
    for loc, ref in source.items():
        if loc[:n] == prefix:
            target[loc] = ref


def _is_remove(value: Any) -> bool:
    return isinstance(value, dict) and value.get(REMOVE) is True


def merge_layers(base: Layer, child: Layer, report: Callable[[Diagnostic], None]) -> Layer:
    """``child`` applied on top of ``base``; problems go to ``report``."""
    values = dict(base.values)
    keys = dict(base.keys)
    csrc = child.sources()

    def merge(into: dict[str, Any], over: dict[str, Any], loc: Loc) -> None:
        for key, value in over.items():
            here = (*loc, key)
            if _is_remove(value):
                if len(value) != 1:
                    report(csrc.diagnostic(here, "E403", "'remove: true' stands alone; "
                                           "drop the other keys of this entry"))
                if key not in into:
                    report(csrc.diagnostic(here, "E403", f"cannot remove {key!r}: the base "
                                           "template has no such entry", key=True))
                    continue
                del into[key]
                _drop(values, here)
                _drop(keys, here)
                continue
            if isinstance(value, dict) and value.get(REPLACE) is True:
                value = {k: v for k, v in value.items() if k != REPLACE}
                into[key] = _strip(value, here, csrc, report)
                _drop(values, here)
                _drop(keys, here)
                _copy(values, child.values, here)
                _copy(keys, child.keys, here)
                continue
            if loc == ("parameters",) and not isinstance(value, dict) and \
                    isinstance(into.get(key), dict):
                value = {"default": value}  # shorthand: a bare value overrides the default
                values[(*here, "default")] = csrc.at(here)
            if isinstance(value, dict) and isinstance(into.get(key), dict):
                merge(into[key], value, here)
                if here in child.values:
                    values[here] = child.values[here]
                if here in child.keys:
                    keys[here] = child.keys[here]
                continue
            old = into.get(key)
            into[key] = _strip(value, here, csrc, report)
            if isinstance(value, (dict, list)) or isinstance(old, (dict, list)):
                _drop(values, here)
                _drop(keys, here)
                _copy(values, child.values, here)
                _copy(keys, child.keys, here)
            else:  # a scalar over a scalar: only its own positions change
                for target, source in ((values, child.values), (keys, child.keys)):
                    target.pop(here, None)
                    if here in source:
                        target[here] = source[here]

    data = _deepcopy(base.data)
    merge(data, child.data, ())
    return Layer(data, values, keys, child.path)


def _deepcopy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deepcopy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deepcopy(v) for v in value]
    return value


def _strip(value: Any, loc: Loc, src: Sources, report: Callable[[Diagnostic], None]) -> Any:
    """Copy ``value`` without merge directives, reporting any that have nothing to act on."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in (REMOVE, REPLACE) and v is True:
                report(src.diagnostic((*loc, k), "E403", f"'{k}: true' only applies to an "
                                      "entry of the template named in 'extends:'", key=True))
                continue
            out[k] = _strip(v, (*loc, k), src, report)
        return out
    if isinstance(value, list):
        return [_strip(v, (*loc, i), src, report) for i, v in enumerate(value)]
    return value


def strip_directives(layer: Layer, report: Callable[[Diagnostic], None]) -> Layer:
    """A template without ``extends:`` may not use merge directives: report and drop them."""
    data = _strip(layer.data, (), layer.sources(), report)
    return Layer(data, layer.values, layer.keys, layer.path)
