"""The HTML status report of one process: a single self-contained file to show a region.

Where the process stands (a phase timeline, and the Graphviz diagram when
Graphviz is installed), the key figures (the template's indicators, or figures of
its own collections), what can be done next and why not, the advisories, the phases
held, the records of each of the template's collections, and the dated history of
events. Nothing here knows the names of any one template: references are shown by
the name of the record they point at, choice values by their labels.
Inline CSS and inline SVG only: no script, no font, no image, no address outside
the file. Every text that comes from users or templates is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..engine.corrections import LABELS, LIBRARY_EVENTS, describe
from ..engine.inputs import timestamp
from ..model.process import MIGRATED_EVENT, START_EVENT, Event, Option, split_actor
from ..model.rule_walk import nodes
from ..model.rules import Rule, UntilRule
from ..model.specs import CollectionSpec, FieldSpec
from ..model.text import counted
from ..rules.dates import human_date, parse_day
from ..store.cloudevents import kind_label
from .date_axis import DatedMark, date_axis
from .dot import graphviz_available, run_dot, to_dot
from .figures import Figure, figures, figures_html, word
from .graph import Graph, build_graph, needs_input
from .page import esc, inline_svg, page
from .svg import timeline
from .words import field_label, label, ui, value_label

if TYPE_CHECKING:
    from ..engine.process import Process

__all__ = ["report"]

def _date(when: dt.date, lang: str) -> str:
    return f"{when:%d.%m.%Y}" if lang == "de" else f"{when:%Y-%m-%d}"


def _records(proc: Process, collection: str) -> tuple[dict[str, Any], ...]:
    try:
        return proc.records(collection)
    except KeyError:
        return ()


def _name_field(spec: CollectionSpec) -> str | None:
    """The field that names a record: the first text field of its collection."""
    return next((f for f, fs in spec.fields.items() if fs.type == "text"), None)


class _Lookup:
    """Names of records by collection and id, for showing references as names."""

    def __init__(self, proc: Process) -> None:
        self.names: dict[str, dict[Any, str]] = {}
        for cid, spec in proc.template.collections.items():
            if "id" not in spec.fields or spec.single:
                continue
            named = _name_field(spec)
            self.names[cid] = {r.get("id"): str(r.get(named) or r.get("id") if named
                                                else r.get("id")) for r in _records(proc, cid)}

    def __call__(self, collection: str | None, record_id: Any) -> str:
        return self.names.get(collection or "", {}).get(record_id) or str(record_id)


def _shown(value: Any, spec: FieldSpec | None, names: _Lookup, lang: str) -> str:
    """A field value as a region reads it: a reference by name, a choice by its label."""
    if spec is not None and spec.type == "ref":
        return names(spec.to, value)
    if isinstance(value, list):
        to = spec.to if spec is not None else None
        return ", ".join(names(to, v) for v in value)
    if isinstance(value, bool) or (spec is not None and spec.type == "choice"):
        return value_label(value, lang, spec)
    if spec is not None and spec.type == "date" and (day := parse_day(value)) is not None:
        return _date(day, lang)
    return str(value)


def _actor(tpl_roles: Mapping[str, Any], actor: str | None, lang: str) -> str:
    if not actor:
        return "–"
    role, name = split_actor(actor)
    spec = tpl_roles.get(role)
    shown = label(spec.label, lang, role) if spec is not None else role
    return f"{shown} ({name})" if name else shown


def _event_label(proc: Process, kind: str, lang: str) -> str:
    if kind == START_EVENT:
        return ui("process_started", lang)
    if kind in LIBRARY_EVENTS:
        return LABELS[kind][lang]
    if kind == MIGRATED_EVENT:
        return kind_label(proc.template, kind)[lang]
    tpl = proc.template
    try:
        return label(tpl.trigger(kind).label, lang, kind)
    except KeyError:
        pass
    try:
        return label(tpl.event(kind).spec.label, lang, kind)
    except KeyError:  # an event of an older version: by the name its plan gives it now
        return kind_label(tpl, kind)[lang]


def _fields_of(proc: Process, kind: str) -> Mapping[str, FieldSpec]:
    """The fields an event's payload holds, as the template declares them."""
    tpl = proc.template
    try:
        return tpl.trigger(kind).payload
    except KeyError:
        pass
    try:
        spec = tpl.event(kind).spec
    except KeyError:
        return {}
    coll = tpl.collections.get(spec.adds or spec.updates or "")
    fields = dict(coll.fields) if coll is not None else {}
    if spec.updates is not None and spec.key is not None:
        fields[spec.key] = FieldSpec(type="ref", to=spec.updates)
    return fields


