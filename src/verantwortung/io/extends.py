"""``extends:``: a template that adapts another one, keeping where each element came from.

Merging is by key, at every level of mappings:

* a mapping entry merges into the base entry of the same key (labels, guards,
  payload fields, ...); scalars replace;
* ``{remove: true}`` deletes the base entry (a typo'd id is an error, not a no-op);
* ``replace: true`` inside an entry replaces the base entry wholesale;
* under ``parameters:``, a bare value overrides the default: ``milestones_max: 4``.

Lists say what they do:

* a trigger's ``transitions:`` merge by edge, like mappings: an entry whose ``from``
  and ``to`` match a base transition merges into it (its guards merge by code, and
  ``remove: true`` beside ``from``/``to`` deletes it); any other entry is added;
* ``{append: [...]}`` adds entries after those of the base list; ``{replace: [...]}``
  replaces it (``transitions:`` too);
* any other bare list (``roles``, ``values``, ``checklist``, ...) replaces the base list.

Positions travel with the data: a merged element points at the file that wrote it,
and the changes a child makes to its base are kept as :attr:`Layer.edits`, so that a
problem the change causes in the base (a phase no longer reached) can be told at the
change.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from ..exceptions import Diagnostic
from ..model.template import SourceRef
from .locate import Sources, copy_data, flow_text

__all__ = ["Layer", "blame_child", "merge_layers", "strip_directives"]

Loc = tuple[str | int, ...]
Report = Callable[[Diagnostic], None]
Edit = tuple[Loc, SourceRef]  # where the child changed its base, and the position
REMOVE, REPLACE, APPEND = "remove", "replace", "append"
KEYED_LISTS = {"transitions"}  # lists whose entries have an identity: merged by key


class Layer:
    """One document's data and source positions, as the merge sees it.

    A merged layer also keeps the ``base`` it was merged onto and the ``edits`` of the
    child: the locations where it changed or removed what the base wrote.
    """

    def __init__(self, data: dict[str, Any], values: dict[Loc, SourceRef],
                 keys: dict[Loc, SourceRef], path: str) -> None:
        self.data = data
        self.values = values
        self.keys = keys
        self.path = path
        self.base: Layer | None = None
        self.edits: list[Edit] = []

    def sources(self) -> Sources:
        """The positions of this layer, for diagnostics."""
        return Sources(self.values, self.keys, self.path)


def _is_remove(value: Any) -> bool:
    return isinstance(value, dict) and value.get(REMOVE) is True


def _list_directive(value: Any) -> str | None:
    """``append`` or ``replace`` when ``value`` is ``{append: [...]}`` / ``{replace: [...]}``."""
    if isinstance(value, dict) and len(value) == 1:
        (name, items), = value.items()
        if name in (APPEND, REPLACE) and isinstance(items, list):
            return str(name)
    return None


def _misused_directive(value: Any) -> bool:
    """``{append: x}`` / ``{replace: x}`` where ``x`` is not a list."""
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in (
        APPEND, REPLACE) and not isinstance(next(iter(value.values())), list)


def _edge(entry: Any) -> tuple[Any, Any] | None:
    """The identity of a transition: its ``from`` (one phase, or a list in any order) and
    ``to``."""
    if not isinstance(entry, dict) or "from" not in entry or "to" not in entry:
        return None
    source = entry["from"]
    return tuple(sorted(map(str, source if isinstance(source, list) else [source]))), \
        entry["to"]


class _Merge:
    """``child`` applied on top of ``base``, with positions and edits kept in step."""

    def __init__(self, base: Layer, child: Layer, report: Report) -> None:
        self.values = dict(base.values)
        self.keys = dict(base.keys)
        self.child = child
        self.csrc = child.sources()
        self.report = report
        self.edits: list[Edit] = []

    def edit(self, cloc: Loc) -> None:
        """Remember that the child changed what the base wrote at ``cloc``."""
        self.edits.append((cloc, self.csrc.at(cloc, key=True)))

    # -- positions ------------------------------------------------------------------------

    def drop(self, loc: Loc) -> None:
        """Forget the positions at and under ``loc``."""
        n = len(loc)
        for positions in (self.values, self.keys):
            for here in [here for here in positions if here[:n] == loc]:
                del positions[here]

    def take(self, loc: Loc, cloc: Loc) -> None:
        """The positions at and under ``loc`` are the child's at and under ``cloc``."""
        self.drop(loc)
        n = len(cloc)
        for target, source in ((self.values, self.child.values), (self.keys, self.child.keys)):
            for here, ref in source.items():
                if here[:n] == cloc:
                    target[(*loc, *here[n:])] = ref

    def move(self, old: Loc, new: Loc) -> None:
        """Positions at and under ``old`` (a base list entry) now belong at ``new``."""
        n = len(old)
        for positions in (self.values, self.keys):
            moved = {(*new, *here[n:]): ref for here, ref in positions.items()
                     if here[:n] == old}
            for here in [here for here in positions if here[:n] == old]:
                del positions[here]
            positions.update(moved)

    # -- data -----------------------------------------------------------------------------

    def mapping(self, into: dict[str, Any], over: dict[str, Any], loc: Loc, cloc: Loc) -> None:
        """Merge the child's mapping ``over`` (at ``cloc``) into ``into`` (at ``loc``)."""
        for key, value in over.items():
            self.entry(into, key, value, (*loc, key), (*cloc, key))

    def entry(self, into: dict[str, Any], key: str, value: Any, here: Loc, chere: Loc) -> None:
        """Merge one entry of a child mapping."""
        if _is_remove(value):
            self.remove(into, key, value, here, chere)
            return
        old = into.get(key)
        if isinstance(value, dict) and value.get(REPLACE) is True:
            value = {k: v for k, v in value.items() if k != REPLACE}
            self.overwrite(into, key, value, here, chere, edit=key in into)
            return
        directive = _list_directive(value)
        if directive is None and not isinstance(old, dict) and _misused_directive(value):
            (name, items), = value.items()
            self.report(self.csrc.diagnostic(
                (*chere, name), "E403", f"'{name}' takes a list of entries: write "
                f"'{name}: [{flow_text(items)}]'"))
            return
        if directive is not None or (isinstance(value, list) and isinstance(old, list)):
            self.list_(into, key, value, directive, here, chere)
            return
        if here[:1] == ("parameters",) and len(here) == 2 and not isinstance(value, dict) \
                and isinstance(old, dict):
            value = {"default": value}  # shorthand: a bare value overrides the default
            self.child.values[(*chere, "default")] = self.csrc.at(chere)
        if isinstance(value, dict) and isinstance(old, dict):
            self.mapping(old, value, here, chere)
            for target, source in ((self.values, self.child.values),
                                   (self.keys, self.child.keys)):
                if chere in source:
                    target[here] = source[chere]
            return
        self.overwrite(into, key, value, here, chere, edit=key in into)

    def overwrite(self, into: dict[str, Any], key: str, value: Any, here: Loc, chere: Loc,
                  *, edit: bool) -> None:
        """The child's value replaces whatever the base had at ``here``."""
        into[key] = _strip(value, chere, self.csrc, self.report)
        self.take(here, chere)
        if edit:
            self.edit(chere)

    def remove(self, into: dict[str, Any], key: str, value: dict[str, Any], here: Loc,
               chere: Loc) -> None:
        """``{remove: true}``: delete the base entry."""
        if len(value) != 1:
            self.report(self.csrc.diagnostic(chere, "E403", "'remove: true' stands alone; "
                                             "drop the other keys of this entry"))
        if key not in into:
            self.report(self.csrc.diagnostic(chere, "E403", f"cannot remove {key!r}: the "
                                             "base template has no such entry", key=True))
            return
        del into[key]
        self.drop(here)
        self.edit(chere)

    def list_(self, into: dict[str, Any], key: str, value: Any, directive: str | None,
              here: Loc, chere: Loc) -> None:
        """A list over a base list: appended, replaced or (transitions) merged by edge."""
        old = into.get(key)
        if directive is None:
            items, citems = value, chere
        else:
            items, citems = value[directive], (*chere, directive)
        if directive == APPEND:
            if not isinstance(old, list):
                self.report(self.csrc.diagnostic(chere, "E403", f"'append:' adds to a list of "
                                                 f"the base template; it has no list {key!r}",
                                                 key=True))
                old = []
            self.extend(old, items, here, citems)
            into[key] = old
        elif directive == REPLACE or key not in KEYED_LISTS:
            into[key] = _strip(items, citems, self.csrc, self.report)
            self.take(here, citems)
            self.edit(chere)
        else:
            into[key] = self.by_edge(old if isinstance(old, list) else [], items, here, citems)

    def extend(self, into: list[Any], items: list[Any], here: Loc, citems: Loc) -> None:
        """Add the child's ``items`` after the entries of ``into``."""
        for j, item in enumerate(items):
            into.append(_strip(item, (*citems, j), self.csrc, self.report))
            self.take((*here, len(into) - 1), (*citems, j))

    def by_edge(self, base: list[Any], items: list[Any], here: Loc, citems: Loc) -> list[Any]:
        """Transitions: merge each child entry into the base entry of the same edge."""
        merged = list(base)
        removed: set[int] = set()
        for j, item in enumerate(items):
            edge = _edge(item)
            match = next((i for i, b in enumerate(merged)
                          if i not in removed and edge is not None and _edge(b) == edge), None)
            cloc = (*citems, j)
            if match is None:
                if _is_remove(item):
                    self.report(self.csrc.diagnostic(cloc, "E403", "cannot remove this "
                                                     "transition: the base template has none "
                                                     "with this 'from' and 'to'"))
                    continue
                merged.append(_strip(item, cloc, self.csrc, self.report))
                self.take((*here, len(merged) - 1), cloc)
            elif _is_remove(item):
                removed.add(match)
                self.edit(cloc)
            else:
                rest = {k: v for k, v in item.items() if k not in ("from", "to")}
                self.mapping(merged[match], rest, (*here, match), cloc)
        return self.renumber(merged, removed, here)

    def renumber(self, merged: list[Any], removed: set[int], here: Loc) -> list[Any]:
        """Drop the removed entries and close the gaps, positions included."""
        kept: list[Any] = []
        for i, item in enumerate(merged):
            if i in removed:
                self.drop((*here, i))
                continue
            if len(kept) != i:
                self.move((*here, i), (*here, len(kept)))
            kept.append(item)
        return kept


