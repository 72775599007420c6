"""Runtime records: events, reasons, options. Plain, JSON-ready data.

An :class:`Event` is the unit of truth: a process is the fold of its events.
A :class:`Reason` explains one failing rule (or a generic refusal) in German and
English, with the values it saw. :class:`Option` is one row of the "what can we
do next" matrix a user interface shows.

An event never changes once it is written: its payload is a :class:`FrozenDict`,
whose lists are :class:`FrozenList` and whose mappings are frozen dicts again,
all the way down. They subclass ``dict`` and ``list`` so that they compare equal
to the JSON they came from and ``json.dumps`` writes them as it is; every method
that would change one in place raises ``TypeError``. (A ``MappingProxyType`` or
tuples would be immutable too, but neither is JSON-ready, and a tuple does not
equal the list it was read as.)

These are a named tuple and frozen, slotted dataclasses rather than pydantic models:
they are made on every ``fire`` and ``options()`` call, where a model's construction
costs several times more, and a long history holds thousands of them. Data from
outside (a JSON export) is validated through pydantic all the same:
:meth:`Event.from_dict` checks every field with a ``TypeAdapter``.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Mapping
from dataclasses import FrozenInstanceError, dataclass
from functools import cache, partial
from itertools import chain, repeat
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, NoReturn

from typing_extensions import TypedDict

from .text import Plural, fill

if TYPE_CHECKING:
    from ..exceptions import RefusalReason

__all__ = ["MIGRATED_EVENT", "START_EVENT", "Actor", "Event", "Fired", "FrozenDict",
           "FrozenList", "Option", "Reason", "actor_role", "events_from_dicts", "freeze",
           "freeze_payload", "split_actor"]

#: The kind of the first event of every process: it carries region and parameters.
START_EVENT = "process_started"
#: The kind of the event that moves a process to another template version (written by
#: the library: never fired by a caller).
MIGRATED_EVENT = "template_migrated"


def _read_only(self: Any, *args: Any, **kwargs: Any) -> NoReturn:
    raise TypeError(f"{type(self).__name__} is read-only: events never change once written")


class _ReadOnly:
    """What a frozen list and dict share: no re-initialising; copies are the value itself."""

    __slots__ = ()
    _plain: type

    def __init__(self, *args: Any) -> None:
        """Built by ``__new__``: calling this again must not change the contents."""

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self._plain(self),)

    def __copy__(self) -> Any:
        return self

    def __deepcopy__(self, memo: Any) -> Any:
        return self


class FrozenList(_ReadOnly, list[Any]):
    """A list that cannot change; its items are frozen (see :func:`freeze`)."""

    __slots__ = ()
    _plain = list

    def __new__(cls, items: Any = ()) -> FrozenList:
        self = list.__new__(cls)
        list.extend(self, map(freeze, items))
        return self

    append = extend = insert = remove = pop = clear = sort = reverse = _read_only
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _read_only


class FrozenDict(_ReadOnly, dict[str, Any]):
    """A mapping that cannot change; its values are frozen (see :func:`freeze`)."""

    __slots__ = ()
    _plain = dict

    def __new__(cls, data: Any = ()) -> FrozenDict:
        return _frozen_dict(cls, data)

    update = setdefault = pop = popitem = clear = _read_only
    __setitem__ = __delitem__ = __ior__ = _read_only


_FLAT = frozenset({str, int, float, bool, type(None)})
_new_dict, _fill_dict, _set_item = dict.__new__, dict.update, dict.__setitem__


def _frozen_dict(cls: type[FrozenDict], data: Any) -> FrozenDict:
    # the hot path of every accepted event: a flat payload costs one C-level copy and a
    # type scan; only nested values go through freeze()
    self = _new_dict(cls)
    _fill_dict(self, data)
    for value in dict.values(self):
        if type(value) not in _FLAT:
            for key, item in list(dict.items(self)):
                _set_item(self, key, freeze(item))
            break
    return self


def freeze_payload(data: dict[str, Any]) -> FrozenDict:
    """A payload as it is stored in an event: :func:`freeze` for a ``dict``, the fast way."""
    return _frozen_dict(FrozenDict, data)


def freeze(value: Any) -> Any:
    """``value`` with every dict and list (or tuple) in it made read-only, all the way down.

    A value that is frozen already comes back as it is, so freezing twice costs nothing.
    """
    if isinstance(value, (str, int, float, FrozenDict, FrozenList)) or value is None:
        return value
    if isinstance(value, dict):
        return _frozen_dict(FrozenDict, value)
    if isinstance(value, (list, tuple)):
        return FrozenList(value)
    return value


class Actor(NamedTuple):
    """Who fired an event: a role id and, optionally, a name (``"facilitator:Anna Schmidt"``)."""

    role: str
    name: str


def split_actor(actor: str) -> Actor:
    """The role and the name of an actor text; the name is ``""`` when it has none."""
    role, _, name = actor.partition(":")
    return Actor(role, name)


def actor_role(actor: str | None) -> str | None:
    """The role id of an actor text; None without an actor (a trusted system call)."""
    return None if actor is None else split_actor(actor).role


class Event(NamedTuple):
    """One thing that happened to a process, in order, never changed afterwards.

    ``phase`` is the phase after the event. A named tuple: immutable, compact, and the
    cheapest record Python builds — a process makes one on every accepted call. Its
    ``payload`` is a :class:`FrozenDict` once a process holds it.
    """

    id: str
    process: str
    seq: int
    at: dt.datetime
    actor: str | None
    kind: str
    payload: dict[str, Any]
    template: str
    template_version: str
    phase: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (timestamp as ISO 8601)."""
        return {"id": self.id, "process": self.process, "seq": self.seq,
                "at": self.at.isoformat(), "actor": self.actor, "kind": self.kind,
                "payload": self.payload, "template": self.template,
                "template_version": self.template_version, "phase": self.phase}

    @classmethod
    def from_dict(cls, data: Any) -> Event:
        """Validate an event from outside (pydantic ValidationError when it does not fit)."""
        event = _plain_event(data)
        if event is not None:  # well formed, as JSON gives it: no need for pydantic
            return event
        fields = _event_adapter().validate_python(data)
        if fields["at"].tzinfo is None:  # a time without a zone is taken as UTC
            fields["at"] = fields["at"].replace(tzinfo=dt.UTC)
        fields["payload"] = FrozenDict(fields["payload"])
        return cls(**fields)

    def frozen(self) -> Event:
        """This event with a frozen payload (itself when the payload is frozen already)."""
        if type(self.payload) is FrozenDict:
            return self
        return self._replace(payload=FrozenDict(self.payload))


