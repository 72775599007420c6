"""The generic refusal reasons, with their messages in German and English."""

from __future__ import annotations

from typing import Any

from ..model.process import Reason

__all__ = ["GENERIC", "generic", "judge"]

#: code -> (German, English); placeholders are filled from the keyword arguments
GENERIC: dict[str, tuple[str, str]] = {
    "not_in_phase": (
        "{name} ist in der Phase {phase} nicht möglich.",
        "{name} is not possible in phase {phase}.",
    ),
    "role_not_allowed": (
        "Die Rolle {role} darf {name} nicht auslösen; erlaubt: {roles}.",
        "Role {role} may not fire {name}; allowed: {roles}.",
    ),
    "event_out_of_order": (
        "Der Zeitpunkt {at} liegt vor dem letzten Ereignis ({last}).",
        "Timestamp {at} is before the last event ({last}).",
    ),
    "invalid_timestamp": (
        "Der Zeitpunkt {at} ist kein gültiges Datum (JJJJ-MM-TT[THH:MM]).",
        "Timestamp {at} is not a valid date or time (YYYY-MM-DD[THH:MM]).",
    ),
    "timestamp_in_future": (
        "Der Zeitpunkt {at} liegt mehr als {hours} Stunden nach der aktuellen Uhrzeit ({now}).",
        "Timestamp {at} is more than {hours} hours after the current time ({now}).",
    ),
    "invalid_actor": (
        "Der Akteur {actor} {problem_de}.",
        "The actor {actor} {problem_en}.",
    ),
    "unknown_role": (
        "Die Rolle {role} gibt es in dieser Vorlage nicht; Rollen: {roles}.",
        "Role {role} does not exist in this template; roles: {roles}.",
    ),
    "unknown_trigger": (
        "{name} ist weder Auslöser noch Ereignis dieser Vorlage; bekannt: {known}.",
        "{name} is neither a trigger nor an event of this template; known: {known}.",
    ),
    "invalid_payload": ("Ungültige Nutzdaten: {problem}", "Invalid payload: {problem}"),
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
        "{record}: Wechsel von {old} zu {new} ist nicht vorgesehen; möglich: {allowed}.",
        "{record}: moving from {old} to {new} is not allowed; possible: {allowed}.",
    ),
}


class _Defaults(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "–"


def generic(code: str, **seen: Any) -> Reason:
    """A reason with one of the generic codes, its messages filled from ``seen``."""
    de, en = GENERIC[code]
    return Reason.deferred(code, de, en, _Defaults(seen), seen=seen)


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