def _detail(proc: Process, event: Event, names: _Lookup, lang: str) -> str:
    payload = event.payload
    if event.kind == START_EVENT:
        return str(payload.get("region") or "")
    if event.kind in LIBRARY_EVENTS:
        return describe(proc, event, lang)
    if event.kind == MIGRATED_EVENT:
        return f"{payload['from']['version']} → {payload['to']['version']}"
    fields = _fields_of(proc, event.kind)
    main: list[str] = []
    extra: list[str] = []
    for key, value in payload.items():
        spec = fields.get(key)
        if value in (None, "", [], False) or (spec is not None and spec.type == "id"):
            continue
        if spec is not None and spec.type == "text":
            main.append(str(value))
        elif value is True:
            extra.append(field_label(key, lang, spec))
        elif spec is not None and spec.type == "int":
            extra.append(f"{field_label(key, lang, spec)}: {value}")
        else:
            extra.append(_shown(value, spec, names, lang))
    text = " ".join(main)
    return f"{text} ({'; '.join(extra)})" if extra and text else text or "; ".join(extra)


def _card(title: str, inner: str, *, css: str = "", anchor: str = "") -> str:
    cls = f"card {css}".strip()
    ident = f' id="{esc(anchor)}"' if anchor else ""
    return f'<section class="{esc(cls)}"{ident}><h2>{esc(title)}</h2>{inner}</section>'


def _empty(lang: str, key: str = "no_entries") -> str:
    return f'<p class="muted">{esc(ui(key, lang))}</p>'


def _header(proc: Process, graph: Graph, lang: str) -> str:
    tpl = proc.template
    last = proc.history[-1].at
    phase = graph.node(proc.phase).label.get(lang)
    sub = " · ".join([f"{label(tpl.title, lang, tpl.id)} ({ui('version', lang)} {tpl.version})",
                      f"{ui('process', lang)} {proc.id[:8]}",
                      f"{ui('as_of', lang)} {_date(last, lang)}",
                      counted(proc.version, ui('events_one', lang), ui('events_count', lang))])
    return ('<header class="top"><div class="inner">'
            f'<p class="kicker">{esc(ui("report", lang))}</p>'
            f'<h1>{esc(proc.region)}</h1><p class="sub">{esc(sub)}</p>'
            f'<span class="phase-badge" id="current-phase" data-phase="{esc(proc.phase)}">'
            f'{esc(ui("current_phase", lang))}: {esc(phase)}</span>'
            "</div></header>")


def _figures(proc: Process, graph: Graph, lang: str) -> str:
    held = [r for r in _records(proc, "phases_entered") if r.get("series")]
    series = [Figure(f"series.{c.id}", f"{c.label.get(lang)} (max. {c.max})",
                     sum(1 for r in held if r.get("series") == c.id)) for c in graph.clusters]
    return _card(word("key_figures", lang), figures_html((*series, *figures(proc, lang)), lang),
                 anchor="figures")


def _option_item(proc: Process, o: Option, lang: str) -> str:
    blocking = [r for r in o.reasons if not needs_input(r)]
    needs = [r for r in o.reasons if needs_input(r)]
    state = "blocked" if blocking else "allowed"
    assert o.target is not None
    target = label(proc.template.phase(o.target).label, lang, o.target)
    reasons = "".join(f"<li>{esc(r.message(lang))}</li>" for r in blocking)
    reasons += "".join(f'<li class="muted">{esc(ui("needs", lang))}: {esc(r.message(lang))}'
                       "</li>" for r in needs)
    advice = "".join(f'<div class="advice">{esc(ui("recommendation", lang))}: '
                     f"{esc(a.message(lang))}</div>" for a in o.advisories)
    return (f'<li class="{state}" data-trigger="{esc(o.name)}" data-state="{state}">'
            f'<span class="mark">{"✓" if state == "allowed" else "✗"}</span>'
            f"<strong>{esc(o.label_de if lang == 'de' else o.label_en)}</strong> "
            f'<span class="muted">→ {esc(target)} · {esc(ui(state, lang))}</span>'
            f'{f"<ul>{reasons}</ul>" if reasons else ""}{advice}</li>')


def _options(proc: Process, graph: Graph, options: Iterable[Option], lang: str) -> str:
    if proc.is_final:
        return f'<p>{esc(ui("final_reached", lang))}</p>'
    anytime = {e.trigger for e in graph.edges if e.any_source}
    moves = [o for o in options if o.kind == "trigger" and o.target is not None]
    items = "".join(_option_item(proc, o, lang) for o in moves if o.name not in anytime)
    out = f'<ul class="options">{items}</ul>'
    extra = [o for o in moves if o.name in anytime]
    if extra:
        names = ", ".join(
            (o.label_de if lang == "de" else o.label_en) + "".join(
                f" ({r.message(lang)})" for r in o.reasons if needs_input(r)) for o in extra)
        out += f'<p class="muted small">{esc(ui("anytime", lang))}: {esc(names)}</p>'
    events = [o for o in options if o.kind == "event" and o.allowed]
    chips = " ".join(f'<span class="chip">{esc(o.label_de if lang == "de" else o.label_en)}'
                     "</span>" for o in events)
    if chips:
        out += f'<h3>{esc(ui("possible_events", lang))}</h3><p class="small">{chips}</p>'
    return out


