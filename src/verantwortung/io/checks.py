"""Static checks of a template: references, rules, the phase graph, the method.

Every check reports all it finds, located at the YAML that caused it. Reference
checks run on the document (so they can point at a ``from:`` or a ``where:``);
graph checks run on the expanded template (so series members are real phases).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection, Iterator, Mapping
from typing import Any

from pydantic import BaseModel

from ..exceptions import Diagnostic, did_you_mean
from ..model.document import (
    BUILTIN_COLLECTIONS,
    MAX_SERIES,
    CheckSpec,
    CollectionSpec,
    FieldSpec,
    Message,
    ParameterSpec,
    TemplateDocument,
    Text,
)
from ..model.events import collection_fields, event_fields, key_field
from ..model.field_path import resolve_field
from ..model.rule_walk import placeholders
from ..model.rules import ParamRef
from ..model.template import ANY_PHASE, ProcessTemplate, TriggerDef
from .codes import severity_of
from .effect_checks import check_removals
from .indicator_checks import check_indicators
from .kinds import Payload as _Payload
from .locate import Sources
from .messages import check_message
from .method import check_method
from .rule_checks import check_rule
from .time_checks import check_deadlines

__all__ = ["check_document", "check_graph"]

Loc = tuple[str | int, ...]
Report = Callable[[Diagnostic], None]
ALWAYS_PLACEHOLDERS = frozenset({"phase", "trigger"})


class _Checker:
    def __init__(self, doc: TemplateDocument, src: Sources, report: Report,
                 custom_rules: Collection[str] | None, skip: Collection[Loc] = ()) -> None:
        self.doc = doc
        self.skip = tuple(skip)
        self.src = src
        self._report = report
        self.custom_rules = custom_rules
        self.collections: dict[str, CollectionSpec] = {**BUILTIN_COLLECTIONS, **doc.collections}
        self.series = {pid for pid, p in doc.phases.items() if p.series is not None}
        self.finals = {pid for pid, p in doc.phases.items() if p.final}

    def report(self, loc: Loc, code: str, message: str, *, key: bool = False) -> None:
        if any(loc[:len(b)] == b or b[:len(loc)] == loc for b in self.skip):
            return  # at a stand-in for a broken element, or about a whole that holds one
        self._report(self.src.diagnostic(loc, code, message, key=key,
                                         severity=severity_of(code)))

    # -- parameters -------------------------------------------------------------------

    def parameters(self) -> None:
        kinds: dict[str, tuple[type, ...]] = {
            "int": (int,), "number": (int, float), "bool": (bool,), "text": (str,)}
        for name, p in self.doc.parameters.items():
            loc: Loc = ("parameters", name)
            ok = isinstance(p.default, kinds[p.type]) and not (
                p.type in ("int", "number") and isinstance(p.default, bool))
            if not ok:
                self.report((*loc, "default"), "E209",
                            f"default {p.default!r} of parameter {name!r} is not of type {p.type}")
                continue
            if p.min is not None and p.max is not None and p.min > p.max:
                self.report((*loc, "min"), "E307", f"parameter {name!r}: min {p.min} is above "
                            f"max {p.max}")
            elif p.type in ("int", "number") and (
                (p.min is not None and p.default < p.min)  # type: ignore[operator]
                or (p.max is not None and p.default > p.max)  # type: ignore[operator]
            ):
                self.report((*loc, "default"), "E307", self._out_of_bounds(name, p))

    def _out_of_bounds(self, name: str, p: ParameterSpec) -> str:
        """Say "value" where a child overrides a default the base bounds, else "default"."""
        loc: Loc = ("parameters", name)
        bound = "min" if p.min is not None and p.default < p.min else "max"  # type: ignore[operator]
        override = self.src.at((*loc, "default")).path != self.src.at((*loc, bound)).path
        return (f"value {p.default} of parameter {name!r} is outside the bounds {p.min}.."
                f"{p.max} that the base template sets" if override else f"default "
                f"{p.default} of parameter {name!r} is outside its bounds {p.min}..{p.max}")

    def param(self, ref: ParamRef, loc: Loc, numeric: bool = True) -> Any:
        spec = self.doc.parameters.get(ref.param)
        if spec is None:
            self.report((*loc, "param"), "E204", f"unknown parameter {ref.param!r}; "
                        f"parameters are {_names(self.doc.parameters)}")
            return None
        if numeric and spec.type not in ("int", "number"):
            self.report((*loc, "param"), "E209", f"parameter {ref.param!r} is {spec.type}; "
                        "a number is needed here")
            return None
        if numeric and (isinstance(spec.default, bool)
                        or not isinstance(spec.default, (int, float))):
            return None  # its default has the wrong type, reported (E209) at the parameter
        return spec.default

    # -- phases -----------------------------------------------------------------------

    def phases(self) -> None:
        initial = [pid for pid, p in self.doc.phases.items() if p.initial]
        if not initial:
            self.report(("phases",), "E301", "no phase is marked 'initial: true'", key=True)
        for pid in initial[1:]:
            self.report(("phases", pid, "initial"), "E302",
                        f"phase {pid!r} is a second initial phase (first: {initial[0]!r})")
        if not self.finals:
            self.report(("phases",), "E308", "no phase is marked 'final: true'", key=True)
        for pid, p in self.doc.phases.items():
            if p.series is not None:
                self.series_(pid, p.final, p.series.min, p.series.max)

    def series_(self, pid: str, final: bool, low: Any, high: Any) -> None:
        """A series is not final, and has whole bounds 1 <= min <= max <= MAX_SERIES."""
        loc: Loc = ("phases", pid)
        if final:
            self.report((*loc, "final"), "E104", f"series {pid!r} cannot be final")
        lo = self.number(low, (*loc, "series", "min"))
        hi = self.number(high, (*loc, "series", "max"))
        if isinstance(lo, int) and isinstance(hi, int):
            if lo < 1 or lo > hi or hi > MAX_SERIES:
                self.report((*loc, "series"), "E306", f"series {pid!r} needs "
                            f"1 <= min <= max <= {MAX_SERIES}; it has min {lo}, max {hi}")
                hi = min(hi, MAX_SERIES)
            self.members(pid, hi)
        for which, value in (("min", lo), ("max", hi)):
            if value is not None and not isinstance(value, int):
                self.report((*loc, "series", which), "E104",
                            f"series {which} must be a whole number, got {value!r}")

    def members(self, pid: str, hi: int) -> None:
        """The members' ids (``pid_1`` .. ``pid_hi``) are short enough and clash with no phase."""
        if len(f"{pid}_{hi}") > 64:  # a member's id is a phase id: 64 characters
            self.report(("phases", pid), "E306", f"series id {pid!r} is too long for its "
                        f"members' ids ({pid}_{hi}); ids have at most 64 characters", key=True)
        for other in [f"{pid}_{n}" for n in range(1, hi + 1) if f"{pid}_{n}" in self.doc.phases]:
            self.report(("phases", other), "E210", f"phase {other!r} clashes with "
                        f"member {other!r} of series {pid!r}", key=True)

    def number(self, value: Any, loc: Loc) -> Any:
        return self.param(value, loc) if isinstance(value, ParamRef) else value

    def phase_ref(self, ref: str, loc: Loc, *, source: bool) -> None:
        if ref == ANY_PHASE and source:
            return
        if ref == ANY_PHASE:
            self.report(loc, "E201", "'*' (every non-final phase) is only allowed in 'from:'")
            return
        if ref not in self.doc.phases:
            extra = ", or '*' for every non-final phase" if source else ""
            self.report(loc, "E201", f"unknown phase {ref!r}"
                        f"{did_you_mean(ref, self.doc.phases)}; phases are "
                        f"{_names(self.doc.phases)}{extra}")

    # -- triggers and events ------------------------------------------------------------

    def roles(self, roles: list[str] | None, loc: Loc) -> None:
        for i, role in enumerate(roles or ()):
            if role not in self.doc.roles:
                self.report((*loc, "roles", i), "E203",
                            f"unknown role {role!r}; roles are {_names(self.doc.roles)}")

    def triggers(self) -> None:
        for tid, t in self.doc.triggers.items():
            loc: Loc = ("triggers", tid)
            if tid in self.doc.events:
                self.report(loc, "E210", f"{tid!r} is both a trigger and an event", key=True)
            self.roles(t.roles, loc)
            self.fields(t.payload, (*loc, "payload"))
            payload = dict(t.payload)
            edges: list[tuple[Any, Any, Loc, Mapping[str, CheckSpec], Mapping[str, CheckSpec]]]
            if t.transitions is None:
                edges = [(t.from_, t.to, loc, {}, {})]
            else:
                edges = [(e.from_, e.to, (*loc, "transitions", i), e.guards, e.advisories)
                         for i, e in enumerate(t.transitions)]
            for sources, dest, eloc, guards, advisories in edges:
                for i, ref in enumerate([sources] if isinstance(sources, str) else sources or []):
                    at = (*eloc, "from") if isinstance(sources, str) else (*eloc, "from", i)
                    self.phase_ref(ref, at, source=True)
                    if ref in self.finals:
                        self.report(at, "E305", f"trigger {tid!r} leaves final phase {ref!r}")
                self.phase_ref(dest or "", (*eloc, "to"), source=False)
                if eloc != loc:
                    self.checks(guards, (*eloc, "guards"), payload)
                    self.checks(advisories, (*eloc, "advisories"), payload)
            self.checks(t.guards, (*loc, "guards"), payload)
            self.checks(t.advisories, (*loc, "advisories"), payload)

    def events(self) -> None:
        if self.doc.corrections.roles != ["facilitator"]:  # the default needs no role declared
            self.roles(self.doc.corrections.roles, ("corrections",))
        for eid, e in self.doc.events.items():
            loc: Loc = ("events", eid)
            self.roles(e.roles, loc)
            for i, ref in enumerate(e.phases or ()):
                self.phase_ref(ref, (*loc, "phases", i), source=False)
            target = e.adds or e.updates or e.removes
            payload: Mapping[str, FieldSpec | None] = dict(e.payload)
            if target is not None:
                which = "adds" if e.adds else "updates" if e.updates else "removes"
                fields = collection_fields(target, self.doc.collections, self.doc.triggers)
                # a phase's record takes minutes later; phases are entered, never added
                builtin_ok = e.updates is not None and target == "phases_entered"
                if target in BUILTIN_COLLECTIONS and not builtin_ok:
                    self.report((*loc, which), "E205", f"{target!r} is kept by the engine; "
                                f"an event may only update it (its records take the "
                                f"payload fields of phase triggers, e.g. minutes)")
                elif fields is None:
                    self.report((*loc, which), "E205", f"unknown collection {target!r}; "
                                f"collections are {_names(self.doc.collections)}")
                else:
                    payload = {**event_fields(e, self.doc.collections, self.doc.triggers),
                               **payload}
                    if e.key is not None and key_field(target, e.key, fields) is None:
                        self.report((*loc, "key"), "E206", f"collection {target!r} has no "
                                    f"field {e.key!r} to find a record by; fields are "
                                    f"{_names(fields)}")
                    for i, name in enumerate(e.fields or ()):
                        if name not in fields:
                            self.report((*loc, "fields", i), "E206", f"collection {target!r} "
                                        f"has no field {name!r}; fields are {_names(fields)}")
            self.checks(e.guards, (*loc, "guards"), payload)
            self.checks(e.advisories, (*loc, "advisories"), payload)

    def fields(self, fields: Mapping[str, FieldSpec], loc: Loc) -> None:
        for name, f in fields.items():
            floc = (*loc, name)
            target = self.doc.collections.get(f.to or "")
            if f.to is not None and target is None:
                self.report((*floc, "to"), "E205", f"unknown collection {f.to!r}; "
                            f"collections are {_names(self.doc.collections)}")
            elif target is not None and (target.single or "id" not in target.fields):
                self.report((*floc, "to"), "E206", f"collection {f.to!r} has no 'id' field; "
                            "a reference names a record by its id")
            if f.values is not None and f.type != "choice":
                self.report((*floc, "values"), "E104", "'values' is only for choice fields")
            for value in f.labels or ():
                if value not in (f.values or ()):
                    self.report((*floc, "labels", value), "E104", f"label for {value!r}, which "
                                f"is not among the values {sorted(f.values or ())}", key=True)
            if f.moves is not None:
                self.moves(f, floc)

    def moves(self, f: FieldSpec, floc: Loc) -> None:
        """A field with moves has a default, and moves between its values only."""
        if f.default is None:
            self.report((*floc, "moves"), "E104", "a field with moves needs a 'default': "
                        "the value every record starts with", key=True)
        allowed = set(f.values or ())
        for state, targets in (f.moves or {}).items():
            if state not in allowed:
                self.report((*floc, "moves", state), "E104", f"move from {state!r}: "
                            f"not among the values {sorted(allowed)}", key=True)
            for i, value in enumerate(targets):
                if value not in allowed:
                    self.report((*floc, "moves", state, i), "E104", f"move to "
                                f"{value!r}: not among the values {sorted(allowed)}")

    def collections_(self) -> None:
        for cid, c in self.doc.collections.items():
            if cid in BUILTIN_COLLECTIONS:
                self.report(("collections", cid), "E210", f"{cid!r} is a built-in collection",
                            key=True)
            self.fields(c.fields, ("collections", cid, "fields"))

    # -- rules ---------------------------------------------------------------------------

    def checks(self, specs: Mapping[str, CheckSpec], loc: Loc, payload: _Payload) -> None:
        for code, spec in specs.items():
            cloc = (*loc, code)
            check_rule(self, spec.rule, (*cloc, "rule"), payload)
            offered = placeholders(spec.rule)  # None: a custom rule may offer any name
            allowed = (offered or set()) | ALWAYS_PLACEHOLDERS | set(self.doc.parameters)
            check_message(spec.message, (*cloc, "message"),
                          None if offered is None else allowed, self.report)

    def count(self, cid: str, where: Mapping[str, Any], loc: Loc) -> None:
        coll = self.collections.get(cid)
        if coll is None:
            self.report((*loc, "count"), "E205", f"unknown collection {cid!r}; collections are "
                        f"{_names(self.collections)}")
            return
        for key, value in where.items():
            field = self.field_path(cid, key, (*loc, "where", key))
            if isinstance(value, ParamRef):
                self.param(value, (*loc, "where", key), numeric=False)
            elif value is None:  # matches a record whose field is not set
                continue
            elif field is not None and field.type == "choice":
                items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
                for i, v in items:
                    at = (*loc, "where", key) if i is None else (*loc, "where", key, i)
                    if v not in (field.values or ()):
                        self.report(at, "E104", f"{v!r} is not a value of {key!r}; values "
                                    f"are {', '.join(field.values or ())}")

    def field_path(self, cid: str, path: str, loc: Loc, *, key: bool = True
                   ) -> FieldSpec | None:
        """Resolve ``field`` or ``ref_field.field`` within collection ``cid``."""
        found = resolve_field(self.collections, cid, path)
        if found.problem == "unknown_field":
            fields = self.collections[found.collection].fields
            self.report(loc, "E206", f"collection {found.collection!r} has no field "
                        f"{found.name!r}{did_you_mean(found.name, fields)}; fields are "
                        f"{_names(fields)}", key=key)
        elif found.problem == "not_a_reference":
            self.report(loc, "E206", f"{found.name!r} is not a reference, so {found.rest!r} "
                        "cannot look into it", key=key)
        # an unknown target collection is reported (E205) at its 'to:'
        return found.field

    def path(self, path: str, loc: Loc, payload: _Payload) -> None:
        head, _, rest = path.partition(".")
        if head == "payload":
            if rest not in payload:
                self.report(loc, "E206", f"the payload has no field {rest!r}; fields are "
                            f"{', '.join(sorted(payload)) or 'none'}")
            return
        coll = self.collections.get(head)
        if coll is None or not coll.single:
            singles = [c for c, s in self.collections.items() if s.single]
            self.report(loc, "E205", f"{head!r} is not a single-record collection; "
                        f"'present' takes one of {', '.join(sorted(singles)) or 'none'}, "
                        "or payload.<field>")
            return
        if rest:
            self.field_path(head, rest, loc, key=False)

    # -- texts --------------------------------------------------------------------------

    def texts(self) -> None:
        for loc, text in _walk_texts(self.doc, ()):
            missing = [lang for lang in ("de", "en") if not getattr(text, lang)]
            if missing:
                names = {"de": "German (de)", "en": "English (en)"}
                self.report(loc, "W101", f"{' and '.join(names[m] for m in missing)} "
                            "text missing")


