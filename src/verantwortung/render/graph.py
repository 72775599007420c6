"""The graph IR every diagram is drawn from: phases as nodes, transitions as edges.

A template gives the plain phase model. A process on top of it adds where the
region stands: each node is ``current``, ``passed`` or ``ahead``; edges it took are
``taken``; each trigger leaving the current phase is ``allowed`` or ``blocked``
with every reason. Renderers (:mod:`.mermaid`, :mod:`.dot`, :mod:`.svg`) read only
this IR, never the engine, in the way python-statemachine's ``contrib/diagram``
extracts a neutral graph before drawing it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from ..model.specs import FieldSpec
from ..model.template import Check, ProcessTemplate
from .verbalize import check_text, series_label
from .words import LANGS, label, ui

if TYPE_CHECKING:
    from ..engine.process import Process

__all__ = ["CheckInfo", "Cluster", "DeadlineMark", "Edge", "Graph", "Node", "ReasonInfo",
           "Words", "build_graph", "needs_input"]

NodeState = Literal["current", "passed", "ahead"]
EdgeStatus = Literal["allowed", "blocked"]


@dataclass(frozen=True, slots=True)
class Words:
    """A text in German and English."""

    de: str
    en: str

    def get(self, lang: str) -> str:
        """The text in ``lang`` (de or en)."""
        return self.de if lang == "de" else self.en

    @classmethod
    def of(cls, text: Any, fallback: str = "") -> Words:
        """From a template ``Text`` (a missing language falls back to the other one)."""
        return cls(*(label(text, lang, fallback) for lang in LANGS))


@dataclass(frozen=True, slots=True)
class CheckInfo:
    """A guard (``hard``) or advisory of an edge: its code, the rule in words, its message."""

    code: str
    hard: bool
    rule: Words
    message: Words


@dataclass(frozen=True, slots=True)
class ReasonInfo:
    """Why a trigger is blocked (or advised against) right now."""

    code: str
    hard: bool
    message: Words


@dataclass(frozen=True, slots=True)
class Node:
    """A phase. ``optional``: a series member beyond the series minimum."""

    id: str
    label: Words
    description: Words | None = None
    series: str | None = None
    index: int | None = None
    initial: bool = False
    final: bool = False
    optional: bool = False
    state: NodeState | None = None


@dataclass(frozen=True, slots=True)
class Edge:
    """A transition: trigger, source and destination phase, its checks.

    ``any_source``: the trigger leaves every running phase (``from: "*"``).
    ``primary``: the edge that carries the label when edges of one trigger into one
    phase are drawn together. For a process: ``taken`` (it happened), and for the
    edges leaving the current phase ``status`` with ``reasons`` (what blocks it),
    ``needs`` (what must be given when firing, like an abort's reason) and ``warnings``.
    """

    trigger: str
    source: str
    target: str
    label: Words
    guards: tuple[CheckInfo, ...] = ()
    advisories: tuple[CheckInfo, ...] = ()
    any_source: bool = False
    primary: bool = True
    taken: bool = False
    status: EdgeStatus | None = None
    reasons: tuple[ReasonInfo, ...] = ()
    needs: tuple[ReasonInfo, ...] = ()
    warnings: tuple[ReasonInfo, ...] = ()


@dataclass(frozen=True, slots=True)
class DeadlineMark:
    """A deadline of the current phase: due or not on the day the graph was drawn for,
    since when, and what it says."""

    code: str
    label: Words
    severity: str  # reminder, overdue
    due: bool = False
    since: Words | None = None  # the day it became due, as a person reads it
    message: Words | None = None


@dataclass(frozen=True, slots=True)
class Cluster:
    """A phase series (``milestone_1`` .. ``milestone_<max>``) drawn as one group."""

    id: str
    label: Words
    members: tuple[str, ...]
    min: int
    max: int
    noun: Words | None = None  # what a member is called, plural and singular
    noun_one: Words | None = None

    def count(self, lang: str) -> str:
        """How many members a process holds, in words: "3 bis 5 Treffen", "4 Schuljahre"."""
        many = self.noun.get(lang) if self.noun else ui("series_noun", lang)
        one = (self.noun_one.get(lang) if self.noun_one else
               many if self.noun else ui("series_noun_one", lang))
        if self.min == self.max:
            return f"{self.min} {one if self.min == 1 else many}"
        return ui("series_count", lang, min=self.min, max=self.max, noun=many)


@dataclass(frozen=True, slots=True)
class Graph:
    """The phase model of a template, optionally with the state of one process."""

    id: str
    title: Words
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    clusters: tuple[Cluster, ...] = ()
    current: str | None = None
    region: str | None = None
    deadlines: tuple[DeadlineMark, ...] = ()  # those of the current phase, due ones first
    _index: Mapping[str, Node] = field(default_factory=dict, compare=False, repr=False)

    def node(self, node_id: str) -> Node:
        """The node with this id (KeyError if there is none)."""
        found = self._index.get(node_id)
        if found is None:
            found = next((n for n in self.nodes if n.id == node_id), None)
        if found is None:
            raise KeyError(node_id)
        return found

    @property
    def initial(self) -> Node:
        """The node a process starts in."""
        return next(n for n in self.nodes if n.initial)

    def outgoing(self, node_id: str) -> tuple[Edge, ...]:
        """Edges leaving ``node_id``."""
        return tuple(e for e in self.edges if e.source == node_id)

    def side_finals(self) -> frozenset[str]:
        """Final phases reached only by ``from: "*"`` triggers (like ``aborted``)."""
        incoming: dict[str, list[Edge]] = {}
        for e in self.edges:
            incoming.setdefault(e.target, []).append(e)
        return frozenset(n.id for n in self.nodes if n.final and incoming.get(n.id)
                         and all(e.any_source for e in incoming[n.id]))


def _checks(checks: Iterable[Check], tpl: ProcessTemplate,
            payload: Mapping[str, FieldSpec]) -> tuple[CheckInfo, ...]:
    return tuple(CheckInfo(
        code=c.code, hard=c.hard,
        rule=Words(check_text(c, tpl, "de", payload), check_text(c, tpl, "en", payload)),
        message=Words.of(c.spec.message)) for c in checks)


def _clusters(tpl: ProcessTemplate) -> tuple[Cluster, ...]:
    return tuple(Cluster(id=s.id, label=Words(series_label(s.label, "de"),
                                              series_label(s.label, "en")),
                         members=s.members, min=s.min, max=s.max,
                         noun=Words.of(s.noun) if s.noun else None,
                         noun_one=Words.of(s.noun_one) if s.noun_one else None)
                 for s in tpl.series)


def _template_edges(tpl: ProcessTemplate) -> list[Edge]:
    edges: list[Edge] = []
    for trig in tpl.triggers:
        name = Words.of(trig.label, trig.id)
        groups: dict[str, list[int]] = {}
        for t in trig.transitions:
            groups.setdefault(t.target, []).append(len(edges))
            edges.append(Edge(
                trigger=trig.id, source=t.source, target=t.target, label=name,
                guards=_checks(t.guards, tpl, trig.payload),
                advisories=_checks(t.advisories, tpl, trig.payload),
                any_source=trig.any_source))
        for positions in groups.values():
            if len(positions) < 2:
                continue
            # label one edge of a bundle: the first one the rules can let through
            keep = positions[0]
            sources = [tpl.phase(edges[pos].source) for pos in positions]
            if all(p.series is not None for p in sources):
                for pos, src in zip(positions, sources, strict=True):
                    if src.series is not None and src.index == _series_min(tpl, src.series):
                        keep = pos
            for pos in positions:
                if pos != keep:
                    e = edges[pos]
                    edges[pos] = Edge(**{**_fields(e), "primary": False})
    return edges


def _series_min(tpl: ProcessTemplate, series: str) -> int:
    found = tpl.series_of(series)
    return found.min if found is not None else 1


def _fields(edge: Edge) -> dict[str, Any]:
    return {name: getattr(edge, name) for name in Edge.__slots__}


def needs_input(reason: Any) -> bool:
    """True for a reason that input alone resolves (the engine's ``Reason.needs_input``):
    asked without a payload it fails, but the state of the process does not block."""
    return bool(getattr(reason, "needs_input", ()))


def _reason(r: Any) -> ReasonInfo:
    return ReasonInfo(code=r.code, hard=r.hard, message=Words(r.message_de, r.message_en))


def build_graph(template: ProcessTemplate | None = None, process: Process | None = None,
                at: dt.datetime | dt.date | str | None = None) -> Graph:
    """The graph of ``template``, or of ``process`` on its template (with its state and
    the deadlines of its current phase, judged on ``at``: default now, UTC)."""
    if process is not None:
        template = process.template
    if template is None:
        raise ValueError("build_graph needs a template or a process")
    tpl = template
    clusters = _clusters(tpl)
    series_min = {c.id: c.min for c in clusters}
    nodes = [Node(id=p.id, label=Words.of(p.label, p.id),
                  description=Words.of(p.description) if p.description else None,
                  series=p.series, index=p.index, initial=p.initial, final=p.final,
                  optional=p.series is not None and (p.index or 0) > series_min.get(p.series, 0))
             for p in tpl.phases]
    edges = _template_edges(tpl)
    current: str | None = None
    region: str | None = None
    marks: tuple[DeadlineMark, ...] = ()
    if process is not None:
        current, region = process.phase, process.region
        nodes, edges = _with_process(process, nodes, edges)
        marks = _deadline_marks(process, at)
    return Graph(id=tpl.id, title=Words.of(tpl.title, tpl.id), nodes=tuple(nodes),
                 edges=tuple(edges), clusters=clusters, current=current, region=region,
                 deadlines=marks, _index={n.id: n for n in nodes})


def _deadline_marks(proc: Process, at: dt.datetime | dt.date | str | None
                    ) -> tuple[DeadlineMark, ...]:
    """The deadlines that apply in the process's phase: the due ones first, as due()
    orders them, then the others in the template's order."""
    due = {d.code: d for d in proc.due(at=at)}
    marks = [DeadlineMark(d.code, Words(d.label_de, d.label_en), d.severity, True,
                          Words(d.since_text("de"), d.since_text("en")),
                          Words(d.message_de, d.message_en)) for d in due.values()]
    marks += [DeadlineMark(d.code, Words.of(d.spec.label, d.code), d.spec.severity)
              for d in proc.template.deadlines
              if proc.phase in d.phases and d.code not in due]
    return tuple(marks)


def _with_process(proc: Process, nodes: list[Node], edges: list[Edge]
                  ) -> tuple[list[Node], list[Edge]]:
    tpl = proc.template
    current = proc.phase
    triggers = {t.id for t in tpl.triggers}
    taken: set[tuple[str, str, str]] = set()
    before = tpl.initial_phase.id
    entered = {before}
    for event in proc.history[1:]:
        if event.kind in triggers:
            taken.add((event.kind, before, event.phase))
            entered.add(event.phase)
        before = event.phase
    options = {o.name: o for o in proc.options(events=False) if o.target is not None}
    out_nodes = [Node(**{**{k: getattr(n, k) for k in Node.__slots__},
                         "state": "current" if n.id == current else
                         "passed" if n.id in entered else "ahead"}) for n in nodes]
    out_edges: list[Edge] = []
    for e in edges:
        changes: dict[str, Any] = {"taken": (e.trigger, e.source, e.target) in taken}
        option = options.get(e.trigger)
        if e.source == current and option is not None and option.target == e.target:
            reasons = [r for r in option.reasons if r.code != "not_in_phase"]
            blocking = tuple(_reason(r) for r in reasons if not needs_input(r))
            changes.update(
                status="blocked" if blocking else "allowed", primary=True, reasons=blocking,
                needs=tuple(_reason(r) for r in reasons if needs_input(r)),
                warnings=tuple(_reason(r) for r in option.advisories))
        elif changes["taken"]:
            changes["primary"] = True
        out_edges.append(Edge(**{**_fields(e), **changes}))
    return out_nodes, out_edges