def _advisories(options: Iterable[Option], lang: str) -> str:
    found = {a.code: a for o in options for a in o.advisories}
    if not found:
        return _empty(lang, "no_advisories")
    return "".join(f'<div class="advice" data-code="{esc(a.code)}">{esc(a.message(lang))}</div>'
                   for a in found.values())


def _due(proc: Process, at: dt.datetime | dt.date | str | None, lang: str) -> str:
    """A card of what is due, overdue first; nothing when nothing is due."""
    items = proc.due(at=at)
    if not items:
        return ""
    rows = "".join(
        f'<div class="advice" data-code="{esc(d.code)}" data-severity="{esc(d.severity)}">'
        f"<strong>{esc(d.label(lang))}</strong> · {esc(d.message(lang))}</div>" for d in items)
    return _card("Fällig" if lang == "de" else "Due", rows, anchor="due")


def _until_sources(rule: Rule) -> set[tuple[str, str]]:
    """The (collection, date field) pairs the ``until:`` rules in ``rule`` read."""
    return {(node.until, node.field) for node in nodes(rule, UntilRule)}


def _date_axis(proc: Process, at: dt.datetime | dt.date | str | None, lang: str) -> str:
    """The date axis: meetings held, what is scheduled (the dated records the template's
    deadlines look ahead to) and since when something is due, up to the day asked about."""
    tpl = proc.template
    marks = [DatedMark(day, label(tpl.phase(rec["phase"]).label, lang, rec["phase"]), "held")
             for rec in proc.records("phases_entered") if (day := parse_day(rec.get("at")))]
    for collection, name in sorted({s for d in tpl.deadlines for s in _until_sources(d.spec.rule)
                                    if s[0] in tpl.collections}):
        spec = tpl.collections[collection]
        kind = spec.fields.get("kind")
        for rec in proc.records(collection):
            day = parse_day(rec.get(name))
            if day is not None:
                text = (value_label(rec["kind"], lang, kind) if kind and rec.get("kind")
                        else label(spec.label, lang, collection))
                marks.append(DatedMark(day, text, "scheduled"))
    items = proc.due(at=at)
    marks += [DatedMark(d.since, d.label(lang), "due") for d in items]
    today = (timestamp(at) if at is not None else dt.datetime.now(dt.UTC)).date()
    start = proc.history[0].at.date()
    word = "Stand" if lang == "de" else "As of"
    return date_axis(marks, start, today, lang, f"{word} {human_date(today, lang)}")