def merge_layers(base: Layer, child: Layer, report: Report) -> Layer:
    """``child`` applied on top of ``base``; problems go to ``report``."""
    merge = _Merge(base, child, report)
    data = copy_data(base.data)
    merge.mapping(data, child.data, (), ())
    out = Layer(data, merge.values, merge.keys, child.path)
    out.base = base
    out.edits = merge.edits
    return out


# changes of wording and of the template's own metadata cannot break what the base says
_WORDING = {"label", "labels", "description", "message", "checklist", "questions", "title"}
_METADATA = {"$schema", "extends", "id", "version"}


def _can_break(loc: Loc) -> bool:
    return not (set(map(str, loc)) & _WORDING or str(loc[0]) in _METADATA)


def blame_child(found: list[Diagnostic], layer: Layer,
                of_base: Collection[Diagnostic]) -> list[Diagnostic]:
    """``found`` with every problem that the child's changes cause in a base file told
    in the child, at the change that caused it.

    A diagnostic located in a base file that the base alone (``of_base``) does not have
    exists only because of the child. It moves to the child's change that names an id
    the message quotes, else to the child's first change that can alter behaviour,
    else to its ``extends:``; the message keeps where in the base it shows.
    """
    edits = sorted((e for e in layer.edits if _can_break(e[0])),
                   key=lambda e: (e[1].line, e[1].column))
    # by place and code only: a message may list ids that the child added ("phases are …")
    known = {(d.path, d.line, d.column, d.code) for d in of_base}
    out: list[Diagnostic] = []
    for d in found:
        if d.path == layer.path or (d.path, d.line, d.column, d.code) in known:
            out.append(d)
            continue
        quoted = set(re.findall(r"'([^']+)'", d.message))
        named = [ref for loc, ref in edits if quoted & set(map(str, loc))]
        ref = (named or [ref for _, ref in edits] or [layer.sources().at(("extends",))])[0]
        where = f"{Path(d.path).name}:{d.line}:{d.column}"
        out.append(Diagnostic(ref.path, ref.line, ref.column, d.code,
                              f"{d.message} (after this change; in the base template at {where})",
                              d.severity))
    return out