def _walk_texts(value: Any, loc: Loc) -> Iterator[tuple[Loc, Text | Message]]:
    if isinstance(value, (Text, Message)):
        yield loc, value
    elif isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            yield from _walk_texts(getattr(value, name), (*loc, info.alias or name))
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _walk_texts(v, (*loc, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk_texts(v, (*loc, i))


def _names(mapping: Mapping[str, Any]) -> str:
    return ", ".join(sorted(mapping)) or "none"


def check_document(doc: TemplateDocument, src: Sources, report: Report,
                   custom_rules: Collection[str] | None = None, *,
                   skip: Collection[Loc] = ()) -> None:
    """Reference, rule, parameter and text checks of a validated document; silent at the
    stand-ins for broken elements in ``skip`` (see :mod:`verantwortung.io.partial`)."""
    checker = _Checker(doc, src, report, custom_rules, skip)
    checker.parameters()
    checker.phases()
    checker.collections_()
    checker.triggers()
    checker.events()
    check_removals(checker)
    checker.checks(doc.invariants, ("invariants",), set())
    check_deadlines(checker)
    check_indicators(checker)
    checker.texts()


def check_graph(tpl: ProcessTemplate, src: Sources, report: Report) -> None:
    """Reachability, traps, nondeterminism, and the method's shape on the expanded graph."""

    def at(phase_id: str) -> Loc:
        phase = tpl.phase(phase_id)
        return ("phases", phase.series or phase.id)

    def say(loc: Loc, code: str, message: str) -> None:
        report(src.diagnostic(loc, code, message, key=True, severity=severity_of(code)))

    outgoing: dict[str, list[str]] = {p.id: [] for p in tpl.phases}
    incoming: dict[str, list[str]] = {p.id: [] for p in tpl.phases}
    for trig in tpl.triggers:
        for t in trig.transitions:
            outgoing[t.source].append(t.target)
            incoming[t.target].append(t.source)
        _nondeterminism(tpl, trig, say, report)
    initial = [p.id for p in tpl.phases if p.initial]
    if len(initial) == 1:
        reached = _closure(initial, outgoing)
        for p in tpl.phases:
            if p.id not in reached:
                say(at(p.id), "E303", f"phase {p.id!r} cannot be reached from the initial "
                    f"phase {initial[0]!r}")
    finals = [p.id for p in tpl.phases if p.final]
    if finals:
        can_finish = _closure(finals, incoming)
        for p in tpl.phases:
            if p.id not in can_finish:
                say(at(p.id), "E304", f"phase {p.id!r} is a trap: no sequence of triggers "
                    f"leads from it to a final phase ({', '.join(finals)})")
    check_method(tpl, say)


def _nondeterminism(tpl: ProcessTemplate, trig: TriggerDef,
                    say: Callable[[Loc, str, str], None], report: Report) -> None:
    """E309 where a trigger has a second transition from a phase (at the second one)."""
    first: dict[str, Any] = {}
    clashes: dict[Any, list[str]] = {}
    for t in trig.transitions:
        if t.source in first and first[t.source] != t.origin:
            clashes.setdefault(t.origin, []).append(t.source)
        first.setdefault(t.source, t.origin)
    for origin, phases in clashes.items():
        series = {tpl.phase(p).series for p in phases}
        what = (f"series {series.pop()!r}" if len(series) == 1 and None not in series
                else "phase " + ", ".join(repr(p) for p in phases))
        message = (f"trigger {trig.id!r} already has a transition from {what}; which one "
                   "fires would be undefined")
        if origin is None:  # pragma: no cover - every transition comes from a file
            say(("triggers", trig.id), "E309", message)
        else:
            report(Diagnostic(origin.path, origin.line, origin.column, "E309", message))


def _closure(start: list[str], edges: Mapping[str, list[str]]) -> set[str]:
    seen, queue = set(start), deque(start)
    while queue:
        for nxt in edges[queue.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen
