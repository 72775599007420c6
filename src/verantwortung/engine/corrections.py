"""Corrections and retractions: what an earlier domain event counts as, never the event.

``event_corrected`` (payload: ``event``, the id of an earlier domain event; ``reason``;
``payload``, its new payload) and ``event_retracted`` (``event``, ``reason``) are written
by the library. The stored events stay as they are; the process's state is the fold of
its *effective* history: every domain event with the payload of its latest correction,
without the retracted ones. A correction is accepted only when that history still
replays under the template's rules, from the start: otherwise it is refused with the
reasons of every event that would no longer be possible ("the kick-off relied on it"),
and nothing changes.

Who may write them is the template's choice (``corrections: {roles: [...]}``, default
``facilitator``); a call without an actor is trusted, as for every event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from ..exceptions import RefusalReason, TransitionRefused
from ..model.process import START_EVENT, Event, Fired, Reason, split_actor
from ..model.text import check_text
from .reasons import generic

if TYPE_CHECKING:
    from .process import Process
    from .state import State

__all__ = ["CORRECTED", "ERASED", "LABELS", "LIBRARY_EVENTS", "LIBRARY_FIELDS", "RETRACTED",
           "Correcting", "Refolded",
           "describe", "effective_history", "invalid", "library_event", "refold"]

CORRECTED, RETRACTED, ERASED = "event_corrected", "event_retracted", "person_erased"
#: events only the library writes; they are not in any template
LIBRARY_EVENTS = frozenset({CORRECTED, RETRACTED, ERASED})
#: their labels, for histories, reports and the feed
LABELS = {CORRECTED: {"de": "Ereignis korrigiert", "en": "Event corrected"},
          RETRACTED: {"de": "Ereignis zurückgenommen", "en": "Event retracted"},
          ERASED: {"de": "Personenbezogene Angaben gelöscht", "en": "Personal data erased"}}
#: the payload fields of each (``event`` names an earlier event by its id or its sequence
#: number; the stored payload always has the id)
LIBRARY_FIELDS = {CORRECTED: ("event", "reason", "payload"), RETRACTED: ("event", "reason"),
                  ERASED: ("person", "reason", "collection", "fields")}


def invalid(name: str, field: str, de: str, en: str) -> Reason:
    """An ``invalid_payload`` reason about one field of a library event."""
    return Reason("invalid_payload", f"{name}: {de}", f"{name}: {en}",
                  seen={"field": field, "problem": "library_event"})


def _role_reasons(proc: Process, name: str, actor: str | None) -> list[Reason]:
    if actor is None:
        return []
    role = split_actor(actor).role
    tpl = proc.template
    if tpl.roles and role not in tpl.roles:
        return [generic("unknown_role", role=role, roles=", ".join(sorted(tpl.roles)))]
    if role not in tpl.correction_roles:
        return [generic("role_not_allowed", role=role, name=name,
                        roles=", ".join(sorted(tpl.correction_roles)) or "–")]
    return []


def _fields(name: str, payload: Mapping[str, Any] | None) -> tuple[dict[str, Any],
                                                                   list[Reason]]:
    """The payload's known fields, with a clean ``reason``; reasons for what is wrong."""
    data = dict(payload or {})
    problems = [invalid(name, k, f"das Feld {k} gibt es hier nicht; erlaubt: "
                        f"{', '.join(LIBRARY_FIELDS[name])}", f"there is no field {k}; allowed: "
                        f"{', '.join(LIBRARY_FIELDS[name])}")
                for k in data if k not in LIBRARY_FIELDS[name]]
    reason = data.get("reason")
    text, problem = check_text(reason, "text") if isinstance(reason, str) else ("", None)
    if not text.strip():
        problems.append(invalid(name, "reason", "ein Grund (Text) ist nötig",
                                "a reason (a text) is required"))
    elif problem is not None:
        problems.append(invalid(name, "reason", f"der Grund {problem.de}",
                                f"the reason {problem.en}"))
    data["reason"] = text
    return data, problems