_TEXTS = ("id", "process", "kind", "template", "template_version", "phase")
_KEYS = frozenset(Event._fields)


def _plain_event(data: Any) -> Event | None:
    """The event of a mapping that has exactly the fields, each of its exact type, and a
    time with a zone; None for anything else, which pydantic then judges (and explains)."""
    if type(data) is not dict or data.keys() != _KEYS:
        return None
    seq, at, actor, payload = data["seq"], data["at"], data["actor"], data["payload"]
    if (type(seq) is not int or type(at) is not str or type(payload) is not dict
            or (actor is not None and type(actor) is not str)
            or not all(type(data[k]) is str for k in _TEXTS)
            or not all(type(k) is str for k in payload)):
        return None
    try:
        when = dt.datetime.fromisoformat(at)
    except ValueError:
        return None
    if when.tzinfo is None:
        return None
    return Event(data["id"], data["process"], seq, when, actor, data["kind"],
                 FrozenDict(payload), data["template"], data["template_version"],
                 data["phase"])


def events_from_dicts(items: list[Any]) -> list[Event]:
    """:meth:`Event.from_dict` of every item (pydantic ValidationError for the first that
    does not fit), checked column by column in C when every item is a plain event."""
    found = _plain_events(items)
    return found if found is not None else [Event.from_dict(e) for e in items]


