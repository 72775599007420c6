"""SVG drawn without Graphviz: the phase timeline of a process and a horizontal bar chart.

Both are plain SVG text for inlining in HTML, so the report always has a picture
of where the process stands, whether or not Graphviz is installed. Every text is
escaped; nothing refers to anything outside the SVG.
"""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from .graph import Graph, Node
from .page import esc
from .words import ui

__all__ = ["Bar", "bar_chart", "timeline"]

INK, MUTED, LINE = "#1f2937", "#6b7280", "#d1d5db"
PASSED, CURRENT, CURRENT_RING, NO = "#0f766e", "#f59e0b", "#b45309", "#b91c1c"
FONT = ('font-family="system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, '
        'Noto Sans, Liberation Sans, DejaVu Sans, sans-serif"')

STEP, SERIES_STEP, GAP = 150, 46, 34
R, R_SERIES, TOP = 15, 12, 34


@dataclass(frozen=True, slots=True)
class _Place:
    node: Node
    x: float
    r: float


def _lines(text: str, width: int = 20, most: int = 3) -> list[str]:
    lines = textwrap.wrap(text, width, break_long_words=False) or [text]
    if len(lines) > most:
        lines = [*lines[: most - 1], textwrap.shorten(" ".join(lines[most - 1:]), width,
                                                       placeholder="…")]
    return lines


def _text(x: float, y: float, lines: Sequence[str], *, size: int = 12, weight: str = "400",
          fill: str = INK) -> str:
    spans = "".join(f'<tspan x="{x:.0f}" dy="{0 if i == 0 else size + 3}">{esc(t)}</tspan>'
                    for i, t in enumerate(lines))
    return (f'<text x="{x:.0f}" y="{y:.0f}" text-anchor="middle" font-size="{size}" '
            f'font-weight="{weight}" fill="{fill}">{spans}</text>')


def _layout(graph: Graph) -> tuple[list[_Place], float]:
    side = graph.side_finals()
    main = [n for n in graph.nodes if n.id not in side]
    clusters = {m: c for c in graph.clusters for m in c.members}
    places: list[_Place] = []
    x = 60.0
    previous: Node | None = None
    for n in main:
        in_series = n.series is not None and n.id in clusters
        if previous is not None:
            same = in_series and previous.series == n.series
            x += SERIES_STEP if same else (STEP if not in_series and previous.series is None
                                           else STEP / 2 + SERIES_STEP / 2 + GAP)
        places.append(_Place(n, x, R_SERIES if in_series else R))
        previous = n
    ended = next((n for n in graph.nodes if n.id in side and n.id == graph.current), None)
    if ended is not None:
        places.append(_Place(ended, x + STEP, R))
    return places, x + (STEP if ended is not None else 0) + 60


def _node(p: _Place, graph: Graph, lang: str, side: bool) -> str:
    n = p.node
    state = n.state or "ahead"
    r = p.r + (4 if state == "current" else 0)
    if state == "current":
        fill, stroke, width = (NO if side else CURRENT), (NO if side else CURRENT_RING), 3
    elif state == "passed":
        fill, stroke, width = PASSED, PASSED, 2
    else:
        fill, stroke, width = "#ffffff", "#9ca3af", 2
    dash = ' stroke-dasharray="4 3"' if n.optional and state == "ahead" else ""
    parts = [f'<g class="phase {state}" data-phase="{esc(n.id)}" data-state="{state}">',
             f"<title>{esc(n.label.get(lang))} – {esc(ui(state, lang))}</title>"]
    if state == "current":  # a soft halo draws the eye to where the region stands
        parts.append(f'<circle cx="{p.x:.0f}" cy="{TOP}" r="{r + 6:.0f}" fill="{fill}" '
                     'fill-opacity="0.18"/>')
    parts.append(f'<circle cx="{p.x:.0f}" cy="{TOP}" r="{r:.0f}" fill="{fill}" '
                 f'stroke="{stroke}" stroke-width="{width}"{dash}/>')
    if n.index is not None and n.series is not None and n.id in {
            m for c in graph.clusters for m in c.members}:
        color = "#ffffff" if state != "ahead" else MUTED
        parts.append(_text(p.x, TOP + 4, [str(n.index)], size=11, weight="700", fill=color))
    elif state == "passed":
        parts.append(_text(p.x, TOP + 5, ["✓"], size=14, weight="700", fill="#ffffff"))
    else:
        parts.append(f'<circle cx="{p.x:.0f}" cy="{TOP}" r="4" '
                     f'fill="{"#ffffff" if state == "current" else "#d1d5db"}"/>')
    if n.series is None or side:
        weight = "700" if state == "current" else "400"
        color = INK if state != "ahead" else MUTED
        parts.append(_text(p.x, TOP + r + 20, _lines(n.label.get(lang)), weight=weight,
                           fill=NO if side else color))
    parts.append("</g>")
    return "".join(parts)