def library_event(proc: Process, name: str, actor: str | None,
                  payload: Mapping[str, Any] | None, at: dt.datetime) -> dict[str, Any]:
    """Judge a library event; on success its effect is applied and its clean payload
    returned; otherwise TransitionRefused with every reason (nothing changed)."""
    reasons: list[RefusalReason] = list(_role_reasons(proc, name, actor))
    last = proc.events_since(proc.version - 1)[-1].at
    if at < last:
        reasons.append(generic("event_out_of_order", at=at.isoformat(), last=last.isoformat()))
    data, problems = _fields(name, payload)
    reasons.extend(problems)
    if not reasons:
        if name == ERASED:
            from .erasure import erase_in_state

            data, erasing = erase_in_state(proc, data)
            reasons.extend(erasing)
        else:
            data, correcting = _correct(proc, name, data)
            reasons.extend(correcting)
    if reasons:
        raise proc._refusal(TransitionRefused(name, proc.phase, reasons))
    return data


def _correct(proc: Process, name: str, data: dict[str, Any]
             ) -> tuple[dict[str, Any], Sequence[RefusalReason]]:
    history = proc._all_events()
    target_id = data.get("event")
    target = None
    if isinstance(target_id, str):
        target = next((e for e in history if e.id == target_id), None)
    elif type(target_id) is int and 0 < target_id <= len(history):  # a sequence number
        target = history[target_id - 1]
    if target is None:
        return data, [generic("unknown_event", event=str(target_id)[:100])]
    data["event"] = target.id
    ct = proc._ct
    ev = ct.events.get(target.kind)
    if ev is None:
        trig = ct.triggers.get(target.kind)
        start = target.kind == START_EVENT
        return data, [generic("not_correctable", event=target.id, seq=target.seq,
                              label_de=trig.label_de if trig else (
                                  "Start des Prozesses" if start else target.kind),
                              label_en=trig.label_en if trig else (
                                  "start of the process" if start else target.kind))]
    new: Mapping[str, Any] | None = None
    if name == CORRECTED:
        new = data.get("payload")
        if not isinstance(new, Mapping):
            return data, [invalid(name, "payload", "die neuen Nutzdaten (ein Objekt) fehlen",
                                  "the new payload (an object) is missing")]
    if _overrides(history).get(target.id, target.payload) is None:
        return data, [generic("already_retracted", event=target.id, seq=target.seq)]
    refolded = refold(proc, history, {target.id: new}, target)
    if refolded.reasons:
        return data, refolded.reasons
    proc._state = refolded.state
    if name == CORRECTED:
        data["payload"] = refolded.payload
    return {k: data[k] for k in LIBRARY_FIELDS[name] if k in data}, []


def _overrides(history: Iterable[Event]) -> dict[str, Any]:
    """Event id -> its payload as corrected (None: retracted), from the log's corrections."""
    out: dict[str, Any] = {}
    for e in history:
        if e.kind == CORRECTED:
            out[e.payload["event"]] = e.payload["payload"]
        elif e.kind == RETRACTED:
            out[e.payload["event"]] = None
    return out


def effective_history(history: Iterable[Event],
                      extra: Mapping[str, Any] | None = None) -> list[Event]:
    """The history as it counts: corrected payloads, no retracted events, no corrections.

    ``extra`` adds overrides (event id -> new payload, None to retract) after the log's.
    """
    events = list(history)
    overrides = _overrides(events)
    if extra:
        overrides.update(extra)
    out = []
    for e in events:
        if e.kind in (CORRECTED, RETRACTED):
            continue
        if e.id in overrides:
            payload = overrides[e.id]
            if payload is None:
                continue
            e = e._replace(payload=payload)
        out.append(e)
    return out


class Refolded(NamedTuple):
    """A history replayed with a correction: the new state, the reasons against it (empty
    when it replays) and the clean payload the corrected event has in it."""

    state: State
    reasons: list[RefusalReason]
    payload: dict[str, Any]


