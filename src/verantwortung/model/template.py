"""The compiled, immutable process template that processes run on.

:func:`build` expands a validated :class:`TemplateDocument` for one set of
parameter values: a phase series becomes ``milestone_1`` .. ``milestone_<max>``,
``from: "*"`` becomes every non-final phase, and trigger-level guards are copied
onto each transition. Every element keeps the file position it came from, so
later checks (and refusals) can point at the YAML a consultant wrote.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, cast

from ..exceptions import ParameterError
from .document import TemplateDocument
from .elements import (
    Check,
    Deadline,
    EventDef,
    IndicatorDef,
    Loc,
    Phase,
    Series,
    SourceRef,
    Transition,
    TriggerDef,
    _Value,
)
from .events import event_fields
from .identity import definition_text, semantic_differences, semantic_digest
from .plan import MigrationSpec
from .rules import Number, ParamRef
from .specs import (
    BUILTIN_COLLECTIONS,
    MAX_SERIES,
    CheckSpec,
    CollectionSpec,
    ParameterSpec,
    PhaseSpec,
    RoleSpec,
    Text,
    TransitionSpec,
)

__all__ = [
    "ANY_PHASE",
    "Check",
    "Deadline",
    "EventDef",
    "IndicatorDef",
    "Phase",
    "ProcessTemplate",
    "Series",
    "SourceRef",
    "Transition",
    "TriggerDef",
    "build",
]

ANY_PHASE = "*"


class ProcessTemplate(_Value):
    """An immutable, validated process template for one set of parameter values."""

    id: str
    version: str
    title: Text
    description: Text | None
    parameters: Mapping[str, ParameterSpec]
    values: Mapping[str, Any]
    roles: Mapping[str, RoleSpec]
    collections: Mapping[str, CollectionSpec]  # as declared
    all_collections: Mapping[str, CollectionSpec]  # the built-in ones, then the declared
    phases: tuple[Phase, ...]
    triggers: tuple[TriggerDef, ...]
    events: tuple[EventDef, ...]
    invariants: tuple[Check, ...] = ()
    series: tuple[Series, ...] = ()
    extends: str | None = None  # the base template as the file names it
    conforms_to: str | None = None  # the method whose shape the template keeps
    deadlines: tuple[Deadline, ...] = ()
    migrations: tuple[MigrationSpec, ...] = ()  # plans from older versions
    indicators: tuple[IndicatorDef, ...] = ()
    correction_roles: tuple[str, ...] = ("facilitator",)  # who may correct, retract, erase
    document: TemplateDocument  # the raw document: for io/ and model/ only (see digest)
    sources: Mapping[Loc, SourceRef]
    files: tuple[str, ...]
    warnings: tuple[Any, ...] = ()

    def phase(self, phase_id: str) -> Phase:
        """The phase with this id (KeyError if there is none)."""
        for p in self.phases:
            if p.id == phase_id:
                return p
        raise KeyError(phase_id)

    def trigger(self, trigger_id: str) -> TriggerDef:
        """The trigger with this id (KeyError if there is none)."""
        for t in self.triggers:
            if t.id == trigger_id:
                return t
        raise KeyError(trigger_id)

    def series_of(self, series_id: str) -> Series | None:
        """The series with this id, or None."""
        return next((s for s in self.series if s.id == series_id), None)

    def event(self, event_id: str) -> EventDef:
        """The domain event with this id (KeyError if there is none)."""
        for e in self.events:
            if e.id == event_id:
                return e
        raise KeyError(event_id)

    def plan_from(self, template_id: str, version: str) -> MigrationSpec | None:
        """The plan that takes over processes of ``template_id`` ``version`` (or None)."""
        return next((p for p in self.migrations if p.version == version
                     and (p.template or self.id) == template_id), None)

    @property
    def digest(self) -> str:
        """The semantic digest of the template (see :mod:`verantwortung.model.identity`):
        what stores and start events record; computed once per definition."""
        return semantic_digest(self.document)

    def differences(self, other: ProcessTemplate, limit: int = 8) -> list[str]:
        """What ``other`` changes of this template's semantic content, as
        ``path: old -> new`` lines (at most ``limit``, then a count of the rest)."""
        return semantic_differences(self.document, other.document, limit)

    def definition_text(self) -> str:
        """The expanded definition as JSON text, complete in itself (no ``extends:``):
        what a store keeps and :func:`verantwortung.io.loader.load_text` reads again."""
        return definition_text(self.document)

    @property
    def variant_key(self) -> tuple[int, tuple[tuple[str, object], ...]]:
        """What tells built templates apart for a cache: the definition object they were
        built from and the parameter values. Compare :meth:`same_definition` on a hit,
        since an object's id is reused once it is gone."""
        return id(self.document), tuple(sorted(self.values.items()))

    def same_definition(self, other: ProcessTemplate) -> bool:
        """Whether both were built from the same definition object (a variant of one
        another, or the same template)."""
        return self.document is other.document

    @property
    def initial_phase(self) -> Phase:
        """The phase a new process starts in."""
        return next(p for p in self.phases if p.initial)

    @property
    def final_phases(self) -> tuple[Phase, ...]:
        """Phases that end a process."""
        return tuple(p for p in self.phases if p.final)

    @property
    def transitions(self) -> tuple[Transition, ...]:
        """Every edge of the phase graph, trigger by trigger."""
        return tuple(t for trig in self.triggers for t in trig.transitions)

    def source_of(self, loc: Loc) -> SourceRef | None:
        """The source position of a document location, or of its nearest known parent."""
        for n in range(len(loc), -1, -1):
            ref = self.sources.get(loc[:n])
            if ref is not None:
                return ref
        return None

    def with_parameters(self, **values: Any) -> ProcessTemplate:
        """The same template for other parameter values (ParameterError if they do not fit).

        Built once per set of values and kept: replaying or restoring a process that
        was started with parameters does not expand the template again.
        """
        merged = {**self.values, **values}
        if merged == dict(self.values):
            return self
        try:
            key: tuple[int, tuple[tuple[str, Any], ...]] | None = (
                id(self.document), tuple(sorted(merged.items())))
            hash(key)
        except TypeError:  # a value that cannot be a key (ParameterError follows below)
            key = None
        hit = _VARIANTS.get(key) if key is not None else None
        if hit is not None and hit.same_definition(self):  # an id is reused only after
            _VARIANTS.move_to_end(key)                      # its document is gone
            return hit
        variant = build(self.document, merged, self.sources, self.files).model_copy(
            update={"warnings": self.warnings})
        if key is not None:
            _VARIANTS[key] = variant
            while len(_VARIANTS) > _VARIANTS_MAX:
                _VARIANTS.popitem(last=False)
        return variant


