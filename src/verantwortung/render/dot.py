"""Graphviz DOT text from the graph IR, and SVG or PNG through the ``dot`` program.

Every id and label is a quoted DOT string (backslashes, quotes and newlines
escaped). Labels and tooltips are HTML-escaped first: Graphviz turns entities
back into characters for PNG, and copies them unchanged into SVG, where a raw
``&`` followed by a word would otherwise be read as an entity.

Graphviz is a program, not a Python package: it is called through ``subprocess``,
so no extra Python dependency is needed. Without it, :class:`GraphvizNotFoundError`
says how to install it.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import textwrap

from ..exceptions import GraphvizError, GraphvizNotFoundError
from .graph import Edge, Graph, Node
from .words import ui

__all__ = ["GraphvizError", "GraphvizNotFoundError", "dot_string", "graphviz_available",
           "run_dot", "to_dot"]

FONT = "Helvetica,Arial,sans-serif"
_TIMEOUT = 60.0
START = "[*]"

_FILL = {"current": "#fde68a", "passed": "#d1fae5", "ahead": "#ffffff"}
_LINE = {"current": "#b45309", "passed": "#047857", "ahead": "#9ca3af"}
_EDGE = {"allowed": "#047857", "blocked": "#b91c1c"}


def graphviz_available() -> bool:
    """True when the ``dot`` program can be found."""
    return shutil.which("dot") is not None


def run_dot(source: str, fmt: str = "svg") -> bytes:
    """Lay out DOT ``source`` with Graphviz; return the ``svg`` or ``png`` bytes."""
    if fmt not in ("svg", "png"):
        raise ValueError(f"format {fmt!r}: Graphviz output is svg or png")
    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizNotFoundError(fmt)
    try:
        done = subprocess.run([exe, f"-T{fmt}"], input=source.encode("utf-8"),
                              capture_output=True, timeout=_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GraphvizError(f"Graphviz 'dot' failed: {exc}") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise GraphvizError(f"Graphviz 'dot' exited with {done.returncode}: {message}")
    return done.stdout


def dot_string(text: str, *, escape_html: bool = True) -> str:
    """``text`` as a quoted DOT string (HTML-escaped unless ``escape_html`` is false)."""
    if escape_html:
        text = html.escape(text, quote=False)
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    text = re.sub(r"\r\n|\r|\n", r"\\n", text)
    return f'"{text}"'


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width, break_long_words=False)) or text


def _attrs(**values: str | None) -> str:
    parts = [f"{k}={v}" for k, v in values.items() if v is not None]
    return f" [{', '.join(parts)}]" if parts else ""


def _node(n: Node, lang: str, process: bool) -> str:
    tooltip = n.label.get(lang)
    if n.description is not None:
        tooltip += "\n" + textwrap.shorten(n.description.get(lang), 400, placeholder=" …")
    if process and n.state is not None:
        tooltip += f"\n({ui(n.state, lang)})"
    state = n.state if process else None
    fill = _FILL[state] if state else ("#f3f4f6" if n.final else "#ffffff")
    line = _LINE[state] if state else ("#4b5563" if not n.optional else "#9ca3af")
    styles = ["rounded", "filled"]
    if n.optional and state != "current" and state != "passed":
        styles.append("dashed")
    if state == "current":
        styles.append("bold")
    classes = ["phase", *([state] if state else []), *(["final"] if n.final else [])]
    return "    " + dot_string(n.id) + _attrs(
        label=dot_string(_wrap(n.label.get(lang), 22)), tooltip=dot_string(tooltip),
        id=dot_string(f"phase-{n.id}"), fillcolor=dot_string(fill), color=dot_string(line),
        style=dot_string(",".join(styles)), peripheries="2" if n.final else None,
        penwidth="2.5" if state == "current" else None,
        fontcolor=dot_string("#111827"),
        **{"class": dot_string(" ".join(classes))}) + ";"


def _edge_tooltip(e: Edge, lang: str) -> str:
    lines = [e.label.get(lang)]
    if e.status is not None:
        lines[0] += f" ({ui(e.status, lang)})"
        lines.extend(f"• {r.message.get(lang)}" for r in e.reasons)
        lines.extend(f"• {ui('needs', lang)}: {r.message.get(lang)}" for r in e.needs)
        lines.extend(f"• {ui('recommendation', lang)}: {r.message.get(lang)}"
                     for r in e.warnings)
        return "\n".join(lines)
    if e.guards:
        lines.append(f"{ui('rules', lang)}:")
        lines.extend(f"• {g.rule.get(lang)}" for g in e.guards)
    if e.advisories:
        lines.append(f"{ui('recommendations', lang)}:")
        lines.extend(f"• {a.rule.get(lang)}" for a in e.advisories)
    return "\n".join(lines)


def _edge(e: Edge, lang: str, process: bool) -> str:
    text = e.label.get(lang)
    if e.status == "allowed":
        text = f"✓ {text}"
    elif e.status == "blocked":
        n = len(e.reasons)
        text = f"✗ {text}" + (f" ({n} {ui('reasons', lang)})" if n > 1 else "")
    color = _EDGE.get(e.status or "", "#047857" if e.taken else
                      "#9ca3af" if process or e.any_source else "#4b5563")
    style = ("dashed" if e.status == "blocked" or (e.any_source and not e.taken)
             else "bold" if e.status == "allowed" or e.taken else None)
    classes = ["transition", *([e.status] if e.status else []), *(["taken"] if e.taken else [])]
    return "    " + dot_string(e.source) + " -> " + dot_string(e.target) + _attrs(
        label=dot_string(_wrap(text, 26)) if e.primary else None,
        tooltip=dot_string(_edge_tooltip(e, lang)),
        color=dot_string(color), fontcolor=dot_string(color if e.status else "#374151"),
        style=dot_string(style) if style else None,
        penwidth="2" if e.status or e.taken else None,
        **{"class": dot_string(" ".join(classes))}) + ";"


def _head(graph: Graph, lang: str, rankdir: str) -> list[str]:
    """The opening lines: the graph's title and defaults, and the start dot."""
    title = graph.title.get(lang)
    if graph.region:
        title = f"{graph.region} – {title}"
    return [
        f"digraph {dot_string(graph.id)} {{",
        "    graph" + _attrs(rankdir=dot_string(rankdir), fontname=dot_string(FONT),
                             fontsize="16", label=dot_string(title), labelloc='"t"',
                             tooltip=dot_string(title), nodesep="0.3", ranksep="0.4",
                             bgcolor='"white"', pad="0.2") + ";",
        "    node" + _attrs(shape='"box"', fontname=dot_string(FONT), fontsize="12",
                            margin='"0.14,0.06"') + ";",
        "    edge" + _attrs(fontname=dot_string(FONT), fontsize="10",
                            arrowsize="0.7") + ";",
        "    " + dot_string(START) + _attrs(
            shape='"circle"', style='"filled"', fillcolor='"#374151"', color='"#374151"',
            label='""', width="0.16", fixedsize="true", tooltip=dot_string(ui("start", lang))
        ) + ";",
    ]


