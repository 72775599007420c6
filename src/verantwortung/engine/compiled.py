"""A template compiled for running: one transitions Machine, compiled rules and validators.

This is the only module that imports ``transitions``. One ``Machine`` per template
(and parameter values) serves every process of it through a single carrier
object: processes stay plain data, nothing is added per process, and no attribute
is ever set on a pydantic object. ``auto_transitions`` is off, and transitions'
own errors are turned into our refusals before they can reach a user.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..exceptions import RuleError, VerantwortungError
from ..model.process import Option, Reason, freeze
from ..model.specs import CollectionSpec, FieldSpec
from ..model.template import Check, ProcessTemplate
from ..model.text import Plural, fill
from ..rules.compile import Compiled, RecordView, build_rule
from ..rules.dates import Day
from ..rules.registry import registry
from .indicators import CompiledIndicator, compile_indicators
from .payload import PayloadValidator
from .reasons import Vocabulary, generic
from .state import Layout

if TYPE_CHECKING:  # imported when the first template is compiled: validate never needs it
    from transitions import Machine

__all__ = ["CompiledCheck", "CompiledEvent", "CompiledTemplate", "CompiledTrigger", "compiled",
           "compiled_template", "shown_values"]


class _Placeholders(Mapping[str, Any]):
    """What fills a rule's message: the values it saw over the template's context.

    Read only when the message is rendered; an unknown placeholder stays visible
    instead of raising.
    """

    __slots__ = ("_context", "_lang", "_seen")

    def __init__(self, context: Mapping[str, Any], seen: Mapping[str, Any],
                 lang: str | None = None) -> None:
        # lang: write the dates among the values for this language (else as ISO text)
        self._context, self._seen, self._lang = context, seen, lang

    def __getitem__(self, key: str) -> Any:
        if key in self._seen:
            value = self._seen[key]
            if self._lang is not None and type(value) is Day:
                return value.human(self._lang)
            return _fmt(value)
        return self._context.get(key, "{" + key + "}")

    def __iter__(self) -> Iterator[str]:
        return iter({**self._context, **self._seen})

    def __len__(self) -> int:
        return len({**self._context, **self._seen})


def _fmt(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if value is None:
        return "–"
    return value


@dataclass(frozen=True, slots=True)
class CompiledCheck:
    """A guard or advisory ready to run: evaluate -> None (passed) or a Reason."""

    code: str
    hard: bool
    fn: Compiled
    message_de: str | Plural  # a Plural: forms by number, picked when filled
    message_en: str | Plural
    source: str | None
    context: Mapping[str, Any]
    needs_input: tuple[str, ...] = ()  # the payload fields, when only they decide the rule

    def judge(self, view: RecordView, payload: Mapping[str, Any]) -> tuple[bool, dict[str, Any]]:
        """Whether the rule passes, and the values it saw."""
        try:
            return self.fn(view, payload)
        except VerantwortungError:
            raise
        except Exception as exc:  # a custom rule's own error: say which rule, keep the cause
            raise RuleError(self.code, self.source, exc) from exc

    def text(self, values: Mapping[str, Any], lang: str) -> str:
        """The message in ``lang`` (de or en), filled from ``values`` (dates for a reader)."""
        return fill(self.message_de if lang == "de" else self.message_en,
                    _Placeholders(self.context, values, lang))

    def evaluate(self, view: RecordView, payload: Mapping[str, Any]) -> Reason | None:
        """None when the rule passes, else the explained reason."""
        try:  # judge(), inlined: options() evaluates every guard of every trigger
            ok, seen = self.fn(view, payload)
        except VerantwortungError:
            raise
        except Exception as exc:
            raise RuleError(self.code, self.source, exc) from exc
        if ok:
            return None
        # the values now, the text when someone reads it (options() judges every trigger);
        # the text is filled from the frozen values, so a record changed later cannot show
        for value in seen.values():
            if type(value) not in _PLAIN:
                break
        else:  # plain values only (the common case): nothing to freeze, no dates
            return Reason.deferred(self.code, self.message_de, self.message_en,
                                   _Placeholders(self.context, seen), hard=self.hard,
                                   seen=seen, source=self.source,
                                   needs_input=self.needs_input)
        shown, values = shown_values(seen)
        if Day in map(type, seen.values()):  # a date reads differently per language
            return Reason.deferred(
                self.code, self.message_de, self.message_en,
                _Placeholders(self.context, values, "de"), hard=self.hard, seen=shown,
                source=self.source, needs_input=self.needs_input,
                values_en=_Placeholders(self.context, values, "en"))
        return Reason.deferred(self.code, self.message_de, self.message_en,
                               _Placeholders(self.context, values), hard=self.hard,
                               seen=shown, source=self.source, needs_input=self.needs_input)


_SCALARS = frozenset({str, int, float, bool, type(None), Day})  # a Day is immutable text
_PLAIN = _SCALARS - {Day}


def shown_values(seen: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """What a failed rule saw: its JSON-ready values, and the values its message reads."""
    shown = _seen(seen)
    return shown, shown if len(shown) == len(seen) else {**seen, **shown}


def _seen(seen: dict[str, Any]) -> dict[str, Any]:
    """The JSON-ready values a rule saw; lists and mappings frozen, for a value read from a
    record must not be a handle on it. (A compiled rule returns a dict of its own on every
    call, so plain values come back in it as they are.)"""
    for value in seen.values():
        if type(value) not in _SCALARS:
            break
    else:
        return seen
    out = {}
    for key, value in seen.items():
        if type(value) in _SCALARS:
            out[key] = value
        elif isinstance(value, (str, int, float, list, dict)):
            out[key] = freeze(value)
    return out


@dataclass(frozen=True, slots=True)
class CompiledTransition:
    """An edge with its compiled guards and advisories."""

    target: str
    guards: tuple[CompiledCheck, ...]
    advisories: tuple[CompiledCheck, ...]


@dataclass(frozen=True, slots=True)
class CompiledTrigger:
    """A phase trigger: roles, payload validator, and its edges by source phase."""

    name: str
    label_de: str
    label_en: str
    roles: frozenset[str] | None
    validate: PayloadValidator
    edges: Mapping[str, CompiledTransition]
    role_list: tuple[str, ...] | None = field(init=False)  # the roles sorted (None: any)

    def __post_init__(self) -> None:
        object.__setattr__(self, "role_list", _sorted_roles(self.roles))


@dataclass(frozen=True, slots=True)
class CompiledEvent:
    """A domain event: roles, phases, payload validator, effect, guards."""

    name: str
    label_de: str
    label_en: str
    roles: frozenset[str] | None
    phases: frozenset[str]
    validate: PayloadValidator
    adds: str | None
    updates: str | None
    removes: str | None
    key: str | None
    keeps: frozenset[str]  # the payload fields that go into the record (not only the log)
    fields: Mapping[str, FieldSpec]
    guards: tuple[CompiledCheck, ...]
    advisories: tuple[CompiledCheck, ...]
    starts: Mapping[str, Any] = field(default_factory=dict)  # first values of status fields
    #: the template's collections, whose labels its refusals name
    collections: Mapping[str, CollectionSpec] = field(default_factory=dict)
    role_list: tuple[str, ...] | None = field(init=False)  # the roles sorted (None: any)
    #: stored events of this kind may be replayed in runs (:mod:`verantwortung.engine.bulk`)
    bulk: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "role_list", _sorted_roles(self.roles))
        object.__setattr__(self, "bulk", _bulk(self))


_BULK_TYPES = frozenset({"text", "id", "choice", "bool", "int"})


def _bulk(ev: CompiledEvent) -> bool:
    """Whether nothing but the event itself can refuse it: no guards or advisories, no
    reference or unique value to look up, and a record added (if any) to a collection of
    several records without ids, so no earlier record decides whether it fits."""
    if ev.guards or ev.advisories or ev.updates is not None or ev.removes is not None:
        return False
    if any(f.type not in _BULK_TYPES or f.unique for f in ev.fields.values()):
        return False
    if ev.adds is None:
        return True
    spec = ev.collections.get(ev.adds)
    return spec is not None and not spec.single and "id" not in spec.fields


_ROLE_LISTS: dict[frozenset[str], tuple[str, ...]] = {}


def _sorted_roles(roles: frozenset[str] | None) -> tuple[str, ...] | None:
    if roles is None:
        return None
    found = _ROLE_LISTS.get(roles)
    if found is None:
        found = _ROLE_LISTS[roles] = tuple(sorted(roles))
    return found


class _Carrier:
    """What the shared Machine moves for one call: a phase, and no process data."""

    __slots__ = ("state",)

    state: str


@dataclass(slots=True)
class CompiledTemplate:
    """Everything a process of one template needs at run time, built once."""

    template: ProcessTemplate
    triggers: dict[str, CompiledTrigger]
    events: dict[str, CompiledEvent]
    invariants: tuple[CompiledCheck, ...]
    collections: Mapping[str, CollectionSpec]
    layout: Layout
    initial: str
    finals: frozenset[str]
    series_of: Mapping[str, tuple[str | None, int | None]]
    changed_parameters: Mapping[str, Any]  # values that differ from the defaults
    words: Vocabulary  # labels of steps, phases and roles, for generic reasons
    indicators: tuple[CompiledIndicator, ...] = ()
    bulk: frozenset[str] = frozenset()  # the domain events whose stored runs replay at once
    _blocked: dict[tuple[str, str], Option] = field(default_factory=dict)
    _event_options: dict[str, tuple[Option, ...]] = field(default_factory=dict)
    _machine: Machine | None = None

    @property
    def machine(self) -> Machine:
        """The one transitions ``Machine`` of the template, built at the first move: a
        process that is only read (``status``, a report) never imports transitions."""
        found = self._machine
        if found is None:
            with _MACHINE_LOCK:
                found = self._machine
                if found is None:
                    found = self._machine = _machine(self.template)
        return found
    #: (trigger, phase) -> the phase the machine moved to (see :meth:`move`)
    _moves: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        """The semantic digest of the template (see :mod:`verantwortung.model.identity`)."""
        return self.template.digest

    def blocked_option(self, trigger: str, phase: str) -> Option:
        """The option of a trigger that has no transition from ``phase`` (built once)."""
        key = (trigger, phase)
        found = self._blocked.get(key)
        if found is None:
            t = self.triggers[trigger]
            found = self._blocked[key] = Option(
                t.name, "trigger", False, t.label_de, t.label_en, None, t.role_list,
                (self.say("not_in_phase", name=t.name, phase=phase),))
        return found

    def say(self, code: str, text: Mapping[str, Any] | None = None, **seen: Any) -> Reason:
        """A generic reason (see :func:`generic`) whose message names this template's labels."""
        return generic(code, self.words, text, **seen)

    def event_options(self, phase: str) -> tuple[Option, ...]:
        """The options of every domain event in ``phase``, without a payload (built once)."""
        found = self._event_options.get(phase)
        if found is None:
            found = self._event_options[phase] = tuple(
                Option(e.name, "event", True, e.label_de, e.label_en, None, e.role_list,
                       needs_input=e.validate.required) if phase in e.phases else
                Option(e.name, "event", False, e.label_de, e.label_en, None, e.role_list,
                       (self.say("not_in_phase", name=e.name, phase=phase),))
                for e in self.events.values())
        return found

    def move(self, trigger: str, phase: str) -> str:
        """Let the transitions Machine take ``trigger`` from ``phase``; return the new phase.

        Guards were evaluated before (to collect every reason); the Machine only moves.
        The first move of a trigger from a phase drives a short-lived carrier through the
        trigger's transitions ``Event`` (no lock, no ``set_state``: a machine without a
        queue keeps no state of its own during a transition); its answer is kept. The
        machine has no conditions and no callbacks and is never changed after it is
        built, so the same trigger from the same phase always leads to the same phase.
        """
        key = (trigger, phase)
        target = self._moves.get(key)
        if target is None:  # two threads may both ask the machine: both get one answer
            carrier = _Carrier()
            carrier.state = phase
            if not self.machine.events[trigger].trigger(carrier):  # pragma: no cover
                raise RuntimeError(f"phase table and machine disagree on {trigger} from "
                                   f"{phase}")
            target = self._moves[key] = carrier.state
        return target


