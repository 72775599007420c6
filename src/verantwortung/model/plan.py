"""Migration plans: how histories of an older template version map onto a newer one.

A template declares, under ``migrates_from:``, one plan per older version it takes
processes over from. A plan renames (old id -> new id): phases, events and triggers,
payload fields and choice values of an event, and parameters; it can drop events that
have no counterpart, or split one old event into several new ones. Renames are read
as a chain (``a: b`` and ``b: c`` take ``a`` to ``c``), so a plan written as a sequence
of renames keeps working; a chain that comes back to where it started is refused when
the template loads.

Stored events are never rewritten: a plan is applied when old events are read
(upcasting), and the move itself is the event ``template_migrated``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

__all__ = ["MigrationSpec", "follow", "plan_digest"]

_Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
_Value = Annotated[str, StringConstraints(min_length=1, max_length=200)]
_MAX = 200


class MigrationSpec(BaseModel):
    """One plan: histories of ``template`` ``version`` (default: this template's id)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str = Field(min_length=1, max_length=32,
                         description="the older version whose processes this plan takes over")
    template: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$",
                                               max_length=64)] | None = Field(
        default=None, description="the older template's id (default: this template's id)")
    phases: dict[_Name, _Name] = Field(default_factory=dict, max_length=_MAX,
                                       description="old phase id -> new phase id")
    events: dict[_Name, _Name] = Field(
        default_factory=dict, max_length=_MAX,
        description="old event or trigger id -> new id (a rename)")
    drop: list[_Name] = Field(default_factory=list, max_length=_MAX,
                              description="old events that are not taken over")
    split: dict[_Name, list[_Name]] = Field(
        default_factory=dict, max_length=_MAX,
        description="old event id -> the new events it becomes, each taking the (renamed) "
        "payload fields it declares")
    fields: dict[_Name, dict[_Name, _Name]] = Field(
        default_factory=dict, max_length=_MAX,
        description="per old event id: old payload field -> new field")
    values: dict[_Name, dict[_Name, dict[_Value, _Value]]] = Field(
        default_factory=dict, max_length=_MAX,
        description="per old event id and old field: old choice value -> new value")
    parameters: dict[_Name, _Name | None] = Field(
        default_factory=dict, max_length=_MAX,
        description="old parameter -> new parameter (null: the region's value is not "
        "taken over)")


def follow(renames: Mapping[str, str], name: str) -> str:
    """Where a chain of renames takes ``name`` (itself when it is not renamed).

    The template loader refuses cycles; the bound keeps a plan built in code safe too.
    """
    seen = {name}
    while name in renames:
        name = renames[name]
        if name in seen:
            break
        seen.add(name)
    return name


def plan_digest(plan: BaseModel) -> str:
    """A digest of what a plan does (recorded in every ``template_migrated`` event)."""
    text = json.dumps(plan.model_dump(mode="json"), sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