# Templates for other parameter values, built once per document and values and kept
# outside the models (so equality stays by content), the least recently used dropped.
_VARIANTS: OrderedDict[Any, ProcessTemplate] = OrderedDict()
_VARIANTS_MAX = 256


def _check_value(name: str, spec: ParameterSpec, value: Any) -> str | None:
    kinds: dict[str, tuple[type, ...]] = {
        "int": (int,), "number": (int, float), "bool": (bool,), "text": (str,)}
    if not isinstance(value, kinds[spec.type]) or (
        spec.type in ("int", "number") and isinstance(value, bool)
    ):
        return f"parameter {name!r} must be of type {spec.type}, got {value!r}"
    if spec.type not in ("int", "number"):
        return None
    amount = float(cast(float, value))
    if spec.min is not None and amount < spec.min:
        return f"parameter {name!r} is {value}; the minimum is {spec.min}"
    if spec.max is not None and amount > spec.max:
        return f"parameter {name!r} is {value}; the maximum is {spec.max}"
    return None


def resolve_values(doc: TemplateDocument, given: Mapping[str, Any]) -> dict[str, Any]:
    """Parameter defaults overridden by ``given``; ParameterError lists every misfit."""
    problems = [f"unknown parameter {k!r}; parameters are {sorted(doc.parameters)}"
                for k in given if k not in doc.parameters]
    values: dict[str, Any] = {}
    for name, spec in doc.parameters.items():
        value = given.get(name, spec.default)
        problem = _check_value(name, spec, value)
        if problem:
            problems.append(problem)
        values[name] = value
    if problems:
        raise ParameterError(problems)
    return values


