"""The generic refusal reasons, with their messages in German and English."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ..model.process import Reason

__all__ = ["GENERIC", "generic", "judge", "role_reasons"]

#: code -> (German, English); placeholders are filled from the keyword arguments
GENERIC: dict[str, tuple[str, str]] = {
    "not_in_phase": (
        "{name!r} ist in der Phase {phase!r} nicht möglich.",
        "{name!r} is not possible in phase {phase!r}.",
    ),
    "role_not_allowed": (
        "Die Rolle {role!r} darf {name!r} nicht auslösen; erlaubt: {roles}.",
        "Role {role!r} may not fire {name!r}; allowed: {roles}.",
    ),
    "event_out_of_order": (
        "Der Zeitpunkt {at} liegt vor dem letzten Ereignis ({last}).",
        "Timestamp {at} is before the last event ({last}).",
    ),
    "invalid_timestamp": (
        "Der Zeitpunkt {at!r} ist kein gültiges Datum (JJJJ-MM-TT[THH:MM]).",
        "Timestamp {at!r} is not a valid date or time (YYYY-MM-DD[THH:MM]).",
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
        "Die Rolle {role!r} gibt es in dieser Vorlage nicht; Rollen: {roles}.",
        "Role {role!r} does not exist in this template; roles: {roles}.",
    ),
    "unknown_trigger": (
        "{name!r} ist weder Auslöser noch Ereignis dieser Vorlage; bekannt: {known}.",
        "{name!r} is neither a trigger nor an event of this template; known: {known}.",
    ),
    "invalid_payload": ("Ungültige Nutzdaten: {problem}", "Invalid payload: {problem}"),
    "status_move_not_allowed": (
        "{record!r}: Wechsel von {old!r} zu {new!r} ist nicht vorgesehen; möglich: {allowed}.",
        "{record!r}: moving from {old!r} to {new!r} is not allowed; possible: {allowed}.",
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


def role_reasons(actor: str | None, known: Collection[str], name: str,
                 allowed: Collection[str] | None) -> list[Reason]:
    """Why ``actor`` may not fire ``name``: a role the template does not know, or one that
    is not among ``allowed`` (None: every role); empty when it may, or without an actor."""
    role = actor.partition(":")[0] if actor is not None else None
    if role is None:
        return []
    if known and role not in known:
        return [generic("unknown_role", role=role, roles=", ".join(sorted(known)))]
    if allowed is not None and role not in allowed:
        return [generic("role_not_allowed", role=role, name=name,
                        roles=", ".join(sorted(allowed)))]
    return []
