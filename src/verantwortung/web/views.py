"""What a process page shows: the timeline, every step with its form and reasons, history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..engine.process import Process
from ..exceptions import RefusalReason
from ..model.process import Event, Option, split_actor
from ..render import build_graph
from ..render.words import label, value_label
from .forms import FormField, form_fields, payload_fields, record_name

__all__ = ["DueRow", "HistoryRow", "Step", "TimelineItem", "due_rows", "history_rows", "steps",
           "timeline"]


@dataclass(slots=True)
class TimelineItem:
    """One phase on the timeline."""

    id: str
    label: str
    state: str  # passed, current, ahead


@dataclass(slots=True)
class Step:
    """A trigger or event on the process page: its form, and why it is unavailable."""

    name: str
    kind: str
    label: str
    allowed: bool
    fields: list[FormField]
    reasons: list[str] = field(default_factory=list)
    advisories: list[str] = field(default_factory=list)
    in_phase: bool = True  # False: the current phase has no such step (no form shown)
    open: bool = False  # the form the last submission came from
    preview: bool | None = None  # the result of "would this pass?"
    refused: bool = False


@dataclass(slots=True)
class DueRow:
    """A due item in words: what, how pressing, since when, and the deadline's message."""

    code: str
    severity: str  # overdue, reminder
    label: str
    message: str
    since: str


@dataclass(slots=True)
class HistoryRow:
    """One event of the history, in words."""

    seq: int
    at: str
    label: str
    actor: str
    details: list[tuple[str, str]]


def timeline(proc: Process, lang: str) -> list[TimelineItem]:
    """The phases of the process's template in order, with where the process stands."""
    graph = build_graph(process=proc)
    items = [TimelineItem(n.id, label(n.label, lang, n.id), n.state or "ahead")
             for n in graph.nodes]
    # optional series members and side endings the process never touched add only noise
    return [i for i in items if i.state != "ahead" or not _skippable(graph, i.id)]


def _skippable(graph: Any, node_id: str) -> bool:
    node = graph.node(node_id)
    return bool(node.optional or node_id in graph.side_finals())


def _reason_texts(proc: Process, reasons: Sequence[RefusalReason], lang: str) -> list[str]:
    """The reasons in words; a field's own problem is shown at the field instead."""
    out = []
    for r in reasons:
        if r.code == "invalid_payload" and r.seen.get("field"):
            continue
        out.append(r.message(lang))
    return out


@dataclass(slots=True)
class Submitted:
    """What the last form sent and what came of it."""

    name: str
    values: Mapping[str, Any]
    reasons: Sequence[RefusalReason] = ()
    preview: bool | None = None
    refused: bool = False


def _step(proc: Process, o: Option, lang: str, submitted: Submitted | None) -> Step:
    mine = submitted if submitted is not None and submitted.name == o.name else None
    # without input, a step that only waits for it (an abort's reason) shows no reason
    reasons = list(mine.reasons) if mine is not None else [
        r for r in o.reasons if not (o.allowed and r.needs_input)]
    fields = form_fields(proc, o.name, lang, mine.values if mine else None,
                         mine.reasons if mine else ())
    in_phase = not any(r.code == "not_in_phase" for r in o.reasons)
    return Step(o.name, o.kind, o.label_de if lang == "de" else o.label_en, o.allowed,
                fields if in_phase else [], _reason_texts(proc, reasons, lang),
                [a.message(lang) for a in o.advisories], in_phase=in_phase,
                open=mine is not None, preview=mine.preview if mine else None,
                refused=mine.refused if mine else False)


def steps(proc: Process, lang: str, submitted: Submitted | None = None
          ) -> tuple[list[Step], list[Step], list[Step]]:
    """The phase triggers, the events possible in this phase, and the events that are not."""
    triggers: list[Step] = []
    events: list[Step] = []
    elsewhere: list[Step] = []
    for o in proc.options():
        s = _step(proc, o, lang, submitted)
        if o.kind == "trigger":
            triggers.append(s)
        elif not s.in_phase:
            elsewhere.append(s)
        else:
            events.append(s)
    return triggers, events, elsewhere


def _when(at: dt.datetime, lang: str) -> str:
    return at.strftime("%d.%m.%Y %H:%M" if lang == "de" else "%Y-%m-%d %H:%M")


def _actor(proc: Process, actor: str | None, lang: str) -> str:
    if not actor:
        return "–"
    role, name = split_actor(actor)
    spec = proc.template.roles.get(role)
    role_text = label(spec.label, lang, role) if spec is not None else role
    return f"{role_text} ({name})" if name else role_text


def _details(proc: Process, event: Event, lang: str) -> list[tuple[str, str]]:
    from ..render.words import field_label

    specs = payload_fields(proc.template, event.kind)
    out = []
    for key, value in event.payload.items():
        spec = specs.get(key)
        names: dict[str, str] = {}
        if spec is not None and spec.type in ("ref", "refs") and spec.to:
            names = {str(r.get("id")): record_name(r) for r in proc.records(spec.to)}
        items = value if isinstance(value, (list, tuple)) else [value]
        shown = ", ".join(names.get(str(v)) or value_label(v, lang, spec) for v in items)
        out.append((field_label(key, lang, spec), shown))
    return out


def history_rows(proc: Process, lang: str) -> list[HistoryRow]:
    """Every event of the process, newest first, in words."""
    from ..store.cloudevents import kind_label

    return [HistoryRow(e.seq, _when(e.at, lang), kind_label(proc.template, e.kind)[lang],
                       _actor(proc, e.actor, lang), _details(proc, e, lang))
            for e in reversed(proc.history)]


def due_rows(proc: Process, lang: str, at: dt.datetime | dt.date | None = None) -> list[DueRow]:
    """The process's due items on ``at`` (default: now, UTC), overdue first, in words."""
    return [DueRow(d.code, d.severity, d.label(lang), d.message(lang), d.since_text(lang))
            for d in proc.due(at=at)]
