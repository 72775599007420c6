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
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ._commands_process import DB_ENV, store_for
from ._console import EXIT_OK, CommandUsageError

__all__ = ["add_render_commands", "cmd_diagram", "cmd_handbook", "cmd_report"]


def _write(output: str | None, data: str | bytes) -> None:
    """Write ``data`` to the file ``output``, or to stdout."""
    if output is None or output == "-":
        if isinstance(data, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(data if data.endswith("\n") else data + "\n")
        return
    try:
        if isinstance(data, bytes):
            Path(output).write_bytes(data)
        else:
            Path(output).write_text(data, encoding="utf-8")
    except OSError as exc:
        raise CommandUsageError(f"cannot write {output}: {exc.strerror or exc}") from None


def _template(source: str) -> Any:
    from .io.loader import load
    from .rules.registry import registry

    return load(source, custom_rules=registry)


def cmd_diagram(args: argparse.Namespace) -> int:
    """Draw the phase diagram of a template, or of a stored process (--process ID)."""
    from .render import diagram

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
    _write(args.output, data)
    return EXIT_OK


def cmd_handbook(args: argparse.Namespace) -> int:
    """Write the handbook of a template: phases, questions, checklists, rules in words."""
    from .render import handbook

    text = handbook(_template(args.template), lang=args.lang, fmt=args.format)
    _write(args.output, text)
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    """Write the HTML status report of a stored process (one self-contained file)."""
    from .render import report

    with store_for(args) as store:
        proc = store.load(store.resolve(args.id))
    _write(args.output, report(proc, lang=args.lang))
    return EXIT_OK


def add_render_commands(
    command: Callable[[str, Callable[[argparse.Namespace], int]], argparse.ArgumentParser],
) -> None:
    """Register the render commands on the main parser."""

    def db(p: argparse.ArgumentParser) -> None:
        p.add_argument("--db", metavar="URL", help=f"store URL or SQLite file (env {DB_ENV}; "
                       "default sqlite:///verantwortung.sqlite3)")

    def lang(p: argparse.ArgumentParser) -> None:
        p.add_argument("--lang", choices=["de", "en"], default="de",
                       help="language of labels and texts (default de)")

    def output(p: argparse.ArgumentParser, what: str) -> None:
        p.add_argument("-o", "--output", metavar="FILE",
                       help=f"write {what} to FILE instead of stdout")

    p = command("diagram", cmd_diagram)
    p.add_argument("template", nargs="?", metavar="TEMPLATE",
                   help="bundled template id or path")
    p.add_argument("--process", metavar="ID", help="a stored process: draw where it stands")
    db(p)
    p.add_argument("--format", choices=["mermaid", "dot", "svg", "png"], default="mermaid",
                   help="mermaid (default) or dot text; svg or png need Graphviz")
    lang(p)
    output(p, "the diagram")
    p = command("handbook", cmd_handbook)
    p.add_argument("template", metavar="TEMPLATE", help="bundled template id or path")
    lang(p)
    p.add_argument("--format", choices=["md", "html"], default="md",
                   help="Markdown (default) or a self-contained HTML page")
    output(p, "the handbook")
    p = command("report", cmd_report)
    p.add_argument("id", metavar="ID", help="process id")
    db(p)
    lang(p)
    output(p, "the HTML report")