def timeline(graph: Graph, lang: str = "de") -> str:
    """The phases of a process as a horizontal timeline: passed, current, ahead."""
    places, width = _layout(graph)
    side = graph.side_finals()
    rows = max([len(_lines(p.node.label.get(lang))) for p in places if p.node.series is None]
               + [2 + (len(c.label.get(lang)) > 24) for c in graph.clusters] + [1])
    height = TOP + R + 4 + 18 + 15 * rows + 8
    out = [f'<svg class="timeline" viewBox="0 0 {width:.0f} {height}" width="100%" '
           f'role="img" aria-label="{esc(ui("fallback_diagram", lang))}" {FONT}>']
    for a, b in itertools.pairwise(places):
        done = (a.node.state == "passed" and b.node.state in ("passed", "current")
                and b.node.id not in side)
        color = PASSED if done else NO if b.node.id in side else LINE
        dash = ' stroke-dasharray="5 4"' if b.node.id in side else ""
        out.append(f'<line x1="{a.x + a.r:.0f}" y1="{TOP}" x2="{b.x - b.r:.0f}" y2="{TOP}" '
                   f'stroke="{color}" stroke-width="4" stroke-linecap="round"{dash}/>')
    for c in graph.clusters:
        xs = [p.x for p in places if p.node.id in c.members]
        if not xs:
            continue
        left, right = min(xs) - R_SERIES - 8, max(xs) + R_SERIES + 8
        out.append(f'<rect x="{left:.0f}" y="{TOP - R_SERIES - 12}" width="{right - left:.0f}" '
                   f'height="{2 * R_SERIES + 24}" rx="14" fill="none" stroke="{LINE}" '
                   'stroke-dasharray="4 4"/>')
        count = c.count(lang)
        mid = (left + right) / 2
        out.append(_text(mid, TOP + R_SERIES + 32, _lines(c.label.get(lang), 24, 2)))
        out.append(_text(mid, TOP + R_SERIES + 48 + (15 if len(c.label.get(lang)) > 24 else 0),
                         [count], size=11, fill=MUTED))
    out.extend(_node(p, graph, lang, p.node.id in side) for p in places)
    out.append("</svg>")
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, its value, and whether to draw it in the accent colour."""

    label: str
    value: int
    accent: bool = False


def bar_chart(bars: Sequence[Bar], *, title: str = "") -> str:
    """A horizontal bar chart (labels left, values right of each bar)."""
    row, label_w, bar_w, pad = 30, 210, 360, 8
    top = 6
    height = top + row * len(bars) + pad
    most = max((b.value for b in bars), default=0) or 1
    out = [f'<svg class="bars" viewBox="0 0 {label_w + bar_w + 60} {height}" width="100%" '
           f'role="img" aria-label="{esc(title)}" {FONT}>']
    for i, b in enumerate(bars):
        y = top + i * row
        w = max(3.0, bar_w * b.value / most)
        color = PASSED if b.accent else "#5eead4"
        out.append(f'<g class="bar" data-label="{esc(b.label)}" data-value="{b.value}">')
        out.append(f'<text x="{label_w - 10}" y="{y + 19}" text-anchor="end" font-size="13" '
                   f'fill="{INK}">{esc(b.label)}</text>')
        out.append(f'<rect x="{label_w}" y="{y + 5}" width="{w:.1f}" height="{row - 10}" '
                   f'rx="4" fill="{color}"/>')
        out.append(f'<text x="{label_w + w + 8:.1f}" y="{y + 19}" font-size="13" '
                   f'font-weight="700" fill="{INK}">{b.value}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)
