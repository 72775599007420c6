"""The words of the pages, in German and English."""

from __future__ import annotations

from typing import Any

__all__ = ["LANGS", "Words", "words"]

LANGS = ("de", "en")

_WORDS: dict[str, tuple[str, str]] = {
    "app": ("Verantwortungspartner", "Verantwortungspartner"),
    "skip": ("Zum Inhalt springen", "Skip to content"),
    "processes": ("Prozesse", "Processes"),
    "no_processes": ("Noch kein Prozess. Legen Sie den ersten an.",
                     "No process yet. Start the first one."),
    "region": ("Region", "Region"),
    "template": ("Vorlage", "Template"),
    "phase": ("Phase", "Phase"),
    "events_n": ("Ereignisse", "Events"),
    "updated": ("Zuletzt geändert", "Last change"),
    "new_process": ("Neuer Prozess", "New process"),
    "choose_template": ("Vorlage wählen", "Choose the template"),
    "next": ("Weiter", "Next"),
    "parameters": ("Parameter der Region", "The region's parameters"),
    "start": ("Prozess anlegen", "Start the process"),
    "timeline": ("Phasenverlauf", "Phase timeline"),
    "passed": ("abgeschlossen", "passed"),
    "current": ("aktuell", "current"),
    "ahead": ("noch offen", "ahead"),
    "steps": ("Phasenwechsel", "Phase steps"),
    "events": ("Ereignisse erfassen", "Record events"),
    "other_events": ("In dieser Phase nicht möglich", "Not possible in this phase"),
    "do": ("Ausführen", "Do it"),
    "record": ("Erfassen", "Record"),
    "preview": ("Würde das gehen?", "Would this pass?"),
    "would_pass": ("Mit diesen Angaben ginge es.", "With these entries it would pass."),
    "would_fail": ("Mit diesen Angaben ginge es nicht:", "With these entries it would not pass:"),
    "unavailable": ("Jetzt nicht möglich:", "Not possible now:"),
    "refused": ("Abgelehnt:", "Refused:"),
    "done": ("Erledigt: {label} (Ereignis {seq}).", "Done: {label} (event {seq})."),
    "advice": ("Hinweis", "Advice"),
    "required": ("Pflichtfeld", "required"),
    "history": ("Verlauf", "History"),
    "report": ("Statusbericht", "Status report"),
    "handbook": ("Handbuch der Vorlage", "Handbook of the template"),
    "diagram": ("Phasendiagramm", "Phase diagram"),
    "when": ("Wann", "When"),
    "who": ("Wer", "Who"),
    "what": ("Was", "What"),
    "details": ("Angaben", "Details"),
    "back": ("Zurück zum Prozess", "Back to the process"),
    "sign_in": ("Anmelden", "Sign in"),
    "sign_out": ("Abmelden", "Sign out"),
    "user": ("Benutzername", "User name"),
    "password": ("Passwort", "Password"),
    "bad_login": ("Benutzername oder Passwort stimmt nicht.",
                  "The user name or the password is wrong."),
    "signed_in_as": ("Angemeldet als {name}", "Signed in as {name}"),
    "local_user": ("Lokaler Zugang mit allen Rollen", "Local access with every role"),
    "language": ("Sprache", "Language"),
    "other_lang": ("English", "Deutsch"),
    "not_found": ("Nicht gefunden", "Not found"),
    "not_found_text": ("Diese Seite oder diesen Prozess gibt es nicht.",
                       "This page or process does not exist."),
    "forbidden": ("Nicht erlaubt", "Not allowed"),
    "csrf": ("Das Formular ist abgelaufen oder kam nicht von dieser Seite. Bitte laden Sie "
             "die Seite neu und versuchen Sie es noch einmal.",
             "The form expired or did not come from this page. Please reload the page and "
             "try again."),
    "final": ("Endphase: hier geschieht nichts mehr.", "Final phase: nothing more can happen."),
    "no_diagram": ("Graphviz ist nicht installiert; das Diagramm folgt als Mermaid-Text.",
                   "Graphviz is not installed; here is the diagram as Mermaid text."),
    "stale": ("Jemand anderes hat inzwischen etwas erfasst. Bitte prüfen und erneut senden.",
              "Someone else recorded something meanwhile. Please check and send again."),
    "yes": ("ja", "yes"),
    "none_selected": ("– keine Auswahl –", "– none –"),
    "due": ("Fällig", "Due"),
    "due_on": ("Fällig am {date}", "Due on {date}"),
    "nothing_due": ("Am {date} ist nichts fällig.", "Nothing is due on {date}."),
    "overdue": ("überfällig", "overdue"),
    "reminder": ("Erinnerung", "reminder"),
    "due_since": ("seit {date}", "since {date}"),
    "as_of": ("Stand am", "As of"),
    "show": ("Anzeigen", "Show"),
    "bad_date": ("Kein gültiges Datum", "Not a valid date"),
    "bad_date_text": ("Bitte geben Sie das Datum als JJJJ-MM-TT an, etwa 2013-01-01.",
                      "Please give the date as YYYY-MM-DD, for example 2013-01-01."),
}


class Words:
    """The page words of one language: ``w("done", label=..., seq=...)``."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGS else LANGS[0]
        self._i = LANGS.index(self.lang)

    def __call__(self, key: str, **values: Any) -> str:
        text = _WORDS[key][self._i]
        return text.format(**values) if values else text


def words(lang: str) -> Words:
    """The words of ``lang`` (German for a language the pages do not speak)."""
    return Words(lang)