def number(value: Number, values: Mapping[str, Any]) -> Any:
    """Resolve a number or ``{param: ...}`` against parameter values."""
    return values[value.param] if isinstance(value, ParamRef) else value


def _checks(specs: Mapping[str, CheckSpec], hard: bool, loc: Loc,
            sources: Mapping[Loc, SourceRef]) -> tuple[Check, ...]:
    section = "guards" if hard else "advisories"
    return tuple(Check(code=code, hard=hard, spec=spec, source=sources.get((*loc, section, code)))
                 for code, spec in specs.items())


def _phases(doc: TemplateDocument, values: Mapping[str, Any],
            sources: Mapping[Loc, SourceRef]) -> tuple[list[Phase], dict[str, Series]]:
    phases: list[Phase] = []
    series: dict[str, Series] = {}
    for pid, spec in doc.phases.items():
        src = sources.get(("phases", pid))
        if spec.series is None:
            phases.append(_phase(pid, spec, src))
            continue
        lo, hi = number(spec.series.min, values), number(spec.series.max, values)
        if not (isinstance(lo, int) and isinstance(hi, int) and 1 <= lo <= hi <= MAX_SERIES):
            raise ParameterError([f"series {pid!r} needs 1 <= min <= max <= {MAX_SERIES}, "
                                  f"got min={lo!r}, max={hi!r}"])
        members = [_phase(f"{pid}_{n}", spec, src, series=pid, index=n)
                   for n in range(1, hi + 1)]
        phases.extend(members)
        series[pid] = Series(id=pid, label=spec.label, min=lo, max=hi,
                             members=tuple(m.id for m in members), noun=spec.series.noun,
                             noun_one=spec.series.noun_one, declared=spec.series, source=src)
    return phases, series


def _phase(pid: str, spec: PhaseSpec, src: SourceRef | None, series: str | None = None,
           index: int | None = None) -> Phase:
    def fmt(text: Text | None) -> Text | None:
        if text is None or index is None:
            return text
        return Text(de=text.de.replace("{n}", str(index)) if text.de else text.de,
                    en=text.en.replace("{n}", str(index)) if text.en else text.en)

    label = fmt(spec.label)
    assert label is not None
    return Phase(id=pid, label=label, description=fmt(spec.description),
                 initial=spec.initial and index in (None, 1), final=spec.final, series=series,
                 index=index, checklist=tuple(spec.checklist), questions=tuple(spec.questions),
                 source=src)


def expand_phase_ref(ref: str, phases: list[Phase],
                     series: Mapping[str, Series]) -> list[str]:
    """Phase ids a reference stands for: ``"*"``, a series id, or a phase id ([] if unknown)."""
    if ref == ANY_PHASE:
        return [p.id for p in phases if not p.final]
    if ref in series:
        return list(series[ref].members)
    return [ref] if any(p.id == ref for p in phases) else []


