"""Words the renderers show: UI texts and labels of choice values, in German and English.

Templates label phases, triggers, events, collections and parameters, but not the
values of a ``choice`` field (``company``, ``running``) nor most field names. The
renderers read them from this glossary of the method's vocabulary; a value it does
not know is shown as written in the template.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["LANGS", "field_label", "label", "ui", "value_label"]

LANGS = ("de", "en")

#: value or field id -> (German, English)
_GLOSSARY: dict[str, tuple[str, str]] = {
    # partner kinds
    "company": ("Unternehmen", "Company"),
    "municipality": ("Kommune", "Municipality"),
    "district": ("Landkreis", "District"),
    "association": ("Verein", "Association"),
    "social_organisation": ("Soziale Organisation", "Social organisation"),
    "chamber": ("Kammer", "Chamber"),
    "business_association": ("Wirtschaftsverband", "Business association"),
    "foundation": ("Stiftung", "Foundation"),
    "education": ("Bildungseinrichtung", "Education"),
    "other": ("Sonstige", "Other"),
    # company sizes
    "micro": ("Kleinstunternehmen", "Micro"),
    "small": ("Klein", "Small"),
    "medium": ("Mittel", "Medium"),
    "large": ("Groß", "Large"),
    # project status
    "idea": ("Idee", "Idea"),
    "planned": ("Geplant", "Planned"),
    "running": ("Läuft", "Running"),
    "completed": ("Abgeschlossen", "Completed"),
    "continuing": ("Wird fortgeführt", "Continuing"),
    "handed_over": ("Übergeben", "Handed over"),
    "dropped": ("Verworfen", "Dropped"),
    # outcome kinds
    "product": ("Produkt", "Product"),
    "programme": ("Programm", "Programme"),
    "social_enterprise": ("Sozialunternehmen", "Social enterprise"),
    "educational_institution": ("Bildungseinrichtung", "Educational institution"),
    "publication": ("Veröffentlichung", "Publication"),
    # consolidation forms
    "working_group": ("Arbeitskreis", "Working group"),
    "neighbour_extension": ("Ausweitung auf Nachbarregionen", "Extension to neighbouring regions"),
    "cooperation_agreement": ("Kooperationsvereinbarung", "Cooperation agreement"),
    "network_membership": ("Mitgliedschaft in einem Netzwerk", "Network membership"),
    # scheduled event kinds
    "kickoff": ("Auftakt", "Kick-off"),
    "milestone": ("Meilensteintreffen", "Milestone meeting"),
    "impulse": ("Impulsveranstaltung", "Impulse event"),
    "closing": ("Abschluss", "Closing"),
    # field names
    "kind": ("Art", "kind"),
    "size": ("Größe", "size"),
    "status": ("Status", "status"),
    "speaker": ("Sprecher", "speaker"),
    "reason": ("Begründung", "reason"),
    "partner": ("Partner", "partner"),
    "name": ("Name", "name"),
    "title": ("Titel", "title"),
    "text": ("Text", "text"),
    "theme": ("Thema", "theme"),
    "team": ("Team", "team"),
    "form": ("Form", "form"),
    "date": ("Datum", "date"),
    "host": ("Gastgeber", "host"),
    "attendance": ("Teilnehmende", "attendance"),
    "minutes": ("Protokoll", "minutes"),
}

_UI: dict[str, tuple[str, str]] = {
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
    "invariants_text": ("Die Regeln oben sorgen dafür, dass jeder Stand eines Prozesses das "
                        "erfüllt.", "The rules above make sure every state of a process "
                        "meets these."),
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
    "meetings": ("Veranstaltungen", "Meetings held"),
    "projects": ("Projekte", "Projects"),
    "what_next": ("Was als Nächstes möglich ist", "What can be done next"),
    "advisories": ("Hinweise", "Advisories"),
    "network": ("Das Netzwerk", "The network"),
    "partners_by_kind": ("Partner nach Art", "Partners by kind"),
    "no_entries": ("Noch keine Einträge.", "No entries yet."),
    "no_projects": ("Noch keine Projekte.", "No projects yet."),
    "no_partners": ("Noch keine Partner.", "No partners yet."),
    "no_advisories": ("Keine Hinweise.", "No advisories."),
    "date": ("Datum", "Date"),
    "what": ("Was", "What"),
    "detail": ("Details", "Details"),
    "by": ("Von", "By"),
    "phase": ("Phase", "Phase"),
    "status": ("Status", "Status"),
    "team": ("Team", "Team"),
    "theme": ("Thema", "Theme"),
    "attendance": ("Teilnehmende", "Attendance"),
    "region": ("Region", "Region"),
    "template": ("Vorlage", "Template"),
    "process": ("Prozess", "Process"),
    "events_count": ("Ereignisse", "events"),
    "partners": ("Partner", "Partners"),
    "circle_companies": ("Unternehmen im Initiativkreis", "Companies in the initiative circle"),
    "teams": ("Projektteams", "Project teams"),
    "outcomes": ("Ergebnisse", "Outcomes"),
    "vision": ("Vision", "Vision"),
    "goals": ("Ziele", "Goals"),
    "consolidation": ("Verstetigung", "Consolidation"),
    "possible_events": ("Jetzt festzuhalten", "Can be recorded now"),
    "final_reached": ("Der Prozess ist abgeschlossen; hier geschieht nichts mehr.",
                      "The process has ended; nothing more can happen."),
    "process_started": ("Prozess gestartet", "Process started"),
    "speaker_mark": ("Sprecher", "speaker"),
    "circle": ("Initiativkreis", "Initiative circle"),
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


def value_label(value: Any, lang: str, field: Any = None) -> str:
    """The label of a choice value (``company`` -> ``Unternehmen``), else the value.

    The ``labels:`` the template gives that choice field come first (the same value can
    read differently in two fields: a partner that is an ``association`` is a Verein,
    a consolidation as ``association`` is a Vereinsgründung); the built-in glossary is
    the fallback for templates without labels.
    """
    if isinstance(value, bool):
        return ("ja" if value else "nein") if lang == "de" else ("yes" if value else "no")
    text = (getattr(field, "labels", None) or {}).get(str(value))
    if text is not None and text.get(lang):
        return str(text.get(lang))
    pair = _GLOSSARY.get(str(value))
    return _pick(pair, lang) if pair else str(value)


def field_label(name: str, lang: str, declared: Any = None) -> str:
    """The label of a field: the template's own label, the glossary's, or the name."""
    text = getattr(declared, "label", None)
    if text is not None:
        got = text.get(lang)
        if got:
            return str(got)
    pair = _GLOSSARY.get(name)
    return _pick(pair, lang) if pair else name


def label(text: Any, lang: str, fallback: str = "") -> str:
    """A template ``Text`` (or a de/en mapping) in ``lang``; ``fallback`` when empty."""
    if text is None:
        return fallback
    if isinstance(text, Mapping):
        got = text.get(lang) or text.get("de") or text.get("en")
        return str(got) if got else fallback
    return str(text.get(lang)) or fallback
