"""Mermaid ``stateDiagram-v2`` text from the graph IR (renders in GitHub and GitLab Markdown).

Mermaid state ids are letters, digits and underscores, and some words are keywords
of its grammar (``state``, ``note``, ``end`` ...; the lexer ignores case), so every
phase id is mapped to a safe, unique id. Labels are written with Mermaid's entity
codes (``#58;`` for ``:``) for every character that would end a label or start
markup: a colon, semicolon, quote, ``<``, ``>``, ``#``, ``%``, braces and backticks.
Umlauts stay as they are.

Series members are not drawn as a composite state: Mermaid redirects edges that
cross a composite's border to the border itself, and every milestone has edges to
the closing event and to ``aborted``. They share a style instead.
"""

from __future__ import annotations

import re

from .graph import Edge, Graph
from .words import ui

__all__ = ["mermaid_id", "mermaid_ids", "mermaid_text", "to_mermaid"]

_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# words of the stateDiagram grammar (compared in lower case, as its lexer does)
_KEYWORDS = frozenset({
    "state", "note", "end", "as", "of", "left", "right", "over", "direction", "class",
    "classdef", "style", "click", "hide", "scale", "default", "acctitle", "accdescr",
    "statediagram", "concurrent", "fork", "join", "choice", "tb", "bt", "lr", "rl",
    "on", "off", "true", "false", "null", "graph", "flowchart", "subgraph", "call",
    "href", "link", "linkstyle",
})
_ESCAPES = {c: f"#{ord(c)};" for c in ':;"<>#%{}`&\\[]'}

_STYLES = {
    "current": "fill:#fde68a,stroke:#b45309,stroke-width:3px,color:#1f2937,font-weight:bold",
    "passed": "fill:#d1fae5,stroke:#047857,color:#064e3b",
    "ahead": "fill:#ffffff,stroke:#9ca3af,color:#374151",
    "optional": "fill:#ffffff,stroke:#9ca3af,stroke-dasharray:4 3,color:#4b5563",
    "final": "fill:#f3f4f6,stroke:#4b5563,color:#111827",
}


def mermaid_id(phase_id: str) -> str:
    """A Mermaid-safe form of one id (not yet made unique; see :func:`mermaid_ids`)."""
    if _ID.match(phase_id) and phase_id.lower() not in _KEYWORDS:
        return phase_id
    safe = "".join(c if c.isascii() and (c.isalnum() or c == "_") else f"_{ord(c):x}_"
                   for c in phase_id)
    return f"s_{safe}"


def mermaid_ids(ids: list[str]) -> dict[str, str]:
    """Safe and unique Mermaid ids for ``ids`` (in order; a clash gets a number)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for pid in ids:
        base = candidate = mermaid_id(pid)
        n = 2
        while candidate.lower() in used:
            candidate = f"{base}_{n}"
            n += 1
        used.add(candidate.lower())
        out[pid] = candidate
    return out


def mermaid_text(text: str) -> str:
    """A label that cannot break a Mermaid line: one line, markup characters as entities."""
    flat = " ".join(text.split())
    return "".join(_ESCAPES.get(c, c) for c in flat)


def _edge_label(edge: Edge, lang: str) -> str:
    name = edge.label.get(lang)
    if edge.status == "allowed":
        return f"✓ {name}"
    if edge.status == "blocked":
        return f"✗ {name}"
    return name


def to_mermaid(graph: Graph, lang: str = "de") -> str:
    """The graph as Mermaid ``stateDiagram-v2`` text (``lang``: de or en)."""
    ids = mermaid_ids([n.id for n in graph.nodes])
    out = ["stateDiagram-v2"]
    process = graph.current is not None
    used_styles: set[str] = {n.state for n in graph.nodes if n.state} if process else set()
    if not process:
        used_styles |= {"final"} if any(n.final for n in graph.nodes) else set()
        used_styles |= {"optional"} if any(n.optional for n in graph.nodes) else set()
    out.extend(f"    classDef {name} {style}" for name, style in _STYLES.items()
               if name in used_styles)
    for n in graph.nodes:
        out.append(f'    state "{mermaid_text(n.label.get(lang))}" as {ids[n.id]}')
    out.append(f"    [*] --> {ids[graph.initial.id]}")
    for e in graph.edges:
        if process and e.any_source and not (e.taken or e.status):
            continue  # "abort" from every phase: only where the process stands
        line = f"    {ids[e.source]} --> {ids[e.target]}"
        if e.primary:
            line += f" : {mermaid_text(_edge_label(e, lang))}"
        out.append(line)
    for n in graph.nodes:
        if n.final:
            out.append(f"    {ids[n.id]} --> [*]")
    classes: dict[str, list[str]] = {}
    for n in graph.nodes:
        style = n.state if process else ("final" if n.final else
                                         "optional" if n.optional else None)
        if style:
            classes.setdefault(style, []).append(ids[n.id])
    out.extend(f"    class {','.join(members)} {style}" for style, members in classes.items())
    if process and graph.current is not None:
        note = _note(graph, lang)
        if note:
            out.append(f"    note right of {ids[graph.current]}")
            out.extend(f"        {mermaid_text(line)}" for line in note)
            out.append("    end note")
    return "\n".join(out) + "\n"


def _note(graph: Graph, lang: str) -> list[str]:
    """Lines for the note at the current phase: each way out, allowed or blocked, and why."""
    assert graph.current is not None
    lines: list[str] = []
    for e in graph.outgoing(graph.current):
        if e.status is None:
            continue
        state = ui("allowed" if e.status == "allowed" else "blocked", lang)
        lines.append(f"{_edge_label(e, lang)} ({state})")
        lines.extend(f"- {r.message.get(lang)}" for r in e.reasons)
        lines.extend(f"- {ui('needs', lang)}: {r.message.get(lang)}" for r in e.needs)
        lines.extend(f"- {ui('recommendation', lang)}: {r.message.get(lang)}"
                     for r in e.warnings)
    return lines + deadline_lines(graph, lang)


def deadline_lines(graph: Graph, lang: str) -> list[str]:
    """The current phase's deadlines in words: those due with since when, then the rest."""
    if not graph.deadlines:
        return []
    lines = [f"{ui('phase_deadlines', lang)}:"]
    for d in graph.deadlines:
        if d.due and d.since is not None:
            lines.append("! " + ui("deadline_due", lang, label=d.label.get(lang),
                                   since=d.since.get(lang)))
        else:
            lines.append("- " + ui("deadline_not_due", lang, label=d.label.get(lang)))
    return lines