_ORDER = Event._fields  # the order of to_dict(), hence of every export
_STR, _ACTOR, _INT, _DICT = {str}, {str, type(None)}, {int}, {dict}
_ZONE = attrgetter("tzinfo")
_NEW_EVENT = partial(tuple.__new__, Event)  # what Event._make does, without a Python frame


def _plain_events(items: list[Any]) -> list[Event] | None:
    """What :func:`_plain_event` gives for every item, or None when one item is not plain
    (or its keys are in another order): then each is judged on its own. A long history
    from an export costs a few passes in C per field instead of a Python call per event."""
    if not items or set(map(type, items)) != _DICT or set(map(tuple, items)) != {_ORDER}:
        return None
    # a list per field (zip(*rows) would make an iterator of every row)
    ids, procs, seqs, ats, actors, kinds, payloads, tpls, versions, phases = (
        list(map(itemgetter(key), items)) for key in _ORDER)
    if not (set(map(type, seqs)) == _INT and set(map(type, actors)) <= _ACTOR
            and all(set(map(type, column)) == _STR
                    for column in (ids, procs, ats, kinds, tpls, versions, phases))
            and set(map(type, payloads)) == _DICT
            and set(map(type, chain.from_iterable(payloads))) <= _STR):
        return None
    try:
        whens = list(map(dt.datetime.fromisoformat, ats))
    except ValueError:
        return None
    if None in set(map(_ZONE, whens)):
        return None
    return list(map(_NEW_EVENT, zip(ids, procs, seqs, whens, actors, kinds,
                                    _frozen_payloads(payloads), tpls, versions, phases,
                                    strict=True)))


def _frozen_payloads(payloads: list[dict[str, Any]]) -> list[FrozenDict]:
    """:func:`freeze_payload` of every payload; when all are flat (the common case) the
    copies are made in C, without a Python call per payload."""
    if not set(map(type, chain.from_iterable(map(dict.values, payloads)))) <= _FLAT:
        return list(map(freeze_payload, payloads))
    frozen = list(map(_new_dict, repeat(FrozenDict, len(payloads))))
    deque(map(_fill_dict, frozen, payloads), maxlen=0)  # dict.update of each, in C
    return frozen


@cache
def _event_adapter() -> Any:
    from pydantic import ConfigDict, TypeAdapter

    # the same fields as the named tuple, as a TypedDict pydantic validates with care
    make_typed_dict: Any = TypedDict  # called with run-time fields, beyond static typing
    fields = make_typed_dict("EventFields", Event.__annotations__)
    fields.__pydantic_config__ = ConfigDict(extra="forbid")
    return TypeAdapter(fields)


class _Text:
    """Message templates and the values that fill them, rendered when first read."""

    __slots__ = ("de", "en", "values", "values_en")

    def __init__(self, de: str | Plural, en: str | Plural, values: Mapping[str, Any],
                 values_en: Mapping[str, Any] | None = None) -> None:
        self.de, self.en, self.values = de, en, values
        self.values_en = values if values_en is None else values_en

    def render(self) -> tuple[str, str]:
        # names only, never raising: a stray brace in a message stays as written
        return fill(self.de, self.values), fill(self.en, self.values_en)


_set, _new = object.__setattr__, object.__new__
_REASON_FIELDS = ("code", "message_de", "message_en", "hard", "seen", "source", "needs_input")