def _checks(checks: tuple[Check, ...], tpl: ProcessTemplate,
            context: Mapping[str, Any]) -> tuple[CompiledCheck, ...]:
    if not checks:  # most transitions have no advisories
        return ()
    out = []
    for c in checks:
        # the registry itself: a custom rule's function is looked up as the rule compiles
        # (no walk over every rule first to find the names)
        fn, reads = build_rule(c.spec.rule, tpl.collections, tpl.values, registry)
        out.append(CompiledCheck(
            code=c.code, hard=c.hard, fn=fn, message_de=c.spec.message.text("de"),
            message_en=c.spec.message.text("en"), source=str(c.source) if c.source else None,
            context=context, needs_input=reads.payload if reads.input_only else ()))
    return tuple(out)


def _validator(name: str, fields: Mapping[str, FieldSpec],
               validators: dict[str, PayloadValidator]) -> PayloadValidator:
    """The payload validator of a trigger; those without a payload (most) share one."""
    if fields:
        return PayloadValidator(name, fields)
    empty = validators.get("")
    if empty is None:
        empty = validators[""] = PayloadValidator(name, fields)
        return empty
    return empty.renamed(name)


def _machine(tpl: ProcessTemplate) -> Machine:
    from transitions import Machine

    return Machine(
        model=None, states=[p.id for p in tpl.phases], initial=tpl.initial_phase.id,
        transitions=[{"trigger": t.trigger, "source": t.source, "dest": t.target}
                     for t in tpl.transitions],
        auto_transitions=False, ignore_invalid_triggers=False)


