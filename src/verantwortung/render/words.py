"""Words the renderers show: UI texts in German and English, and the method's glossary.

Labels of choice values and field names come from :mod:`verantwortung.model.glossary`
(the engine's messages use it too); a value it does not know is shown as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..model.glossary import field_label, value_label

__all__ = ["LANGS", "field_label", "label", "ui", "value_label"]

LANGS = ("de", "en")

_UI: dict[str, tuple[str, str]] = {
    "phase_deadlines": ("Fristen dieser Phase", "Deadlines of this phase"),
    "deadline_due": ("{label} (seit {since})", "{label} (since {since})"),
    "deadline_not_due": ("{label}: nicht fällig", "{label}: not due"),
    "allowed": ("möglich", "possible"),
    "blocked": ("blockiert", "blocked"),
    "reasons": ("Gründe", "reasons"),
    "rules": ("Regeln", "Rules"),
    "rule": ("Regel", "Rule"),
    "advisory": ("Hinweis", "Advisory"),
    "recommendations": ("Empfehlungen", "Recommendations"),
    "recommendation": ("Empfehlung", "Recommendation"),
    "no_rules": ("Keine Voraussetzungen.", "No preconditions."),
    "start": ("Start", "start"),
    "current": ("aktuelle Phase", "current phase"),
    "current_phase": ("Aktuelle Phase", "Current phase"),
    "needs": ("Beim Auslösen anzugeben", "To give when triggering"),
    "anytime": ("Außerdem jederzeit", "Also at any time"),
    "passed": ("durchlaufen", "passed"),
    "ahead": ("noch offen", "ahead"),
    "next_member": ("nächstes {series}", "next {series}"),
    "any_phase": ("Aus jeder laufenden Phase", "From every running phase"),
    "refusal": ("Meldung bei Ablehnung", "Message when refused"),
    "roles": ("Rollen", "Roles"),
    "who": ("Wer löst aus", "Who triggers it"),
    "origin_method": ("so will es die Methode", "the method's rule"),
    "origin_region": ("Wahl der Region", "the region's choice"),
    "anyone": ("jede Rolle", "any role"),
    "parameters": ("Parameter", "Parameters"),
    "parameter": ("Parameter", "Parameter"),
    "value": ("Wert", "Value"),
    "range": ("Bereich", "Range"),
    "meaning": ("Bedeutung", "Meaning"),
    "phases": ("Phasen", "Phases"),
    "overview": ("Überblick", "Overview"),
    "questions": ("Leitfragen", "Guiding questions"),
    "checklist": ("Checkliste", "Checklist"),
    "next": ("So geht es weiter", "How to move on"),
    "every_phase": ("In jeder laufenden Phase", "In every running phase"),
    "events": ("Was festgehalten wird", "What is recorded"),
    "invariants": ("Was immer gilt", "What always holds"),
    "invariants_text": ("Die Regeln oben sorgen dafür, dass jeder Stand eines Prozesses diese "
                        "Bedingungen erfüllt.", "The rules above make sure that every state "
                        "of a process meets these conditions."),
    "deadlines": ("Fristen", "Deadlines"),
    "deadlines_text": ("Nichts wird terminiert: ob etwas fällig ist, ergibt sich aus den "
                       "Einträgen eines Prozesses und dem Datum, an dem man fragt.",
                       "Nothing is scheduled: whether something is due follows from a "
                       "process's entries and the date one asks about."),
    "reminder": ("Erinnerung", "reminder"),
    "overdue": ("überfällig", "overdue"),
    "event": ("Ereignis", "Event"),
    "where_allowed": ("wann", "when"),
    "everywhere": ("in jeder laufenden Phase", "in every running phase"),
    "variant_of": ("Variante von", "Variant of"),
    "version": ("Version", "Version"),
    "series_count": ("{min} bis {max} {noun}", "{min} to {max} {noun}"),
    "series_noun": ("Phasen", "phases"),
    "series_noun_one": ("Phase", "phase"),
    "final_phase": ("Endphase", "Final phase"),
    "initial_phase": ("Startphase", "Initial phase"),
    "diagram": ("Phasenmodell", "Phase model"),
    "diagram_text": ("Mermaid-Quelltext des Phasenmodells (Graphviz ist nicht installiert)",
                     "Mermaid source of the phase model (Graphviz is not installed)"),
    "handbook": ("Handbuch", "Handbook"),
    "report": ("Statusbericht", "Status report"),
    "generated": ("Erstellt mit verantwortung", "Made with verantwortung"),
    "as_of": ("Stand", "As of"),
    "timeline": ("Verlauf", "Timeline"),
    "projects": ("Projekte", "Projects"),
    "what_next": ("Was als Nächstes möglich ist", "What can be done next"),
    "advisories": ("Hinweise", "Advisories"),
    "no_entries": ("Noch keine Einträge.", "No entries yet."),
    "no_advisories": ("Keine Hinweise.", "No advisories."),
    "date": ("Datum", "Date"),
    "what": ("Was", "What"),
    "detail": ("Details", "Details"),
    "by": ("Von", "By"),
    "phase": ("Phase", "Phase"),
    "status": ("Status", "Status"),
    "region": ("Region", "Region"),
    "template": ("Vorlage", "Template"),
    "process": ("Prozess", "Process"),
    "events_count": ("Ereignisse", "events"),
    "events_one": ("Ereignis", "event"),
    "possible_events": ("Jetzt festzuhalten", "Can be recorded now"),
    "final_reached": ("Der Prozess ist beendet; hier geschieht nichts mehr.",
                      "The process has ended; nothing more can happen."),
    "process_started": ("Prozess gestartet", "Process started"),
    "fallback_diagram": ("Phasenverlauf", "Phase progress"),
    "optional": ("optional", "optional"),
    "more": ("weitere", "more"),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "de" else pair[1]


def ui(key: str, lang: str, **values: Any) -> str:
    """A UI text in ``lang``, its ``{placeholders}`` filled from ``values``."""
    text = _pick(_UI[key], lang)
    return text.format(**values) if values else text


def label(text: Any, lang: str, fallback: str = "") -> str:
    """A template ``Text`` (or a de/en mapping) in ``lang``; ``fallback`` when empty."""
    if text is None:
        return fallback
    if isinstance(text, Mapping):
        got = text.get(lang) or text.get("de") or text.get("en")
        return str(got) if got else fallback
    return str(text.get(lang)) or fallback
