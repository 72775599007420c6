"""The method's glossary: labels of choice values and field names, in German and English.

Templates label phases, triggers, events, collections and parameters, and may label
their fields and choice values; for what they leave out, this glossary of the
method's vocabulary gives the words (``company`` -> Unternehmen). Every layer that
writes for people reads it: the engine's refusals, the renderers, the web pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["GLOSSARY", "field_label", "listing", "quote", "value_label"]

#: value or field id -> (German, English)
GLOSSARY: dict[str, tuple[str, str]] = {
    # partner kinds
    "company": ("Unternehmen", "Company"),
    "municipality": ("Kommune", "Municipality"),
    "district": ("Landkreis", "District"),
    "association": ("Verein", "Association"),
    "social_organisation": ("Soziale Organisation", "Social organisation"),
    "chamber": ("Kammer", "Chamber"),
    "business_association": ("Wirtschaftsverband", "Business association"),
    "foundation": ("Stiftung", "Foundation"),
    "education": ("Bildungseinrichtung", "Educational institution"),
    "other": ("Sonstige", "Other"),
    # company sizes
    "micro": ("Kleinstunternehmen", "Micro enterprise"),
    "small": ("Kleines Unternehmen", "Small enterprise"),
    "medium": ("Mittleres Unternehmen", "Medium-sized enterprise"),
    "large": ("Großunternehmen", "Large enterprise"),
    # project status
    "idea": ("Idee", "Idea"),
    "planned": ("Geplant", "Planned"),
    "running": ("In Umsetzung", "In progress"),
    "completed": ("Abgeschlossen", "Completed"),
    "continuing": ("Wird fortgeführt", "Continuing"),
    "handed_over": ("Übergeben", "Handed over"),
    "dropped": ("Verworfen", "Dropped"),
    # outcome kinds
    "product": ("Produkt", "Product"),
    "programme": ("Programm", "Programme"),
    "social_enterprise": ("Sozialunternehmen", "Social enterprise"),
    "educational_institution": ("Gründung einer Bildungseinrichtung",
                                "Founding of an educational institution"),
    "publication": ("Veröffentlichung", "Publication"),
    # consolidation forms
    "working_group": ("Arbeitskreis", "Working group"),
    "neighbour_extension": ("Ausweitung auf Nachbarregionen", "Extension to neighbouring regions"),
    "cooperation_agreement": ("Kooperationsvereinbarung", "Cooperation agreement"),
    "network_membership": ("Mitgliedschaft in einem Netzwerk", "Network membership"),
    # scheduled event kinds
    "kickoff": ("Auftaktveranstaltung", "Kick-off event"),
    "milestone": ("Meilensteintreffen", "Milestone meeting"),
    "impulse": ("Impulsveranstaltung", "Impulse event"),
    "closing": ("Abschlussveranstaltung", "Closing event"),
    # field names
    "kind": ("Art", "kind"),
    "size": ("Größe", "size"),
    "status": ("Status", "status"),
    "speaker": ("Sprecherin oder Sprecher", "spokesperson"),
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
    "attendance": ("Zahl der Teilnehmenden", "attendance"),
    "minutes": ("Protokoll", "minutes"),
    "id": ("Kennung", "id"),
    "details": ("Einzelheiten", "details"),
    "notes": ("Anmerkungen", "notes"),
    "organisation": ("Organisation", "organisation"),
    "category": ("Kategorie", "category"),
    "horizon_year": ("Zieljahr", "target year"),
    "owner": ("Träger", "owner"),
    "lead": ("Leitung", "lead"),
    "members": ("Mitglieder", "members"),
    "project": ("Projekt", "project"),
    "to": ("Übernommen von", "taken over by"),
    "summary": ("Zusammenfassung", "summary"),
    "phase": ("Phase", "phase"),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "de" else pair[1]


def quote(text: str, lang: str) -> str:
    """``text`` in the typographic quotes of ``lang``."""
    return f"„{text}“" if lang == "de" else f"“{text}”"


def listing(items: Sequence[str], lang: str, last: str = "and") -> str:
    """Words as a list a person writes: "A, B und C"; ``last`` "and" or "or"."""
    if len(items) < 2:
        return "".join(items)
    word = {"and": ("und", "and"), "or": ("oder", "or")}[last]
    return f"{', '.join(items[:-1])} {_pick(word, lang)} {items[-1]}"


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
    pair = GLOSSARY.get(str(value))
    return _pick(pair, lang) if pair else str(value)


def field_label(name: str, lang: str, declared: Any = None) -> str:
    """The label of a field: the template's own label, the glossary's, or the name."""
    text = getattr(declared, "label", None)
    if text is not None:
        got = text.get(lang)
        if got:
            return str(got)
    pair = GLOSSARY.get(name)
    return _pick(pair, lang) if pair else name.replace("_", " ")
