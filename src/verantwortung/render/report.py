"""The HTML status report of one process: a single self-contained file to show a region.

Where the process stands (a phase timeline, and the Graphviz diagram when
Graphviz is installed), key figures, what can be done next and why not, the
advisories, the meetings held, the projects and their status, vision and goals,
the network's composition as a bar chart, and the dated history of events.
Inline CSS and inline SVG only: no script, no font, no image, no address outside
the file. Every text that comes from users or templates is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..model.process import MIGRATED_EVENT, START_EVENT, Event, Option
from ..store.cloudevents import kind_label
from .dot import graphviz_available, run_dot, to_dot
from .graph import Graph, build_graph, needs_input
from .page import esc, inline_svg, page
from .svg import Bar, bar_chart, timeline
from .words import field_label, label, ui, value_label

if TYPE_CHECKING:
    from ..engine.process import Process

__all__ = ["report"]

# payload fields that name a record of another collection, and that collection
_REFS = {"partner": "partners", "theme": "themes", "project": "projects", "team": "teams"}
_NAMES = ("name", "title", "text", "host", "details", "reason")


def _date(when: dt.datetime, lang: str) -> str:
    return f"{when:%d.%m.%Y}" if lang == "de" else f"{when:%Y-%m-%d}"


def _value(proc: Process, value: Any, lang: str, collection: str | None, field: str) -> str:
    """A choice value as the region reads it (the labels of its field in the template)."""
    spec = proc.template.collections.get(collection or "")
    return value_label(value, lang, spec.fields.get(field) if spec is not None else None)


def _records(proc: Process, collection: str) -> tuple[dict[str, Any], ...]:
    try:
        return proc.records(collection)
    except KeyError:
        return ()


def _name_of(record: Mapping[str, Any]) -> str:
    return str(record.get("name") or record.get("title") or record.get("id") or "")


class _Lookup:
    """Names of records by collection and id, for showing references as names."""

    def __init__(self, proc: Process) -> None:
        self.names: dict[str, dict[Any, str]] = {}
        for collection in set(_REFS.values()):
            self.names[collection] = {r.get("id"): _name_of(r)
                                      for r in _records(proc, collection)}

    def __call__(self, collection: str, record_id: Any) -> str:
        return self.names.get(collection, {}).get(record_id) or str(record_id)


def _actor(tpl_roles: Mapping[str, Any], actor: str | None, lang: str) -> str:
    if not actor:
        return "–"
    role, _, name = actor.partition(":")
    spec = tpl_roles.get(role)
    shown = label(spec.label, lang, role) if spec is not None else role
    return f"{shown} ({name})" if name else shown


def _event_label(proc: Process, kind: str, lang: str) -> str:
    return kind_label(proc.template, kind)[lang]


def _detail(proc: Process, event: Event, names: _Lookup, lang: str) -> str:
    payload = event.payload
    if event.kind == START_EVENT:
        return str(payload.get("region") or "")
    if event.kind == MIGRATED_EVENT:
        return f"{payload['from']['version']} → {payload['to']['version']}"
    main = next((str(payload[k]) for k in _NAMES if payload.get(k)), "")
    refs = [(key, names(collection, payload[key])) for key, collection in _REFS.items()
            if isinstance(payload.get(key), str)]
    parts: list[str] = []
    if main:
        parts.append(main)
        extra = [f"{field_label(key, lang)}: {name}" for key, name in refs]
    else:
        parts.extend(name for _, name in refs)
        extra = []
    try:
        spec = proc.template.event(event.kind).spec
        collection, updates = spec.adds or spec.updates, spec.updates is not None
    except KeyError:
        collection, updates = None, False
    for key in ("kind", "form", "size"):
        if payload.get(key):
            extra.append(_value(proc, payload[key], lang, collection, key))
    if updates and payload.get("status"):
        parts.append("→ " + _value(proc, payload["status"], lang, collection, "status"))
    if payload.get("speaker"):
        extra.append(ui("speaker_mark", lang))
    if isinstance(payload.get("members"), list):
        extra.append(", ".join(names("partners", m) for m in payload["members"]))
    if payload.get("date"):
        extra.append(str(payload["date"]))
    if isinstance(payload.get("attendance"), int):
        parts.append(f"{payload['attendance']} {ui('attendance', lang)}")
    text = " ".join(parts)
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
                      f"{proc.version} {ui('events_count', lang)}"])
    return ('<header class="top"><div class="inner">'
            f'<p class="kicker">{esc(ui("report", lang))}</p>'
            f'<h1>{esc(proc.region)}</h1><p class="sub">{esc(sub)}</p>'
            f'<span class="phase-badge" id="current-phase" data-phase="{esc(proc.phase)}">'
            f'{esc(ui("current_phase", lang))}: {esc(phase)}</span>'
            "</div></header>")


def _figures(proc: Process, graph: Graph, lang: str) -> str:
    circle_ids = {r.get("partner") for r in _records(proc, "circle")}
    partners = _records(proc, "partners")
    companies = sum(1 for p in partners if p.get("id") in circle_ids and p.get("kind") == "company")
    held = [r for r in _records(proc, "phases_entered") if r.get("series")]
    cluster = graph.clusters[0] if graph.clusters else None
    figures = [(len(partners), ui("partners", lang)),
               (companies, ui("circle_companies", lang))]
    if cluster is not None:
        figures.append((len(held), f"{cluster.label.get(lang)} (max. {cluster.max})"))
    figures.extend([(len(_records(proc, "teams")), ui("teams", lang)),
                    (len(_records(proc, "projects")), ui("projects", lang)),
                    (len(_records(proc, "outcomes")), ui("outcomes", lang))])
    cells = "".join(f'<div class="kpi"><div class="n">{n}</div><div class="l">{esc(text)}</div>'
                    "</div>" for n, text in figures)
    return f'<div class="grid">{cells}</div>'


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


def _meetings(proc: Process, graph: Graph, lang: str) -> str:
    rows = []
    for r in _records(proc, "phases_entered"):
        phase = str(r.get("phase"))
        try:
            name = graph.node(phase).label.get(lang)
        except KeyError:
            name = phase
        when = dt.datetime.fromisoformat(str(r.get("at")))
        attendance = r.get("attendance")
        rows.append(f'<tr><td class="date">{esc(_date(when, lang))}</td><td>{esc(name)}</td>'
                    f'<td>{esc(attendance) if attendance is not None else "–"}</td>'
                    f'<td>{esc(r.get("minutes") or "")}</td></tr>')
    if not rows:
        return _empty(lang)
    return (f'<table><thead><tr><th>{esc(ui("date", lang))}</th><th>{esc(ui("phase", lang))}'
            f'</th><th>{esc(ui("attendance", lang))}</th><th>{esc(ui("detail", lang))}</th>'
            f'</tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _projects(proc: Process, names: _Lookup, lang: str) -> str:
    projects = _records(proc, "projects")
    if not projects:
        return _empty(lang, "no_projects")
    rows = []
    for p in projects:
        status = str(p.get("status") or "idea")
        theme = names("themes", p["theme"]) if p.get("theme") else "–"
        rows.append(f'<tr data-project="{esc(p.get("id"))}"><td><strong>'
                    f'{esc(p.get("title") or p.get("id"))}</strong></td>'
                    f'<td>{esc(names("teams", p.get("team")))}</td><td>{esc(theme)}</td>'
                    f'<td><span class="chip {esc(status)}">'
                    f'{esc(_value(proc, status, lang, "projects", "status"))}'
                    "</span></td></tr>")
    outcomes = _records(proc, "outcomes")
    extra = ""
    if outcomes:
        items = "".join(f"<li><strong>{esc(o.get('title'))}</strong> "
                        '<span class="muted">('
                        f'{esc(_value(proc, o.get("kind"), lang, "outcomes", "kind"))})</span>'
                        "</li>" for o in outcomes)
        extra = f"<h3>{esc(ui('outcomes', lang))}</h3><ul>{items}</ul>"
    return (f'<table><thead><tr><th>{esc(ui("projects", lang))}</th><th>{esc(ui("team", lang))}'
            f'</th><th>{esc(ui("theme", lang))}</th><th>{esc(ui("status", lang))}</th></tr>'
            f'</thead><tbody>{"".join(rows)}</tbody></table>{extra}')


def _vision(proc: Process, names: _Lookup, lang: str) -> str:
    parts = []
    for vision in _records(proc, "vision"):
        year = f" ({esc(vision['horizon_year'])})" if vision.get("horizon_year") else ""
        parts.append(f"<blockquote>{esc(vision.get('text'))}{year}</blockquote>")
    goals = _records(proc, "goals")
    if goals:
        items = "".join(f"<li>{esc(g.get('text'))}</li>" for g in goals)
        parts.append(f"<h3>{esc(ui('goals', lang))}</h3><ul>{items}</ul>")
    themes = [names("themes", t.get("theme")) for t in _records(proc, "selected_themes")]
    if themes:
        parts.append(f"<h3>{esc(ui('theme', lang))}</h3><p>" +
                     " ".join(f'<span class="chip">{esc(t)}</span>' for t in themes) + "</p>")
    for form in _records(proc, "consolidation"):
        details = f" – {esc(form['details'])}" if form.get("details") else ""
        parts.append(f"<h3>{esc(ui('consolidation', lang))}</h3><p><strong>"
                     f"{esc(_value(proc, form.get('form'), lang, 'consolidation', 'form'))}"
                     f"</strong>{details}</p>")
    return "".join(parts) or _empty(lang)


def _network(proc: Process, names: _Lookup, lang: str) -> str:
    partners = _records(proc, "partners")
    if not partners:
        return _empty(lang, "no_partners")
    kinds = Counter(str(p.get("kind") or "other") for p in partners)
    bars = [Bar(_value(proc, k, lang, "partners", "kind"), n, accent=k == "company")
            for k, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))]
    chart = bar_chart(bars, title=ui("partners_by_kind", lang))
    circle = _records(proc, "circle")
    speaker = f' <span class="chip">{esc(ui("speaker_mark", lang))}</span>'
    members = "".join(f'<li>{esc(names("partners", m.get("partner")))}'
                      f'{speaker if m.get("speaker") else ""}</li>' for m in circle)
    listing = "".join(f'<li data-partner="{esc(p.get("id"))}">{esc(p.get("name"))} '
                      '<span class="muted small">'
                      f'{esc(_value(proc, p.get("kind"), lang, "partners", "kind"))}</span>'
                      "</li>" for p in partners)
    circle_html = (f"<h3>{esc(ui('circle', lang))}</h3><ul>{members}</ul>" if members else "")
    return (f'<div class="cols"><div><h3>{esc(ui("partners_by_kind", lang))}</h3>'
            f"<figure>{chart}</figure>{circle_html}</div><div><h3>{esc(ui('partners', lang))}"
            f"</h3><ul>{listing}</ul></div></div>")


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
        _card(ui("fallback_diagram", lang), f"<figure>{timeline(graph, lang)}</figure>",
              anchor="progress"),
        _figures(proc, graph, lang),
        _card(ui("what_next", lang), _options(proc, graph, options, lang), anchor="next"),
        _card(ui("advisories", lang), _advisories(options, lang), anchor="advisories"),
        '<div class="cols">',
        _card(ui("meetings", lang), _meetings(proc, graph, lang), anchor="meetings"),
        _card(f"{ui('vision', lang)} · {ui('goals', lang)}", _vision(proc, names, lang),
              anchor="vision"),
        "</div>",
        _card(ui("projects", lang), _projects(proc, names, lang), anchor="projects"),
        _card(ui("network", lang), _network(proc, names, lang), anchor="network"),
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
