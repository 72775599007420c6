"""Seeing the process: diagrams, the handbook of a template, the status report of a process.

    from verantwortung import render
    render.diagram(tpl)                                  # Mermaid stateDiagram-v2 text
    render.diagram(tpl, proc, fmt="dot", lang="en")      # DOT with the process's state
    render.diagram(tpl, fmt="png")                       # bytes, through Graphviz 'dot'
    render.handbook(tpl, fmt="md")                       # the method as a region reads it
    render.report(proc)                                  # one self-contained HTML file
    render.portfolio(processes, fmt="csv", at="2014-06-30")   # across regions

Everything is drawn from a small graph IR (:func:`build_graph`); SVG and PNG need
the Graphviz program ``dot`` (:class:`GraphvizNotFoundError` otherwise).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, overload

from .dot import GraphvizError, GraphvizNotFoundError, graphviz_available, run_dot, to_dot
from .graph import Graph, build_graph
from .handbook import handbook
from .mermaid import to_mermaid
from .portfolio import portfolio
from .report import report

if TYPE_CHECKING:
    from ..engine.process import Process
    from ..model.template import ProcessTemplate

__all__ = [
    "DIAGRAM_FORMATS",
    "Graph",
    "GraphvizError",
    "GraphvizNotFoundError",
    "build_graph",
    "diagram",
    "graphviz_available",
    "handbook",
    "portfolio",
    "report",
    "to_dot",
    "to_mermaid",
]

DIAGRAM_FORMATS = ("mermaid", "dot", "svg", "png")
TextFormat = Literal["mermaid", "dot", "svg"]


@overload
def diagram(template: ProcessTemplate | None = None, process: Process | None = None,
            fmt: TextFormat = "mermaid", lang: str = "de") -> str: ...


@overload
def diagram(template: ProcessTemplate | None, process: Process | None,
            fmt: Literal["png"], lang: str = "de") -> bytes: ...


@overload
def diagram(template: ProcessTemplate | None = None, process: Process | None = None, *,
            fmt: Literal["png"], lang: str = "de") -> bytes: ...


@overload
def diagram(template: ProcessTemplate | None = None, process: Process | None = None,
            fmt: str = "mermaid", lang: str = "de") -> str | bytes: ...


def diagram(template: ProcessTemplate | None = None, process: Process | None = None,
            fmt: str = "mermaid", lang: str = "de") -> str | bytes:
    """The phase diagram of ``template``, or of ``process`` with its current state and
    the deadlines of its current phase (those due today marked).

    ``fmt``: ``mermaid`` or ``dot`` (text), ``svg`` (text) or ``png`` (bytes) through
    Graphviz. ``lang``: ``de`` or ``en``. Raises :class:`GraphvizNotFoundError` when svg or
    png is asked for and Graphviz is not installed.
    """
    if fmt not in DIAGRAM_FORMATS:
        raise ValueError(f"format {fmt!r}; formats are {', '.join(DIAGRAM_FORMATS)}")
    if lang not in ("de", "en"):
        raise ValueError(f"language {lang!r}; languages are de, en")
    graph = build_graph(template, process)
    if fmt == "mermaid":
        return to_mermaid(graph, lang)
    source = to_dot(graph, lang)
    if fmt == "dot":
        return source
    data = run_dot(source, fmt)
    return data.decode("utf-8") if fmt == "svg" else data
