"""The elements of an expanded template: phases, series, transitions, triggers, events.

Immutable values that :func:`verantwortung.model.template.build` makes from a
document; each keeps the file position it was written at. Re-exported by
:mod:`verantwortung.model.template`, where most code finds them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ConfigDict

from .specs import CheckSpec, DeadlineSpec, EventSpec, FieldSpec, IndicatorSpec, SeriesSpec, Text

__all__ = ["Check", "Deadline", "EventDef", "IndicatorDef", "Loc", "Phase", "Series",
           "SourceRef", "Transition", "TriggerDef"]


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    def model_post_init(self, context: Any, /) -> None:
        # pydantic copies mappings into plain dicts; wrap them read-only so a frozen
        # template is immutable all the way down
        for name, value in self.__dict__.items():
            if isinstance(value, dict):
                object.__setattr__(self, name, MappingProxyType(value))


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where an element was written: file path and 1-based line and column.

    A plain dataclass, not a model: a template has one per key and value, and
    creating thousands of them is on the loading path.
    """

    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


Loc = tuple[str | int, ...]


class Check(_Value):
    """A compiled-ready guard or advisory: its reason code, rule and message."""

    code: str
    hard: bool
    spec: CheckSpec
    source: SourceRef | None = None


class Deadline(_Value):
    """A deadline with the phases where it applies already expanded."""

    code: str
    spec: DeadlineSpec
    phases: tuple[str, ...]
    source: SourceRef | None = None


class Phase(_Value):
    """One phase; members of a series carry ``series`` and their 1-based ``index``."""

    id: str
    label: Text
    description: Text | None = None
    initial: bool = False
    final: bool = False
    series: str | None = None
    index: int | None = None
    checklist: tuple[Text, ...] = ()
    questions: tuple[Text, ...] = ()
    source: SourceRef | None = None


class Series(_Value):
    """A phase series as expanded: ``milestone`` with its bounds and member phases."""

    id: str
    label: Text
    min: int
    max: int
    members: tuple[str, ...]
    noun: Text | None = None  # plural, for counts ("3 bis 5 Treffen")
    noun_one: Text | None = None
    declared: SeriesSpec  # as written: bounds may name parameters
    source: SourceRef | None = None


class Transition(_Value):
    """One edge of the phase graph."""

    trigger: str
    source: str
    target: str
    guards: tuple[Check, ...] = ()
    advisories: tuple[Check, ...] = ()
    origin: SourceRef | None = None


class TriggerDef(_Value):
    """A phase trigger and all its transitions."""

    id: str
    label: Text
    description: Text | None = None
    roles: tuple[str, ...] | None = None
    payload: Mapping[str, FieldSpec]
    transitions: tuple[Transition, ...]
    any_source: bool = False  # written with ``from: "*"``: leaves every non-final phase
    source: SourceRef | None = None


class EventDef(_Value):
    """A domain event, with the phases where it is allowed and its payload fields expanded.

    ``fields`` are what its payload takes (:func:`~verantwortung.model.events.event_fields`:
    the fields of the record it adds, the key and fields of an update, its own payload).
    """

    id: str
    spec: EventSpec
    phases: tuple[str, ...]
    fields: Mapping[str, FieldSpec]
    guards: tuple[Check, ...] = ()
    advisories: tuple[Check, ...] = ()
    source: SourceRef | None = None


class IndicatorDef(_Value):
    """A key figure the template declares: its code, what it measures, where it was written."""

    code: str
    spec: IndicatorSpec
    source: SourceRef | None = None