def _nodes(graph: Graph, lang: str, process: bool) -> list[str]:
    """The phases: those outside a series, then each series as a dashed cluster."""
    clustered = {m for c in graph.clusters for m in c.members}
    out = [_node(n, lang, process) for n in graph.nodes if n.id not in clustered]
    for c in graph.clusters:
        count = c.count(lang)
        span = f"{c.label.get(lang)} ({count})"
        out.append(f"    subgraph {dot_string('cluster_' + c.id)} {{")
        out.append("        graph" + _attrs(label=dot_string(span), style='"rounded,dashed"',
                                             color='"#9ca3af"', fontsize="12",
                                             tooltip=dot_string(span)) + ";")
        out.extend("    " + _node(graph.node(m), lang, process) for m in c.members)
        out.append("    }")
    return out


def to_dot(graph: Graph, lang: str = "de", *, rankdir: str = "TB") -> str:
    """The graph as Graphviz DOT text (``lang``: de or en; ``rankdir``: TB or LR)."""
    process = graph.current is not None
    out = [*_head(graph, lang, rankdir), *_nodes(graph, lang, process)]
    out.append(f"    {dot_string(START)} -> {dot_string(graph.initial.id)};")
    sinks = [dot_string(n) for n in sorted(graph.side_finals())]
    if sinks:  # "aborted" and the like: at the end, out of the main line's way
        out.append(f"    {{ rank=sink; {'; '.join(sinks)}; }}")
    drawn: set[tuple[str, str]] = set()
    for e in graph.edges:
        if e.any_source and not (e.taken or e.status):
            # a trigger from every running phase (abort) is drawn once, from a note that
            # says so, instead of an edge from each phase across the whole diagram
            if process or (e.trigger, e.target) in drawn:
                continue
            drawn.add((e.trigger, e.target))
            anywhere = f"*{e.trigger}"
            out.append("    " + dot_string(anywhere) + _attrs(
                label=dot_string(ui("any_phase", lang)), shape='"note"', style='"filled"',
                fillcolor='"#f9fafb"', color='"#9ca3af"', fontcolor='"#4b5563"',
                fontsize="10", tooltip=dot_string(ui("any_phase", lang))) + ";")
            e = Edge(**{**{k: getattr(e, k) for k in Edge.__slots__}, "source": anywhere,
                        "primary": True})
        out.append(_edge(e, lang, process))
    out.extend(_deadline_note(graph, lang))
    out.append("}")
    return "\n".join(out) + "\n"


def _deadline_note(graph: Graph, lang: str) -> list[str]:
    """A note beside the current phase with its deadlines; red when one is overdue."""
    from .mermaid import deadline_lines

    if graph.current is None or not graph.deadlines:
        return []
    overdue = any(d.due and d.severity == "overdue" for d in graph.deadlines)
    due = any(d.due for d in graph.deadlines)
    text = "\n".join(_wrap(line, 56) for line in deadline_lines(graph, lang))
    tooltip = "\n".join([text, *(d.message.get(lang) for d in graph.deadlines
                                 if d.message is not None)])
    note = f"*deadlines*{graph.current}"
    fill, line = (("#fef2f2", "#991b1b") if overdue else ("#fef3c7", "#92400e") if due
                  else ("#f9fafb", "#9ca3af"))
    return [
        "    " + dot_string(note) + _attrs(
            label=dot_string(text), shape='"note"', style='"filled"', fontsize="10",
            fillcolor=dot_string(fill), color=dot_string(line), fontcolor='"#111827"',
            tooltip=dot_string(tooltip), id=dot_string("deadlines"),
            **{"class": dot_string("deadlines" + (" overdue" if overdue else ""))}) + ";",
        "    " + dot_string(graph.current) + " -> " + dot_string(note) + _attrs(
            style='"dashed"', arrowhead='"none"', color=dot_string(line)) + ";",
        f"    {{ rank=same; {dot_string(graph.current)}; {dot_string(note)}; }}",
    ]
