"""The start event of a history: what every replay checks first."""

from __future__ import annotations

from ..exceptions import ReplayError
from ..model.process import START_EVENT, Event
from ..model.template import ProcessTemplate

__all__ = ["check_start"]


def check_start(template: ProcessTemplate, items: list[Event]) -> Event:
    """The start event of a history written by ``template`` (ReplayError otherwise)."""
    if not items or items[0].kind != START_EVENT:
        raise ReplayError("a history starts with a process_started event")
    first = items[0]
    region, params = first.payload.get("region"), first.payload.get("parameters", {})
    if not isinstance(region, str) or not region.strip() or not isinstance(params, dict):
        raise ReplayError("the process_started event needs a region (text) and, if any, "
                          "parameters as a mapping")
    if (first.template, first.template_version) != (template.id, template.version):
        raise ReplayError(f"history was written by template {first.template} "
                          f"{first.template_version}, not {template.id} {template.version}")
    return first
