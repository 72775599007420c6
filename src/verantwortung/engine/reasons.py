"""The generic refusal reasons, with their messages in German and English.

What a reason saw stays machine-readable (ids in ``seen``); what a person reads names
things by their labels: a :class:`Vocabulary` of the template turns the trigger,
phase and role ids of ``seen`` into „Auftaktveranstaltung durchführen“ and
„Vorbereitungsphase“ when the message is rendered.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from typing import Any

from ..model.glossary import listing, quote
from ..model.process import Reason, actor_role
from ..model.template import ProcessTemplate, Series
from ..model.text import Plural

__all__ = ["GENERIC", "Vocabulary", "generic", "judge", "role_reasons"]

#: code -> (German, English); placeholders are filled from the values the reason saw,
#: ids shown by their labels
GENERIC: dict[str, tuple[str | Plural, str | Plural]] = {
    "not_in_phase": (
        "{name} ist in der Phase {phase} nicht möglich.",
        "{name} is not possible in the phase {phase}.",
    ),
    "role_not_allowed": (
        "Die Rolle {role} darf {name} nicht auslösen; das dürfen {roles}.",
        "The role {role} may not trigger {name}; {roles} may.",
    ),
    "event_out_of_order": (
        "Der Zeitpunkt {at} liegt vor dem letzten Ereignis ({last}).",
        "The time {at} is before the last event ({last}).",
    ),
    "invalid_timestamp": (
        "Der Zeitpunkt „{at}“ ist kein gültiges Datum (JJJJ-MM-TT oder JJJJ-MM-TTTHH:MM).",
        "The time “{at}” is not a valid date or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM).",
    ),
    "timestamp_in_future": (
        Plural("hours", one="Der Zeitpunkt {at} liegt mehr als eine Stunde nach der "
               "aktuellen Uhrzeit ({now}).", other="Der Zeitpunkt {at} liegt mehr als "
               "{hours} Stunden nach der aktuellen Uhrzeit ({now})."),
        Plural("hours", one="The time {at} is more than an hour after the current time "
               "({now}).", other="The time {at} is more than {hours} hours after the "
               "current time ({now})."),
    ),
    "invalid_actor": (
        "Die Angabe, wer handelt, {problem_de}: „{actor}“.",
        "The name of who acts {problem_en}: “{actor}”.",
    ),
    "unknown_role": (
        "Die Rolle {role} gibt es in dieser Vorlage nicht; es gibt {roles}.",
        "The role {role} does not exist in this template; there are {roles}.",
    ),
    "unknown_trigger": (
        "Diese Vorlage kennt keinen Schritt und kein Ereignis {name}.",
        "This template has no step or event {name}.",
    ),
    "invalid_payload": ("Ungültige Angaben: {problem}", "Invalid entries: {problem}"),
    # corrections, retractions and erasure (library events)
    "unknown_event": (
        "Ein Ereignis mit der Kennung {event} gibt es in diesem Verlauf nicht.",
        "There is no event with the id {event} in this history.",
    ),
    "not_correctable": (
        "Ereignis {seq} ({label_de}) lässt sich nicht korrigieren oder zurücknehmen; das "
        "geht nur bei Sachereignissen, nicht beim Start, bei Phasenwechseln oder Korrekturen.",
        "Event {seq} ({label_en}) cannot be corrected or retracted; only domain events "
        "can, not the start, a phase change or a correction.",
    ),
    "already_retracted": (
        "Ereignis {seq} ist bereits zurückgenommen.",
        "Event {seq} has been retracted already.",
    ),
    "history_would_break": (
        "Ereignis {seq} vom {date_de} ({what_de}) beruht darauf: {detail_de}",
        "Event {seq} of {date} ({what_en}) relied on it: {detail_en}",
    ),
    "unknown_person": (
        "Eine Person mit der Kennung {person} gibt es hier nicht (gesucht in: {collections}).",
        "There is no person with the id {person} here (looked in: {collections}).",
    ),
    "nothing_personal": (
        "Diese Vorlage kennzeichnet keine Felder als personenbezogen; es gibt nichts zu löschen.",
        "This template marks no field as personal data; there is nothing to erase.",
    ),
    "status_move_not_allowed": (
        "„{record}“: ein Wechsel von „{old_de}“ zu „{new_de}“ ist nicht vorgesehen; möglich "
        "ist {allowed_de}.",
        "“{record}”: changing from “{old_en}” to “{new_en}” is not intended; it can change "
        "to {allowed_en}.",
    ),
}

#: what ``not_in_phase`` says in a final phase, and after the last member of a series
_ENDED = (
    "Der Prozess ist beendet ({phase}); {name} ist nicht mehr möglich.",
    "The process has ended ({phase}); {name} is no longer possible.",
)
_SERIES_FULL = (
    Plural("count", one="Die Methode sieht höchstens {max} {noun} vor; {count} hat "
           "stattgefunden.", other="Die Methode sieht höchstens {max} {noun} vor; {count} "
           "haben stattgefunden."),
    Plural("count", one="The method provides for at most {max} {noun}; {count} has been "
           "held.", other="The method provides for at most {max} {noun}; {count} have been "
           "held."),
)
_NONE = ("nichts", "nothing")
#: seen values that are ids of a step, a phase or a role: shown as their labels, quoted
_LABELLED = frozenset({"name", "phase", "role"})


class Vocabulary:
    """The labels of one template's steps, phases and roles, for generic reasons."""

    __slots__ = ("_ended", "_phases", "_roles", "_series", "_steps")

    def __init__(self, tpl: ProcessTemplate) -> None:
        self._steps = {t.id: t.label for t in tpl.triggers}
        self._steps.update({e.id: e.spec.label for e in tpl.events})
        self._phases = {p.id: p.label for p in tpl.phases}
        self._roles = {r: spec.label for r, spec in tpl.roles.items()}
        self._ended = {p.id for p in tpl.phases if p.final}
        #: the last member of a series -> (series, triggers that move along it)
        self._series: dict[str, tuple[Series, set[str]]] = {}
        for s in tpl.series:
            along = {t.id for t in tpl.triggers for e in t.transitions
                     if e.source in s.members and e.target in s.members}
            if along and s.members:
                self._series[s.members[-1]] = (s, along)

    def label(self, key: str, value: str, lang: str) -> str:
        """The label of the step, phase or role ``value`` (as ``key`` says), else itself."""
        table = {"name": self._steps, "phase": self._phases, "role": self._roles}[key]
        text = table.get(value)
        return text.get(lang) if text is not None else value

    def not_in_phase(self, name: str, phase: str) -> tuple[tuple[Any, Any], dict[str, Any]]:
        """The messages of ``not_in_phase`` for ``name`` in ``phase``, and extra values."""
        if phase in self._ended:
            return _ENDED, {}
        found = self._series.get(phase)
        if found is not None and name in found[1]:
            series = found[0]
            return _SERIES_FULL, {"max": series.max, "count": len(series.members),
                                  "series": series}
        return GENERIC["not_in_phase"], {}