def refold(proc: Process, history: list[Event], extra: Mapping[str, Any],
           target: Event) -> Refolded:
    """Replay the effective history with ``extra`` from the start on a fresh state.

    A refused domain event is skipped and the replay goes on, so that every event that
    would break is named; a refused phase change ends it (what follows depends on the
    phase), and so does a new payload that its own event refuses.
    """
    fresh = type(proc)(proc._ct, proc.id, proc.region)
    events = effective_history(history, extra)
    fresh._history.append(events[0])
    reasons: list[RefusalReason] = []
    clean: dict[str, Any] = {}
    for e in events[1:]:
        try:
            fired = fresh._fire(e.kind, e.actor, e.payload, e.at, None)
        except TransitionRefused as exc:
            if e.id == target.id:  # the new payload itself does not fit: that is all
                reasons.extend(exc.reasons)
                break
            else:
                reasons.extend(_relied(proc, e, r) for r in exc.reasons)
            if e.kind in proc._ct.triggers:
                break
            continue
        if e.id == target.id:
            clean = dict(fired.event.payload)
    return Refolded(fresh._state, reasons, clean)


def _relied(proc: Process, e: Event, reason: RefusalReason) -> Reason:
    """``reason`` as said of a later event that relied on the corrected one."""
    item = proc._ct.triggers.get(e.kind) or proc._ct.events.get(e.kind)
    return generic("history_would_break", seq=e.seq, date=e.at.date().isoformat(),
                   date_de=e.at.strftime("%d.%m.%Y"),
                   what_de=item.label_de if item else e.kind,
                   what_en=item.label_en if item else e.kind, refused=reason.code,
                   detail_de=reason.message_de, detail_en=reason.message_en, event=e.id)


def describe(proc: Process, event: Event, lang: str) -> str:
    """What a library event did, in a line: the event it corrects, or the person, and why."""
    payload, de = event.payload, lang == "de"
    if event.kind == ERASED:
        who = f"{'Person' if de else 'person'} {payload.get('person')}"
        return f"{who} – {payload.get('reason', '')}"
    target = next((e for e in proc.history if e.id == payload.get("event")), None)
    if target is None:
        return str(payload.get("reason", ""))
    item = proc._ct.triggers.get(target.kind) or proc._ct.events.get(target.kind)
    name = (item.label_de if de else item.label_en) if item else target.kind
    return f"{'Ereignis' if de else 'event'} {target.seq} ({name}) – {payload.get('reason', '')}"


class _Firing(Protocol):
    """What the corrections need of the process they are mixed into."""

    def fire(self, name: str, *, actor: str | None = None,
             payload: Mapping[str, Any] | None = None,
             at: dt.datetime | dt.date | str | None = None) -> Fired: ...

    def _all_events(self) -> list[Event]: ...


class Correcting:
    """What :class:`Process` offers for corrections (the methods write library events)."""

    __slots__ = ()

    def correct(self: _Firing, event_id: str, payload: Mapping[str, Any], *, reason: str,
                actor: str | None = None, at: dt.datetime | dt.date | str | None = None
                ) -> Fired:
        """Correct the payload of an earlier domain event (``event_corrected``).

        Accepted only when the history with the new payload still replays; otherwise
        TransitionRefused names every event that relied on the old one.
        """
        return self.fire(CORRECTED, actor=actor, at=at, payload={
            "event": event_id, "reason": reason, "payload": dict(payload)})

    def retract(self: _Firing, event_id: str, *, reason: str, actor: str | None = None,
                at: dt.datetime | dt.date | str | None = None) -> Fired:
        """Take back an earlier domain event (``event_retracted``), on the same terms."""
        return self.fire(RETRACTED, actor=actor, at=at,
                         payload={"event": event_id, "reason": reason})

    def effective_history(self: _Firing) -> tuple[Event, ...]:
        """The events as they count: corrections applied, retracted events left out.

        :attr:`history` keeps every event as written, the corrections with them.
        """
        return tuple(effective_history(self._all_events()))
