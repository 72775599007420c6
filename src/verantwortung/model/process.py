"""Runtime records: events, reasons, options. Plain, JSON-ready data.

An :class:`Event` is the unit of truth: a process is the fold of its events.
A :class:`Reason` explains one failing rule (or a generic refusal) in German and
English, with the values it saw. :class:`Option` is one row of the "what can we
do next" matrix a user interface shows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["START_EVENT", "Event", "Fired", "Option", "Reason"]

#: The kind of the first event of every process: it carries region and parameters.
START_EVENT = "process_started"


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Event(_Record):
    """One thing that happened to a process, in order, never changed afterwards."""

    id: str
    process: str
    seq: int = Field(ge=1)
    at: datetime
    actor: str | None = None
    kind: str
    payload: dict[str, Any] = Field(default_factory=dict)
    template: str
    template_version: str
    phase: str = Field(description="the phase after the event")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (timestamps as ISO 8601)."""
        return self.model_dump(mode="json")


class Reason(_Record):
    """Why a trigger is refused (``hard``) or advised against; messages in de and en."""

    code: str
    hard: bool = True
    message_de: str
    message_en: str
    seen: dict[str, Any] = Field(default_factory=dict)
    source: str | None = Field(default=None, description="path:line:col of the rule")

    def message(self, lang: str = "en") -> str:
        """The message in ``lang`` (de or en)."""
        return self.message_de if lang == "de" else self.message_en

    def __str__(self) -> str:
        return f"{self.code}: {self.message_en}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return self.model_dump(mode="json")


class Option(_Record):
    """A trigger or domain event and whether it can fire now, with every reason."""

    name: str
    kind: Literal["trigger", "event"]
    allowed: bool
    target: str | None = Field(default=None, description="phase after a phase trigger")
    label_de: str
    label_en: str
    roles: tuple[str, ...] | None = None
    reasons: tuple[Reason, ...] = ()
    advisories: tuple[Reason, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return self.model_dump(mode="json")


class Fired(_Record):
    """What ``fire`` returns: the appended event and the advisories it raised."""

    event: Event
    advisories: tuple[Reason, ...] = ()

    @property
    def phase(self) -> str:
        """The phase after the event."""
        return self.event.phase
