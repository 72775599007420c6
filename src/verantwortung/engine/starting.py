"""What every replay checks first: the start event, and the shape of an export."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..exceptions import InvalidRegion, ReplayError
from ..model.process import START_EVENT, Event, events_from_dicts
from ..model.template import ProcessTemplate
from ..model.text import check_text
from .inputs import shown

__all__ = ["check_exported_phase", "check_region", "check_start", "decoded", "exported_history"]


def check_region(region: object) -> str:
    """The region of a new process as normalised text (InvalidRegion otherwise)."""
    if not isinstance(region, str):
        raise InvalidRegion(region, f"got {shown(region)}, which is not a text")
    if not region.strip():
        raise InvalidRegion(region, "it is empty")
    text, problem = check_text(region, "line")
    if problem is not None:
        raise InvalidRegion(region, f"{shown(region)} is not valid text: it {problem.en}")
    return text


def decoded(events: Iterable[Event | Mapping[str, Any]]) -> list[Event]:
    """The events of a history to replay, given as events or as their mappings
    (ReplayError naming the first that is not a valid event)."""
    try:  # a list of plain dicts (an export) is checked in bulk
        given = list(events)
        if given and type(given[0]) is dict:
            return events_from_dicts(given)
        return [e if isinstance(e, Event) else Event.from_dict(e) for e in given]
    except (ValueError, TypeError) as exc:  # pydantic's ValidationError is a ValueError
        raise ReplayError(f"not a valid event: {exc}") from exc


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
    recorded = first.payload.get("template_digest")
    if recorded is not None and recorded != template.digest:
        raise ReplayError(f"template {template.id} {template.version} is not the one this "
                          "history was written with: its rules changed without a new "
                          f"version (semantic digest {str(recorded)[:12]}, now "
                          f"{template.digest[:12]}); give the template "
                          "a new version and a migration plan")
    return first


def exported_history(data: Any) -> list[Any]:
    """The ``history`` list of an export (ReplayError when there is none)."""
    history = data.get("history") if isinstance(data, Mapping) else None
    if not isinstance(history, list):
        raise ReplayError("an exported process has a 'history' list of events")
    return history


def check_exported_phase(data: Mapping[str, Any], phase: str) -> None:
    """ReplayError when the export states another phase than its history gives."""
    if data.get("phase") not in (None, phase):
        raise ReplayError(f"export says phase {data['phase']!r}, history gives {phase!r}")
