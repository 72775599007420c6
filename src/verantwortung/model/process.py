"""Runtime records: events, reasons, options. Plain, JSON-ready data.

An :class:`Event` is the unit of truth: a process is the fold of its events.
A :class:`Reason` explains one failing rule (or a generic refusal) in German and
English, with the values it saw. :class:`Option` is one row of the "what can we
do next" matrix a user interface shows.

These are a named tuple and frozen, slotted dataclasses rather than pydantic models:
they are made on every ``fire`` and ``options()`` call, where a model's construction
costs several times more, and a long history holds thousands of them. Data from
outside (a JSON export) is validated through pydantic all the same:
:meth:`Event.from_dict` checks every field with a ``TypeAdapter``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal, NamedTuple

from typing_extensions import TypedDict

__all__ = ["START_EVENT", "Event", "Fired", "Option", "Reason"]

#: The kind of the first event of every process: it carries region and parameters.
START_EVENT = "process_started"


class Event(NamedTuple):
    """One thing that happened to a process, in order, never changed afterwards.

    ``phase`` is the phase after the event. A named tuple: immutable, compact, and the
    cheapest record Python builds — a process makes one on every accepted call.
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
        fields = _event_adapter().validate_python(data)
        if fields["at"].tzinfo is None:  # a time without a zone is taken as UTC
            fields["at"] = fields["at"].replace(tzinfo=dt.UTC)
        return cls(**fields)


@cache
def _event_adapter() -> Any:
    from pydantic import ConfigDict, TypeAdapter

    # the same fields as the named tuple, as a TypedDict pydantic validates with care
    make_typed_dict: Any = TypedDict  # called with run-time fields, beyond static typing
    fields = make_typed_dict("EventFields", Event.__annotations__)
    fields.__pydantic_config__ = ConfigDict(extra="forbid")
    return TypeAdapter(fields)


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a trigger is refused (``hard``) or advised against; messages in de and en."""

    code: str
    message_de: str
    message_en: str
    hard: bool = True
    seen: dict[str, Any] = field(default_factory=dict)
    source: str | None = None  # path:line:col of the rule, when it comes from a template

    def message(self, lang: str = "en") -> str:
        """The message in ``lang`` (de or en)."""
        return self.message_de if lang == "de" else self.message_en

    def __str__(self) -> str:
        return f"{self.code}: {self.message_en}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {"code": self.code, "hard": self.hard, "message_de": self.message_de,
                "message_en": self.message_en, "seen": dict(self.seen), "source": self.source}


@dataclass(frozen=True, slots=True)
class Option:
    """A trigger or domain event and whether it can fire now, with every reason."""

    name: str
    kind: Literal["trigger", "event"]
    allowed: bool
    label_de: str
    label_en: str
    target: str | None = None  # the phase after a phase trigger
    roles: tuple[str, ...] | None = None
    reasons: tuple[Reason, ...] = ()
    advisories: tuple[Reason, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {"name": self.name, "kind": self.kind, "allowed": self.allowed,
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