def _refs(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _transitions(tid: str, specs: list[tuple[TransitionSpec, Loc]], phases: list[Phase],
                 series: Mapping[str, Series], shared: tuple[tuple[Check, ...], ...],
                 sources: Mapping[Loc, SourceRef]) -> tuple[Transition, ...]:
    out: list[Transition] = []
    shared_guards, shared_advisories = shared
    for spec, loc in specs:
        guards = {c.code: c for c in shared_guards}
        guards.update({c.code: c for c in _checks(spec.guards, True, loc, sources)})
        advisories = {c.code: c for c in shared_advisories}
        advisories.update({c.code: c for c in _checks(spec.advisories, False, loc, sources)})
        for ref in _refs(spec.from_):
            for src in expand_phase_ref(ref, phases, series):
                to = series.get(spec.to)
                members = to.members if to is not None else None
                if members is None:
                    dest = spec.to
                elif src in members:
                    position = members.index(src)
                    if position + 1 == len(members):
                        continue  # the last member of a series has no next one
                    dest = members[position + 1]
                else:
                    dest = members[0]
                out.append(Transition(trigger=tid, source=src, target=dest,
                                      guards=tuple(guards.values()),
                                      advisories=tuple(advisories.values()),
                                      origin=sources.get(loc)))
    return tuple(out)


def _events(doc: TemplateDocument, phases: list[Phase], series: Mapping[str, Series],
            sources: Mapping[Loc, SourceRef]) -> list[EventDef]:
    """The domain events, each with the phases it may happen in (default: every living one)."""
    events = []
    for eid, espec in doc.events.items():
        loc: Loc = ("events", eid)
        allowed = ([pid for ref in espec.phases for pid in expand_phase_ref(ref, phases, series)]
                   if espec.phases is not None else [p.id for p in phases if not p.final])
        events.append(EventDef(id=eid, spec=espec, phases=tuple(dict.fromkeys(allowed)),
                               fields=MappingProxyType(event_fields(espec, doc.collections,
                                                                    doc.triggers)),
                               guards=_checks(espec.guards, True, loc, sources),
                               advisories=_checks(espec.advisories, False, loc, sources),
                               source=sources.get(loc)))
    return events


def build(doc: TemplateDocument, given: Mapping[str, Any],
          sources: Mapping[Loc, SourceRef], files: tuple[str, ...] = ()) -> ProcessTemplate:
    """Expand a validated document for parameter values ``given`` (defaults fill the rest)."""
    values = resolve_values(doc, given)
    phases, series = _phases(doc, values, sources)
    triggers: list[TriggerDef] = []
    for tid, spec in doc.triggers.items():
        loc: Loc = ("triggers", tid)
        if spec.transitions is None:
            edges = [(TransitionSpec.model_validate({"from": spec.from_, "to": spec.to}), loc)]
        else:
            edges = [(t, (*loc, "transitions", i)) for i, t in enumerate(spec.transitions)]
        shared = (_checks(spec.guards, True, loc, sources),
                  _checks(spec.advisories, False, loc, sources))
        triggers.append(TriggerDef(
            id=tid, label=spec.label, description=spec.description,
            roles=tuple(spec.roles) if spec.roles is not None else None,
            payload=MappingProxyType(dict(spec.payload)),
            transitions=_transitions(tid, edges, phases, series, shared, sources),
            any_source=any(ANY_PHASE in _refs(t.from_) for t, _ in edges),
            source=sources.get(loc)))
    events = _events(doc, phases, series, sources)
    return ProcessTemplate(
        id=doc.id, version=doc.version, title=doc.title, description=doc.description,
        parameters=MappingProxyType(dict(doc.parameters)),
        values=MappingProxyType(values), roles=MappingProxyType(dict(doc.roles)),
        collections=MappingProxyType(dict(doc.collections)),
        all_collections=MappingProxyType({**BUILTIN_COLLECTIONS, **doc.collections}),
        phases=tuple(phases),
        triggers=tuple(triggers), events=tuple(events),
        deadlines=tuple(Deadline(
            code=code, spec=spec, source=sources.get(("deadlines", code)),
            phases=tuple(dict.fromkeys(pid for ref in spec.phases
                                       for pid in expand_phase_ref(ref, phases, series))))
            for code, spec in doc.deadlines.items()),
        indicators=tuple(IndicatorDef(code=code, spec=spec,
                                      source=sources.get(("indicators", code)))
                         for code, spec in doc.indicators.items()),
        invariants=tuple(Check(code=code, hard=True, spec=spec,
                               source=sources.get(("invariants", code)))
                         for code, spec in doc.invariants.items()),
        series=tuple(series.values()), extends=doc.extends, conforms_to=doc.conforms_to,
        correction_roles=tuple(doc.corrections.roles),
        migrations=tuple(doc.migrates_from), document=doc,
        sources=MappingProxyType(dict(sources)), files=files)