def _compile(tpl: ProcessTemplate) -> CompiledTemplate:
    base = {**{k: _fmt(v) for k, v in tpl.values.items()}}
    validators: dict[str, PayloadValidator] = {}
    triggers: dict[str, CompiledTrigger] = {}
    for trig in tpl.triggers:
        context = {**base, "trigger": trig.id}
        edges = {t.source: CompiledTransition(
            target=t.target, guards=_checks(t.guards, tpl, {**context, "phase": t.source}),
            advisories=_checks(t.advisories, tpl, {**context, "phase": t.source}))
            for t in trig.transitions}
        triggers[trig.id] = CompiledTrigger(
            name=trig.id, label_de=trig.label.get("de"), label_en=trig.label.get("en"),
            roles=frozenset(trig.roles) if trig.roles is not None else None,
            validate=_validator(trig.id, trig.payload, validators), edges=edges)
    events: dict[str, CompiledEvent] = {}
    for ev in tpl.events:
        spec = ev.spec
        fields = ev.fields
        context = {**base, "trigger": ev.id}
        events[ev.id] = CompiledEvent(
            name=ev.id, label_de=spec.label.get("de"), label_en=spec.label.get("en"),
            roles=frozenset(spec.roles) if spec.roles is not None else None,
            phases=frozenset(ev.phases), validate=PayloadValidator(ev.id, fields),
            adds=spec.adds, updates=spec.updates, removes=spec.removes, key=spec.key,
            fields=fields, keeps=frozenset(spec.fields or () if spec.updates else
                                           (n for n in fields if n not in spec.payload)),
            collections=tpl.collections, guards=_checks(ev.guards, tpl, context),
            advisories=_checks(ev.advisories, tpl, context),
            starts={n: f.default for n, f in tpl.collections[spec.adds].fields.items()
                    if f.moves is not None and f.default is not None} if spec.adds else {})
    invariants = _checks(tpl.invariants, tpl, {**base, "trigger": "-"})
    return CompiledTemplate(template=tpl, triggers=triggers, events=events,
                            invariants=invariants, layout=Layout.of(tpl.all_collections),
                            initial=tpl.initial_phase.id,
                            finals=frozenset(p.id for p in tpl.final_phases),
                            series_of={p.id: (p.series, p.index) for p in tpl.phases},
                            changed_parameters={k: v for k, v in tpl.values.items()
                                                if v != tpl.parameters[k].default},
                            collections=tpl.collections,
                            words=Vocabulary(tpl), indicators=compile_indicators(tpl),
                            bulk=frozenset(n for n, e in events.items() if e.bulk))