class Reason:
    """Why a trigger is refused (``hard``) or advised against; messages in de and en.

    Immutable. A reason made by a rule holds the values it saw at once and renders its
    messages on first read (:meth:`deferred`): ``options()`` judges every trigger, and
    most callers read the codes and values, not the text.
    """

    __slots__ = ("_text", "code", "hard", "needs_input", "seen", "source")

    code: str
    hard: bool
    seen: dict[str, Any]
    source: str | None  # path:line:col of the rule, when it comes from a template
    #: the payload fields that alone decide this reason: input can resolve it, the
    #: process's records play no part (empty when they do)
    needs_input: tuple[str, ...]
    _text: tuple[str, str] | _Text

    def __init__(self, code: str, message_de: str, message_en: str, hard: bool = True,
                 seen: dict[str, Any] | None = None, source: str | None = None,
                 needs_input: tuple[str, ...] = ()) -> None:
        _set(self, "code", code)
        _set(self, "_text", (message_de, message_en))
        _set(self, "hard", hard)
        _set(self, "seen", {} if seen is None else seen)
        _set(self, "source", source)
        _set(self, "needs_input", needs_input)

    @classmethod
    def deferred(cls, code: str, message_de: str | Plural, message_en: str | Plural,
                 values: Mapping[str, Any], *, hard: bool = True,
                 seen: dict[str, Any] | None = None, source: str | None = None,
                 needs_input: tuple[str, ...] = (),
                 values_en: Mapping[str, Any] | None = None) -> Reason:
        """A reason whose messages are ``message_de`` filled from ``values`` (and
        ``message_en`` from ``values_en``, else the same values), rendered when first read."""
        self = _new(cls)
        _set(self, "code", code)
        _set(self, "_text", _Text(message_de, message_en, values, values_en))
        _set(self, "hard", hard)
        _set(self, "seen", {} if seen is None else seen)
        _set(self, "source", source)
        _set(self, "needs_input", needs_input)
        return self

    def _messages(self) -> tuple[str, str]:
        text = self._text
        if isinstance(text, _Text):  # two threads may render at once: both get the same text
            text = text.render()
            object.__setattr__(self, "_text", text)
        return text

    @property
    def message_de(self) -> str:
        """The message in German."""
        return self._messages()[0]

    @property
    def message_en(self) -> str:
        """The message in English."""
        return self._messages()[1]

    def message(self, lang: str = "en") -> str:
        """The message in ``lang`` (de or en)."""
        return self._messages()[0 if lang == "de" else 1]

    def _fields(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in _REASON_FIELDS)

    def __eq__(self, other: object) -> bool:
        if type(other) is not Reason:
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # its seen values are a dict

    def __setattr__(self, name: str, value: Any) -> NoReturn:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> NoReturn:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        return Reason, self._fields()

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={value!r}"
                          for name, value in zip(_REASON_FIELDS, self._fields(), strict=True))
        return f"Reason({inner})"

    def __str__(self) -> str:
        return f"{self.code}: {self.message_en}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {"code": self.code, "hard": self.hard, "message_de": self.message_de,
                "message_en": self.message_en, "seen": dict(self.seen), "source": self.source,
                "needs_input": list(self.needs_input)}


if TYPE_CHECKING:  # a Reason is what TransitionRefused.reasons promises: the checker says so
    _REASON_IS_A_REFUSAL_REASON: type[RefusalReason] = Reason


@dataclass(frozen=True, slots=True)
class Option:
    """A trigger or domain event and whether it can fire now, with every reason.

    Asked without a payload (``options()``, ``can(name)``), ``allowed`` is false only
    when something besides the missing input blocks it; ``needs_input`` names the
    payload fields it still needs (``abort`` needs a ``reason``), and the reasons
    about them are among ``reasons``. Asked with a payload, every reason blocks.
    So ``fire(name)`` without a payload succeeds exactly when ``allowed`` and not
    ``needs_input``.
    """

    name: str
    kind: Literal["trigger", "event"]
    allowed: bool
    label_de: str
    label_en: str
    target: str | None = None  # the phase after a phase trigger
    roles: tuple[str, ...] | None = None
    reasons: tuple[Reason, ...] = ()
    advisories: tuple[Reason, ...] = ()
    needs_input: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {"name": self.name, "kind": self.kind, "allowed": self.allowed,
                "needs_input": list(self.needs_input),
                "target": self.target, "label_de": self.label_de, "label_en": self.label_en,
                "roles": list(self.roles) if self.roles is not None else None,
                "reasons": [r.to_dict() for r in self.reasons],
                "advisories": [a.to_dict() for a in self.advisories]}


@dataclass(frozen=True, slots=True)
class Fired:
    """What ``fire`` returns: the appended event and the advisories it raised."""

    event: Event
    advisories: tuple[Reason, ...] = ()

    @property
    def phase(self) -> str:
        """The phase after the event."""
        return self.event.phase