def _meetings(proc: Process, graph: Graph, names: _Lookup, lang: str) -> str:
    builtin = proc.template.all_collections["phases_entered"].fields
    rows = []
    for r in _records(proc, "phases_entered"):
        phase = str(r.get("phase"))
        try:
            name = graph.node(phase).label.get(lang)
            payload = _fields_of(proc, _trigger_into(proc, phase))
        except KeyError:
            name, payload = phase, {}
        when = dt.datetime.fromisoformat(str(r.get("at")))
        said = [f"{field_label(k, lang, payload.get(k))}: {_shown(v, payload.get(k), names, lang)}"
                for k, v in r.items() if k not in builtin and v not in (None, "", [])]
        rows.append(f'<tr><td class="date">{esc(_date(when, lang))}</td><td>{esc(name)}</td>'
                    f'<td>{esc("; ".join(said)) or "–"}</td></tr>')
    if not rows:
        return _empty(lang)
    return (f'<table><thead><tr><th>{esc(ui("date", lang))}</th><th>{esc(ui("phase", lang))}'
            f'</th><th>{esc(ui("detail", lang))}</th>'
            f'</tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _trigger_into(proc: Process, phase: str) -> str:
    """The trigger whose transition enters ``phase`` (the first one; KeyError if none)."""
    for t in proc.template.transitions:
        if t.target == phase:
            return t.trigger
    raise KeyError(phase)


def _cell(value: Any, spec: FieldSpec, names: _Lookup, lang: str) -> str:
    if value in (None, "", []):
        return "–"
    if spec.type == "choice":
        return (f'<span class="chip {esc(value)}">{esc(value_label(value, lang, spec))}'
                "</span>")
    return esc(_shown(value, spec, names, lang))


def _collection(proc: Process, cid: str, spec: CollectionSpec, names: _Lookup,
                lang: str) -> str:
    """One card per collection that holds records: a table, or a single record's fields."""
    records = _records(proc, cid)
    if not records:
        return ""
    shown = {f: fs for f, fs in spec.fields.items() if fs.type != "id" and not fs.personal}
    heads = "".join(f"<th>{esc(field_label(f, lang, fs))}</th>" for f, fs in shown.items())
    if spec.single:
        rec = records[0]
        items = "".join(f"<dt>{esc(field_label(f, lang, fs))}</dt><dd>"
                        f"{_cell(rec.get(f), fs, names, lang)}</dd>" for f, fs in shown.items()
                        if rec.get(f) not in (None, "", []))
        inner = f"<dl>{items}</dl>"
    else:
        rows = "".join(
            f'<tr data-collection="{esc(cid)}" data-record="{esc(r.get("id", i))}">'
            + "".join(f"<td>{_cell(r.get(f), fs, names, lang)}</td>" for f, fs in shown.items())
            + "</tr>" for i, r in enumerate(records))
        inner = f"<table><thead><tr>{heads}</tr></thead><tbody>{rows}</tbody></table>"
    return _card(label(spec.label, lang, cid), inner, anchor=f"records-{cid}")


def _history(proc: Process, names: _Lookup, lang: str) -> str:
    roles = proc.template.roles
    rows = []
    for e in proc.history:
        is_phase = e.kind in {t.id for t in proc.template.triggers}
        what = esc(_event_label(proc, e.kind, lang))
        rows.append(f'<tr{" class=phase-change" if is_phase else ""}>'
                    f'<td class="date">{esc(_date(e.at, lang))}</td>'
                    f'<td>{"<strong>" + what + "</strong>" if is_phase else what}</td>'
                    f"<td>{esc(_detail(proc, e, names, lang))}</td>"
                    f'<td class="muted small">{esc(_actor(roles, e.actor, lang))}</td></tr>')
    return (f'<table><thead><tr><th>{esc(ui("date", lang))}</th><th>{esc(ui("what", lang))}'
            f'</th><th>{esc(ui("detail", lang))}</th><th>{esc(ui("by", lang))}</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _legend(lang: str) -> str:
    rows = [("swatch passed", ui("passed", lang)), ("swatch current", ui("current", lang)),
            ("swatch ahead", ui("ahead", lang)), ("line allowed", ui("allowed", lang)),
            ("line blocked", ui("blocked", lang))]
    items = "".join(f'<li><span class="{css}"></span>{esc(text)}</li>' for css, text in rows)
    return f'<ul class="legend">{items}</ul>'


def report(process: Process, lang: str = "de", *, graphviz: bool | None = None,
           at: dt.datetime | dt.date | str | None = None) -> str:
    """The status report of ``process`` as one self-contained HTML page in ``lang``.

    ``graphviz``: also embed the Graphviz phase diagram (None: when installed). What is
    due on ``at`` (default: now, UTC) comes first.
    """
    if lang not in ("de", "en"):
        raise ValueError(f"language {lang!r}; languages are de, en")
    proc = process
    graph = build_graph(process=proc)
    names = _Lookup(proc)
    options = proc.options()
    parts = [
        _header(proc, graph, lang), "<main>", _due(proc, at, lang),
        _card(ui("fallback_diagram", lang), f"<figure>{timeline(graph, lang)}</figure>"
              f'<figure class="dates">{_date_axis(proc, at, lang)}</figure>', anchor="progress"),
        _figures(proc, graph, lang),
        _card(ui("what_next", lang), _options(proc, graph, options, lang), anchor="next"),
        _card(ui("advisories", lang), _advisories(options, lang), anchor="advisories"),
        _card(label(proc.template.all_collections["phases_entered"].label, lang),
              _meetings(proc, graph, names, lang), anchor="meetings"),
        *(_collection(proc, cid, spec, names, lang)
          for cid, spec in proc.template.collections.items()),
    ]
    if graphviz if graphviz is not None else graphviz_available():
        svg = run_dot(to_dot(graph, lang)).decode("utf-8")
        figure = inline_svg(svg, label=ui("diagram", lang))
        parts.append(_card(ui("diagram", lang), f'<div class="cols wide"><figure class="graph">'
                           f"{figure}</figure>{_legend(lang)}</div>", anchor="diagram"))
    parts.append(_card(ui("timeline", lang), _history(proc, names, lang), anchor="history"))
    parts.append(f"<footer>{esc(ui('generated', lang))} · {esc(proc.template.id)} "
                 f"{esc(proc.template.version)}</footer></main>")
    title = f"{ui('report', lang)} – {proc.region}"
    return page(title, "\n".join(parts), lang)
