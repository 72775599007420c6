"""The template format as written in YAML: the raw document, unknown keys refused.

A document is what a consultant writes; once ``extends:`` is resolved it is validated
against :class:`TemplateDocument`, then :mod:`verantwortung.model.template` expands it
into a :class:`ProcessTemplate`. Its JSON Schema is what ``verantwortung schema`` prints.
Only ``io/`` and ``model/`` read a document: every other layer reads the expanded
template. Its parts are the typed specs of :mod:`verantwortung.model.specs`, re-exported
here for ``io/`` and for older imports.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from .plan import MigrationSpec
from .specs import (
    BUILTIN_COLLECTIONS,
    DEFAULT_PLURAL_BY,
    MAX_ENTRIES,
    MAX_SERIES,
    MAX_TEXT,
    MAX_VERSION,
    CheckSpec,
    CollectionSpec,
    CorrectionsSpec,
    DeadlineSpec,
    EventSpec,
    FieldSpec,
    Forms,
    Id,
    IndicatorSpec,
    Message,
    ParameterSpec,
    PhaseSpec,
    RoleSpec,
    SeriesSpec,
    SpreadSpec,
    Text,
    TransitionSpec,
    TriggerSpec,
    _Spec,
)

__all__ = [
    "BUILTIN_COLLECTIONS", "DEFAULT_PLURAL_BY", "MAX_ENTRIES", "MAX_SERIES", "MAX_TEXT",
    "MAX_VERSION", "CheckSpec", "CollectionSpec", "CorrectionsSpec", "DeadlineSpec",
    "EventSpec", "FieldSpec", "Forms", "Id", "IndicatorSpec", "Message", "ParameterSpec",
    "PhaseSpec", "RoleSpec", "SeriesSpec", "SpreadSpec", "TemplateDocument", "Text",
    "TransitionSpec", "TriggerSpec",
]

TemplateId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64)]


class TemplateDocument(_Spec):
    """A process template, after ``extends:`` has been resolved."""

    schema_: str | None = Field(default=None, alias="$schema")
    extends: str | None = Field(
        default=None, description="the template this one adapts: a bundled id or a path "
        "relative to this file. Mappings merge by key; {remove: true} deletes a base "
        "entry and 'replace: true' swaps it whole; a bare value under 'parameters' sets "
        "the default; a list replaces the base list, except a trigger's 'transitions' "
        "(merged by 'from' and 'to'); {append: [...]} adds to a base list and "
        "{replace: [...]} replaces it")
    id: TemplateId
    version: str = Field(min_length=1, max_length=MAX_VERSION)
    conforms_to: Literal["verantwortungspartner"] | None = Field(
        default=None, description="a method whose shape the template means to keep; "
        "'verantwortungspartner' turns on the method-conformance warnings W301-W304 "
        "(kick-off, three to five milestone meetings, closing event, consolidation)")
    title: Text
    description: Text | None = None
    parameters: dict[Id, ParameterSpec] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    roles: dict[Id, RoleSpec] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    collections: dict[Id, CollectionSpec] = Field(default_factory=dict,
                                                   max_length=MAX_ENTRIES)
    phases: dict[Id, PhaseSpec] = Field(min_length=1, max_length=MAX_ENTRIES)
    triggers: dict[Id, TriggerSpec] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    events: dict[Id, EventSpec] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    deadlines: dict[Id, DeadlineSpec] = Field(
        default_factory=dict, max_length=MAX_ENTRIES,
        description="what is due when: reminders and overdue items, judged on a date")
    corrections: CorrectionsSpec = Field(
        default_factory=CorrectionsSpec,
        description="corrections of recorded events and erasure of personal data: who may")
    invariants: dict[Id, CheckSpec] = Field(
        default_factory=dict,
        description="rules every state of a process must satisfy (checked by the testing "
        "tools after every step, not enforced at run time)")
    migrates_from: list[MigrationSpec] = Field(
        default_factory=list, max_length=20,
        description="how processes of older versions are taken over: one plan per older "
        "version, with phase, event, field, choice-value and parameter renames")
    indicators: dict[Id, IndicatorSpec] = Field(
        default_factory=dict, max_length=MAX_ENTRIES,
        description="key figures of a process (counts, sums, distinct counts, breakdowns): "
        "shown in the report, the handbook and the portfolio")
