"""One region's run of the method: ``Process``.

A process is plain data: an id, a region, a template, and its event log. Its
phase and records are the fold of the log. ``fire`` checks a trigger or domain
event completely (phase, role, payload, references, time, every guard), then
appends one event; a refusal raises :class:`TransitionRefused` with *every*
reason and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, cast

from ..exceptions import ReplayError, TransitionRefused
from ..model.indicators import Indicator
from ..model.process import START_EVENT, Event, Fired, Option, Reason, freeze_payload
from ..model.template import ProcessTemplate
from .bulk import apply_run
from .checking import Checked, check_event, check_trigger
from .compiled import CompiledEvent, CompiledTemplate, CompiledTrigger, compiled
from .corrections import LIBRARY_EVENTS, Correcting, library_event
from .deadlines import Due, due_items
from .effects import own
from .indicators import indicator_values
from .inputs import beyond_horizon, clean_actor, shown, timestamp
from .migration import moved, replay_migrated, started
from .reasons import judge, role_reasons
from .starting import check_exported_phase, check_region, check_start, decoded, exported_history
from .state import State

__all__ = ["Listener", "Process", "RefusalListener"]

Listener = Callable[["Process", Event], None]
RefusalListener = Callable[["Process", TransitionRefused], None]


def _subscribed(listeners: list[Any], listener: Any) -> Callable[[], None]:
    listeners.append(listener)
    return lambda: listeners.remove(listener) if listener in listeners else None


class Process(Correcting):
    """One region's run of a process template. Build with :meth:`start` or :meth:`replay`."""

    __slots__ = ("__weakref__", "_base", "_ct", "_earlier", "_history", "_id", "_listeners",
                 "_refused", "_region", "_started", "_state")

    #: how far after the clock a new event may be dated: a typo such as ``9999-12-31``
    #: would otherwise put every later event out of order. Refused as
    #: ``timestamp_in_future``; set it on the class (or a subclass) to change it, None
    #: turns the check off. Replay does not apply it: a stored history is what it is.
    max_future: ClassVar[dt.timedelta | None] = dt.timedelta(days=1)

    def __init__(self, ct: CompiledTemplate, process_id: str, region: str) -> None:
        self._ct = ct
        self._id = process_id
        self._region = region
        self._state = State(ct.initial, ct.layout)
        # all events, or (restored lazily) those after the first _base, read by _earlier()
        self._history: list[Event] = []
        self._base, self._earlier = 0, cast("Callable[[], list[Event]] | None", None)
        self._started: dt.datetime | None = None  # the start, while the history is lazy
        self._listeners: list[Listener] | None = None  # made on the first subscribe
        self._refused: list[RefusalListener] | None = None  # rarely used: made on demand

    # -- construction -------------------------------------------------------------------

    @classmethod
    def start(cls, template: ProcessTemplate, *, region: str,
              parameters: Mapping[str, Any] | None = None, actor: str | None = None,
              at: dt.datetime | dt.date | str | None = None, process_id: str | None = None,
              listeners: Iterable[Listener] = ()) -> Process:
        """A new process in the template's initial phase; its first event records the start."""
        region = check_region(region)
        tpl = template.with_parameters(**parameters) if parameters else template
        proc = cls(compiled(tpl), process_id or os.urandom(16).hex(), region)
        if listeners:
            proc._listeners = list(listeners)
        # every value that differs from the default, however it was set (here or by
        # load_template(parameters=...)), and the template's digest: what replay checks
        payload: dict[str, Any] = {"region": region, "template_digest": proc._ct.digest}
        if proc._ct.changed_parameters:
            payload["parameters"] = dict(proc._ct.changed_parameters)
        proc._append(START_EVENT, actor, payload, timestamp(at))
        return proc

    @classmethod
    def replay(cls, template: ProcessTemplate, events: Iterable[Event | Mapping[str, Any]]
               ) -> Process:
        """Rebuild a process from its events; the result equals the original process.

        Raises :class:`ReplayError` when the events are not a consistent history of
        ``template`` (wrong template, gaps, or an event the rules refuse).
        """
        items = decoded(events)
        if moved(items):  # the history crosses a change of template version
            return replay_migrated(cls, template, items)
        first = check_start(template, items)
        params = first.payload.get("parameters") or {}
        proc = cls.start(template, region=first.payload["region"], parameters=params,
                         actor=first.actor, at=first.at, process_id=first.process)
        proc._history[0] = first.frozen()
        proc._apply(items[1:])
        return proc

    @classmethod
    def restore(cls, template: ProcessTemplate, events: Iterable[Event],
                snapshot: Mapping[str, Any] | None = None, snapshot_seq: int = 0, *,
                earlier: Callable[[], list[Event]] | None = None, owned: bool = False
                ) -> Process:
        """Rebuild from stored events, taking the state at ``snapshot_seq`` from ``snapshot``.

        Only the events after the snapshot are replayed, so a long history loads fast.
        Without a snapshot this is :meth:`replay`.

        With ``earlier`` the history is lazy: ``events`` holds the start event, then those
        from ``snapshot_seq`` on; ``earlier()`` returns the events before ``snapshot_seq``,
        called once when someone reads them (:attr:`history`, :meth:`to_dict`, ``==``).
        ``owned``: nothing else holds ``snapshot`` (just decoded), so it is used uncopied.
        """
        items = list(events)
        if snapshot is None or snapshot_seq <= 1:
            if earlier is not None:
                raise ValueError("a lazy history needs a snapshot after the first event")
            return cls.replay(template, items)
        cut = snapshot_seq if earlier is None else 2  # lazy: the start and the snapshot's
        head, tail = items[:cut], items[cut:]
        if not head or head[-1].seq != snapshot_seq or (
                earlier is None and len(head) != snapshot_seq):
            raise ReplayError(f"snapshot at {snapshot_seq} does not fit a history of "
                              f"{len(items)} events")
        first, tpl = started(template, head)  # also a start of an older version, moved
        proc = cls(compiled(tpl), first.process, first.payload["region"])
        proc._state.restore(snapshot, owned=owned)
        if earlier is None:
            proc._history.extend(e.frozen() for e in head)
        else:  # the snapshot's own event stays: the last event is always at hand
            proc._history.append(head[-1].frozen())
            proc._base, proc._earlier, proc._started = snapshot_seq - 1, earlier, first.at
        proc._apply(tail)
        return proc

    def catch_up(self, events: Iterable[Event]) -> None:
        """Apply events another writer stored after this version (ReplayError: load again)."""
        self._apply(events)

    def _all_events(self) -> list[Event]:
        """Every event, reading the earlier ones of a lazy history (once)."""
        if self._earlier is not None:
            earlier = self._earlier()
            if len(earlier) != self._base or (earlier and earlier[-1].seq != self._base):
                raise ReplayError(f"process {self._id}: its earlier events do not fit")
            self._history[:0] = [e.frozen() for e in earlier]
            self._base, self._earlier = 0, None
        return self._history

    def _apply(self, events: Iterable[Event]) -> None:
        """Re-fire stored events in order; ReplayError names the first one that does not fit.

        A run of events of one kind that only the event itself can refuse is judged at once
        (:func:`apply_run`); when one of them does not pass, the run is replayed one by one.
        """
        items = events if isinstance(events, list) else list(events)
        bulk, n, i = self._ct.bulk, len(items), 0
        while i < n:
            event = items[i]
            i += 1
            if event.kind in bulk and not self._listeners:
                end = i
                while end < n and items[end].kind == event.kind:
                    end += 1
                if end > i:  # a run of two or more
                    run = items[i - 1:end]
                    if not apply_run(self._ct, self._state, self._history, run,
                                     self._base + len(self._history) + 1, self._id):
                        for one in run:
                            self._replay(one)
                    i = end
                    continue
            self._replay(event)

    def _replay(self, event: Event) -> None:
        """Re-fire one stored event (ReplayError when it does not fit)."""
        expected = self._base + len(self._history) + 1
        if event.seq != expected or event.process != self._id:
            raise ReplayError(f"event {event.id} has sequence {event.seq} of process "
                              f"{event.process}; expected {expected} of {self._id}")
        try:
            self._fire(event.kind, event.actor, event.payload, event.at, event)
        except TransitionRefused as exc:
            raise ReplayError(f"event {event.seq} ({event.kind}) is refused on replay: "
                              f"{', '.join(r.code for r in exc.reasons)}") from exc

    # -- reading ------------------------------------------------------------------------

    @property
    def id(self) -> str:
        """The process id."""
        return self._id

    @property
    def region(self) -> str:
        """The region this process runs in."""
        return self._region

    @property
    def template(self) -> ProcessTemplate:
        """The template (with this process's parameter values)."""
        return self._ct.template

    @property
    def phase(self) -> str:
        """The current phase id."""
        return self._state.phase

    @property
    def is_final(self) -> bool:
        """True once the process reached a final phase."""
        return self._state.phase in self._ct.finals

    @property
    def history(self) -> tuple[Event, ...]:
        """Every event, oldest first (a process loaded from a snapshot reads the earlier
        ones from its store when first asked: a lazy history)."""
        return tuple(self._all_events())

    def events_since(self, version: int) -> tuple[Event, ...]:
        """The events after ``version`` (what a store has not written yet)."""
        if version < self._base:
            return tuple(self._all_events()[version:])
        return tuple(self._history[version - self._base:])

    @property
    def version(self) -> int:
        """The sequence number of the last event (for optimistic concurrency)."""
        return self._base + len(self._history)

    def records(self, collection: str) -> tuple[dict[str, Any], ...]:
        """Copies of the records of a collection (KeyError for unknown collections)."""
        if collection not in self._ct.template.all_collections:
            raise KeyError(collection)
        return tuple(own(r) for r in self._state.records(collection))

    def indicators(self) -> tuple[Indicator, ...]:
        """The template's key figures on the current records, in the template's order."""
        return indicator_values(self._ct.indicators, self._state)

    def invariant_violations(self) -> list[Reason]:
        """The template's invariants that the current state breaks (empty when all hold)."""
        return [r for inv in self._ct.invariants if (r := inv.evaluate(self._state, {}))]

    def state(self) -> dict[str, Any]:
        """A JSON-ready copy of the current phase and all records."""
        return self._state.snapshot()

    def state_view(self) -> dict[str, Any]:
        """What :meth:`state` gives, without copying the records first (what a store
        writes as JSON): read it at once and never change it; the next event changes it."""
        return self._state.view()

    # -- acting -------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(process, event)`` after every accepted event; returns unsubscribe."""
        if self._listeners is None:
            self._listeners = []
        return _subscribed(self._listeners, listener)

    def subscribe_refusals(self, listener: RefusalListener) -> Callable[[], None]:
        """Call ``listener(process, refusal)`` for every refused fire; returns unsubscribe."""
        if self._refused is None:
            self._refused = []
        return _subscribed(self._refused, listener)

    def fire(self, name: str, *, actor: str | None = None,
             payload: Mapping[str, Any] | None = None,
             at: dt.datetime | dt.date | str | None = None) -> Fired:
        """Fire a phase trigger or record a domain event.

        Raises :class:`TransitionRefused` carrying every failing reason; then nothing changed.
        ``actor`` is a role id, optionally with a name: ``"facilitator:Anna Schmidt"``;
        without an actor no role check applies (a trusted system call).
        """
        if not isinstance(name, str):
            raise self._refusal(TransitionRefused(shown(name), self.phase, [self._ct.say(
                "unknown_trigger", name=shown(name),
                known=", ".join([*self._ct.triggers, *self._ct.events]))]))
        if actor is not None:
            actor, problem = clean_actor(actor)
            if problem is not None:
                raise self._refusal(TransitionRefused(name, self.phase, [problem]))
        try:
            when = timestamp(at)
        except ValueError:
            raise self._refusal(TransitionRefused(name, self.phase, [self._ct.say(
                "invalid_timestamp", at=shown(at))])) from None
        late = beyond_horizon(when, self.max_future)
        if late is not None:
            raise self._refusal(TransitionRefused(name, self.phase, [late]))
        return self._fire(name, actor, payload, when, None)

    def due(self, at: dt.datetime | dt.date | str | None = None) -> tuple[Due, ...]:
        """The deadlines due on ``at`` (default: now, UTC), overdue first.

        A pure function of the template, the history and the date: equal after replay,
        a JSON round trip or a store load. A date before the latest event judges the process
        as it was then (its events up to that date; none before it started). ValueError for
        an ``at`` that is no date."""
        when = timestamp(at)
        if self._history[-1].at > when:  # as of an earlier date: the story up to it
            earlier = [e for e in self._all_events() if e.at <= when]
            return Process.replay(self._ct.template, earlier).due(when) if earlier else ()
        return due_items(self._ct, self._state, self._state.phase, self._history[-1].at,
                         lambda: (self._started or self._all_events()[0].at).date(), when)

    def _judge_on(self, at: dt.datetime | dt.date | str | None) -> None:
        """Let time rules judge on ``at`` (default: now, UTC), after the latest event."""
        self._state.at = timestamp(at)
        self._state.last_at = self._history[-1].at if self._history else None

    def options(self, *, events: bool = True,
                at: dt.datetime | dt.date | str | None = None) -> tuple[Option, ...]:
        """Every trigger (and domain event) with allowed or blocked, all reasons, advisories.

        Time guards judge on ``at`` (default: now, UTC).
        """
        self._judge_on(at)
        ct, phase = self._ct, self._state.phase
        out = [self._trigger_option(t, phase) for t in ct.triggers.values()]
        if events:  # without a payload, an event's option depends on the phase alone
            out.extend(ct.event_options(phase))
        return tuple(out)

    def _trigger_option(self, trig: CompiledTrigger, phase: str) -> Option:
        edge = trig.edges.get(phase)
        if edge is None:
            return self._ct.blocked_option(trig.name, phase)
        state = self._state
        data, invalid = trig.validate.empty  # what fire would judge without a payload
        reasons = tuple([r for g in edge.guards if (r := g.evaluate(state, data))])
        if invalid:
            reasons = (*invalid, *reasons)
        advisories = tuple([r for a in edge.advisories if (r := a.evaluate(state, data))]
                           ) if edge.advisories else ()
        allowed, needs = judge(reasons, False) if reasons else (True, ())
        return Option(trig.name, "trigger", allowed, trig.label_de, trig.label_en,
                      edge.target, trig.role_list, reasons, advisories, needs)

    def can(self, name: str, *, actor: str | None = None,
            payload: Mapping[str, Any] | None = None,
            at: dt.datetime | dt.date | str | None = None) -> Option:
        """Whether ``name`` could fire now (with this actor and payload), and why not.

        Without a payload, what only input resolves is ``needs_input``, not a block.
        Time guards judge on ``at`` (default: now, UTC).
        """
        self._judge_on(at)
        trig, ev = self._ct.triggers.get(name), self._ct.events.get(name)
        if trig is None and ev is None:
            raise KeyError(name)
        given = payload is not None
        if ev is not None and payload is None:
            payload = {}  # as fire would see it: an event is judged with its payload
        return self._option(trig, ev, actor, payload, given=given)

    # -- internals ------------------------------------------------------------------------

    def _option(self, trig: CompiledTrigger | None, ev: CompiledEvent | None,
                actor: str | None, payload: Mapping[str, Any] | None, *, given: bool) -> Option:
        item = trig or ev
        assert item is not None
        checked = self._check(trig, ev, actor, payload, dry=True)
        reasons = tuple(checked.reasons)
        allowed, needs = judge(reasons, given)
        return Option(name=item.name, kind="trigger" if trig else "event",
                      allowed=allowed, target=checked.target, label_de=item.label_de,
                      label_en=item.label_en, roles=item.role_list, reasons=reasons,
                      advisories=tuple(checked.advisories), needs_input=needs)

    def _check(self, trig: CompiledTrigger | None, ev: CompiledEvent | None,
               actor: str | None, payload: Mapping[str, Any] | None, *, dry: bool,
               at: dt.datetime | None = None) -> Checked:
        """All reasons against firing, the advisories, the target phase, the clean payload.

        For a domain event that passes (and ``dry`` is false) its effect stays applied.
        """
        item = trig or ev
        assert item is not None
        reasons = role_reasons(actor, self._ct.template.roles, item.name, item.roles,
                               self._ct.words)
        if at is not None and self._history and at < self._history[-1].at:
            reasons.append(self._ct.say("event_out_of_order", at=at.isoformat(),
                                   last=self._history[-1].at.isoformat()))
        if trig is not None:
            return check_trigger(self._ct, self._state, trig, payload, reasons, dry=dry)
        assert ev is not None
        return check_event(self._ct, self._state, ev, payload, reasons, dry=dry)

    def _fire(self, name: str, actor: str | None, payload: Mapping[str, Any] | None,
              at: dt.datetime, replayed: Event | None) -> Fired:
        trig, ev = self._ct.triggers.get(name), self._ct.events.get(name)
        phase = self._state.phase
        if trig is None and ev is None:
            if name in LIBRARY_EVENTS:  # corrections and erasure, written by the library
                data = library_event(self, name, actor, payload, at)
                return Fired(event=self._append(name, actor, data, at, replayed), advisories=())
            raise self._refusal(TransitionRefused(name, phase, [self._ct.say(
                "unknown_trigger", name=name,
                known=", ".join([*self._ct.triggers, *self._ct.events]))]))
        self._judge_on(at)  # time rules judge on the event's own date
        reasons, advisories, target, data = self._check(trig, ev, actor, payload, dry=False,
                                                        at=at)
        if reasons:
            raise self._refusal(TransitionRefused(name, phase, reasons))
        if trig is not None:
            assert target is not None
            new_phase = self._ct.move(name, phase)
            series, index = self._ct.series_of[new_phase]
            self._state.add("phases_entered", {
                "phase": new_phase, "series": series, "index": index,
                "at": at.isoformat(), **data})
            self._state.phase = new_phase
        # a domain event's effect was applied by _check, after all its checks passed
        if replayed is not None and replayed.phase != self._state.phase:
            raise ReplayError(f"event {replayed.seq} ({name}) says phase {replayed.phase!r}; "
                              f"replay gives {self._state.phase!r}")
        event = self._append(name, actor, data, at, replayed)
        return Fired(event=event, advisories=tuple(advisories))

    def _refusal(self, refusal: TransitionRefused) -> TransitionRefused:
        for listener in tuple(self._refused or ()):
            listener(self, refusal)
        return refusal

    def _append(self, kind: str, actor: str | None, payload: dict[str, Any], at: dt.datetime,
                replayed: Event | None = None) -> Event:
        tpl = self._ct.template
        seq = self._base + len(self._history) + 1
        # a random id: two different events can never share one, even at the same seq;
        # a frozen payload: nothing a caller holds can change the history afterwards
        event = replayed.frozen() if replayed is not None else Event(
            os.urandom(12).hex(), self._id, seq, at, actor, kind, freeze_payload(payload), tpl.id,
            tpl.version, self._state.phase)
        self._history.append(event)
        for listener in tuple(self._listeners or ()):
            listener(self, event)
        return event

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Process):
            return NotImplemented
        return (self._id, self._region, self._ct.template.id, self._ct.template.version,
                dict(self._ct.template.values), self._state.snapshot(), self.version) == (
            other._id, other._region, other._ct.template.id, other._ct.template.version,
            dict(other._ct.template.values), other._state.snapshot(), other.version
        ) and self._all_events() == other._all_events()

    __hash__ = None  # type: ignore[assignment]  # mutable: equal by content, not hashable

    def __repr__(self) -> str:
        return (f"<Process {self._id[:8]} {self._region!r} {self._ct.template.id} "
                f"phase={self.phase} events={self.version}>")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready export: identity, template, current state and the full history."""
        tpl = self._ct.template
        return {"id": self._id, "region": self._region, "template": tpl.id,
                "template_version": tpl.version, "phase": self.phase,
                "parameters": dict(tpl.values), "state": self._state.snapshot(),
                "history": [e.to_dict() for e in self._all_events()]}

    def to_json(self) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_dict(cls, template: ProcessTemplate, data: Mapping[str, Any]) -> Process:
        """Rebuild from :meth:`to_dict` output by replaying its history (and cross-checking)."""
        proc = cls.replay(template, exported_history(data))
        check_exported_phase(data, proc.phase)
        return proc

    @classmethod
    def from_json(cls, template: ProcessTemplate, text: str) -> Process:
        """Rebuild from :meth:`to_json` output."""
        return cls.from_dict(template, json.loads(text))