def _strip(value: Any, loc: Loc, src: Sources, report: Report) -> Any:
    """Copy ``value`` without merge directives, reporting any that have nothing to act on."""
    if _list_directive(value) is not None:
        (name, items), = value.items()
        report(src.diagnostic((*loc, name), "E403", f"'{name}:' only applies to a list of "
                              "the template named in 'extends:'", key=True))
        return _strip(items, (*loc, name), src, report)
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if _is_remove(v):  # nothing to remove: the entry goes, as asked
                report(src.diagnostic((*loc, k, REMOVE), "E403", "'remove: true' only "
                                      "applies to an entry of the template named in "
                                      "'extends:'", key=True))
                continue
            if k in (REMOVE, REPLACE) and v is True:
                report(src.diagnostic((*loc, k), "E403", f"'{k}: true' only applies to an "
                                      "entry of the template named in 'extends:'", key=True))
                continue
            out[k] = _strip(v, (*loc, k), src, report)
        return out
    if isinstance(value, list):
        return [_strip(v, (*loc, i), src, report) for i, v in enumerate(value)]
    return value


def strip_directives(layer: Layer, report: Report) -> Layer:
    """A template without ``extends:`` may not use merge directives: report and drop them."""
    data = _strip(layer.data, (), layer.sources(), report)
    return Layer(data, layer.values, layer.keys, layer.path)