class _Shown(Mapping[str, Any]):
    """The values a message is filled with: seen ids as labels of ``lang``, extras as given."""

    __slots__ = ("_extra", "_lang", "_seen", "_words")

    def __init__(self, seen: Mapping[str, Any], extra: Mapping[str, Any],
                 words: Vocabulary | None, lang: str) -> None:
        self._seen, self._extra, self._words, self._lang = seen, extra, words, lang

    def __getitem__(self, key: str) -> Any:
        if key == "noun" and "series" in self._extra:  # the noun agrees with the number
            series = self._extra["series"]
            noun = series.noun_one if self._extra["max"] == 1 else series.noun
            if noun is not None:
                return noun.get(self._lang)
            # no noun given: the series label without its number ("{n}. Treffen" -> Treffen)
            return re.sub(r"\{n\}\.?", "", series.label.get(self._lang)).strip(" .:-–")
        if key in self._extra:
            return self._extra[key]
        if key not in self._seen:
            return "–"
        value = self._seen[key]
        if key in _LABELLED:
            return self._label(key, str(value))
        if key == "roles":  # ids joined by ", "
            names = [self._label("role", r) for r in str(value).split(", ") if r]
            return listing(names, self._lang) or _NONE[self._lang != "de"]
        return value

    def _label(self, key: str, value: str) -> str:
        words, lang = self._words, self._lang
        return quote(words.label(key, value, lang) if words is not None else value, lang)

    def __contains__(self, key: object) -> bool:
        return True  # every placeholder gets a value, "–" when none was seen

    def __iter__(self) -> Iterator[str]:
        return iter({**self._seen, **self._extra})

    def __len__(self) -> int:
        return len({**self._seen, **self._extra})


def generic(code: str, words: Vocabulary | None = None, text: Mapping[str, Any] | None = None,
            **seen: Any) -> Reason:
    """A reason with one of the generic codes, its messages filled from ``seen``.

    ``words``: the template's labels, so ids read as names; ``text``: values for the
    message only (they are not part of what the reason saw).
    """
    extra = dict(text or {})
    if code == "not_in_phase" and words is not None:
        (de, en), more = words.not_in_phase(str(seen.get("name")), str(seen.get("phase")))
        extra.update(more)
    else:
        de, en = GENERIC[code]
    return Reason.deferred(code, de, en, _Shown(seen, extra, words, "de"), seen=seen,
                           values_en=_Shown(seen, extra, words, "en"))


def judge(reasons: tuple[Reason, ...], given: bool) -> tuple[bool, tuple[str, ...]]:
    """Allowed, and the payload fields still needed, for these reasons against firing.

    Without a payload (``given`` false), a reason that input alone resolves does not
    block; its fields are what the caller still has to give.
    """
    if not reasons:
        return True, ()
    fields = [f for r in reasons for f in r.needs_input]
    if not fields:
        return False, ()
    needs = tuple(dict.fromkeys(fields))
    return (False if given else all(r.needs_input for r in reasons)), needs


def role_reasons(actor: str | None, known: Collection[str], name: str,
                 allowed: Collection[str] | None, words: Vocabulary | None = None
                 ) -> list[Reason]:
    """Why ``actor`` may not fire ``name``: a role the template does not know, or one that
    is not among ``allowed`` (None: every role); empty when it may, or without an actor.

    ``words``: the template's labels, so the message names roles and steps by them."""
    role = actor_role(actor)
    if role is None:
        return []
    if known and role not in known:
        return [generic("unknown_role", words, role=role, roles=", ".join(sorted(known)))]
    if allowed is not None and role not in allowed:
        return [generic("role_not_allowed", words, role=role, name=name,
                        roles=", ".join(sorted(allowed)))]
    return []
