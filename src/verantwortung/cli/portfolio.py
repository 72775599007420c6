"""The portfolio commands of the CLI: ``portfolio`` and ``rebuild-summaries``.

``portfolio`` shows every stored process on one page (HTML), or as JSON or CSV:
where each region stands, what is due, what blocks it, its indicators, and a summary.
Without ``--at`` it reads the store's process summaries (no replay); with ``--at`` it
replays every process up to the end of that day, so a reporting date's figures stay
the same however many events the store receives later. ``rebuild-summaries`` writes
the summaries again from the event log. Exit codes: 0 success, 1 problems, 2 usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager

from .console import EXIT_OK, CommandUsageError, counted, out, write_output
from .options import Command, add_at, add_db, add_format, add_lang, add_output, store_for

__all__ = ["add_commands", "cmd_portfolio", "cmd_rebuild_summaries"]


def _date(text: str | None) -> dt.datetime | None:
    """``--at`` as the end of that day (or that moment), UTC; None when not given."""
    if text is None:
        return None
    from ..render.portfolio_data import report_date

    try:
        return report_date(text)
    except ValueError:
        raise CommandUsageError(f"--at {text!r} is not a date; write YYYY-MM-DD (or "
                                "YYYY-MM-DDTHH:MM)") from None


def cmd_portfolio(args: argparse.Namespace) -> int:
    """Show every stored process on one page: phase, days in phase, what is due and what
    blocks it, indicators, and a summary across regions (HTML, JSON or CSV)."""
    from ..render import portfolio
    from ..store import projection

    at = _date(args.at)
    with _no_collector(), store_for(args) as store:
        if at is None:
            listed = projection.current(store, template=args.template, region=args.region)
        else:
            listed = projection.as_of(store, at, template=args.template, region=args.region)
        text = portfolio(listed.processes, fmt=args.format, lang=args.lang, at=at,
                         started=listed.started)
    write_output(args.output, text)
    return EXIT_OK


@contextmanager
def _no_collector() -> Iterator[None]:
    """The cyclic garbage collector paused while the command builds every process.

    The processes and their records are kept until the page is written and are freed by
    reference counting; meanwhile each full collection walked all of them again, about
    two fifths of the command's CPU time for 1,000 processes (measured with
    benchmarks/bench_portfolio.py). A command runs once per program, so pausing it here
    touches no other work.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def cmd_rebuild_summaries(args: argparse.Namespace) -> int:
    """Write the store's process summaries (what portfolio reads) again from the log."""
    from ..store import projection

    with store_for(args, create=True) as store:
        ids = [store.resolve(i) for i in args.ids] if args.ids else None
        count = projection.rebuild(store, ids)
    out(f"{counted(count, 'summary', 'summaries')} rebuilt from the event log")
    return EXIT_OK


def add_commands(command: Command) -> None:
    """Register the portfolio commands on the main parser."""
    p = command("portfolio", cmd_portfolio)
    add_db(p)
    add_at(p, "the reporting date, YYYY-MM-DD: every process as it was at the end of that "
           "day (default: now)")
    p.add_argument("--template", metavar="ID", help="only processes of this template id")
    p.add_argument("--region", help="only the processes of this region")
    add_format(p, ("html", "json", "csv"), required=True,
               help="html: one self-contained page; json; csv (UTF-8 with BOM)")
    add_lang(p, "labels and texts")
    add_output(p, "the portfolio")
    p = command("rebuild-summaries", cmd_rebuild_summaries)
    add_db(p)
    p.add_argument("ids", nargs="*", metavar="ID", help="only these processes (default all)")