_CACHE: OrderedDict[tuple[int, tuple[tuple[str, Any], ...]], CompiledTemplate] = OrderedDict()
_CACHE_SIZE = 64
_CACHE_LOCK = threading.Lock()
_MACHINE_LOCK = threading.Lock()


def _key(tpl: ProcessTemplate) -> tuple[int, tuple[tuple[str, Any], ...]]:
    return tpl.variant_key


# id(template) -> (template, compiled): the template is kept alive, so its id is not reused
_BY_OBJECT: dict[int, tuple[ProcessTemplate, CompiledTemplate]] = {}


def compiled(tpl: ProcessTemplate) -> CompiledTemplate:
    """The compiled form of ``tpl``, built once per document and parameter values."""
    entry = _BY_OBJECT.get(id(tpl))
    if entry is not None and entry[0] is tpl:  # fast path: a template object seen before
        return entry[1]
    key = _key(tpl)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit.template.same_definition(tpl):
            _CACHE.move_to_end(key)
        else:
            hit = None
    if hit is None:
        hit = _compile(tpl)
        with _CACHE_LOCK:
            _CACHE[key] = hit
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    with _CACHE_LOCK:
        if len(_BY_OBJECT) > 4 * _CACHE_SIZE:
            _BY_OBJECT.clear()
        _BY_OBJECT[id(tpl)] = (tpl, hit)
    return hit


#: the public name of :func:`compiled` (``verantwortung.engine.compiled`` is this module)
compiled_template = compiled
