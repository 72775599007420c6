"""The render commands of the CLI: diagram, handbook, report.

``diagram`` draws a template, or a stored process on its template, as Mermaid,
DOT, SVG or PNG (the last two through Graphviz); ``handbook`` writes the method
of a template as Markdown or HTML; ``report`` writes the status report of a stored
process as one self-contained HTML file. Exit codes as everywhere: 0 success,
1 problems (an unknown process, a broken template, Graphviz missing), 2 usage.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from .console import EXIT_OK, CommandUsageError, write_output
from .options import Command, add_db, add_format, add_lang, add_output, store_for

if TYPE_CHECKING:
    from ..model.template import ProcessTemplate

__all__ = ["add_commands", "cmd_diagram", "cmd_handbook", "cmd_report"]


def _template(source: str) -> ProcessTemplate:
    from .. import load_template

    return load_template(source)


def cmd_diagram(args: argparse.Namespace) -> int:
    """Draw the phase diagram of a template, or of a stored process (--process ID)."""
    from ..render import diagram

    if (args.template is None) == (args.process is None):
        raise CommandUsageError("give a TEMPLATE or --process ID (one of them)")
    if args.format == "png" and args.output is None and sys.stdout.isatty():
        raise CommandUsageError("PNG is binary: give -o FILE (or pipe the output)")
    if args.process is not None:
        with store_for(args) as store:
            proc = store.load(store.resolve(args.process))
        data: str | bytes = diagram(None, proc, fmt=args.format, lang=args.lang)
    else:
        data = diagram(_template(args.template), fmt=args.format, lang=args.lang)
    write_output(args.output, data)
    return EXIT_OK


def cmd_handbook(args: argparse.Namespace) -> int:
    """Write the handbook of a template: phases, questions, checklists, rules in words."""
    from ..render import handbook

    text = handbook(_template(args.template), lang=args.lang, fmt=args.format)
    write_output(args.output, text)
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    """Write the HTML status report of a stored process (one self-contained file)."""
    from ..render import report

    with store_for(args) as store:
        proc = store.load(store.resolve(args.id))
    write_output(args.output, report(proc, lang=args.lang))
    return EXIT_OK


def add_commands(command: Command) -> None:
    """Register the render commands on the main parser."""
    lang = "labels and texts"
    p = command("diagram", cmd_diagram)
    p.add_argument("template", nargs="?", metavar="TEMPLATE",
                   help="bundled template id or path")
    p.add_argument("--process", metavar="ID", help="a stored process: draw where it stands")
    add_db(p)
    add_format(p, ("mermaid", "dot", "svg", "png"),
               help="mermaid (default) or dot text; svg or png need Graphviz")
    add_lang(p, lang)
    add_output(p, "the diagram")
    p = command("handbook", cmd_handbook)
    p.add_argument("template", metavar="TEMPLATE", help="bundled template id or path")
    add_lang(p, lang)
    add_format(p, ("md", "html"), help="Markdown (default) or a self-contained HTML page")
    add_output(p, "the handbook")
    p = command("report", cmd_report)
    p.add_argument("id", metavar="ID", help="process id")
    add_db(p)
    add_lang(p, lang)
    add_output(p, "the HTML report")
