"""The handbook of a template: the method as a region reads it, in Markdown or HTML.

Title and description, the phase diagram, each phase in order (a series once, as
"Meilensteintreffen 1–5" with its minimum and maximum), what happens there, the
guiding questions and the checklist, how to move on with every rule in plain
language (and the message a refusal shows), recommendations (advisories), what is
recorded, the key figures (indicators),
the roles and the parameters. A consultant's ``extends:`` variant gets
its own handbook, with its own values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..model.specs import FieldSpec
from ..model.template import Check, Phase, ProcessTemplate
from .deadline_words import deadline_text
from .doc import (
    Block,
    Diagram,
    Heading,
    Inline,
    Item,
    Items,
    Para,
    Section,
    Table,
    Text,
    to_html,
    to_markdown,
)
from .dot import graphviz_available, run_dot, to_dot
from .figures import describe, word
from .graph import Cluster, build_graph
from .mermaid import to_mermaid
from .page import esc, inline_svg, page
from .verbalize import check_text, message_text, quote
from .words import label, ui

__all__ = ["HANDBOOK_FORMATS", "handbook", "rule_sentences"]

HANDBOOK_FORMATS = ("md", "html")


def _sentence(check: Check, tpl: ProcessTemplate, lang: str,
              payload: Mapping[str, FieldSpec] | None) -> str:
    return check_text(check, tpl, lang, payload).rstrip(".") + "."


def rule_sentences(template: ProcessTemplate, lang: str = "de") -> dict[str, str]:
    """Every guard and advisory code of a template -> its rule as a sentence in ``lang``."""
    out: dict[str, str] = {}
    for trig in template.triggers:
        for t in trig.transitions:
            for check in (*t.guards, *t.advisories):
                out.setdefault(check.code, _sentence(check, template, lang, trig.payload))
    for ev in template.events:
        for check in (*ev.guards, *ev.advisories):
            out.setdefault(check.code, _sentence(check, template, lang, None))
    return out


@dataclass(frozen=True, slots=True)
class _Group:
    """One phase, or a whole series shown once."""

    phases: tuple[Phase, ...]
    cluster: Cluster | None = None

    @property
    def first(self) -> Phase:
        return self.phases[0]

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(p.id for p in self.phases)


def _groups(tpl: ProcessTemplate, clusters: Sequence[Cluster]) -> list[_Group]:
    by_id = {c.id: c for c in clusters}
    groups: list[_Group] = []
    for p in tpl.phases:
        if p.series is not None and groups and groups[-1].first.series == p.series:
            last = groups[-1]
            groups[-1] = _Group((*last.phases, p), last.cluster)
        else:
            groups.append(_Group((p,), by_id.get(p.series) if p.series else None))
    return groups


def _group_title(group: _Group, lang: str) -> str:
    if group.cluster is None:
        return label(group.first.label, lang, group.first.id)
    return f"{group.cluster.label.get(lang)} 1–{group.cluster.max}"


def _check_items(checks: Sequence[Check], tpl: ProcessTemplate, lang: str,
                 payload: Mapping[str, FieldSpec] | None) -> list[Item]:
    items = []
    for c in checks:
        tag = ui("rule" if c.hard else "recommendation", lang)
        refusal = ui("refusal" if c.hard else "advisory", lang)
        msg = Item([Text(f"{refusal}: {quote(message_text(c, tpl, lang), lang)}", "muted")])
        origin = c.spec.origin
        whose = [Text(" "), Text(f"({ui(f'origin_{origin}', lang)})", "muted")] if origin else []
        items.append(Item([Text(tag, "tag-hard" if c.hard else "tag-soft"), Text(" "),
                           Text(_sentence(c, tpl, lang, payload)), *whose], (msg,)))
    return items


def _roles(tpl: ProcessTemplate, roles: Sequence[str] | None, lang: str) -> str:
    if roles is None:
        return ui("anyone", lang)
    return ", ".join(label(tpl.roles[r].label, lang, r) if r in tpl.roles else r for r in roles)


def _ways_out(tpl: ProcessTemplate, group: _Group, wildcard: set[str], lang: str) -> list[Item]:
    items: list[Item] = []
    for trig in tpl.triggers:
        if trig.id in wildcard:
            continue
        edges = [t for t in trig.transitions if t.source in group.ids]
        if not edges:
            continue
        dests = list(dict.fromkeys(t.target for t in edges))
        if group.cluster is not None and all(d in group.ids for d in dests):
            where = ui("next_member", lang, series=group.cluster.label.get(lang))
        else:
            where = ", ".join(label(tpl.phase(d).label, lang, d) for d in dests)
        guards = list({c.code: c for t in edges for c in t.guards}.values())
        advisories = list({c.code: c for t in edges for c in t.advisories}.values())
        children = [Item([Text(f"{ui('who', lang)}:", "muted"), Text(" "),
                          Text(_roles(tpl, trig.roles, lang))])]
        children.extend(_check_items(guards, tpl, lang, trig.payload))
        children.extend(_check_items(advisories, tpl, lang, trig.payload))
        if not guards and not advisories:
            children.append(Item([Text(ui("no_rules", lang))]))
        items.append(Item([Text(label(trig.label, lang, trig.id), "b"), Text(f" → {where}")],
                          tuple(children)))
    return items


def _phase_section(tpl: ProcessTemplate, group: _Group, wildcard: set[str],
                   lang: str) -> Section:
    phase = group.first
    anchor = f"phase-{group.cluster.id if group.cluster else phase.id}"
    blocks: list[Block] = [Heading(3, [Text(_group_title(group, lang))], anchor=anchor)]
    facts: list[Text] = []
    if group.cluster is not None:
        c = group.cluster
        facts.append(Text(c.count(lang)))
    if phase.initial:
        facts.append(Text(ui("initial_phase", lang)))
    if phase.final:
        facts.append(Text(ui("final_phase", lang)))
    if facts:
        blocks.append(Para([Text(" · ".join(f.text for f in facts), "muted")]))
    if phase.description is not None:
        blocks.append(Para([Text(label(phase.description, lang))]))
    if phase.questions:
        blocks.append(Heading(4, [Text(ui("questions", lang))]))
        blocks.append(Items(tuple(Item([Text(label(q, lang))]) for q in phase.questions)))
    if phase.checklist:
        blocks.append(Heading(4, [Text(ui("checklist", lang))]))
        blocks.append(Items(tuple(Item([Text(label(c, lang))]) for c in phase.checklist),
                            kind="check"))
    ways = _ways_out(tpl, group, wildcard, lang)
    if ways:
        blocks.append(Heading(4, [Text(ui("next", lang))]))
        blocks.append(Items(tuple(ways)))
    return Section(tuple(blocks))


def _where(tpl: ProcessTemplate, phases: Sequence[str], groups: Sequence[_Group],
           lang: str) -> str:
    running = [p.id for p in tpl.phases if not p.final]
    if set(phases) >= set(running):
        return ui("everywhere", lang)
    names = [_group_title(g, lang) for g in groups if g.ids & set(phases)]
    return ", ".join(names)


def _events_table(tpl: ProcessTemplate, groups: Sequence[_Group], lang: str) -> Table:
    rows: list[tuple[Inline, ...]] = []
    for ev in tpl.events:
        rules: list[Text] = []
        for c in (*ev.guards, *ev.advisories):
            tag = ui("rule" if c.hard else "recommendation", lang)
            rules.extend([Text(tag, "tag-hard" if c.hard else "tag-soft"), Text(" "),
                          Text(_sentence(c, tpl, lang, None) + " ")])
        rows.append(([Text(label(ev.spec.label, lang, ev.id), "b")],
                     [Text(_where(tpl, ev.phases, groups, lang))], rules or [Text("–")]))
    return Table((ui("event", lang), ui("where_allowed", lang).capitalize(), ui("rules", lang)),
                 tuple(rows))


def _deadlines(tpl: ProcessTemplate, groups: Sequence[_Group], lang: str) -> Section:
    """Each deadline: its label, kind and phases, and in words when it becomes due."""
    items = tuple(Item([Text(label(d.spec.label, lang, d.code), "b"),
                        Text(f" ({ui(d.spec.severity, lang)}; "
                             f"{_where(tpl, d.phases, groups, lang)}): "),
                        Text(deadline_text(d, tpl, lang))]) for d in tpl.deadlines)
    return Section((Heading(2, [Text(ui("deadlines", lang))], anchor="deadlines"),
                    Para([Text(ui("deadlines_text", lang), "muted")]), Items(items)))


def _parameters_table(tpl: ProcessTemplate, lang: str) -> Table:
    rows: list[tuple[Inline, ...]] = []
    for name, spec in tpl.parameters.items():
        span = ("–".join(str(v) for v in (spec.min, spec.max))
                if spec.min is not None and spec.max is not None else
                f"≥ {spec.min}" if spec.min is not None else
                f"≤ {spec.max}" if spec.max is not None else "–")
        value = tpl.values.get(name, spec.default)
        rows.append(([Text(label(spec.label, lang, name), "b"), Text(" "), Text(name, "code")],
                     [Text(str(value))], [Text(span)],
                     [Text(label(spec.description, lang, ""))]))
    return Table((ui("parameter", lang), ui("value", lang), ui("range", lang),
                  ui("meaning", lang)), tuple(rows))


def _indicators_table(tpl: ProcessTemplate, lang: str) -> Table:
    rows: list[tuple[Inline, ...]] = []
    for ind in tpl.indicators:
        spec = ind.spec
        rows.append(([Text(label(spec.label, lang, ind.code), "b")],
                     [Text(describe(tpl, spec, lang))],
                     [Text(label(spec.description, lang, "–") if spec.description else "–")]))
    return Table((word("indicator", lang), word("measured", lang), word("meaning", lang)),
                 tuple(rows))


def _every_phase(tpl: ProcessTemplate, wildcard: set[str], lang: str) -> Section:
    """The triggers that work from every running phase (abort), each with its rules."""
    items = []
    for trig in tpl.triggers:
        if trig.id not in wildcard:
            continue
        dests = list(dict.fromkeys(t.target for t in trig.transitions))
        where = ", ".join(label(tpl.phase(d).label, lang, d) for d in dests)
        first = trig.transitions[0]
        children = [Item([Text(f"{ui('who', lang)}:", "muted"), Text(" "),
                          Text(_roles(tpl, trig.roles, lang))]),
                    *_check_items(first.guards, tpl, lang, trig.payload),
                    *_check_items(first.advisories, tpl, lang, trig.payload)]
        items.append(Item([Text(label(trig.label, lang, trig.id), "b"),
                           Text(f" → {where}")], tuple(children)))
    return Section((Heading(3, [Text(ui("every_phase", lang))], anchor="any-phase"),
                    Items(tuple(items))))


def _blocks(tpl: ProcessTemplate, lang: str, svg: str | None, *, title: bool) -> list[Block]:
    graph = build_graph(tpl)
    groups = _groups(tpl, graph.clusters)
    wildcard = {e.trigger for e in graph.edges if e.any_source}
    blocks: list[Block] = []
    if title:
        blocks.append(Heading(1, [Text(label(tpl.title, lang, tpl.id))]))
        blocks.append(Para([Text(_subtitle(tpl, lang), "muted")]))
    intro: list[Block] = []
    if tpl.description is not None:
        intro.append(Para([Text(label(tpl.description, lang))]))
    intro.append(Heading(2, [Text(ui("diagram", lang))], anchor="diagram"))
    intro.append(Diagram(to_mermaid(graph, lang), svg, fallback_note=ui("diagram_text", lang)))
    blocks.append(Section(tuple(intro)))
    blocks.append(Heading(2, [Text(ui("phases", lang))], anchor="phases"))
    blocks.extend(_phase_section(tpl, g, wildcard, lang) for g in groups)
    if wildcard:
        blocks.append(_every_phase(tpl, wildcard, lang))
    invariants = tpl.invariants
    if invariants:
        always = tuple(Item([Text(_sentence(c, tpl, lang, None))]) for c in invariants)
        blocks.append(Section((Heading(2, [Text(ui("invariants", lang))], anchor="invariants"),
                               Para([Text(ui("invariants_text", lang), "muted")]),
                               Items(always))))
    if tpl.deadlines:
        blocks.append(_deadlines(tpl, groups, lang))
    blocks.append(Section((Heading(2, [Text(ui("events", lang))], anchor="events"),
                           _events_table(tpl, groups, lang))))
    if tpl.roles:
        roles = tuple(Item([Text(label(r.label, lang, rid), "b"),
                            *([Text(" – " + label(r.description, lang))] if r.description
                              else [])]) for rid, r in tpl.roles.items())
        blocks.append(Section((Heading(2, [Text(ui("roles", lang))], anchor="roles"),
                               Items(roles))))
    if tpl.indicators:
        blocks.append(Section((Heading(2, [Text(word("key_figures", lang))], anchor="indicators"),
                               _indicators_table(tpl, lang))))
    if tpl.parameters:
        blocks.append(Section((Heading(2, [Text(ui("parameters", lang))], anchor="parameters"),
                               _parameters_table(tpl, lang))))
    return blocks


def _subtitle(tpl: ProcessTemplate, lang: str) -> str:
    parts = [ui("handbook", lang), f"{ui('version', lang)} {tpl.version}", tpl.id]
    if tpl.extends:
        parts.append(f"{ui('variant_of', lang)} {tpl.extends}")
    return " · ".join(parts)


def handbook(template: ProcessTemplate, lang: str = "de", fmt: str = "md", *,
             graphviz: bool | None = None) -> str:
    """The handbook of ``template`` in ``lang`` (de, en) as Markdown (``md``) or ``html``.

    HTML embeds the diagram as inline SVG when Graphviz is available (``graphviz``:
    None = when installed), else its Mermaid text, and is one self-contained file.
    """
    if fmt not in HANDBOOK_FORMATS:
        raise ValueError(f"format {fmt!r}; formats are {', '.join(HANDBOOK_FORMATS)}")
    if lang not in ("de", "en"):
        raise ValueError(f"language {lang!r}; languages are de, en")
    if fmt == "md":
        return to_markdown(_blocks(template, lang, None, title=True))
    svg = None
    title = label(template.title, lang, template.id)
    if graphviz if graphviz is not None else graphviz_available():
        dot = to_dot(build_graph(template), lang)
        svg = inline_svg(run_dot(dot).decode("utf-8"), label=title)
    body = (f'<header class="top"><div class="inner"><p class="kicker">'
            f'{esc(ui("handbook", lang))}</p><h1>{esc(title)}</h1>'
            f'<p class="sub">{esc(_subtitle(template, lang))}</p></div></header>\n'
            f'<main>\n{to_html(_blocks(template, lang, svg, title=False))}\n'
            f'<footer>{esc(ui("generated", lang))}</footer>\n</main>')
    return page(title, body, lang)
