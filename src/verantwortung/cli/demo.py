"""``verantwortung demo``: a fictional region runs through the whole method, step by step.

The story is the shipped scenario of Mittelweser (``examples/scenarios/
mittelweser.scenario.yaml``; the wheel carries it beside this module): a circle of
companies forms, the kick-off is refused until the circle is big enough and logistics
and facilitation are clear, milestone meetings develop projects, the closing event
presents them, the network founds an association, carries on in the Verstetigung and
finally ends the process. Every step goes through the event store, so the result can
be inspected afterwards with ``status``, ``history`` or ``export``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..model.glossary import field_label, value_label
from ..model.text import counted

if TYPE_CHECKING:
    from ..engine.process import Process
    from ..store import EventStore
    from ..testing.scenario import CheckedScenario

__all__ = ["SCENARIO", "StoryStep", "run_demo", "scenario_path", "story"]

SCENARIO = "mittelweser.scenario.yaml"

class StoryStep(NamedTuple):
    """One step of the story: what happens, when, who does it, with what payload."""

    name: str
    at: str  # YYYY-MM-DD, or an ISO date and time
    actor: str | None
    payload: dict[str, Any]


def scenario_path() -> Path:
    """The Mittelweser scenario: in the wheel beside this module (hatchling
    ``force-include``); in a source checkout the repository's ``examples/scenarios``."""
    packaged = Path(str(resources.files(__package__ or "verantwortung.cli"))) / SCENARIO
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[3] / "examples" / "scenarios" / SCENARIO


def _steps(checked: CheckedScenario) -> Iterator[StoryStep]:
    """The scenario's ``do`` steps, each with its date: a step without one happens on
    the day of the step before it, so the story's dates never go back."""
    at: str | None = None
    for step in checked.scenario.doc.steps:
        if step.do is None:
            continue
        if step.at is not None:
            at = step.at.isoformat() if isinstance(step.at, dt.date) else step.at
        if at is None:
            raise ValueError(f"{checked.scenario.path}: the first step has no date")
        yield StoryStep(step.do, at, step.by, dict(step.with_ or {}))


def _load(path: Path | None = None) -> CheckedScenario:
    """The scenario, checked against its template (loaded with its parameters)."""
    from ..testing import check_scenario

    return check_scenario(path or scenario_path())


def story(path: Path | None = None) -> list[StoryStep]:
    """The steps of the Mittelweser story (or of the scenario at ``path``), dated."""
    return list(_steps(_load(path)))


def _describe(proc: Process, name: str, payload: dict[str, Any], lang: str) -> str:
    tpl = proc.template
    try:
        label = tpl.trigger(name).label.get(lang)
    except KeyError:
        label = tpl.event(name).spec.label.get(lang)
    refs = {"partner": "partners", "theme": "themes", "project": "projects"}
    named = next((_name(proc, refs[k], v) for k, v in payload.items() if k in refs), None)
    detail = (payload.get("name") or payload.get("title") or named or payload.get("text")
              or payload.get("host") or payload.get("details") or "")
    if not detail and "kind" in payload:  # a meeting or a scheduled event: say which
        detail = value_label(payload["kind"], lang, _field_spec(proc, name, "kind"))
    if "status" in payload:
        spec = _field_spec(proc, name, "status")
        detail = f"{detail} → {value_label(payload['status'], lang, spec)}"
    if payload.get("speaker"):
        detail += f" ({field_label('speaker', lang, _field_spec(proc, name, 'speaker'))})"
    return f"{label}: {detail}" if detail else label


def _field_spec(proc: Process, event: str, field: str) -> Any:
    """The spec of a field of ``event``'s records (for its labels), if it has one."""
    try:
        target = proc.template.event(event).spec.adds or proc.template.event(event).spec.updates
    except KeyError:
        return None
    coll = proc.template.collections.get(target or "")
    return coll.fields.get(field) if coll is not None else None


def _name(proc: Process, collection: str, record_id: Any) -> str | None:
    for record in proc.records(collection):
        if record.get("id") == record_id:
            return str(record.get("name") or record.get("title") or record_id)
    return None


def _step(store: EventStore, proc: Process, step: StoryStep, lang: str,
          echo: Callable[[str], None]) -> Process:
    """Fire one step through ``store`` and print it; the process after it."""
    from ..exceptions import TransitionRefused

    text, day, phase = _describe(proc, step.name, step.payload, lang), step.at[:10], proc.phase
    try:
        after, fired = store.fire(proc.id, step.name, actor=step.actor, payload=step.payload,
                                  at=step.at)
    except TransitionRefused as refused:
        echo(f"  {day}  ✗ {text} – {'abgelehnt' if lang == 'de' else 'refused'}:")
        for reason in refused.reasons:
            echo(f"              · {reason.message(lang)}")
        return proc
    echo(f"  {day}  ✓ {text}")
    for advisory in fired.advisories:
        echo(f"              ! {'Hinweis' if lang == 'de' else 'advisory'}: "
             f"{advisory.message(lang)}")
    if after.phase != phase:
        echo(f"  {'':10}  → {after.template.phase(after.phase).label.get(lang)}")
    return after


def run_demo(store: EventStore, *, lang: str = "de",
             echo: Callable[[str], None] = print) -> Process:
    """Run the Mittelweser story through ``store``, printing each step; return the process."""
    from .. import Process

    checked = _load()
    doc, steps = checked.scenario.doc, list(_steps(checked))
    # the process starts when the story does, by whoever acts first
    proc = Process.start(checked.template, region=doc.region, at=steps[0].at,
                         actor=steps[0].actor)
    store.add(proc, doc.template)
    title = f"Verantwortungspartner {doc.region}" + (" – Demo" if lang == "de" else " – demo")
    echo(f"{title} ({proc.id})")
    for step in steps:
        proc = _step(store, proc, step, lang, echo)
    events = counted(proc.version, *(("Ereignis", "Ereignisse") if lang == "de" else
                                     ("event", "events")))
    echo(f"{events} {'gespeichert in' if lang == 'de' else 'stored in'} {store.url}")
    return proc
