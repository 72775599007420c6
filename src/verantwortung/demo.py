"""``verantwortung demo``: a fictional region runs through the whole method, step by step.

The story of Mittelweser (about 14 months): a circle of companies forms, the
kick-off is refused until the circle is big enough and logistics and facilitation
are clear, milestone meetings develop projects, the closing event presents them,
and the network founds an association. Every step goes through the event store,
so the result can be inspected afterwards with ``status``, ``history`` or ``export``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .engine.process import Process
from .exceptions import TransitionRefused
from .io.loader import load
from .model.glossary import field_label, value_label
from .model.text import counted
from .rules.registry import registry
from .store.sql import EventStore

__all__ = ["STORY", "run_demo"]

Step = tuple[str, str, str | None, dict[str, Any]]  # name, date, actor, payload


def _partner(pid: str, name: str, kind: str, size: str | None = None) -> dict[str, Any]:
    return {"id": pid, "name": name, "kind": kind, **({"size": size} if size else {})}


STORY: list[Step] = [
    ("partner_added", "2013-09-02", "coordinator",
     _partner("holzbau", "Holzbau Meyer GmbH", "company", "small")),
    ("partner_added", "2013-09-02", "coordinator",
     _partner("druckerei", "Druckerei Wessel KG", "company", "small")),
    ("partner_added", "2013-09-02", "coordinator",
     _partner("sparkasse", "Sparkasse Mittelweser", "company", "large")),
    ("partner_added", "2013-09-02", "coordinator", _partner("ihk", "IHK Mittelweser", "chamber")),
    ("circle_member_joined", "2013-09-16", "coordinator", {"partner": "holzbau", "speaker": True}),
    ("circle_member_joined", "2013-09-16", "coordinator",
     {"partner": "druckerei", "speaker": True}),
    ("circle_member_joined", "2013-09-16", "coordinator", {"partner": "sparkasse"}),
    ("circle_member_joined", "2013-09-16", "coordinator", {"partner": "ihk"}),
    ("theme_proposed", "2013-10-14", "initiative_circle",
     {"id": "fachkraefte", "title": "Fachkräfte sichern"}),
    ("theme_selected", "2013-10-14", "initiative_circle", {"theme": "fachkraefte"}),
    ("hold_kickoff", "2013-11-04", "initiative_circle", {}),  # refused: too early
    ("facilitator_assigned", "2013-11-11", "coordinator",
     {"name": "Anna Schmidt", "organisation": "Prozessbegleitung Nord"}),
    ("logistics_clarified", "2013-11-11", "coordinator",
     {"host": "IHK Mittelweser", "notes": "Saal und Catering durch die IHK"}),
    ("partner_added", "2013-11-25", "coordinator",
     _partner("stadtwerke", "Stadtwerke Nienburg", "company", "medium")),
    ("partner_added", "2013-11-25", "coordinator",
     _partner("pflegedienst", "Pflegedienst Lindenhof", "company", "micro")),
    ("partner_added", "2013-11-25", "coordinator",
     _partner("baeckerei", "Bäckerei Rohde", "company", "micro")),
    ("circle_member_joined", "2013-11-25", "coordinator", {"partner": "stadtwerke"}),
    ("circle_member_joined", "2013-11-25", "coordinator", {"partner": "pflegedienst"}),
    ("circle_member_joined", "2013-11-25", "coordinator", {"partner": "baeckerei"}),
    ("hold_kickoff", "2014-01-20", "facilitator", {"attendance": 85}),
    ("partner_added", "2014-01-27", "facilitator",
     _partner("stadt", "Stadt Nienburg", "municipality")),
    ("partner_added", "2014-01-27", "facilitator",
     _partner("bbs", "Berufsbildende Schulen Nienburg", "education")),
    ("hold_milestone", "2014-03-10", "facilitator", {"attendance": 32}),
    ("hold_milestone", "2014-05-12", "facilitator", {}),  # refused: no vision, goal, team
    ("vision_set", "2014-05-12", "initiative_circle",
     {"text": "Mittelweser 2030: jede Ausbildungsstelle besetzt", "horizon_year": 2030}),
    ("goal_added", "2014-05-12", "initiative_circle",
     {"id": "praktika", "text": "100 Schülerpraktika pro Jahr", "theme": "fachkraefte"}),
    ("team_formed", "2014-05-12", "facilitator",
     {"id": "team_praktika", "name": "Praktikumsbörse", "members": ["holzbau", "bbs"],
      "lead": "holzbau"}),
    ("project_added", "2014-05-12", "facilitator",
     {"id": "praktikumsboerse", "title": "Praktikumsbörse online", "team": "team_praktika"}),
    ("project_added", "2014-05-12", "facilitator",
     {"id": "azubi_tag", "title": "Azubi-Tag in den Betrieben", "team": "team_praktika"}),
    ("project_added", "2014-05-12", "facilitator",
     {"id": "schulpaten", "title": "Schulpatenschaften", "team": "team_praktika"}),
    ("hold_milestone", "2014-05-12", "facilitator", {"attendance": 28}),
    ("project_status_changed", "2014-07-07", "project_team",
     {"project": "praktikumsboerse", "status": "planned"}),
    ("project_status_changed", "2014-07-07", "project_team",
     {"project": "praktikumsboerse", "status": "running"}),
    ("hold_closing", "2014-07-07", "facilitator", {}),  # refused: two milestones only
    ("hold_milestone", "2014-09-15", "facilitator", {"attendance": 30}),
    ("outcome_recorded", "2014-10-06", "facilitator",
     {"id": "portal", "kind": "product", "title": "Praktikumsportal",
      "project": "praktikumsboerse"}),
    ("consolidation_chosen", "2014-10-06", "initiative_circle",
     {"form": "association", "details": "Verantwortungspartner Mittelweser e. V."}),
    ("hold_closing", "2014-11-20", "facilitator", {"attendance": 50}),
    ("consolidate", "2014-12-15", "initiative_circle", {}),
]


def _describe(proc: Process, name: str, payload: dict[str, Any], lang: str) -> str:
    tpl = proc.template
    try:
        label = tpl.trigger(name).label.get(lang)
    except KeyError:
        label = tpl.event(name).spec.label.get(lang)
    refs = {"partner": "partners", "theme": "themes", "project": "projects"}
    named = next((_name(proc, refs[k], v) for k, v in payload.items() if k in refs), None)
    detail = (named or payload.get("name") or payload.get("title") or payload.get("text")
              or payload.get("host") or payload.get("details") or "")
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


def run_demo(store: EventStore, *, lang: str = "de",
             echo: Callable[[str], None] = print) -> Process:
    """Run the Mittelweser story through ``store``, printing each step; return the process."""
    tpl = load("verantwortungspartner", custom_rules=registry)
    proc = Process.start(tpl, region="Mittelweser", at="2013-09-01", actor="coordinator")
    store.add(proc, "verantwortungspartner")
    title = "Verantwortungspartner Mittelweser" + (" – Demo" if lang == "de" else " – demo")
    echo(f"{title} ({proc.id})")
    last_phase = proc.phase
    for name, date, actor, payload in STORY:
        text = _describe(proc, name, payload, lang)
        try:
            proc, fired = store.fire(proc.id, name, actor=actor, payload=payload, at=date)
        except TransitionRefused as refused:
            no = "abgelehnt" if lang == "de" else "refused"
            echo(f"  {date}  ✗ {text} – {no}:")
            for reason in refused.reasons:
                echo(f"              · {reason.message(lang)}")
            continue
        echo(f"  {date}  ✓ {text}")
        for advisory in fired.advisories:
            hint = "Hinweis" if lang == "de" else "advisory"
            echo(f"              ! {hint}: {advisory.message(lang)}")
        if proc.phase != last_phase:
            label = tpl.phase(proc.phase).label.get(lang)
            echo(f"  {'':10}  → {label}")
            last_phase = proc.phase
    events = counted(proc.version, *(("Ereignis", "Ereignisse") if lang == "de" else
                                     ("event", "events")))
    echo(f"{events} {'gespeichert in' if lang == 'de' else 'stored in'} {store.url}")
    return proc
